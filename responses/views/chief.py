"""The chief officer's office's side of the PCC's response (U6): its invitations and its comments.

The chief's office sees only what it was invited to comment on (404 otherwise, audited), never the
PCC's draft; it enters its comments here, and responses.services decides whether it still may.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods

from hmicfrs_mou.audit import audit_record
from hmicfrs_mou.form_pages import form_page, posted
from hmicfrs_mou.models import AuditAction
from responses import services
from responses.access import get_obligation_for_chief, obligations_for_chief
from responses.forms import ChiefCommentsForm


@login_required
@require_GET
def invitations(request: HttpRequest) -> HttpResponse:
    """The responses the chief officer's office is invited to comment on, newest date first."""
    now = timezone.now()
    obligations = (
        obligations_for_chief(request.user, now)
        .select_related("report", "area", "office")
        .prefetch_related("submissions")
        .order_by("-chief_comments_due_on", "pk")
    )
    rows = [
        {
            "obligation": obligation,
            "due_words": services.chief_comments_due_words(obligation),
            "closed": services.chief_may_comment(obligation, now),
        }
        for obligation in obligations
    ]
    return render(request, "responses/chief/invitations.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def comments(request: HttpRequest, pk: int) -> HttpResponse:
    """U6: enter or change the chief officer's comments while invited and before the PCC submits."""
    obligation = get_obligation_for_chief(request, pk)
    now = timezone.now()
    if request.method == "GET":
        # The office's comments on the PCC's response: every reading is on the trail (audit
        # completeness); saving them is audited by the service.
        audit_record(action=AuditAction.VIEW, obj=obligation, request=request, detail={"comments_page": True})
    return form_page(
        request,
        form=ChiefCommentsForm(posted(request), initial={"comments": obligation.chief_comments}),
        template="responses/chief/comments.html",
        context={
            "obligation": obligation,
            "closed": services.chief_may_comment(obligation, now),
            "due_words": services.chief_comments_due_words(obligation),
            "response_due_words": services.response_due_words(obligation),
            "recommendations": list(services.recommendations_of(obligation)),
        },
        perform=lambda data: services.response_chief_comment(
            obligation=obligation, comments=data["comments"], by=request.user
        ),
        done=gettext(
            "Your comments have been saved. The PCC's office has been told, and its response will include them."
        ),
        then=reverse("responses:chief-comments", kwargs={"pk": obligation.pk}),
        instance=obligation,
    )
