"""Scan and Engage (M1–M10): the monitoring half of the MOU.

Every force and FRS is in Scan unless an `EngagePeriod` is in force for it on
the day asked about (M2): entering Engage opens a dated period, leaving closes
it (M10), as governance is kept, so "who was in Engage on 1 March 2025?" is
`EngagePeriod.objects.in_force(date)`. The steps of a case (advice, decision,
the PCC told, announcement, letter, exit) are moments kept on the case; who may
see each at a given moment is decided in monitoring.access and nowhere else.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import dateformat, timezone
from django.utils.translation import gettext_lazy as _

from contacts.models import AREA_KINDS, EffectiveDated, EffectiveQuerySet, Organisation, OrganisationKind
from hmicfrs_mou.deadlines import due_day
from inspections.models import Finding, InspectionNotice

User = settings.AUTH_USER_MODEL


class DatePrecision(models.TextChoices):
    """How exactly a historical date is known (public sources give a year, a month or a day)."""

    DAY = "day", _("Day")
    MONTH = "month", _("Month")
    YEAR = "year", _("Year")


def date_label(day: dt.date | None, precision: str = DatePrecision.DAY) -> str:
    """A date at the precision it is known: '2019', 'September 2023' or '6 December 2024'."""
    if day is None:
        return ""
    if precision == DatePrecision.YEAR:
        return f"{day:%Y}"
    # Django's formatting: month names in the reader's language (Welsh ones under Welsh).
    if precision == DatePrecision.MONTH:
        return dateformat.format(day, "F Y")
    return dateformat.format(day, "j F Y")


# --- M3: routine-monitoring concerns ---------------------------------------------------------


class RoutineConcern(models.Model):
    """M3: a concern from routine monitoring (Scan) that does not warrant Engage.

    The PCC and the chief are told by one `InspectionNotice` (the I1 mechanism):
    one text, one moment. The PCC's office records whether it passed the concern
    to the APCC or asked for support.
    """

    area = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="routine_concerns")
    summary = models.CharField(max_length=300)
    text = models.TextField()
    notice = models.OneToOneField(InspectionNotice, on_delete=models.PROTECT, related_name="routine_concern")
    raised_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField(verbose_name="raised")
    passed_to_apcc = models.BooleanField(
        verbose_name="passed to the APCC",
        null=True,
        blank=True,
        help_text="The PCC passed the concern to the APCC.",
    )
    # When it was first passed on: the APCC sees it from then (passing on is never taken back).
    passed_to_apcc_at = models.DateTimeField(verbose_name="passed to the APCC on", null=True, blank=True)
    support_requested = models.BooleanField(
        null=True, blank=True, help_text="The PCC asked for additional support."
    )
    pcc_note = models.TextField(verbose_name="PCC's office's note", blank=True)
    pcc_marked_by = models.ForeignKey(
        User,
        verbose_name="marked by the PCC's office",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    pcc_marked_at = models.DateTimeField(verbose_name="marked by the PCC's office on", null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-raised_at", "-pk"]
        indexes: ClassVar = [models.Index(fields=["area", "raised_at"])]

    def __str__(self) -> str:
        return f"Concern about {self.area}: {self.summary}"


# --- M4–M8, M10: the Engage case ---------------------------------------------------------------


class CaseStep(models.TextChoices):
    ADVISED = "advised", _("HMI's advice with HMCI")
    NOT_ENGAGED = "not_engaged", _("HMCI decided not to place in Engage")
    DECIDED = "decided", _("HMCI decided: Engage")
    PCC_INFORMED = "pcc_informed", _("PCC told in person")
    ANNOUNCED = "announced", _("Announced publicly")
    LETTER_SENT = "letter_sent", _("Formal letter sent")
    EXITED = "exited", _("Left Engage")


class EngageCaseQuerySet(models.QuerySet):
    def visible_to(self, user: object, at: dt.datetime | None = None) -> EngageCaseQuerySet:
        """Chainable visibility; the rules live in monitoring.access."""
        from monitoring.access import cases_visible_to

        return cases_visible_to(self, user, at)

    def announced(self, at: dt.datetime) -> EngageCaseQuerySet:
        """M5: the decision is public from its announcement."""
        return self.filter(announced_at__isnull=False, announced_at__lte=at)


class EngageCase(models.Model):
    """One case of enhanced monitoring for a force or FRS, from the HMI's advice to exit.

    The moments of each step are kept here; a step's record is never edited once
    made (a service refuses). Only the public fields (decision date, causes of
    concern, announcement, dates entered and left, improvements) reach the public.
    """

    area = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="engage_cases",
        limit_choices_to={"kind__in": AREA_KINDS},
    )
    # M4: the HMI's advice and the evidence (internal: never shown outside HMICFRS).
    advice = models.TextField()
    evidence = models.TextField()
    advised_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    advised_at = models.DateTimeField(verbose_name="advised")
    # M4: HMCI's decision with reasons.
    decision_engage = models.BooleanField(verbose_name="decided to Engage", null=True, blank=True)
    decision_reasons = models.TextField(blank=True)
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(verbose_name="decided", null=True, blank=True)
    # M6: the HMI tells the PCC/PFCC personally before the announcement.
    pcc_informed_person = models.CharField(verbose_name="person told", max_length=200, blank=True)
    pcc_informed_at = models.DateTimeField(verbose_name="PCC told", null=True, blank=True)
    pcc_informed_how = models.CharField(verbose_name="how the PCC was told", max_length=30, blank=True)
    pcc_informed_recorded_by = models.ForeignKey(
        User,
        verbose_name="PCC being told recorded by",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    pcc_informed_recorded_at = models.DateTimeField(
        verbose_name="PCC being told recorded", null=True, blank=True
    )
    # M5: the public announcement.
    announcement = models.TextField(blank=True, help_text="The public statement of the decision.")
    announced_at = models.DateTimeField(verbose_name="announced", null=True, blank=True)
    announced_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # M10: HMCI decides the exit with reasons.
    exit_reasons = models.TextField(blank=True)
    exit_improvements = models.TextField(blank=True, help_text="The improvements made (public).")
    exited_at = models.DateTimeField(verbose_name="left Engage", null=True, blank=True)
    exited_by = models.ForeignKey(
        User,
        verbose_name="exit decided by",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Cases loaded from public history (engage_history.csv) rather than worked in the portal.
    historical = models.BooleanField(verbose_name="from the public history", default=False)
    source = models.CharField(max_length=300, blank=True)

    objects = EngageCaseQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["-advised_at", "-pk"]
        indexes: ClassVar = [
            models.Index(fields=["area", "advised_at"]),
            models.Index(fields=["announced_at"]),
        ]
        constraints: ClassVar = [
            # One live case per area: a case is live from advice until HMCI declines or it leaves Engage.
            models.UniqueConstraint(
                fields=["area"],
                condition=Q(exited_at__isnull=True) & ~Q(decision_engage=False),
                name="engage_one_live_case_per_area",
            ),
            models.CheckConstraint(
                condition=Q(announced_at__isnull=True)
                | Q(pcc_informed_at__isnull=False)
                | Q(historical=True),
                name="engage_announced_after_pcc_informed",
            ),
            models.CheckConstraint(
                condition=Q(decided_at__isnull=True) | ~Q(decision_reasons=""),
                name="engage_decision_has_reasons",
            ),
        ]

    def __str__(self) -> str:
        return f"Engage: {self.area}"

    @property
    def oversight_group(self) -> str:
        return "PPOG" if self.area.kind == "police_force" else "FPOG"

    def step(self) -> CaseStep:
        """The furthest step reached."""
        if self.exited_at:
            return CaseStep.EXITED
        if self.decision_engage is False:
            return CaseStep.NOT_ENGAGED
        if self.letter_sent:
            return CaseStep.LETTER_SENT
        if self.announced_at:
            return CaseStep.ANNOUNCED
        if self.pcc_informed_at:
            return CaseStep.PCC_INFORMED
        if self.decided_at:
            return CaseStep.DECIDED
        return CaseStep.ADVISED

    @property
    def letter_sent(self) -> bool:
        try:
            return self.letter is not None
        except EngageLetter.DoesNotExist:
            return False

    def is_in_engage(self, on: dt.date) -> bool:
        period = getattr(self, "period", None)
        return period is not None and period.in_force_on(on)


class EngageCause(models.Model):
    """A cause of concern that led to the Engage decision (public from the announcement, M5).

    Linked, where it came from an inspection, to the finding in the M1 register.
    """

    case = models.ForeignKey(EngageCase, on_delete=models.CASCADE, related_name="causes")
    text = models.TextField()
    finding = models.ForeignKey(
        Finding, null=True, blank=True, on_delete=models.PROTECT, related_name="engage_causes"
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering: ClassVar = ["case", "position", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class EngagePeriodQuerySet(EffectiveQuerySet):
    def public(self, at: dt.datetime) -> EngagePeriodQuerySet:
        """Periods whose decision has been announced by `at` (M5); history loaded from public sources."""
        return self.filter(case__announced_at__lte=at)


class EngagePeriod(EffectiveDated):
    """M2, M10: the dated record of an area being in Engage. No period on a day means Scan."""

    case = models.OneToOneField(EngageCase, on_delete=models.PROTECT, related_name="period")
    area = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="engage_periods")
    starts_precision = models.CharField(
        verbose_name="start date known to the nearest",
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
    )
    ends_precision = models.CharField(
        verbose_name="end date known to the nearest",
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
    )

    objects = EngagePeriodQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["area__name", "-starts_on"]
        indexes: ClassVar = [
            models.Index(fields=["starts_on", "ends_on"]),
            # "Previously in Engage" reads the most recent exits a page at a time, walking this index
            # backwards in its own order (newest exit first, then newest record), and the periods in force
            # today are the few open or ending later: both without reading every period (M10).
            models.Index(fields=["ends_on", "id"], name="engage_period_by_end"),
        ]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["area"], condition=Q(ends_on__isnull=True), name="engage_one_open_period_per_area"
            ),
            models.CheckConstraint(condition=Q(starts_on__isnull=False), name="engage_period_has_start"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gt=models.F("starts_on")),
                name="engage_period_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.area} in Engage {self.entered_label}–{self.left_label or 'to date'}"

    @property
    def entered_label(self) -> str:
        return date_label(self.starts_on, self.starts_precision)

    @property
    def left_label(self) -> str:
        return date_label(self.ends_on, self.ends_precision)


class EngageQuarterChange(models.Model):
    """How many public periods (M5) began and how many ended in a calendar quarter, by kind of area.

    The summary behind the tracker's chart of areas in Engage at each quarter end: some eighty rows
    however long the history, where counting the periods would read every one on each request.
    monitoring.services.engage_chart_refresh works it out afresh from the periods whenever an
    announcement, an exit or loaded history changes them; EngageChartState says for which moments
    it holds (the chart falls back to counting the periods outside them).
    """

    kind = models.CharField(max_length=32, choices=OrganisationKind.choices)
    # The first day of the quarter.
    quarter = models.DateField()
    started = models.PositiveIntegerField(verbose_name="areas entering Engage", default=0)
    ended = models.PositiveIntegerField(verbose_name="areas leaving Engage", default=0)

    class Meta:
        verbose_name = "Engage quarter change"
        verbose_name_plural = "Engage quarter changes"
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["kind", "quarter"], name="engage_quarter_change_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.quarter}: +{self.started} -{self.ended}"


class EngageChartState(models.Model):
    """When EngageQuarterChange was worked out (`as_of`), and until when it holds: the next announcement
    already recorded after that moment (none: until the summary is next worked out). One row."""

    as_of = models.DateTimeField(verbose_name="worked out")
    holds_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "Engage chart state"
        verbose_name_plural = "Engage chart states"

    def __str__(self) -> str:
        local = timezone.localtime(self.as_of)
        return f"Engage chart as of {local:%-d %B %Y, %H:%M} {local.tzname()}"


class EngageLetter(models.Model):
    """M6: the formal letter to the chief officer and the PCC/PFCC, kept exactly as sent (a PDF)."""

    case = models.OneToOneField(EngageCase, on_delete=models.PROTECT, related_name="letter")
    addressed_to = models.TextField(help_text="The chief officer and the PCC/PFCC, as addressed.")
    pdf = models.BinaryField()
    sha256 = models.CharField(verbose_name="SHA-256 fingerprint", max_length=64)
    sent_at = models.DateTimeField(verbose_name="sent")
    sent_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"Formal letter: {self.case}"


# --- M8: the APCC's Engage toolkit ------------------------------------------------------------


class ToolkitVersion(models.Model):
    """M8: the APCC's Engage toolkit, versioned: a new upload never replaces an old one."""

    version = models.PositiveIntegerField(unique=True)
    file_name = models.CharField(max_length=200)
    content = models.BinaryField()
    sha256 = models.CharField(verbose_name="SHA-256 fingerprint", max_length=64)
    note = models.CharField(max_length=300, blank=True)
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(verbose_name="uploaded")

    class Meta:
        ordering: ClassVar = ["-version"]

    def __str__(self) -> str:
        return f"Engage toolkit, version {self.version}"


class ToolkitSending(models.Model):
    """M8: the APCC leads wrote to the PCC and shared the toolkit (one per case)."""

    case = models.OneToOneField(EngageCase, on_delete=models.PROTECT, related_name="toolkit_sending")
    toolkit = models.ForeignKey(ToolkitVersion, on_delete=models.PROTECT, related_name="sendings")
    letter = models.TextField()
    sent_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(verbose_name="sent")

    def __str__(self) -> str:
        return f"Toolkit sent for {self.case}"


# --- M4: improvement plans ----------------------------------------------------------------------


class ImprovementPlanVersion(models.Model):
    """M4: the force's or FRS's improvement plan against the causes of concern; versions are kept."""

    case = models.ForeignKey(EngageCase, on_delete=models.PROTECT, related_name="plans")
    version = models.PositiveIntegerField()
    text = models.TextField()
    file_name = models.CharField(max_length=200, blank=True)
    content = models.BinaryField(null=True, blank=True)
    submitted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(verbose_name="submitted")

    class Meta:
        ordering: ClassVar = ["case", "-version"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["case", "version"], name="improvement_plan_unique_version")
        ]

    def __str__(self) -> str:
        return f"Improvement plan v{self.version}: {self.case.area}"


class PlanNoteKind(models.TextChoices):
    PCC = "pcc", _("PCC's holding-to-account note")
    HMICFRS = "hmicfrs", _("HMICFRS comment")


class PlanNote(models.Model):
    plan = models.ForeignKey(ImprovementPlanVersion, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(max_length=10, choices=PlanNoteKind.choices)
    text = models.TextField()
    by = models.ForeignKey(User, verbose_name="written by", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(verbose_name="written")

    class Meta:
        ordering: ClassVar = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.plan}"


# --- M4, M7, M9: PPOG and FPOG -------------------------------------------------------------------


class OversightMeeting(models.Model):
    """A PPOG (police) or FPOG (fire) meeting about an area in Engage."""

    case = models.ForeignKey(EngageCase, on_delete=models.PROTECT, related_name="meetings")
    scheduled_for = models.DateField()
    held_on = models.DateField(null=True, blank=True)
    notes = models.TextField(
        blank=True, help_text="Confidential to the attendees' organisations and HMICFRS."
    )
    scheduled_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(verbose_name="recorded", null=True, blank=True)
    created_at = models.DateTimeField(verbose_name="created", default=timezone.now)

    class Meta:
        verbose_name = "PPOG or FPOG meeting"
        verbose_name_plural = "PPOG and FPOG meetings"
        ordering: ClassVar = ["-scheduled_for", "-pk"]
        indexes: ClassVar = [models.Index(fields=["case", "held_on"])]

    def __str__(self) -> str:
        return f"{self.case.oversight_group}: {self.case.area}, {self.scheduled_for:%-d %B %Y}"


class DeputyNomination(models.Model):
    """M7: a joint performance portfolio lead names a deputy of suitable seniority for one meeting."""

    meeting = models.ForeignKey(OversightMeeting, on_delete=models.CASCADE, related_name="nominations")
    deputy = models.ForeignKey(User, on_delete=models.PROTECT, related_name="deputy_nominations")
    nominated_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    nominated_at = models.DateTimeField(verbose_name="nominated")

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["meeting", "deputy"], name="one_nomination_per_deputy_meeting")
        ]

    def __str__(self) -> str:
        return f"{self.deputy} deputises at {self.meeting}"


class Attendance(models.Model):
    """Who attended a held meeting, by organisation and person."""

    meeting = models.ForeignKey(OversightMeeting, on_delete=models.CASCADE, related_name="attendances")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200, help_text="As recorded (people without a login too).")
    capacity = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering: ClassVar = ["organisation__name", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"


class MeetingAction(models.Model):
    """An action recorded at a PPOG/FPOG; an offer of assistance must be followed up in writing (M9, D6)."""

    meeting = models.ForeignKey(OversightMeeting, on_delete=models.CASCADE, related_name="actions")
    text = models.TextField()
    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    offer_of_assistance = models.BooleanField(default=False)
    # D6, computed once from the meeting date through hmicfrs_mou.deadlines (kept with its working).
    follow_up_due_at = models.DateTimeField(verbose_name="written follow-up due", null=True, blank=True)
    follow_up_working = models.TextField(verbose_name="how the follow-up date was worked out", blank=True)
    # Open offers with no follow-up are what the tracker counts: kept as a flag for a partial index.
    followed_up = models.BooleanField(verbose_name="followed up", default=False)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(verbose_name="recorded")

    class Meta:
        ordering: ClassVar = ["meeting", "pk"]
        indexes: ClassVar = [
            models.Index(
                fields=["follow_up_due_at"],
                condition=Q(offer_of_assistance=True, followed_up=False),
                name="open_offers_by_due",
            )
        ]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(offer_of_assistance=False) | Q(follow_up_due_at__isnull=False),
                name="offer_has_follow_up_deadline",
            )
        ]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def follow_up_last_day(self) -> dt.date | None:
        """The London day the follow-up is due by the end of (the stored moment is that day's end)."""
        return None if self.follow_up_due_at is None else due_day(self.follow_up_due_at)


class FollowUp(models.Model):
    """M9: the written follow-up of an offer of assistance, copied to HMCI (the copy is part of the record)."""

    action = models.OneToOneField(MeetingAction, on_delete=models.PROTECT, related_name="follow_up")
    text = models.TextField()
    sent_to = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    hmci_copy_to = models.ForeignKey(
        User, verbose_name="HMCI copied in", on_delete=models.PROTECT, related_name="+"
    )
    hmci_copied_at = models.DateTimeField(verbose_name="copied to HMCI")
    sent_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(verbose_name="sent")
    late = models.BooleanField(verbose_name="sent late", default=False)

    class Meta:
        verbose_name = "written follow-up"
        verbose_name_plural = "written follow-ups"

    def __str__(self) -> str:
        return f"Follow-up of {self.action}"


# --- M1: the findings register ------------------------------------------------------------------


class FindingStatus(models.TextChoices):
    AWAITING_REVIEW = "awaiting_review", _("Awaiting review")
    BEING_PROGRESSED = "being_progressed", _("Being progressed")
    COMPLETE = "complete", _("Complete (force or FRS)")
    CLOSURE_AUTHORISED = "closure_authorised", _("Closure authorised by HMICFRS")


class FindingEntryKind(models.TextChoices):
    STATUS = "status", _("Status change")
    UPDATE = "update", _("Update from the force or FRS")
    PCC_NOTE = "pcc_note", _("PCC's holding-to-account note")
    HMICFRS_NOTE = "hmicfrs_note", _("HMICFRS note")


