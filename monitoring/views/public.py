"""Placeholder: filled in by its page work."""

from django.http import HttpRequest, HttpResponse


def police(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def fire(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def previously(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def case(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError
