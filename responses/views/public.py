"""Public pages about PCC responses (U6), for everyone, no sign-in.

Only the fact of a response is public (on time, late, awaiting, overdue) and the
address where the PCC published it; never the drafts, never people's names.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from hmicfrs_mou.pagination import KnownCountPaginator
from responses.selectors import current_timeliness, days_overdue, last_day, overdue_responses

PAGE_SIZE = 50


@require_safe
def overdue(request: HttpRequest) -> HttpResponse:
    """Responses to published reports whose 56 days (D5) have ended with nothing uploaded, longest overdue first."""
    now = timezone.now()
    # How many: the tallies' overdue figure (responses.tallies, kept current by the services), not a count of
    # every overdue response on each view. The paginator checks it against the rows it reads and counts them
    # should it be out of step.
    overdue_count = current_timeliness(at=now, name_offices=False).total.overdue
    page = KnownCountPaginator(overdue_responses(now), PAGE_SIZE, count=overdue_count).get_page(
        request.GET.get("page")
    )
    rows = [
        {
            "obligation": obligation,
            "last_day": last_day(obligation),
            "days_overdue": days_overdue(obligation, now),
        }
        for obligation in page
    ]
    return render(request, "responses/public/overdue.html", {"page_obj": page, "rows": rows, "now": now})
