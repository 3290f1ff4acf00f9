"""A demo scenario: one login per role, around Avon and Somerset, with meetings under C1–C3.

Passwords are random, made on the first load and kept in a file outside git
(DEMO_LOGINS_FILE), so a second run keeps the data and prints the same logins.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Permission
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from contacts.deadlines import cadence_deadlines_sync
from contacts.models import (
    Appointment,
    Assignment,
    AssignmentKind,
    Meeting,
    MeetingKind,
    Organisation,
    OrganisationKind,
    Role,
    User,
)
from contacts.selectors import office_of_area
from contacts.services import access_sync, appointment_start, assignment_start, meeting_record
from hmicfrs_mou.demo_monitoring import load_demo_monitoring
from hmicfrs_mou.permissions import Perm
from inspections.models import FindingKind, Inspection, InspectionKind, ReportKind
from inspections.services import (
    finding_add,
    inspection_create,
    inspection_notify,
    redaction_add,
    report_create,
    report_finalise,
    report_open_factual_accuracy,
    report_schedule,
    reports_due_notices,
)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    first_name: str
    last_name: str
    portal: str
    description: str


LOGINS = [
    DemoLogin("hmci", "Harriet", "Moss", "HMICFRS", "HM Chief Inspector"),
    DemoLogin("hmi", "Imran", "Shah", "HMICFRS", "HMI for Avon and Somerset (police and fire) and Cumbria"),
    DemoLogin("liaison", "Laura", "Evans", "HMICFRS", "Liaison lead for the Avon and Somerset OPCC"),
    DemoLogin("inspector", "Ian", "Price", "HMICFRS", "Inspection staff"),
    DemoLogin("opcc", "Olivia", "Carter", "OPCC", "OPCC staff, Avon and Somerset"),
    DemoLogin("opcc-cumbria", "Owen", "Hughes", "OPCC", "OPCC chief executive, Cumbria (PFCC)"),
    DemoLogin(
        "force", "Frank", "Ward", "Force / FRS", "Chief constable's office, Avon and Somerset Constabulary"
    ),
    DemoLogin(
        "frs", "Fiona", "Reid", "Force / FRS", "Chief fire officer's office, Avon Fire & Rescue Service"
    ),
    DemoLogin("apcc", "Amira", "Bell", "APCC", "APCC joint performance portfolio lead"),
    DemoLogin("iopc", "Isaac", "Lowe", "Super-complaints", "IOPC staff investigating super-complaints"),
    DemoLogin("admin", "Ada", "Morgan", "Django admin", "System administrator (superuser)"),
]


def _logins_file() -> Path:
    return Path(getattr(settings, "DEMO_LOGINS_FILE", settings.BASE_DIR / ".demo-logins.json"))


def _passwords() -> dict[str, str]:
    path = _logins_file()
    stored: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
    for login in LOGINS:
        stored.setdefault(login.username, secrets.token_urlsafe(9))
    # The second factor of the logins whose role requires one: an authenticator app's secret (hex, as
    # django-otp keeps it) and one recovery code, made once and kept with the passwords.
    factors = stored.setdefault(SECOND_FACTOR_KEY, {})
    for username in TWO_FACTOR_LOGINS:
        factors.setdefault(username, {"key": default_key(), "recovery_code": StaticToken.random_token()})
    path.write_text(json.dumps(stored, indent=2))
    path.chmod(0o600)
    return stored


# The demo logins whose role requires a second factor (HMICFRS, the APCC, the administrator).
TWO_FACTOR_LOGINS = ("hmci", "hmi", "liaison", "inspector", "apcc", "admin")
SECOND_FACTOR_KEY = "second_factor"


@dataclass(frozen=True)
class DemoSecondFactor:
    key: str  # hex, as django-otp stores it
    recovery_code: str

    @property
    def secret(self) -> str:
        """The key as an authenticator app takes it (base32, in groups of four)."""
        text = base64.b32encode(bytes.fromhex(self.key)).decode()
        return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def demo_second_factors() -> dict[str, DemoSecondFactor]:
    """The second factor of each demo login that has one (after load_demo)."""
    stored = json.loads(_logins_file().read_text()) if _logins_file().exists() else {}
    return {name: DemoSecondFactor(**value) for name, value in stored.get(SECOND_FACTOR_KEY, {}).items()}


def _demo_second_factor(user: User, factor: dict[str, str]) -> None:
    """The login's authenticator app (with the printed secret) and its recovery code, kept as printed."""
    app, _ = TOTPDevice.objects.get_or_create(
        user=user, name="Demo authenticator app", defaults={"key": factor["key"], "confirmed": True}
    )
    if app.key != factor["key"]:
        app.key = factor["key"]
        app.save(update_fields=["key"])
    codes, _ = StaticDevice.objects.get_or_create(
        user=user, name="Recovery codes", defaults={"confirmed": True}
    )
    if not codes.token_set.filter(token=factor["recovery_code"]).exists():
        StaticToken.objects.create(device=codes, token=factor["recovery_code"])


def _org(kind: str, slug: str) -> Organisation:
    return Organisation.objects.get(kind=kind, slug=slug)


@transaction.atomic
def load_demo(today: dt.date | None = None) -> list[tuple[DemoLogin, str]]:
    """Create the demo people and records if missing; return each login with its password."""
    today = today or timezone.localdate()
    passwords: dict[str, Any] = _passwords()
    hmicfrs = _org(OrganisationKind.HMICFRS, "hmicfrs")
    apcc = _org(OrganisationKind.APCC, "apcc")
    avon_police = _org(OrganisationKind.POLICE_FORCE, "avon-and-somerset")
    avon_fire = _org(OrganisationKind.FIRE_RESCUE_SERVICE, "avon")
    cumbria_police = _org(OrganisationKind.POLICE_FORCE, "cumbria")
    cumbria_fire = _org(OrganisationKind.FIRE_RESCUE_SERVICE, "cumbria")
    avon_office = office_of_area(avon_police, today)
    cumbria_office = office_of_area(cumbria_police, today)
    start = dt.date(2025, 7, 3)

    appointments = {
        "hmci": [(hmicfrs, Role.HMCI)],
        "hmi": [(hmicfrs, Role.HMI)],
        "liaison": [(hmicfrs, Role.LIAISON_LEAD)],
        "inspector": [(hmicfrs, Role.INSPECTION_STAFF)],
        "opcc": [(avon_office, Role.OPCC_STAFF)],
        "opcc-cumbria": [(cumbria_office, Role.OPCC_CHIEF_EXECUTIVE)],
        "force": [(avon_police, Role.CHIEF_OFFICER_STAFF)],
        "frs": [(avon_fire, Role.CHIEF_OFFICER_STAFF)],
        "apcc": [(apcc, Role.APCC_JOINT_PERFORMANCE_LEAD)],
        "iopc": [(_org(OrganisationKind.IOPC, "iopc"), Role.INVESTIGATING_BODY_STAFF)],
        "admin": [],
    }
    users: dict[str, User] = {}
    for login in LOGINS:
        user, created = User.objects.get_or_create(
            username=login.username,
            defaults={
                "first_name": login.first_name,
                "last_name": login.last_name,
                "email": f"{login.username}@demo.mou-portal.invalid",
                "job_title": login.description,
                "is_staff": login.username == "admin",
                "is_superuser": login.username == "admin",
            },
        )
        if created or not user.check_password(passwords[login.username]):
            user.set_password(passwords[login.username])
            user.save(update_fields=["password"])
        users[login.username] = user
        if login.username == "admin":
            # The administrator watches the reminder sweep; superuser status alone opens no portal page.
            user.user_permissions.add(
                Permission.objects.get(
                    content_type__app_label=Perm.VIEW_SERVICE_HEALTH.app_label,
                    codename=Perm.VIEW_SERVICE_HEALTH.codename,
                )
            )
        for organisation, role in appointments[login.username]:
            if not Appointment.objects.filter(person=user, organisation=organisation, role=role).exists():
                appointment_start(person=user, organisation=organisation, role=role, starts_on=start)
        access_sync(person=user)
        if login.username in TWO_FACTOR_LOGINS:
            _demo_second_factor(user, passwords[SECOND_FACTOR_KEY][login.username])

    for person, kind, subject in (
        ("hmi", AssignmentKind.HMI, avon_police),
        ("hmi", AssignmentKind.HMI, avon_fire),
        ("hmi", AssignmentKind.HMI, cumbria_police),
        ("hmi", AssignmentKind.HMI, cumbria_fire),
        ("liaison", AssignmentKind.LIAISON_LEAD, avon_office),
        ("liaison", AssignmentKind.LIAISON_LEAD, cumbria_office),
    ):
        if not Assignment.objects.filter(person=users[person], kind=kind, subject=subject).exists():
            assignment_start(person=users[person], kind=kind, subject=subject, starts_on=start)

    if not Meeting.objects.filter(recorded_by__username__in=[login.username for login in LOGINS]).exists():
        avon_body = avon_office.parent
        meeting_record(
            kind=MeetingKind.HMCI_APCC_CHAIR,
            held_on=today - dt.timedelta(days=40),
            subject=None,
            parties=[hmicfrs, apcc],
            attendees=[users["hmci"]],
            by=users["hmci"],
            notes="Quarterly meeting: the inspection programme for 2026–27 and support for forces in Engage.",
        )
        meeting_record(
            kind=MeetingKind.HMI_PCC_FORMAL,
            held_on=today - dt.timedelta(days=200),
            subject=avon_police,
            parties=[hmicfrs, avon_body],
            attendees=[users["hmi"]],
            by=users["hmi"],
            notes="Formal meeting: PEEL findings and the force's response to the 2025 cause of concern.",
        )
        meeting_record(
            kind=MeetingKind.OPCC_LIAISON,
            held_on=today - dt.timedelta(days=30),
            subject=avon_office,
            parties=[hmicfrs, avon_office],
            attendees=[users["liaison"]],
            by=users["liaison"],
            notes="Quarterly liaison: the inspection schedule for the next six months.",
        )
        meeting_record(
            kind=MeetingKind.HMI_PCC_FORMAL,
            held_on=today - dt.timedelta(days=20),
            subject=cumbria_police,
            parties=[hmicfrs, cumbria_office.parent],
            attendees=[users["hmi"]],
            by=users["hmi"],
            confidential=True,
            notes="Unpublished thematic findings shared with the PFCC in confidence.",  # C4
        )
    if not Inspection.objects.exists():
        _demo_inspections(users, avon_police, avon_fire, cumbria_police, today)
    load_demo_monitoring(users, today)
    # Every standing pair gets its next-meeting deadline, so reminders start with the worker.
    cadence_deadlines_sync()
    return [(login, passwords[login.username]) for login in LOGINS]


# Headings ("# ", "## ") and numbered paragraphs: inspections/report_text.py.
PEEL_BODY = """# Overall findings

This report sets out our findings on how well Avon and Somerset Constabulary keeps people safe and reduces crime.

We found the constabulary good at preventing crime and at protecting vulnerable people, but it needs to improve how it investigates crime.

# Investigating crime

The constabulary's investigations are mostly thorough, but too many victims are not kept informed of progress.

## Keeping victims informed

In 11 of the 40 case files we reviewed, the victim had not been updated for more than 28 days.

# Protecting vulnerable people

The constabulary identifies vulnerability well at first contact. Officer 4471 disclosed the address of a refuge in a case file.

# Managing offenders

The constabulary manages registered sex offenders well, with good use of risk assessment tools."""


def _demo_inspections(
    users: dict[str, User],
    avon_police: Organisation,
    avon_fire: Organisation,
    cumbria_police: Organisation,
    today: dt.date,
) -> None:
    """A PEEL report of Avon and Somerset inside its embargo window, a published thematic report,
    an FRS draft in its factual-accuracy window, and a Cumbria report the Avon office cannot see."""
    now = timezone.now()
    hmi, inspector = users["hmi"], users["inspector"]
    peel = inspection_create(
        kind=InspectionKind.PEEL,
        title="PEEL 2025–27: Avon and Somerset Constabulary",
        areas=[avon_police],
        lead=hmi,
        team=[inspector],
        by=hmi,
        now=now - dt.timedelta(days=120),
    )
    inspection_notify(
        inspection=peel,
        kind="notification",
        subject="PEEL inspection of Avon and Somerset Constabulary",
        body="The final evidence-gathering period runs from 2 to 13 March 2026.",
        by=hmi,
        now=now - dt.timedelta(days=120),
    )
    report = report_create(
        inspection=peel,
        kind=ReportKind.FORCE_SPECIFIC,
        title="PEEL 2025–27: Avon and Somerset Constabulary",
        summary="How well the constabulary keeps people safe and reduces crime.",
        body=PEEL_BODY,
        press_release="Inspectorate publishes its PEEL assessment of Avon and Somerset Constabulary.",
        by=hmi,
        now=now - dt.timedelta(days=30),
    )
    for kind, text in (
        (
            FindingKind.CAUSE_OF_CONCERN,
            "The constabulary does not keep victims informed of the progress of investigations.",
        ),
        (
            FindingKind.RECOMMENDATION,
            "Within six months, make sure victims are updated at least every 28 days.",
        ),
        (
            FindingKind.RECOMMENDATION,
            "Within three months, review how case files record addresses of refuges.",
        ),
        (
            FindingKind.AREA_FOR_IMPROVEMENT,
            "The constabulary should improve how it supervises investigations.",
        ),
    ):
        finding_add(report=report, kind=kind, text=text, by=hmi)
    redaction_add(
        report=report,
        passage="Officer 4471 disclosed the address of a refuge in a case file.",
        reason="A person's safety",
        by=hmi,
    )
    report_finalise(report=report, by=hmi, now=now - dt.timedelta(days=5))
    publication = timezone.localtime(now + dt.timedelta(days=1)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    report_schedule(report=report, publication_at=publication, by=hmi, now=now - dt.timedelta(days=4))

    thematic = inspection_create(
        kind=InspectionKind.THEMATIC,
        title="Police response to stalking (thematic)",
        areas=[avon_police, cumbria_police],
        lead=hmi,
        team=[inspector],
        by=hmi,
        now=now - dt.timedelta(days=200),
    )
    published = report_create(
        inspection=thematic,
        kind=ReportKind.OTHER,
        title="Police response to stalking",
        summary="A national look at how forces respond to stalking.",
        body=(
            "# Identifying stalking\n\nForces have improved how they identify stalking.\n\n"
            "# Stalking protection orders\n\nChief constables should review how stalking protection orders are used."
        ),
        interested_parties=[avon_police, cumbria_police],
        by=hmi,
        now=now - dt.timedelta(days=60),
    )
    finding_add(
        report=published,
        kind=FindingKind.RECOMMENDATION,
        text="By March 2027, chief constables should review their use of stalking protection orders.",
        by=hmi,
    )
    report_finalise(report=published, by=hmi, now=now - dt.timedelta(days=30))
    report_schedule(
        report=published, publication_at=now - dt.timedelta(days=10), by=hmi, now=now - dt.timedelta(days=20)
    )
    reports_due_notices(now=now)

    fire = inspection_create(
        kind=InspectionKind.FRS,
        title="FRS inspection 2026: Avon Fire & Rescue Service",
        areas=[avon_fire],
        lead=hmi,
        team=[inspector],
        by=hmi,
        now=now - dt.timedelta(days=90),
    )
    draft = report_create(
        inspection=fire,
        kind=ReportKind.FORCE_SPECIFIC,
        title="Avon Fire & Rescue Service: effectiveness, efficiency and people",
        summary="Draft for factual-accuracy check.",
        body=(
            "# Responding to emergencies\n\nThe service responds to emergencies promptly.\n\n"
            "# Preventing fires\n\nThe service carried out 4,200 home fire safety visits in 2025.\n\n"
            "## Working with partners\n\nThe service shares information about people at risk with the local "
            "authority and the NHS."
        ),
        by=hmi,
        now=now - dt.timedelta(days=10),
    )
    report_open_factual_accuracy(
        report=draft, closes_at=now + dt.timedelta(days=7), by=hmi, now=now - dt.timedelta(hours=1)
    )

    cumbria = inspection_create(
        kind=InspectionKind.PEEL,
        title="PEEL 2025–27: Cumbria Constabulary",
        areas=[cumbria_police],
        lead=hmi,
        by=hmi,
        now=now - dt.timedelta(days=100),
    )
    cumbria_report = report_create(
        inspection=cumbria,
        kind=ReportKind.FORCE_SPECIFIC,
        title="PEEL 2025–27: Cumbria Constabulary",
        body="# Preventing crime\n\nThe constabulary is good at preventing crime.",
        by=hmi,
        now=now - dt.timedelta(days=20),
    )
    report_finalise(report=cumbria_report, by=hmi, now=now - dt.timedelta(days=5))
    report_schedule(
        report=cumbria_report,
        publication_at=publication + dt.timedelta(days=1),
        by=hmi,
        now=now - dt.timedelta(days=4),
    )