class FindingEntry(models.Model):
    """M1: the append-only history of a finding: status changes, the force's updates, the PCC's notes."""

    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, related_name="register_entries")
    kind = models.CharField(max_length=15, choices=FindingEntryKind.choices)
    status = models.CharField(max_length=20, choices=FindingStatus.choices, blank=True)
    text = models.TextField(blank=True)
    by = models.ForeignKey(User, verbose_name="recorded by", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(verbose_name="recorded")

    class Meta:
        verbose_name = "findings register entry"
        verbose_name_plural = "findings register entries"
        ordering: ClassVar = ["finding", "at", "pk"]
        indexes: ClassVar = [models.Index(fields=["finding", "kind", "at"])]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=~Q(kind="status") | ~Q(status=""), name="finding_status_entry_has_status"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.finding.reference}"


class FindingState(models.Model):
    """The current status of each finding, kept by the services beside the history (one row per finding).

    The per-area register reads this summary rather than the latest of 50,000 entries.
    """

    finding = models.OneToOneField(Finding, on_delete=models.CASCADE, related_name="register_state")
    area = models.ForeignKey(Organisation, null=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=20, choices=FindingStatus.choices, default=FindingStatus.AWAITING_REVIEW
    )
    changed_at = models.DateTimeField(verbose_name="last changed")
    updates = models.PositiveIntegerField(verbose_name="number of updates", default=0)

    class Meta:
        verbose_name = "findings register state"
        verbose_name_plural = "findings register states"
        indexes: ClassVar = [models.Index(fields=["area", "status"])]

    def __str__(self) -> str:
        return f"{self.finding.reference}: {self.get_status_display()}"


class RegisterRow(models.Model):
    """What the findings register sorts, counts and filters each finding by, one row per finding (M1).

    The register of a force with ten years of reports holds about a thousand findings; reading them all
    to show 25 cost more with every report. These rows hold, beside the area, what the page orders by (the
    kind, the report's publication moment, the reference), who may see the finding when (`public_from`: the
    report's publication moment once it is scheduled or published, empty before) and its current status,
    so the page reads one index range. They are kept by monitoring.receivers whenever a finding, its report
    or its register state is saved; migration 0003 filled them for the findings already there.
    """

    finding = models.OneToOneField(Finding, on_delete=models.CASCADE, related_name="register_row")
    area = models.ForeignKey(Organisation, null=True, on_delete=models.PROTECT, related_name="+")
    report = models.ForeignKey("inspections.Report", on_delete=models.CASCADE, related_name="+")
    kind_order = models.PositiveSmallIntegerField()
    reference = models.CharField(max_length=40)
    public_from = models.DateTimeField(null=True, verbose_name="public from")
    status = models.CharField(
        max_length=20, choices=FindingStatus.choices, default=FindingStatus.AWAITING_REVIEW
    )

    class Meta:
        verbose_name = "findings register row"
        verbose_name_plural = "findings register rows"
        indexes: ClassVar = [
            models.Index(
                fields=["area", "kind_order", "-public_from", "reference"], name="register_row_page"
            ),
            models.Index(fields=["area", "public_from", "status"], name="register_row_counts"),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.get_status_display()}"
