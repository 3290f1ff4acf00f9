"""The monitoring part of the demo: a force in Engage, an FRS in Engage, a routine concern.

Every record is made through the monitoring services, by the demo person the
MOU names for each step, at moments in the past relative to `today`:

- Avon and Somerset Constabulary in Engage: advised, decided by HMCI, PCC told,
  announced, letter sent; a PPOG held two working days ago with the APCC lead
  there and an offer of assistance whose written follow-up is due in three
  working days; an improvement plan; the toolkit shared.
- Avon Fire & Rescue Service in Engage for nearly four months with no FPOG yet:
  the next FPOG is due within days, one is scheduled.
- A routine-monitoring concern about Cumbria Constabulary (Scan).
- The Metropolitan Police Service left Engage in January 2025 (the public history).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from contacts.models import Organisation, OrganisationKind, User
from hmicfrs_mou.deadlines import LONDON, add_working_days, is_working_day
from hmicfrs_mou.pdf import html_to_pdf
from monitoring import services
from monitoring.models import EngageCase, ToolkitVersion


def _working_days_before(day: dt.date, days: int) -> dt.date:
    while days:
        day -= dt.timedelta(days=1)
        if is_working_day(day):
            days -= 1
    return day


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=LONDON)


class _Upload:
    """Just enough of an UploadedFile for the content check (an in-memory PDF)."""

    def __init__(self, name: str, content: bytes) -> None:
        self.name = name
        self.size = len(content)
        self._content = content

    def read(self, limit: int = -1) -> bytes:
        return self._content if limit < 0 else self._content[:limit]


def load_demo_monitoring(users: dict[str, User], today: dt.date) -> None:
    """Create the monitoring demo if it is not there yet (idempotent)."""
    avon_police = Organisation.objects.get(kind=OrganisationKind.POLICE_FORCE, slug="avon-and-somerset")
    avon_fire = Organisation.objects.get(kind=OrganisationKind.FIRE_RESCUE_SERVICE, slug="avon")
    cumbria_police = Organisation.objects.get(kind=OrganisationKind.POLICE_FORCE, slug="cumbria")
    if EngageCase.objects.filter(area__in=[avon_police, avon_fire], historical=False).exists():
        return
    hmi, hmci, apcc, force = users["hmi"], users["hmci"], users["apcc"], users["force"]
    now = timezone.now()

    # The APCC's toolkit, version 1.
    if not ToolkitVersion.objects.exists():
        pdf = html_to_pdf(
            '<html lang="en-GB"><head><title>APCC Engage toolkit</title></head><body>'
            "<h1>APCC Engage toolkit</h1><p>Guidance for PCCs whose force or fire and rescue service is in "
            "Engage: what to expect, holding the chief to account for the improvement plan, and the "
            "support available from the APCC and partners.</p></body></html>"
        )
        services.toolkit_upload(
            upload=_Upload("apcc-engage-toolkit.pdf", pdf),  # type: ignore[arg-type]
            note="First edition",
            by=apcc,
            now=_at(today - dt.timedelta(days=400)),
        )

    # Avon and Somerset Constabulary: in Engage since about five months ago.
    entered = today - dt.timedelta(days=150)
    case = services.case_advise(
        area=avon_police,
        advice="The constabulary has not responded sufficiently to the cause of concern about crime "
        "recording raised at its last PEEL inspection. I advise that it moves into Engage.",
        evidence="Crime data integrity audit: 84% of reported crimes recorded; victims not updated in 4 of 10 "
        "sampled cases; no improvement since the PEEL report.",
        causes=[
            services.CauseInput("The constabulary does not record crime accurately enough."),
            services.CauseInput("Victims are not kept informed of the progress of their cases."),
        ],
        by=hmi,
        now=_at(entered - dt.timedelta(days=7)),
    )
    services.case_decide(
        case=case,
        engage=True,
        reasons="The constabulary has not made enough progress against the cause of concern, and the "
        "evidence shows the risk to victims persists.",
        by=hmci,
        now=_at(entered),
    )
    services.case_record_pcc_informed(
        case=case,
        person_told="The Police and Crime Commissioner for Avon and Somerset",
        told_at=_at(entered, 15),
        how="in_person",
        by=hmi,
        now=_at(entered, 16),
    )
    services.case_send_letter(case=case, by=hmi, now=_at(entered + dt.timedelta(days=1), 9))
    services.case_announce(
        case=case,
        announcement="HM Chief Inspector has placed Avon and Somerset Constabulary in enhanced monitoring "
        "(Engage) because of concerns about crime recording and the support given to victims.",
        by=hmci,
        now=_at(entered + dt.timedelta(days=2)),
    )
    services.toolkit_send(
        case=case,
        letter="Dear Commissioner, the APCC's joint performance portfolio leads are here to support you while "
        "the constabulary is in Engage. The Engage toolkit is attached.",
        by=apcc,
        now=_at(entered + dt.timedelta(days=6)),
    )
    services.plan_submit(
        case=case,
        text="1. Crime recording: daily audit of incidents closed without a crime record.\n"
        "2. Victim updates: a named officer for every victim, updates every 28 days.",
        by=force,
        now=_at(entered + dt.timedelta(days=30)),
    )
    held = _working_days_before(today, 2)
    meeting = services.meeting_schedule(
        case=case, scheduled_for=held, by=hmi, now=_at(entered + dt.timedelta(days=20))
    )
    apcc_org = Organisation.objects.get(kind=OrganisationKind.APCC)
    hmicfrs = Organisation.objects.get(kind=OrganisationKind.HMICFRS)
    # Minutes are written up after the meeting: recorded now, about the day it was held.
    meeting = services.meeting_record_held(
        meeting=meeting,
        held_on=held,
        attendances=[
            services.AttendanceInput(apcc_org, str(apcc), apcc, "Joint performance portfolio lead"),
            services.AttendanceInput(hmicfrs, str(hmi), hmi, "HMI for the force"),
            services.AttendanceInput(hmicfrs, str(hmci), hmci, "Chair"),
            services.AttendanceInput(avon_police, str(force), force, "Chief constable's office"),
        ],
        notes="Progress against the improvement plan: crime recording audit results improving; victim "
        "updates still behind plan.",
        by=apcc,
        now=now,
    )
    services.action_add(
        meeting=meeting,
        text="The APCC offers a peer review of victim-update arrangements by another force's OPCC.",
        owner=apcc_org,
        offer_of_assistance=True,
        by=apcc,
        now=now,
    )
    services.action_add(
        meeting=meeting,
        text="The constabulary to report crime recording audit results at the next meeting.",
        owner=avon_police,
        offer_of_assistance=False,
        by=apcc,
        now=now,
    )
    # Avon Fire & Rescue Service: in Engage for almost four months, the first FPOG is due within days.
    fire_entered = today - dt.timedelta(days=112)
    fire_case = services.case_advise(
        area=avon_fire,
        advice="The service's prevention work has not improved since the cause of concern was raised.",
        evidence="Home fire safety visits down 40% year on year; no targeting of those most at risk.",
        causes=[
            services.CauseInput("The service does not target its prevention work at those most at risk.")
        ],
        by=hmi,
        now=_at(fire_entered - dt.timedelta(days=5)),
    )
    services.case_decide(
        case=fire_case,
        engage=True,
        reasons="Insufficient progress against the cause of concern about prevention.",
        by=hmci,
        now=_at(fire_entered),
    )
    services.case_record_pcc_informed(
        case=fire_case,
        person_told="The chair of Avon Fire Authority",
        told_at=_at(fire_entered, 14),
        how="video",
        by=hmi,
        now=_at(fire_entered, 15),
    )
    services.case_announce(
        case=fire_case,
        announcement="HM Chief Inspector has placed Avon Fire & Rescue Service in enhanced monitoring "
        "(Engage) because of concerns about its prevention work.",
        by=hmci,
        now=_at(fire_entered + dt.timedelta(days=1)),
    )
    services.meeting_schedule(case=fire_case, scheduled_for=add_working_days(today, 8), by=hmi, now=now)
    # Cumbria Constabulary stays in Scan with a routine concern shared with the PFCC and the chief.
    services.concern_raise(
        area=cumbria_police,
        summary="Call handling times",
        text="Average time to answer 101 calls has doubled over six months. This does not warrant Engage, "
        "but the chief constable and the commissioner should be aware of it.",
        by=hmi,
        now=now - dt.timedelta(days=3),
    )
