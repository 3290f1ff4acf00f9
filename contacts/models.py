"""The directory: organisations, who governs which area and when, people and their roles.

Governance, appointments and assignments carry effective dates: the MOU's
world changes (mayors took on PCC functions in 2024; PCCs are to be abolished
in 2028), so "who governs this force" is always asked for a given day.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from hmicfrs_mou.choices import choice_label


class EffectiveQuerySet(models.QuerySet):
    """Rows with `starts_on` (inclusive) and `ends_on` (exclusive), either open-ended."""

    def in_force(self, on: dt.date | None = None) -> EffectiveQuerySet:
        return self.filter(in_force_condition(on or timezone.localdate()))


def in_force_condition(on: dt.date, through: str = "") -> Q:
    """In force on the day: `in_force` as a condition, of the rows reached `through` a relation ("governance__")
    where given (for a FilteredRelation that joins only the rows in force)."""
    return (Q(**{f"{through}starts_on__isnull": True}) | Q(**{f"{through}starts_on__lte": on})) & (
        Q(**{f"{through}ends_on__isnull": True}) | Q(**{f"{through}ends_on__gt": on})
    )


class EffectiveDated(models.Model):
    starts_on = models.DateField(null=True, blank=True, help_text="Leave blank if from before records began.")
    ends_on = models.DateField(
        null=True, blank=True, help_text="The first day it no longer applies. Leave blank if current."
    )

    objects = EffectiveQuerySet.as_manager()

    class Meta:
        abstract = True

    def in_force_on(self, on: dt.date) -> bool:
        return (self.starts_on is None or self.starts_on <= on) and (
            self.ends_on is None or self.ends_on > on
        )

    def clean(self) -> None:
        super().clean()
        if self.starts_on and self.ends_on and self.ends_on <= self.starts_on:
            raise ValidationError({"ends_on": "The end date must be after the start date."})


class User(AbstractUser):
    """A person who signs in. Their organisation and role come from appointments."""

    job_title = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=50, blank=True)
    # Secret part of the person's calendar feed address; regenerating it cuts off old subscriptions.
    calendar_token = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        ordering: ClassVar = ["last_name", "first_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class OrganisationKind(models.TextChoices):
    HMICFRS = "hmicfrs", _("HMICFRS")
    APCC = "apcc", _("APCC")
    POLICE_FORCE = "police_force", _("Police force")
    FIRE_RESCUE_SERVICE = "fire_rescue_service", _("Fire and rescue service")
    GOVERNING_BODY = "governing_body", _("Governing body")
    OPCC = "opcc", _("Office of the PCC or equivalent")
    PANEL = "panel", _("Police (fire) and crime panel")
    HOME_OFFICE = "home_office", _("Home Office")
    IOPC = "iopc", _("IOPC")
    COLLEGE_OF_POLICING = "college_of_policing", _("College of Policing")


AREA_KINDS = (OrganisationKind.POLICE_FORCE, OrganisationKind.FIRE_RESCUE_SERVICE)
# The word for each kind of area in its address: /directory/forces/kent/, /directory/fire/kent/.
AREA_URL_SLUGS = {OrganisationKind.POLICE_FORCE: "forces", OrganisationKind.FIRE_RESCUE_SERVICE: "fire"}


class OrganisationQuerySet(models.QuerySet):
    def areas(self) -> OrganisationQuerySet:
        """Forces and FRSs: the bodies HMICFRS inspects."""
        return self.filter(kind__in=AREA_KINDS)


class Organisation(models.Model):
    kind = models.CharField(max_length=32, choices=OrganisationKind.choices, db_index=True)
    slug = models.SlugField(max_length=100)
    name = models.CharField(max_length=300)
    country = models.CharField(max_length=20, blank=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="For an OPCC, the governing body whose office it is; for a panel, the body it scrutinises.",
    )
    authority_type = models.CharField(max_length=200, blank=True)
    website = models.URLField(blank=True)
    notes = models.TextField(blank=True)
    verified = models.BooleanField(
        default=False, help_text="A consulted public source confirms this entry individually."
    )

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["name"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["kind", "slug"], name="organisation_unique_kind_slug"),
        ]
        permissions: ClassVar = [
            ("act_for_organisation", "Act for the organisation: see its records and work on its behalf"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        """The directory page of a force or FRS (other organisations have none)."""
        return reverse("contacts:area", kwargs={"kind_slug": AREA_URL_SLUGS[self.kind], "slug": self.slug})

    @property
    def public_url(self) -> str:
        return reverse("public:area", kwargs={"kind_slug": AREA_URL_SLUGS[self.kind], "slug": self.slug})

    @property
    def kind_label(self) -> Any:
        return choice_label(OrganisationKind, self.kind)

    @property
    def is_area(self) -> bool:
        return self.kind in AREA_KINDS

    @property
    def is_force(self) -> bool:
        return self.kind == OrganisationKind.POLICE_FORCE


class OrganisationUserObjectPermission(UserObjectPermissionBase):
    """django-guardian direct foreign-key table: scope granted on an organisation."""

    content_object = models.ForeignKey(Organisation, verbose_name="organisation", on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = "organisation permission of a user"
        verbose_name_plural = "organisation permissions of users"


class OrganisationGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Organisation, verbose_name="organisation", on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = "organisation permission of a group"
        verbose_name_plural = "organisation permissions of groups"


class GovernanceModel(models.TextChoices):
    PCC = "pcc", _("Police and crime commissioner")
    PFCC = "pfcc", _("Police, fire and crime commissioner")
    MAYOR = "mayor", _("Mayor (PCC functions)")
    CITY_OF_LONDON = "city_of_london", _("City of London Police Authority")
    FIRE_AUTHORITY = "fire_authority", _("Fire and rescue authority")
    MAYOR_FIRE = "mayor_fire", _("Mayor (fire and rescue authority)")
    COUNTY_COUNCIL = "county_council", _("County or unitary council")


# Governance models under which the MOU's PCC/PFCC provisions apply to the body
# ("References to PFCCs include mayoral equivalents").
PCC_EQUIVALENT_MODELS = (
    GovernanceModel.PCC,
    GovernanceModel.PFCC,
    GovernanceModel.MAYOR,
    GovernanceModel.CITY_OF_LONDON,
)
PFCC_EQUIVALENT_FIRE_MODELS = (GovernanceModel.PFCC, GovernanceModel.MAYOR_FIRE)


class Governance(EffectiveDated):
    """Who governs a force or FRS from when to when. A change closes one row and opens another."""

    area = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="governance",
        limit_choices_to={"kind__in": AREA_KINDS},
    )
    body = models.ForeignKey(
        Organisation,
        verbose_name="governing body",
        on_delete=models.PROTECT,
        related_name="governs",
        limit_choices_to={"kind": OrganisationKind.GOVERNING_BODY},
    )
    model = models.CharField(verbose_name="governance model", max_length=20, choices=GovernanceModel.choices)
    source = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = "governance"
        ordering: ClassVar = ["area__name", "starts_on"]
        verbose_name_plural = "governance"
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["area", "starts_on"], name="governance_unique_area_start"),
            models.UniqueConstraint(
                fields=["area"], condition=Q(ends_on__isnull=True), name="governance_one_current_per_area"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gt=models.F("starts_on")),
                name="governance_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.area} governed by {self.body} ({self.period_label})"

    @property
    def period_label(self) -> str:
        start = self.starts_on.strftime("%-d %B %Y") if self.starts_on else "before records"
        end = f"until {self.ends_on.strftime('%-d %B %Y')}" if self.ends_on else "to date"
        return f"from {start} {end}"

    @property
    def model_label(self) -> Any:
        return choice_label(GovernanceModel, self.model)

    @property
    def pfcc_provisions_apply(self) -> bool:
        """MOU clauses written for PFCCs apply to mayoral equivalents too."""
        return self.model in (*PCC_EQUIVALENT_MODELS, *PFCC_EQUIVALENT_FIRE_MODELS)

    def clean(self) -> None:
        super().clean()
        if self.area_id and self.area.kind not in AREA_KINDS:
            raise ValidationError(
                {"area": "Governance is recorded for a police force or a fire and rescue service."}
            )
        if self.body_id and self.body.kind != OrganisationKind.GOVERNING_BODY:
            raise ValidationError({"body": "Choose a governing body."})
        if self.area_id:
            overlapping = Governance.objects.filter(area_id=self.area_id).exclude(pk=self.pk)
            if self.ends_on:
                overlapping = overlapping.filter(Q(starts_on__isnull=True) | Q(starts_on__lt=self.ends_on))
            if self.starts_on:
                overlapping = overlapping.filter(Q(ends_on__isnull=True) | Q(ends_on__gt=self.starts_on))
            if overlapping.exists():
                raise ValidationError("This period overlaps another period of governance for the same area.")


class Role(models.TextChoices):
    HMCI = "hmci", _("HM Chief Inspector")
    HMI = "hmi", _("HM Inspector")
    CHIEF_OPERATING_OFFICER = "coo", _("Chief operating officer")
    CHIEF_OF_STAFF = "chief_of_staff", _("Chief of staff")
    LIAISON_LEAD = "liaison_lead", _("Liaison lead")
    INSPECTION_STAFF = "inspection_staff", _("Inspection staff")
    COMMS_STAFF = "comms_staff", _("Communications staff")
    POLICING_BODY = "policing_body", _("PCC, PFCC or deputy mayor")
    OPCC_CHIEF_EXECUTIVE = "opcc_chief_executive", _("OPCC chief executive")
    OPCC_STAFF = "opcc_staff", _("OPCC staff")
    FIRE_AUTHORITY_STAFF = "fire_authority_staff", _("Fire and rescue authority staff")
    CHIEF_OFFICER = "chief_officer", _("Chief constable or chief fire officer")
    CHIEF_OFFICER_STAFF = "chief_officer_staff", _("Chief officer's office staff")
    APCC_CHAIR = "apcc_chair", _("APCC chair")
    APCC_CHIEF_EXECUTIVE = "apcc_chief_executive", _("APCC chief executive")
    APCC_PERFORMANCE_LEAD = "apcc_performance_lead", _("APCC performance portfolio lead")
    APCC_FIRE_GOVERNANCE_LEAD = "apcc_fire_governance_lead", _("APCC fire governance portfolio lead")
    APCC_JOINT_PERFORMANCE_LEAD = "apcc_joint_performance_lead", _("APCC joint performance portfolio lead")
    APCC_STAFF = "apcc_staff", _("APCC staff")
    # S2: the IOPC and the College of Policing investigate super-complaints with HMICFRS.
    INVESTIGATING_BODY_STAFF = "investigating_body_staff", _("IOPC or College of Policing staff")


HMICFRS_ROLES = (
    Role.HMCI,
    Role.HMI,
    Role.CHIEF_OPERATING_OFFICER,
    Role.CHIEF_OF_STAFF,
    Role.LIAISON_LEAD,
    Role.INSPECTION_STAFF,
    Role.COMMS_STAFF,
)
OPCC_ROLES = (Role.POLICING_BODY, Role.OPCC_CHIEF_EXECUTIVE, Role.OPCC_STAFF)
# Staff of a fire authority, county council or mayor acting as fire and rescue authority (U8 action plans).
GOVERNING_BODY_ROLES = (Role.FIRE_AUTHORITY_STAFF,)
# The staff of an office: an OPCC (or equivalent) or a governing body without one (a fire authority).
OFFICE_ROLES = (*OPCC_ROLES, *GOVERNING_BODY_ROLES)
CHIEF_OFFICE_ROLES = (Role.CHIEF_OFFICER, Role.CHIEF_OFFICER_STAFF)
APCC_ROLES = (
    Role.APCC_CHAIR,
    Role.APCC_CHIEF_EXECUTIVE,
    Role.APCC_PERFORMANCE_LEAD,
    Role.APCC_FIRE_GOVERNANCE_LEAD,
    Role.APCC_JOINT_PERFORMANCE_LEAD,
    Role.APCC_STAFF,
)

# S2: staff of the other police super-complaint bodies; they see only the super-complaints they investigate.
INVESTIGATING_BODY_ROLES = (Role.INVESTIGATING_BODY_STAFF,)
INVESTIGATING_BODY_KINDS = (OrganisationKind.IOPC, OrganisationKind.COLLEGE_OF_POLICING)

# Which kind of organisation each role belongs to.
ROLE_ORGANISATION_KINDS: dict[str, tuple[str, ...]] = {
    **{role: (OrganisationKind.HMICFRS,) for role in HMICFRS_ROLES},
    **{role: (OrganisationKind.OPCC,) for role in OPCC_ROLES},
    **{role: (OrganisationKind.GOVERNING_BODY,) for role in GOVERNING_BODY_ROLES},
    **{role: AREA_KINDS for role in CHIEF_OFFICE_ROLES},
    **{role: (OrganisationKind.APCC,) for role in APCC_ROLES},
    **{role: INVESTIGATING_BODY_KINDS for role in INVESTIGATING_BODY_ROLES},
}


class Appointment(EffectiveDated):
    """A person holding a role in an organisation for a period."""

    person = models.ForeignKey(User, on_delete=models.CASCADE, related_name="appointments")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="appointments")
    role = models.CharField(max_length=40, choices=Role.choices)

    class Meta:
        ordering: ClassVar = ["organisation__name", "role", "starts_on"]
        indexes: ClassVar = [models.Index(fields=["person", "ends_on"])]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["person", "organisation", "role", "starts_on"], name="appointment_unique_start"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gt=models.F("starts_on")),
                name="appointment_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.get_role_display()}, {self.organisation}"

    def clean(self) -> None:
        super().clean()
        allowed = ROLE_ORGANISATION_KINDS.get(self.role, ())
        if self.organisation_id and self.organisation.kind not in allowed:
            raise ValidationError(
                {
                    "organisation": f"A {self.get_role_display()} is appointed to "
                    f"{' or '.join(str(OrganisationKind(k).label) for k in allowed)}."
                }
            )


class AssignmentKind(models.TextChoices):
    HMI = "hmi", _("HMI for the force or FRS")
    LIAISON_LEAD = "liaison_lead", _("HMICFRS liaison lead for the OPCC")


class Assignment(EffectiveDated):
    """An HMICFRS person made responsible for a force, FRS or OPCC for a period."""

    person = models.ForeignKey(User, on_delete=models.CASCADE, related_name="assignments")
    kind = models.CharField(max_length=20, choices=AssignmentKind.choices)
    subject = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="assignments")

    class Meta:
        ordering: ClassVar = ["subject__name", "kind", "starts_on"]
        indexes: ClassVar = [models.Index(fields=["subject", "kind"])]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["person", "kind", "subject", "starts_on"], name="assignment_unique_start"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gt=models.F("starts_on")),
                name="assignment_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.get_kind_display()}: {self.subject}"

    def clean(self) -> None:
        super().clean()
        if not self.subject_id:
            return
        if self.kind == AssignmentKind.HMI and self.subject.kind not in AREA_KINDS:
            raise ValidationError(
                {"subject": "An HMI is assigned to a police force or a fire and rescue service."}
            )
        if self.kind == AssignmentKind.LIAISON_LEAD and self.subject.kind != OrganisationKind.OPCC:
            raise ValidationError({"subject": "A liaison lead is assigned to an OPCC."})


class MeetingKind(models.TextChoices):
    """The standing contacts of the MOU's 'Contact and collaboration' section."""

    HMCI_APCC_CHAIR = "hmci_apcc_chair", _("HMCI and APCC chair")  # C1
    COO_APCC_CHIEF_EXECUTIVE = (
        "coo_apcc_chief_executive",
        _("Chief operating officer and APCC chief executive"),  # C1
    )
    HMI_PCC_FORMAL = "hmi_pcc_formal", _("HMI and PCC formal meeting")  # C2
    OPCC_LIAISON = "opcc_liaison", _("OPCC chief executive and liaison lead")  # C3


class MeetingQuerySet(models.QuerySet):
    def visible_to(self, user: object, at: dt.datetime | None = None) -> MeetingQuerySet:
        """Chainable visibility; the rules live in contacts.access."""
        # At call time: contacts.access states its rules with these models, so the models reach it
        # only once loaded. A loop inside one app, kept so the rules live in access.py; not across apps.
        from contacts.access import meetings_visible_to

        return meetings_visible_to(self, user, at)


class Meeting(models.Model):
    """A meeting held under C1–C3. Its parties decide who outside HMICFRS may see it."""

    kind = models.CharField(max_length=40, choices=MeetingKind.choices)
    held_on = models.DateField()
    subject = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meetings_about",
        help_text="The force or FRS or the OPCC the meeting is about; blank for national meetings.",  # C2; C3; C1
    )
    parties = models.ManyToManyField(Organisation, related_name="meetings")
    attendees = models.ManyToManyField(User, blank=True, related_name="meetings_attended")
    notes = models.TextField(blank=True)
    confidential = models.BooleanField(
        default=False,
        help_text="Unpublished information shared in confidence: seen only by attendees, the HMI for "  # C4
        "the area and the parties.",
    )
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="meetings_recorded")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["-held_on", "-pk"]
        indexes: ClassVar = [
            models.Index(fields=["kind", "subject", "held_on"]),
            # The meetings list, newest first (the default order): read in order, stopping at a page.
            models.Index(fields=["-held_on", "-id"], name="meetings_newest_first"),
        ]
        permissions: ClassVar = [
            ("view_all_meeting", "View every meeting (HMICFRS)"),
            ("view_associated_meeting", "View meetings of the organisations the user acts for"),
        ]

    def __str__(self) -> str:
        about = f" – {self.subject}" if self.subject_id else ""
        return f"{self.get_kind_display()}{about}, {self.held_on:%-d %B %Y}"

    @property
    def kind_label(self) -> Any:
        return choice_label(MeetingKind, self.kind)


# --- Confidential records between an HMI and a PCC's office (C4, C5, L1, L2) ------------------------
#
# Who reads each one is decided in contacts.access (`confidential_visible_to`); every read of one is
# audited there. Their str() names the kind and id only: the audit trail and the admin keep a
# record's name, never what it says.


class ConfidentialQuerySet(models.QuerySet):
    """The records of C4, C5 and L1 are read by their office too (OFFICE_READS); L2 is not."""

    def visible_to(self, user: object, at: dt.datetime | None = None) -> ConfidentialQuerySet:
        """Chainable visibility; the rules live in contacts.access."""
        # At call time, as MeetingQuerySet does: a loop inside one app, kept so the rules live in access.py.
        from contacts.access import confidential_visible_to

        return confidential_visible_to(self, user, at)


class SharedFindings(models.Model):
    """C4: unpublished information or force-specific thematic findings an HMI shares with a PCC."""

    CREATED_AT = "shared_at"

    area = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="shared_findings")
    office = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="shared_findings_received",
        help_text="The office of the PCC (or equivalent) they were shared with; it stays confidential to it.",
    )
    title = models.CharField(max_length=200)
    findings = models.TextField()
    named_staff = models.ManyToManyField(User, blank=True, related_name="shared_findings_named")
    shared_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="shared_findings_made")
    shared_at = models.DateTimeField(verbose_name="shared")

    objects = ConfidentialQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["-shared_at", "-pk"]
        verbose_name = "shared unpublished findings"
        verbose_name_plural = "shared unpublished findings"

    def __str__(self) -> str:
        return f"Shared findings {self.pk}"


class PanelDecision(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class PanelInvitation(models.Model):
    """C5: an invitation to brief a police (fire) and crime panel, the PCC's representations, the HMI's
    decision with reasons, and the briefing notes (public-domain material only)."""

    CREATED_AT = "recorded_at"

    area = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="panel_invitations")
    office = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="panel_invitations_asked",
        help_text="The office of the PCC (or equivalent) asked for representations.",
    )
    panel = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="invitations_made"
    )
    received_on = models.DateField()
    meeting_on = models.DateField(verbose_name="panel meets on")
    purpose = models.TextField(help_text="What the panel asks the HMI to brief it on.")
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="panel_invitations_recorded")
    recorded_at = models.DateTimeField(verbose_name="recorded")
    representations_due_at = models.DateTimeField(verbose_name="representations due")
    representations_working = models.CharField(max_length=300, blank=True)
    representations = models.TextField(blank=True)
    representations_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="panel_representations_sent"
    )
    representations_at = models.DateTimeField(verbose_name="representations made", null=True, blank=True)
    decision = models.CharField(max_length=20, choices=PanelDecision.choices, blank=True)
    decision_reasons = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="panel_invitations_decided"
    )
    decided_at = models.DateTimeField(verbose_name="decided", null=True, blank=True)
    briefing_notes = models.TextField(blank=True)
    briefing_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="panel_briefings_written"
    )
    briefing_at = models.DateTimeField(verbose_name="briefing written", null=True, blank=True)

    objects = ConfidentialQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["-recorded_at", "-pk"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(decision="") | Q(decided_at__isnull=False), name="panel_decision_has_moment"
            ),
        ]

    def __str__(self) -> str:
        return f"Panel invitation {self.pk}"

    def representations_overdue(self, at: dt.datetime) -> bool:
        return self.representations_at is None and at >= self.representations_due_at


class PanelBriefingSource(models.Model):
    """C5: a published document the briefing notes rely on, as it was when the HMI chose it."""

    invitation = models.ForeignKey(PanelInvitation, on_delete=models.CASCADE, related_name="sources")
    document_key = models.CharField(verbose_name="document reference", max_length=100)
    title = models.CharField(max_length=300)
    published_at = models.DateTimeField(verbose_name="published")
    url = models.CharField(verbose_name="link", max_length=300, blank=True)

    class Meta:
        ordering: ClassVar = ["published_at", "pk"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["invitation", "document_key"], name="panel_source_once"),
        ]

    def __str__(self) -> str:
        return f"Briefing source {self.pk}"


class PanelAnswer(models.TextChoices):
    WILL_SIT = "will_sit", _("The HMI will sit on the appointment panel")
    WILL_NOT_SIT = "will_not_sit", _("The HMI will not sit on the appointment panel")


class ChiefOfficerRecruitment(models.Model):
    """L1: the PCC's office recruits a chief officer and asks the HMI to sit on the panel or to advise."""

    CREATED_AT = "recorded_at"

    area = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="chief_recruitments")
    office = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="chief_recruitments_run")
    process = models.TextField(help_text="The appointment process: timetable, panel and criteria.")
    asks_panel = models.BooleanField(verbose_name="asks an HMI to sit on the panel", default=False)
    asks_pre_appointment_advice = models.BooleanField(
        verbose_name="asks for advice before appointment", default=False
    )
    shortlisted_forces = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="+",
        help_text="The current forces or FRSs of shortlisted applicants, for the HMI's overview.",
    )
    recorded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="chief_recruitments_recorded"
    )
    recorded_at = models.DateTimeField(verbose_name="recorded")
    panel_answer = models.CharField(max_length=20, choices=PanelAnswer.choices, blank=True)
    advice = models.TextField(blank=True)
    advised_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="chief_recruitments_advised"
    )
    advised_at = models.DateTimeField(verbose_name="advised", null=True, blank=True)

    objects = ConfidentialQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["-recorded_at", "-pk"]

    def __str__(self) -> str:
        return f"Chief officer recruitment {self.pk}"


class ConductMatterKind(models.TextChoices):
    COMPLAINT = "complaint", _("Complaint")
    CONDUCT = "conduct", _("Conduct matter")
    DEATH_OR_SERIOUS_INJURY = "dsi", _("Death or serious injury matter")


class ConductMatter(models.Model):
    """L2: a complaint or conduct matter about the chief officer, of which the PCC's office keeps the
    HMI informed. Confidential: read only by those contacts.access names, never listed elsewhere."""

    CREATED_AT = "logged_at"
    # Unlike C4, C5 and L1, the office does not read it back: the HMI and the staff named only (DESIGN.md).
    OFFICE_READS = False

    area = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="conduct_matters")
    office = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="conduct_matters_logged")
    kind = models.CharField(max_length=20, choices=ConductMatterKind.choices)
    summary = models.TextField()
    named_staff = models.ManyToManyField(User, blank=True, related_name="conduct_matters_named")
    logged_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="conduct_matters_made")
    logged_at = models.DateTimeField()

    objects = ConfidentialQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["-logged_at", "-pk"]

    def __str__(self) -> str:
        return f"Conduct matter {self.pk}"
