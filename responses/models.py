"""Statutory responses (U6, U7), FRS action plans (U8) and super-complaints (S1–S3)."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contacts.models import Organisation
from inspections.models import Finding, Report, ReportKind

User = settings.AUTH_USER_MODEL


class ObligationState(models.TextChoices):
    AWAITING = "awaiting", _("Awaiting response")
    SUBMITTED = "submitted", _("Submitted")
    ANSWERED_ELSEWHERE = "answered_elsewhere", _("Answered by another response")


class ObligationQuerySet(models.QuerySet):
    def visible_to(self, user: object, at: dt.datetime | None = None) -> ObligationQuerySet:
        # At call time: responses.access states its rules with these models, so the models reach it
        # only once loaded. A loop inside one app, kept so the rules live in access.py; not across apps.
        from responses.access import obligations_visible_to

        return obligations_visible_to(self, user, at)


class ResponseObligation(models.Model):
    """U6: a PCC must respond to a published report involving its force within 56 days (D5)."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="obligations")
    area = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="response_obligations")
    office = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="obligations_to_answer",
        help_text="The office of the body governing the force on the day of publication.",
    )
    published_on = models.DateField(verbose_name="report published on")
    due_at = models.DateTimeField(verbose_name="due")
    working = models.TextField()
    state = models.CharField(max_length=20, choices=ObligationState.choices, default=ObligationState.AWAITING)
    # The builder (s55(4)–(5B)).
    chief_comments_invited_at = models.DateTimeField(
        verbose_name="chief's comments invited", null=True, blank=True
    )
    chief_comments_due_on = models.DateField(verbose_name="chief's comments due by", null=True, blank=True)
    chief_comments = models.TextField(verbose_name="chief's comments", blank=True)
    # U6: entered by the chief officer's office in its own portal, while invited and before submission.
    chief_comments_by = models.ForeignKey(
        User,
        verbose_name="chief's comments entered by",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    chief_comments_at = models.DateTimeField(verbose_name="chief's comments received", null=True, blank=True)
    pcc_comments = models.TextField(verbose_name="PCC's comments", blank=True)
    reply_to_chief = models.TextField(
        blank=True, help_text="The PCC's response to the chief officer's comments."
    )
    published_url = models.URLField(
        verbose_name="address of the published response", blank=True, max_length=500
    )
    answered_by = models.ForeignKey(
        "self",
        verbose_name="answered by another response",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="answers_for",
        help_text="Answered by the response to another report with the same findings.",
    )
    answered_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(verbose_name="created", default=timezone.now)

    objects = ObligationQuerySet.as_manager()

    class Meta:
        verbose_name = "PCC response"
        verbose_name_plural = "PCC responses"
        ordering: ClassVar = ["due_at", "pk"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["report", "area"], name="one_obligation_per_report_and_force"),
            models.CheckConstraint(
                condition=Q(answered_by__isnull=True) | ~Q(answered_reason=""),
                name="answered_elsewhere_has_reason",
            ),
        ]
        indexes: ClassVar = [
            # The responses list's count for each state (responses.views.opcc.awaiting), an office's and
            # HMICFRS's, counted to a cap: created_at, which the readers' rules compare with the moment
            # (responses.access), too, so each count reads the index alone.
            models.Index(fields=["office", "state", "created_at"], name="responses_of_office_by_state"),
            models.Index(fields=["state", "created_at"], name="responses_by_state"),
            models.Index(fields=["state", "due_at"]),
            # The overdue lists (responses.selectors.overdue_responses): the responses with no upload and no
            # answer elsewhere, in the order they fell due; created_at too, so counting them reads the index only.
            models.Index(
                fields=["due_at", "created_at"],
                condition=Q(state="awaiting"),
                name="outstanding_responses_by_due",
            ),
            # A force's public page: its newest responses first.
            models.Index(fields=["area", "-published_on"], name="responses_of_a_force_newest"),
            # The portal search's PCC responses, soonest due first, counted up to a cap
            # (hmicfrs_mou.search.COUNT_CAP): read in this order, a common word stops at the cap instead of
            # every response being read and sorted.
            models.Index(fields=["due_at", "id"], name="responses_by_due"),
        ]
        permissions: ClassVar = [
            (
                "view_all_responseobligation",
                "See every office's statutory responses once submitted (HMICFRS)",
            ),
        ]

    def __str__(self) -> str:
        return f"Response to {self.report} for {self.area}"


REVISION_BITS = 40


def new_revision() -> int:
    """A tally's revision: a fresh random number each time the tally is written. The sum of the revisions of
    the tallies read (with their count) tells whether any of them changed since the figures were counted
    (responses.selectors.current_timeliness); 40 bits, so the sum of millions of them fits a 64-bit integer."""
    return secrets.randbits(REVISION_BITS)


class ResponseTally(models.Model):
    """U7's figures for one force, its PCC office, one report type and one publication year, kept current by
    the services that create, submit and answer responses (responses.tallies), so the timeliness pages
    read a few hundred of these rows instead of every response ever due.

    Responses still outstanding are kept by the moment they fall due (`open_due`), so "awaiting" and
    "overdue" are told apart when the figures are read: the end of day 56 needs no write.
    """

    area = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    office = models.ForeignKey(
        Organisation, verbose_name="PCC office", on_delete=models.CASCADE, related_name="+"
    )
    report_kind = models.CharField("report type", max_length=40, choices=ReportKind.choices)
    year = models.PositiveSmallIntegerField("year of publication")
    on_time = models.PositiveIntegerField("published on time", default=0)
    late = models.PositiveIntegerField("published late", default=0)
    answered_elsewhere = models.PositiveIntegerField("answered by another response", default=0)
    # {"days from publication to the first upload": how many}, for the medians.
    days = models.JSONField("days to respond", default=dict)
    # {"moment day 56 ends, ISO 8601 in UTC": how many}: the responses neither uploaded nor answered elsewhere.
    open_due = models.JSONField("outstanding, by the moment they fall due", default=dict)
    refreshed_at = models.DateTimeField("counted at", default=timezone.now)
    # Drawn afresh at every write (`save`; `bulk_create` gives each new tally its own). Not a counter: a
    # counter's write rolled back and another made would give the same number to different figures.
    revision = models.BigIntegerField("revision", default=new_revision, editable=False)

    class Meta:
        verbose_name = "response timeliness tally"
        verbose_name_plural = "response timeliness tallies"
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["area", "office", "report_kind", "year"], name="one_tally_per_force_office_kind_year"
            ),
        ]
        indexes: ClassVar = [models.Index(fields=["year", "report_kind"])]

    def __str__(self) -> str:
        return f"Responses of {self.office} for {self.area}, {self.report_kind} reports, {self.year}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Every save is a new revision, however the tally was changed: the figures remembered from the old one
        # (responses.selectors.current_timeliness) must not be taken for the new. A QuerySet.update or a
        # bulk_update bypasses this and must set `revision` itself.
        self.revision = new_revision()
        super().save(*args, **kwargs)


class RecommendationResponse(models.Model):
    """s55(5B): for each recommendation, the action taken or proposed, or why none."""

    obligation = models.ForeignKey(
        ResponseObligation,
        verbose_name="PCC response",
        on_delete=models.CASCADE,
        related_name="recommendation_responses",
    )
    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, related_name="+")
    action = models.TextField(blank=True)
    no_action_reason = models.TextField(blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["obligation", "finding"], name="one_answer_per_recommendation"),
        ]

    def __str__(self) -> str:
        return f"{self.finding.reference}"


class Submission(models.Model):
    """A submitted version of a response: never overwritten; the upload counts as sending it to
    HMICFRS and the Home Secretary (U6)."""

    obligation = models.ForeignKey(
        ResponseObligation, verbose_name="PCC response", on_delete=models.PROTECT, related_name="submissions"
    )
    version = models.PositiveIntegerField()
    submitted_at = models.DateTimeField(verbose_name="sent")
    submitted_by = models.ForeignKey(User, verbose_name="sent by", on_delete=models.PROTECT, related_name="+")
    late = models.BooleanField(verbose_name="sent late", default=False)
    stored_name = models.CharField(max_length=100, unique=True)
    original_name = models.CharField(max_length=255)
    size = models.PositiveIntegerField(verbose_name="size (bytes)")
    sha256 = models.CharField(verbose_name="SHA-256 fingerprint", max_length=64)
    content = models.JSONField(help_text="The response's parts as submitted.")
    published_url = models.URLField(verbose_name="address of the published response", max_length=500)
    sent_to_home_secretary = models.BooleanField(verbose_name="sent to the Home Secretary", default=True)

    class Meta:
        ordering: ClassVar = ["obligation", "-version"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["obligation", "version"], name="submission_version_unique"),
        ]
        indexes: ClassVar = [
            # responses.selectors.overdue_responses: the responses first uploaded after a moment (none, when
            # the moment is now), found without reading every upload.
            models.Index(fields=["submitted_at"], condition=Q(version=1), name="first_upload_at"),
        ]

    def __str__(self) -> str:
        return f"{self.obligation} v{self.version}"


# --- U8: FRS action plans -------------------------------------------------------------------


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETE = "complete", _("Complete")


class ActionPlanItem(models.Model):
    finding = models.OneToOneField(Finding, on_delete=models.PROTECT, related_name="action_plan_item")
    area = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="action_plan_items")
    action = models.TextField()
    owner = models.CharField(max_length=200)
    target_on = models.DateField(verbose_name="target date")
    status = models.CharField(max_length=20, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED)
    updated_at = models.DateTimeField(verbose_name="last updated", default=timezone.now)

    def __str__(self) -> str:
        return f"Action for {self.finding.reference}"


class ActionPlanUpdate(models.Model):
    item = models.ForeignKey(
        ActionPlanItem, verbose_name="action plan item", on_delete=models.CASCADE, related_name="updates"
    )
    text = models.TextField()
    status = models.CharField(max_length=20, choices=ActionStatus.choices)
    by = models.ForeignKey(User, verbose_name="updated by", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(verbose_name="updated", default=timezone.now)

    class Meta:
        ordering: ClassVar = ["-at"]

    def __str__(self) -> str:
        return f"Update to {self.item}"


class ActionPlanVersion(models.Model):
    """A published version of an FRS's action plan for one report (U8)."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="action_plan_versions")
    area = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField()
    published_at = models.DateTimeField(verbose_name="published")
    published_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    content = models.JSONField()

    class Meta:
        ordering: ClassVar = ["-published_at"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["report", "area", "version"], name="action_plan_version_unique"),
        ]

    def __str__(self) -> str:
        return f"Action plan v{self.version} for {self.report}"


# --- S1–S3: super-complaints ---------------------------------------------------------------


class SuperComplaintState(models.TextChoices):
    RECEIVED = "received", _("Received")
    ELIGIBLE = "eligible", _("Eligible for investigation")
    NOT_ELIGIBLE = "not_eligible", _("Not eligible")
    INVESTIGATING = "investigating", _("Under investigation")
    REPORTED = "reported", _("Reported")


class SuperComplaint(models.Model):
    title = models.CharField(max_length=300)
    designated_body = models.CharField(max_length=300, help_text="The designated body that raised it.")  # S1
    received_at = models.DateTimeField(verbose_name="received")
    state = models.CharField(
        max_length=20, choices=SuperComplaintState.choices, default=SuperComplaintState.RECEIVED
    )
    eligibility_decided_at = models.DateTimeField(verbose_name="eligibility decided", null=True, blank=True)
    eligibility_reason = models.TextField(blank=True)
    apcc_notified_at = models.DateTimeField(verbose_name="APCC notified", null=True, blank=True)
    investigators = models.ManyToManyField(
        Organisation, blank=True, related_name="super_complaints_investigated"
    )
    apcc_supporters = models.ManyToManyField(
        User, verbose_name="APCC supporters", blank=True, related_name="+"
    )
    report = models.ForeignKey(
        Report, null=True, blank=True, on_delete=models.PROTECT, related_name="super_complaints"
    )

    class Meta:
        verbose_name = "super-complaint"
        verbose_name_plural = "super-complaints"
        ordering: ClassVar = ["-received_at"]

    def __str__(self) -> str:
        return self.title
