"""Placeholder: filled in by its page work."""

from django.http import HttpRequest, HttpResponse


def meeting_new(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def meeting(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def meeting_deputy(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def meeting_held(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def action_new(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def action(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def action_follow_up(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError
