"""Placeholder: filled in by its page work."""

from django.http import HttpRequest, HttpResponse


def register(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def finding(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def finding_status(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def finding_note(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError
