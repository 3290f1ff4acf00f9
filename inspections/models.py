"""Inspections from programme to publication (P1–P3, I1–I8, U1–U5).

Visibility is never stored as a flag a task flips: it is decided at each
request from the moments kept here (the factual-accuracy window, distribution,
publication) by inspections.access.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contacts.models import Organisation
from hmicfrs_mou.choices import choice_label

User = settings.AUTH_USER_MODEL


# --- P1: the inspection programme and framework -----------------------------------------


class ProgrammeState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REPRESENTATIONS_REQUESTED = "representations_requested", _("Representations asked of the APCC chair")
    UNDER_CONSIDERATION = "under_consideration", _("Representations under consideration")
    SUBMITTED = "submitted", _("Submitted for the Home Secretary's approval")
    APPROVED = "approved", _("Approved by the Home Secretary")
    LAID = "laid", _("Laid before Parliament")


PROGRAMME_ORDER = list(ProgrammeState.values)


class Programme(models.Model):
    title = models.CharField(max_length=300)
    year = models.CharField(max_length=9, help_text="For example 2026–27")
    framework = models.TextField(blank=True)
    state = models.CharField(max_length=30, choices=ProgrammeState.choices, default=ProgrammeState.DRAFT)
    representations_due_on = models.DateField(verbose_name="representations due by", null=True, blank=True)
    created_at = models.DateTimeField(verbose_name="created", default=timezone.now)

    class Meta:
        ordering: ClassVar = ["-year"]

    def __str__(self) -> str:
        return f"{self.title} ({self.year})"


class ProgrammeEvent(models.Model):
    """The state history of a programme (P1)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="events")
    state = models.CharField(max_length=30, choices=ProgrammeState.choices)
    at = models.DateTimeField(verbose_name="changed", default=timezone.now)
    by = models.ForeignKey(
        User, verbose_name="changed by", null=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering: ClassVar = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.programme}: {self.get_state_display()}"


class RepresentationKind(models.TextChoices):
    APCC_COLLATED = "apcc_collated", _("The APCC's collated response for its members")
    PCC_DIRECT = "pcc_direct", _("A PCC's direct response")


class Representation(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="representations")
    kind = models.CharField(max_length=20, choices=RepresentationKind.choices)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    received_at = models.DateTimeField(verbose_name="received", default=timezone.now)
    considered_at = models.DateTimeField(verbose_name="considered", null=True, blank=True)
    consideration = models.TextField(blank=True)

    class Meta:
        ordering: ClassVar = ["received_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.organisation}"


# --- P2, P3 ---------------------------------------------------------------------------------


class CommissionState(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    SCOPE_DISCUSSED = "scope_discussed", _("Scope discussed")
    ESTIMATE_AGREED = "estimate_agreed", _("Duration and cost agreed")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class CommissionRequest(models.Model):
    """P2: a PCC or group of PCCs commissions an inspection of their force(s); the OPCC meets the cost."""

    requested_by = models.ManyToManyField(Organisation, related_name="commissions_requested")
    areas = models.ManyToManyField(Organisation, related_name="commissions_about")
    scope = models.TextField()
    state = models.CharField(
        max_length=20, choices=CommissionState.choices, default=CommissionState.REQUESTED
    )
    estimated_days = models.PositiveIntegerField(null=True, blank=True)
    estimated_cost_pounds = models.DecimalField(
        verbose_name="estimated cost (£)", max_digits=10, decimal_places=2, null=True, blank=True
    )
    estimate_agreed_at = models.DateTimeField(verbose_name="estimate agreed", null=True, blank=True)
    decided_at = models.DateTimeField(verbose_name="decided", null=True, blank=True)
    created_at = models.DateTimeField(verbose_name="created", default=timezone.now)
    # P2: what was said about the scope with the requesting PCC(s), and when.
    scope_discussion = models.TextField(blank=True)
    scope_discussed_at = models.DateTimeField(verbose_name="scope discussed", null=True, blank=True)
    decline_reason = models.TextField(blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at"]

    def __str__(self) -> str:
        return f"Commissioned inspection request {self.pk}"


class AssistanceRequest(models.Model):
    """P2: a PFCC cannot commission an inspection of its FRS; it raises a request for assistance instead."""

    office = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="assistance_requested")
    area = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="assistance_about")
    text = models.TextField()
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(verbose_name="requested", default=timezone.now)

    class Meta:
        ordering: ClassVar = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"Request for assistance {self.pk}"


# --- Inspections ----------------------------------------------------------------------------


class InspectionKind(models.TextChoices):
    PEEL = "peel", _("PEEL")
    FRS = "frs", _("Fire and rescue service inspection")
    THEMATIC = "thematic", _("Thematic")
    COMMISSIONED = "commissioned", _("Commissioned")
    JOINT = "joint", _("Joint inspection")


class Inspection(models.Model):
    kind = models.CharField(max_length=20, choices=InspectionKind.choices)
    title = models.CharField(max_length=300)
    areas = models.ManyToManyField(Organisation, related_name="inspections")
    lead = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        related_name="inspections_led",
        help_text="The senior responsible owner HMI.",
    )
    team = models.ManyToManyField(User, related_name="inspection_teams", blank=True)
    commission = models.OneToOneField(
        CommissionRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="inspection"
    )
    created_at = models.DateTimeField(verbose_name="created", default=timezone.now)

    class Meta:
        ordering: ClassVar = ["-created_at"]
        permissions: ClassVar = [("view_all_inspection", "Work on every inspection (HMICFRS)")]

    def __str__(self) -> str:
        return self.title

    @property
    def kind_label(self) -> Any:
        return choice_label(InspectionKind, self.kind)


class ReferenceGroup(models.Model):
    """P3: an external reference group; it should include the APCC or at least one PCC."""

    inspection = models.OneToOneField(Inspection, on_delete=models.CASCADE, related_name="reference_group")
    members = models.ManyToManyField(Organisation, related_name="reference_groups")

    def __str__(self) -> str:
        return f"Reference group for {self.inspection}"


class InspectionNotice(models.Model):
    """I1/I2/I3: one notice, one text and one moment for every recipient organisation.

    Parity is by construction: the PCC's office and the chief's office receive the
    same row, so they cannot be told at different times or in different detail.
    """

    class Kind(models.TextChoices):
        NOTIFICATION = "notification", _("Notification of inspection")
        SCHEDULE = "schedule", _("PEEL schedule and milestones")
        METHODOLOGY = "methodology", _("Major change of methodology")
        CONCERN = "concern", _("Routine-monitoring concern")

    inspection = models.ForeignKey(
        Inspection, null=True, blank=True, on_delete=models.CASCADE, related_name="notices"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    recipients = models.ManyToManyField(Organisation, related_name="inspection_notices")
    sent_at = models.DateTimeField(verbose_name="sent")
    sent_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering: ClassVar = ["-sent_at"]

    def __str__(self) -> str:
        return self.subject


class Milestone(models.Model):
    """I2: PEEL is continuous; some moments, like the final evidence-gathering period, are fixed."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="milestones")
    name = models.CharField(max_length=200)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["starts_on"]

    def __str__(self) -> str:
        return self.name


class EvidenceRecord(models.Model):
    """I5: evidence, and disclosures in confidence, which are never evidence."""

    class Kind(models.TextChoices):
        EVIDENCE = "evidence", _("Evidence")
        CONFIDENTIAL_DISCLOSURE = "confidential_disclosure", _("Disclosure in confidence (not evidence)")
        PCC_DECLINED = "pcc_declined", _("PCC declined a discussion")
        PFCC_INTERVIEW = "pfcc_interview", _("Interview with the PFCC (evidence)")

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    source = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    # The force or FRS it is about: a disclosure is read by the HMI for this area (I5).
    area = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    summary = models.TextField()
    named_staff = models.ManyToManyField(
        User,
        blank=True,
        related_name="+",
        help_text="HMICFRS staff besides the HMI who may read a confidential disclosure.",
    )
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(verbose_name="recorded", default=timezone.now)

    class Meta:
        ordering: ClassVar = ["-recorded_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.inspection}"


class StrategicPresentation(models.Model):
    """I4: police – the chief decides whether the PCC is invited; FRS – the PFCC chooses to attend."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="presentations")
    area = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField()
    pcc_invited = models.BooleanField(
        verbose_name="PCC invited", null=True, help_text="Police: the chief constable's decision."
    )
    pfcc_attending = models.BooleanField(
        verbose_name="PFCC attending", null=True, help_text="FRS with a PFCC or mayor: the PFCC's choice."
    )
    # Who made the decision (the chief's office) or the choice (the PFCC's office), and when.
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(verbose_name="decided", null=True, blank=True)

    def __str__(self) -> str:
        return f"Strategic presentation, {self.area}"


class EvidenceRequest(models.Model):
    """I5: the team asks the chief for evidence and, with it, requests a discussion with the PCC."""

    class Discussion(models.TextChoices):
        REQUESTED = "requested", _("Discussion requested")
        ACCEPTED = "accepted", _("Discussion accepted")
        DECLINED = "declined", _("Discussion declined")
        NO_OFFICE = "no_office", _("No PCC's office to ask")

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="evidence_requests")
    area = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(help_text="The evidence asked of the chief officer.")
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(verbose_name="requested", default=timezone.now)
    discussion = models.CharField(max_length=10, choices=Discussion.choices, default=Discussion.REQUESTED)
    answered_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(verbose_name="answered", null=True, blank=True)
    answer_note = models.TextField(blank=True)

    class Meta:
        ordering: ClassVar = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"Evidence request, {self.area}"


class Debrief(models.Model):
    """I6: a preliminary view, never graded judgments; attendees are bound to confidentiality."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="debriefs")
    area = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField()
    notes = models.TextField()
    pcc_invited = models.BooleanField(
        verbose_name="PCC invited",
        default=False,
        help_text="Police: the chief's decision. FRS with a PFCC: by right.",
    )
    # I8: where a debrief shows significant concern, the chief keeps the PCC updated.
    significant_concern = models.BooleanField(
        default=False, help_text="If the debrief shows significant concern, the chief keeps the PCC updated."
    )
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(verbose_name="recorded", default=timezone.now)
    # I6 (police): the chief's office decides whether the PCC attends; until it does the PCC is not invited.
    # For an FRS governed by a PFCC the PFCC attends as of right and nobody decides (both stay empty).
    attendance_decided_by = models.ForeignKey(
        User,
        verbose_name="PCC's attendance decided by",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    attendance_decided_at = models.DateTimeField(
        verbose_name="PCC's attendance decided", null=True, blank=True
    )

    class Meta:
        ordering: ClassVar = ["held_on", "pk"]

    def __str__(self) -> str:
        return f"Debrief, {self.area}, {self.held_on}"


class ConfidentialityAcknowledgement(models.Model):
    """I6: an attendee's acknowledgement that the debrief is confidential until publication (who, for whom, when)."""

    debrief = models.ForeignKey(Debrief, on_delete=models.CASCADE, related_name="acknowledgements")
    person = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    # The office the person attended for: the chief's office, or the PCC's (or PFCC's) office.
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(verbose_name="acknowledged", default=timezone.now)

    class Meta:
        verbose_name = "confidentiality acknowledgement"
        verbose_name_plural = "confidentiality acknowledgements"
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["debrief", "person"], name="one_ack_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.person} acknowledged {self.debrief}"


class ChiefUpdate(models.Model):
    """I8: the chief's update to the PCC on matters of significant concern."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="chief_updates")
    area = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    by = models.ForeignKey(User, verbose_name="sent by", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(verbose_name="sent", default=timezone.now)

    class Meta:
        ordering: ClassVar = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"Chief's update, {self.area}"


# --- Reports ---------------------------------------------------------------------------------


class ReportKind(models.TextChoices):
    FORCE_SPECIFIC = "force_specific", _("Force- or FRS-specific (PEEL, FRS): 48 hours' embargo")  # U3
    OTHER = "other", _("Other report: 24 hours' embargo to interested parties")  # U4
    ACCELERATED_CAUSE_OF_CONCERN = (
        "accelerated_coc",
        _("Accelerated cause of concern: 24 hours' notice"),
    )  # U5


class ReportState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    FACTUAL_ACCURACY = "factual_accuracy", _("Factual-accuracy check")
    FINAL = "final", _("Final")
    SCHEDULED = "scheduled", _("Publication scheduled")
    PUBLISHED = "published", _("Published")


class ReportLanguage(models.TextChoices):
    """The language a report is written in, as the BCP 47 tag its PDFs and pages are marked with."""

    ENGLISH = "en-GB", _("English")
    WELSH = "cy", _("Welsh")


EMBARGO_HOURS = {
    ReportKind.FORCE_SPECIFIC: 48,
    ReportKind.OTHER: 24,
    ReportKind.ACCELERATED_CAUSE_OF_CONCERN: 24,
}


# "Published at this moment", defined once. A report is released when it is scheduled: its
# publication moment is fixed (and it stays released once the notices have gone out). It is published
# at a moment once it is released and that moment has come, to the second. The queryset
# (`Report.objects.published(at)`), the condition for another model's query
# (`published_condition(at, via="report")`) and the instance (`report.is_published(at)`) all say so here.
RELEASED_STATES = (ReportState.SCHEDULED, ReportState.PUBLISHED)


def published_condition(at: dt.datetime, *, via: str = "") -> Q:
    """The condition "published at `at`" on reports, or on another model through `via` ("report")."""
    prefix = f"{via}__" if via else ""
    return Q(**{f"{prefix}state__in": RELEASED_STATES, f"{prefix}publication_at__lte": at})


# A report's own text, which can run to a hundred pages: a list that only names a report leaves it unread
# (`without_text`), so a page of reports costs the same however long they are. Not the summary, a paragraph
# that search rows show and match; a list that shows no summary defers it as well (*REPORT_TEXT, "summary").
REPORT_TEXT = ("body", "press_release")


class ReportQuerySet(models.QuerySet):
    def visible_to(self, user: object, at: dt.datetime | None = None) -> ReportQuerySet:
        """Chainable visibility; the rules live in inspections.access."""
        # At call time: inspections.access states its rules with these models, so the models reach it
        # only once loaded. A loop inside one app, kept so the rules live in access.py; not across apps.
        from inspections.access import reports_visible_to

        return reports_visible_to(self, user, at)

    def published(self, at: dt.datetime | None = None) -> ReportQuerySet:
        """The reports published at `at` (now by default): public to everyone."""
        return self.filter(published_condition(at or timezone.now()))

    def without_text(self) -> ReportQuerySet:
        """The reports without their text (REPORT_TEXT), for rows that name a report and never show it."""
        return self.defer(*REPORT_TEXT)


class Report(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="reports")
    kind = models.CharField(max_length=20, choices=ReportKind.choices)
    title = models.CharField(max_length=300)
    language = models.CharField(
        "language",
        max_length=10,
        choices=ReportLanguage.choices,
        default=ReportLanguage.ENGLISH,
        help_text="The language the report is written in.",
    )
    summary = models.TextField(blank=True)
    # The markup and the paragraph numbers: inspections/report_text.py.
    body = models.TextField(
        help_text=(
            "The report's text. Leave a blank line between paragraphs; they are numbered 1, 2, 3 "
            "through the whole report. Start a line with # and a space for a section heading, or "
            "## and a space for a sub-heading. Headings are not numbered."
        )
    )
    press_release = models.TextField(blank=True)
    areas = models.ManyToManyField(Organisation, related_name="reports")
    interested_parties = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="reports_of_interest",
        help_text="Who gets the embargoed copy at least 24 hours before publication.",  # U4
    )
    state = models.CharField(max_length=20, choices=ReportState.choices, default=ReportState.DRAFT)
    # I7: the draft goes to the force or FRS only, for this window.
    fac_opens_at = models.DateTimeField(verbose_name="factual-accuracy window opens", null=True, blank=True)
    fac_closes_at = models.DateTimeField(verbose_name="factual-accuracy window closes", null=True, blank=True)
    finalised_at = models.DateTimeField(verbose_name="finalised", null=True, blank=True)
    # I7: made final while the window was still open: when it was due to close and the team's reason.
    fac_was_due_to_close_at = models.DateTimeField(
        verbose_name="factual-accuracy window was due to close", null=True, blank=True
    )
    fac_closed_early_reason = models.TextField(
        verbose_name="why the factual-accuracy window closed early", blank=True
    )
    # I8: the draft shows significant concern, so the chief's office keeps the PCC updated.
    significant_concern_at = models.DateTimeField(
        verbose_name="significant concern recorded", null=True, blank=True
    )
    significant_concern_by = models.ForeignKey(
        User,
        verbose_name="significant concern recorded by",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # U3/U4/U5: from distribution_at the recipients see the embargoed copy; from publication_at, everyone.
    publication_at = models.DateTimeField(verbose_name="publication", null=True, blank=True)
    distribution_at = models.DateTimeField(verbose_name="embargoed copy goes out", null=True, blank=True)
    immediate_release = models.BooleanField(default=False)
    embargo_exception = models.TextField(
        blank=True, help_text="Why the copy goes out later than the MOU asks (recorded and sent to the PCC)."
    )
    distribution_notified_at = models.DateTimeField(
        verbose_name="recipients told of the embargoed copy",
        null=True,
        blank=True,
        help_text="When recipients were told the embargoed copy is ready.",
    )
    published_at = models.DateTimeField(
        verbose_name="publication notices sent",
        null=True,
        blank=True,
        help_text="When the publication notices were sent.",
    )
    created_at = models.DateTimeField(verbose_name="created", default=timezone.now)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["-publication_at", "-pk"]
        indexes: ClassVar = [
            models.Index(fields=["state", "publication_at"]),
            # The lists of published reports, newest first: read in order, stopping at a page.
            models.Index(fields=["-publication_at", "-id"], name="reports_newest_first"),
        ]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(distribution_at__isnull=True)
                | Q(publication_at__isnull=True)
                | Q(distribution_at__lte=models.F("publication_at")),
                name="report_distribution_before_publication",
            ),
            models.CheckConstraint(
                condition=Q(fac_opens_at__isnull=True)
                | Q(fac_closes_at__isnull=True)
                | Q(fac_closes_at__gt=models.F("fac_opens_at")),
                name="report_fac_window_order",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def kind_label(self) -> Any:
        return choice_label(ReportKind, self.kind)

    @property
    def state_label(self) -> Any:
        return choice_label(ReportState, self.state)

    @property
    def embargo_hours(self) -> int:
        return EMBARGO_HOURS[ReportKind(self.kind)]

    @property
    def is_released(self) -> bool:
        """Scheduled or published: the publication moment is fixed, so a copy before it is embargoed."""
        return self.state in RELEASED_STATES and self.publication_at is not None

    def is_published(self, at: dt.datetime) -> bool:
        """Whether the report is public at `at` (the same rule as `published_condition`)."""
        return self.is_released and self.publication_at is not None and at >= self.publication_at


class FindingKind(models.TextChoices):
    CAUSE_OF_CONCERN = "cause_of_concern", _("Cause of concern")
    RECOMMENDATION = "recommendation", _("Recommendation")
    AREA_FOR_IMPROVEMENT = "area_for_improvement", _("Area for improvement")


class Finding(models.Model):
    """M1: a finding tracked to closure, with a reference that never changes."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="findings")
    area = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="findings"
    )
    kind = models.CharField(max_length=30, choices=FindingKind.choices)
    reference = models.CharField(max_length=40, unique=True)
    text = models.TextField()
    closed_at = models.DateTimeField(verbose_name="closed", null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["reference"]

    def __str__(self) -> str:
        return f"{self.reference}: {self.get_kind_display()}"

    @property
    def kind_label(self) -> Any:
        return choice_label(FindingKind, self.kind)


class FactualAccuracyComment(models.Model):
    """I7: a correction of fact, in the template's fields, decided by HMICFRS with a reason."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("Awaiting decision")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="fac_comments")
    paragraph = models.CharField(max_length=40, help_text="Paragraph or page reference.")
    current_text = models.TextField()
    proposed_correction = models.TextField()
    evidence = models.TextField(help_text="What shows the current text is wrong.")
    submitted_by = models.ForeignKey(User, verbose_name="sent by", on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(verbose_name="sent", default=timezone.now)
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decision_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(verbose_name="decided", null=True, blank=True)

    class Meta:
        verbose_name = "factual-accuracy comment"
        verbose_name_plural = "factual-accuracy comments"
        ordering: ClassVar = ["submitted_at"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(decision="pending") | ~Q(decision_reason=""), name="fac_decision_has_reason"
            )
        ]

    def __str__(self) -> str:
        return f"Comment on {self.paragraph}"


class Redaction(models.Model):
    """U1: a passage taken out before publication (safety, national security)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="redactions")
    passage = models.TextField()
    reason = models.CharField(max_length=300)
    by = models.ForeignKey(User, verbose_name="redacted by", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(verbose_name="redacted", default=timezone.now)

    def __str__(self) -> str:
        return f"Redaction in {self.report}"


class DiaryNote(models.Model):
    """U2: a note to interested parties in the week before publication."""

    report = models.OneToOneField(Report, on_delete=models.CASCADE, related_name="diary_note")
    text = models.TextField()
    sent_at = models.DateTimeField(verbose_name="sent")
    sent_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"Diary note for {self.report}"


class EmbargoedCopyOpen(models.Model):
    """Each opening of an embargoed copy by a recipient (also on the audit trail)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="copy_opens")
    person = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(verbose_name="opened", default=timezone.now)

    class Meta:
        verbose_name = "opening of an embargoed copy"
        verbose_name_plural = "openings of embargoed copies"

    def __str__(self) -> str:
        return f"{self.person} opened {self.report}"
