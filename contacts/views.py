from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_safe

from contacts import selectors
from contacts.access import can_record_meeting, confidential_roles, get_meeting_for_user, may_see_meetings
from contacts.cadences import cadence_rows
from contacts.forms import DirectoryFilterForm, MeetingForm
from contacts.models import AREA_KINDS, AREA_URL_SLUGS, Meeting, Organisation, User
from contacts.sections import AREA_SECTIONS
from contacts.services import meeting_record
from hmicfrs_mou.access import holds
from hmicfrs_mou.audit import audit_record
from hmicfrs_mou.form_pages import form_page, posted
from hmicfrs_mou.models import AuditAction
from hmicfrs_mou.pagination import CappedPaginator
from hmicfrs_mou.permissions import Perm
from hmicfrs_mou.sorting import Column, Sorting

KIND_SLUGS = {value: key for key, value in AREA_URL_SLUGS.items()}


def _require(request: HttpRequest, perm: Perm) -> None:
    if not holds(request.user, perm):
        raise PermissionDenied


def _area(kind_slug: str, slug: str, on: dt.date, *, panels: bool = False) -> Organisation:
    """The area, read with its governance, office (and panel) on the day joined in, for `area_rows`."""
    kind = KIND_SLUGS.get(kind_slug)
    if kind is None:
        raise Http404
    found = selectors.with_governance_on(Organisation.objects.filter(kind=kind, slug=slug), on, panels=panels)
    if not found:
        raise Http404
    return found[0]


def _names(people: list[User]) -> str | None:
    return ", ".join(sorted(str(person) for person in people)) or None


# The directory comes forces first, then FRSs, by name; a column chosen sorts on it (people by name; an
# area with nobody assigned last either way), equal rows keeping that order.
DIRECTORY_SORTING = Sorting(
    [
        Column("area", _("Force or FRS"), value=lambda row: (row.area.kind != AREA_KINDS[0], row.area.name)),
        Column(
            "governed",
            _("Governed by"),
            value=lambda row: row.governance.body.name if row.governance else None,
        ),
        Column("hmi", _("HMI"), value=lambda row: _names(row.hmis)),
        Column("lead", _("Liaison lead"), value=lambda row: _names(row.liaison_leads)),
    ],
    default="area",
)


@login_required
@require_GET
def directory(request: HttpRequest) -> HttpResponse:
    _require(request, Perm.VIEW_DIRECTORY)
    form = DirectoryFilterForm(request.GET or None)
    kind = q = ""
    if form.is_valid():
        kind, q = form.cleaned_data["kind"], form.cleaned_data["q"]
    today = timezone.localdate()
    rows, sort = DIRECTORY_SORTING.sort_rows(
        request, selectors.area_rows(selectors.areas(kind=kind, q=q), on=today)
    )
    return render(
        request,
        "contacts/directory.html",
        {"form": form, "rows": rows, "sort": sort, "today": today},
    )


@login_required
@require_GET
def area_detail(request: HttpRequest, kind_slug: str, slug: str) -> HttpResponse:
    _require(request, Perm.VIEW_DIRECTORY)
    today = timezone.localdate()
    area = _area(kind_slug, slug, today, panels=True)
    detail = selectors.area_detail(area, on=today)
    return render(
        request,
        "contacts/area_detail.html",
        {
            "detail": detail,
            "today": today,
            # C4, C5, L1, L2: the HMI for the area and its PCC's office reach their confidential records here.
            "confidential": confidential_roles(request.user, area, office=detail.row.record_office),
        },
    )


# 100 pages of 25: past them, sorting by meeting or subject, or an area's own page, reaches the rest.
MEETINGS_COUNT_CAP = 2_500

MEETING_SORTING = Sorting(
    [
        Column("date", _("Date"), ("held_on",), first="desc"),
        Column("meeting", _("Meeting"), ("kind",)),
        Column("about", _("About"), ("subject__name",)),
    ],
    default="date",
)


@login_required
@require_GET
def meeting_list(request: HttpRequest) -> HttpResponse:
    if not may_see_meetings(request.user):
        raise PermissionDenied
    meetings, sort = MEETING_SORTING.apply(
        request, Meeting.objects.visible_to(request.user).select_related("subject")
    )
    # Counted to MEETINGS_COUNT_CAP at most: a count of every meeting ever held grows with the years.
    page = CappedPaginator(meetings, 25, cap=MEETINGS_COUNT_CAP).get_page(request.GET.get("page"))
    return render(
        request,
        "contacts/meeting_list.html",
        {
            "page_obj": page,
            "sort": sort,
            "querystring": sort.querystring,
            "can_record": can_record_meeting(request.user),
        },
    )


@login_required
@require_GET
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_user(request, pk)
    if meeting.confidential:
        audit_record(action=AuditAction.VIEW, obj=meeting, request=request)
    return render(request, "contacts/meeting_detail.html", {"meeting": meeting})


@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request: HttpRequest) -> HttpResponse:
    if not can_record_meeting(request.user):
        raise PermissionDenied
    return form_page(
        request,
        form=MeetingForm(posted(request)),
        template="contacts/meeting_form.html",
        context={},
        perform=lambda data: meeting_record(
            kind=data["kind"],
            held_on=data["held_on"],
            subject=data["subject"],
            attendees=data["attendees"],
            notes=data["notes"],
            confidential=data["confidential"],
            by=request.user,
            request=request,
        ),
        done=gettext("Meeting recorded."),
        then=lambda meeting: reverse("contacts:meeting", kwargs={"pk": meeting.pk}),
    )


@login_required
@require_GET
def cadences(request: HttpRequest) -> HttpResponse:
    if not may_see_meetings(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    rows = cadence_rows(user=request.user, on=today)
    show = request.GET.get("show", "")
    if show == "overdue":
        rows = [row for row in rows if row.overdue]
    return render(
        request,
        "contacts/cadences.html",
        {"rows": rows, "today": today, "show": show, "overdue_count": sum(row.overdue for row in rows)},
    )


@require_safe
def public_index(request: HttpRequest) -> HttpResponse:
    """Forces and FRSs with who governs them: public facts, no personal data."""
    today = timezone.localdate()
    rows = selectors.area_rows(selectors.areas(), on=today, with_people=False)
    forces = [row for row in rows if row.area.kind == AREA_KINDS[0]]
    services = [row for row in rows if row.area.kind == AREA_KINDS[1]]
    return render(
        request,
        "public/index.html",
        {"forces": forces, "services": services, "today": today},
    )


@require_safe
def public_area(request: HttpRequest, kind_slug: str, slug: str) -> HttpResponse:
    today = timezone.localdate()
    area = _area(kind_slug, slug, today)
    row = selectors.area_rows([area], on=today, with_people=False)[0]
    history = area.governance.select_related("body").order_by("-starts_on")
    return render(
        request,
        "public/area.html",
        {
            "row": row,
            "history": history,
            "today": today,
            "sections": AREA_SECTIONS.render(area, timezone.now()),
        },
    )
