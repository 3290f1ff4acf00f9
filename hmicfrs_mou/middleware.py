"""Response headers the portal adds itself."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

PRIVATE_NO_STORE = "private, no-store"


class PrivateNoStoreMiddleware:
    """`Cache-Control: private, no-store` on every response to a signed-in user.

    Pages for a signed-in user hold embargoed and confidential material: no shared cache may keep
    them, and a browser keeps no copy, so the back button on a shared computer shows nothing once
    the user has signed out. The test is made before the view runs as well as after, so the answer
    to signing out (and to signing in) is covered too. Pages for anonymous visitors (the public
    pages) are left as the view made them: they may be cached.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        signed_in_before = bool(user is not None and user.is_authenticated)
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if signed_in_before or (user is not None and user.is_authenticated):
            response.headers["Cache-Control"] = PRIVATE_NO_STORE
            response.headers.pop("Expires", None)
        return response
