"""Placeholder: filled in by its page work."""

from django.http import HttpRequest, HttpResponse


def tracker(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def tracker_csv(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError
