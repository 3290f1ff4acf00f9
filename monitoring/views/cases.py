"""Placeholder: filled in by its page work."""

from django.http import HttpRequest, HttpResponse


def workspace(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def area(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def concern_new(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def concern(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def concern_mark(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def case_new(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def case(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def case_decide(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def case_pcc_informed(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def case_announce(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def case_letter(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def case_letter_pdf(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def case_exit(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError
