"""The portal's URLs plus the benchmark floor: the cheapest page a signed-in person can load.

The floor pays for what every authenticated page pays (session, user, middleware)
and nothing else, so a page's time divided by the floor's is what the page itself
costs. The once-a-minute session write of the idle clock is kept out of both: the
bench moves the clock between rounds (benchmarks/pages.py, `_seen_now`).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import include, path


@login_required
def floor(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("__floor__/", floor, name="bench-floor"),
    path("", include("hmicfrs_mou.urls")),
]
