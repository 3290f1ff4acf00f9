"""Placeholder: filled in by its page work."""

from django.http import HttpRequest, HttpResponse


def plan_new(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def plan(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def plan_file(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def plan_note(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def toolkit(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def toolkit_file(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def toolkit_send(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError
