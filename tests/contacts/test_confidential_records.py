"""C4, C5, L1, L2: the confidential records between an HMI and a PCC's office, rule by rule.

Each service is tried by its own party and refused, with nothing written, for the wrong actor (another
role, and the same role for another area), at the wrong moment and with a field missing.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from contacts.models import (
    ConductMatterKind,
    Organisation,
    OrganisationKind,
    PanelAnswer,
    PanelDecision,
    Role,
    User,
)
from contacts.services_confidential import (
    conduct_matter_log,
    panel_briefing_record,
    panel_invitation_decide,
    panel_invitation_record,
    panel_representations_send,
    recruitment_advice_record,
    recruitment_record,
    shared_findings_share,
)
from hmicfrs_mou.deadlines import LONDON
from hmicfrs_mou.models import AuditAction, AuditEvent, Deadline, DeadlineState, InboxMessage
from tests.conftest import make_person, office_of
from tests.contacts.confidential_world import (
    BEFORE_APPOINTMENTS,
    LATER,
    PANEL_MEETS,
    PUBLISHED,
    REPRESENTATIONS_DUE,
    T0,
    T1,
    fake_public_source,
    writes,
)


@pytest.fixture
def public_source(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("contacts.public_domain.SOURCES", {"test": fake_public_source})


def refused(service, /, **kwargs) -> ValidationError:  # noqa: ANN001
    """Call the service, expect a refusal, and check that nothing at all was written."""
    before = writes()
    with pytest.raises(ValidationError) as caught:
        service(**kwargs)
    assert writes() == before
    return caught.value


def message(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- C4: shared unpublished findings ---------------------------------------------------------------------


def share(by: User, area: Organisation, **kwargs: object):
    kwargs.setdefault("title", "Early sight of the PEEL findings")
    kwargs.setdefault("findings", "Crime recording is a cause of concern.")
    kwargs.setdefault("now", T0)
    return shared_findings_share(area=area, by=by, **kwargs)


def test_c4_hmi_shares_unpublished_findings_with_the_pcc_office_as_a_record(
    hmi_a, force_a, pcc_office_a, hmicfrs_staff
):
    record = share(hmi_a, force_a, named_staff=[hmicfrs_staff])
    assert record.office == office_of(force_a)
    assert record.shared_at == T0
    assert list(record.named_staff.all()) == [hmicfrs_staff]
    notice = InboxMessage.objects.get(user=pcc_office_a)
    assert notice.url == reverse("contacts:shared-findings", kwargs={"pk": record.pk})
    assert "Crime recording" not in notice.body  # the notice says there is something to read, never what
    assert InboxMessage.objects.filter(user=hmicfrs_staff).exists()
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_id=str(record.pk), actor=hmi_a
    ).exists()


@pytest.mark.wrong_actor("contacts.services_confidential.shared_findings_share")
@pytest.mark.parametrize(
    "who", ["pcc_office_a", "chief_office_a", "hmicfrs_staff", "liaison_lead_a", "other_hmi"]
)
def test_c4_only_the_hmi_for_the_area_shares_findings(who, request, force_a):
    error = refused(share, by=request.getfixturevalue(who), area=force_a)
    assert "Only the HMI for Avon and Somerset Constabulary" in message(error)


def test_c4_refused_at_a_moment_the_person_was_not_yet_the_hmi(hmi_a, force_a):
    error = refused(share, by=hmi_a, area=force_a, now=BEFORE_APPOINTMENTS)
    assert "Only the HMI" in message(error)


@pytest.mark.parametrize(("field", "blank"), [("title", {"title": " "}), ("findings", {"findings": ""})])
def test_c4_refused_with_a_field_missing(hmi_a, force_a, field, blank):
    error = refused(share, by=hmi_a, area=force_a, **blank)
    assert field in error.message_dict


def test_c4_only_hmicfrs_staff_can_be_named(hmi_a, force_a, pcc_office_b):
    error = refused(share, by=hmi_a, area=force_a, named_staff=[pcc_office_b])
    assert error.message_dict["named_staff"] == ["Only HMICFRS staff can be named to read this."]


# --- C5: panel invitations -------------------------------------------------------------------------------


def invite(by: User, area: Organisation, **kwargs: object):
    kwargs.setdefault("received_on", dt.date(2026, 5, 28))
    kwargs.setdefault("meeting_on", PANEL_MEETS)
    kwargs.setdefault("purpose", "Explain the PEEL methodology and the force's published grades.")
    kwargs.setdefault("now", T0)
    return panel_invitation_record(area=area, by=by, **kwargs)


def test_c5_hmi_records_an_invitation_and_asks_the_pcc_office_by_a_registered_deadline(
    hmi_a, force_a, pcc_office_a
):
    invitation = invite(hmi_a, force_a)
    # Five working days after Monday 1 June 2026: Monday 8 June, to the end of that day (London).
    assert invitation.representations_due_at == REPRESENTATIONS_DUE
    assert "Monday 1 June 2026 + 5 working days = Monday 8 June 2026" in invitation.representations_working
    assert invitation.office == office_of(force_a)
    assert invitation.panel is not None
    assert invitation.panel.kind == OrganisationKind.PANEL
    deadline = Deadline.objects.get(kind="panel_representations", key=f"panel-invitation:{invitation.pk}")
    assert deadline.due_at == REPRESENTATIONS_DUE
    assert deadline.state == DeadlineState.OPEN
    assert pcc_office_a.pk in set(
        deadline.parties.filter(role="responsible").values_list("user_id", flat=True)
    )
    notice = InboxMessage.objects.get(user=pcc_office_a)
    assert "by the end of 8 June 2026" in notice.body


def test_c5_deadline_never_runs_past_the_panel_meeting(hmi_a, force_a):
    invitation = invite(hmi_a, force_a, meeting_on=dt.date(2026, 6, 4))
    # The panel meets on Thursday 4 June: the last working day before it is Wednesday 3 June.
    assert invitation.representations_due_at == dt.datetime(2026, 6, 4, 0, 0, tzinfo=LONDON)


@pytest.mark.wrong_actor("contacts.services_confidential.panel_invitation_record")
@pytest.mark.parametrize("who", ["pcc_office_a", "chief_office_a", "hmicfrs_staff", "other_hmi"])
def test_c5_only_the_hmi_for_the_area_records_an_invitation(who, request, force_a):
    error = refused(invite, by=request.getfixturevalue(who), area=force_a)
    assert "Only the HMI for Avon and Somerset Constabulary" in message(error)


def test_c5_refused_for_a_panel_meeting_already_held(hmi_a, force_a):
    error = refused(invite, by=hmi_a, area=force_a, meeting_on=dt.date(2026, 6, 1))
    assert "meeting_on" in error.message_dict


@pytest.mark.parametrize(
    ("field", "blank"),
    [
        ("purpose", {"purpose": ""}),
        ("meeting_on", {"meeting_on": None}),
        ("received_on", {"received_on": None}),
    ],
)
def test_c5_invitation_refused_with_a_field_missing(hmi_a, force_a, field, blank):
    error = refused(invite, by=hmi_a, area=force_a, **blank)
    assert field in error.message_dict


@pytest.fixture
def invitation(hmi_a, force_a, pcc_office_a):
    return invite(hmi_a, force_a)


def test_c5_pcc_office_sends_representations_and_the_deadline_is_met(invitation, pcc_office_a, hmi_a):
    panel_representations_send(
        invitation=invitation, representations="We would welcome the briefing.", by=pcc_office_a, now=T1
    )
    invitation.refresh_from_db()
    assert invitation.representations_by == pcc_office_a
    assert invitation.representations_at == T1
    assert Deadline.objects.get(key=f"panel-invitation:{invitation.pk}").state == DeadlineState.MET
    assert InboxMessage.objects.filter(user=hmi_a, subject__startswith="Representations received").exists()


@pytest.mark.wrong_actor("contacts.services_confidential.panel_representations_send")
@pytest.mark.parametrize("who", ["hmi_a", "chief_office_a", "pcc_office_b"])
def test_c5_only_the_office_asked_sends_representations(invitation, who, request):
    error = refused(
        panel_representations_send,
        invitation=invitation,
        representations="Yes",
        by=request.getfixturevalue(who),
        now=T1,
    )
    assert "Only staff of Office of the Police and Crime Commissioner for Avon and Somerset" in message(error)
    invitation.refresh_from_db()
    assert invitation.representations_at is None


def test_c5_representations_refused_when_blank_or_sent_twice(invitation, pcc_office_a):
    error = refused(
        panel_representations_send, invitation=invitation, representations=" ", by=pcc_office_a, now=T1
    )
    assert "representations" in error.message_dict
    panel_representations_send(invitation=invitation, representations="Yes", by=pcc_office_a, now=T1)
    error = refused(
        panel_representations_send, invitation=invitation, representations="Again", by=pcc_office_a, now=T1
    )
    assert "already sent" in message(error)


def test_c5_decision_refused_before_representations_arrive_unless_the_deadline_has_passed(
    invitation, hmi_a, pcc_office_a
):
    just_before = REPRESENTATIONS_DUE - dt.timedelta(seconds=1)
    error = refused(
        panel_invitation_decide,
        invitation=invitation,
        decision="accepted",
        reasons="Useful",
        by=hmi_a,
        now=just_before,
    )
    assert "Wait for the representations" in message(error)
    decided = panel_invitation_decide(
        invitation=invitation,
        decision=PanelDecision.DECLINED,
        reasons="No representations and the report is not yet published.",
        by=hmi_a,
        now=REPRESENTATIONS_DUE,
    )
    assert decided.decision == PanelDecision.DECLINED
    assert Deadline.objects.get(key=f"panel-invitation:{invitation.pk}").state == DeadlineState.WAIVED
    assert InboxMessage.objects.filter(user=pcc_office_a, subject__contains="declined").exists()


def test_c5_hmi_decides_with_reasons_once_representations_arrive(invitation, hmi_a, pcc_office_a):
    panel_representations_send(
        invitation=invitation, representations="Please accept.", by=pcc_office_a, now=T1
    )
    decided = panel_invitation_decide(
        invitation=invitation, decision=PanelDecision.ACCEPTED, reasons="Public interest.", by=hmi_a, now=T1
    )
    assert (decided.decision, decided.decided_by, decided.decided_at) == (PanelDecision.ACCEPTED, hmi_a, T1)
    error = refused(
        panel_invitation_decide,
        invitation=invitation,
        decision="declined",
        reasons="Changed mind",
        by=hmi_a,
        now=T1,
    )
    assert "already accepted" in message(error)
    error = refused(
        panel_representations_send, invitation=invitation, representations="Late", by=pcc_office_a, now=T1
    )
    assert "already accepted" in message(error)


@pytest.mark.wrong_actor("contacts.services_confidential.panel_invitation_decide")
@pytest.mark.parametrize("who", ["pcc_office_a", "hmicfrs_staff", "other_hmi"])
def test_c5_only_the_hmi_for_the_area_decides(invitation, pcc_office_a, who, request):
    panel_representations_send(invitation=invitation, representations="Yes", by=pcc_office_a, now=T1)
    error = refused(
        panel_invitation_decide,
        invitation=invitation,
        decision="accepted",
        reasons="Useful",
        by=request.getfixturevalue(who),
        now=T1,
    )
    assert "Only the HMI for" in message(error)
    invitation.refresh_from_db()
    assert invitation.decision == ""


@pytest.mark.parametrize(("field", "values"), [("reasons", ("accepted", "")), ("decision", ("maybe", "Why"))])
def test_c5_decision_refused_with_a_field_missing(invitation, hmi_a, pcc_office_a, field, values):
    panel_representations_send(invitation=invitation, representations="Yes", by=pcc_office_a, now=T1)
    decision, reasons = values
    error = refused(
        panel_invitation_decide, invitation=invitation, decision=decision, reasons=reasons, by=hmi_a, now=T1
    )
    assert field in error.message_dict


@pytest.fixture
def accepted(invitation, hmi_a, pcc_office_a):
    panel_representations_send(invitation=invitation, representations="Yes", by=pcc_office_a, now=T1)
    return panel_invitation_decide(
        invitation=invitation, decision=PanelDecision.ACCEPTED, reasons="Public interest.", by=hmi_a, now=T1
    )


def test_c5_briefing_notes_rely_only_on_material_published_at_that_moment(accepted, hmi_a, public_source):
    error = refused(
        panel_briefing_record,
        invitation=accepted,
        notes="Grades as published.",
        sources=[LATER.key],
        by=hmi_a,
        now=T1,
    )
    assert "Only material already in the public domain" in error.message_dict["sources"][0]
    error = refused(
        panel_briefing_record,
        invitation=accepted,
        notes="Grades",
        sources=[PUBLISHED.key, "test.report:999"],
        by=hmi_a,
        now=T1,
    )
    assert "1 of the documents chosen is not published" in error.message_dict["sources"][0]
    briefed = panel_briefing_record(
        invitation=accepted, notes="Grades as published.", sources=[PUBLISHED.key], by=hmi_a, now=T1
    )
    assert [(s.document_key, s.title) for s in briefed.sources.all()] == [(PUBLISHED.key, PUBLISHED.title)]
    # Once the thematic is published (1 July 2026), it may be relied on too.
    after = dt.datetime(2026, 7, 2, 9, tzinfo=LONDON)
    panel_briefing_record(
        invitation=accepted, notes="Updated.", sources=[PUBLISHED.key, LATER.key], by=hmi_a, now=after
    )
    assert accepted.sources.count() == 2


@pytest.mark.parametrize(
    ("field", "notes", "sources"), [("notes", "", [PUBLISHED.key]), ("sources", "Notes", [])]
)
def test_c5_briefing_refused_with_a_field_missing(accepted, hmi_a, public_source, field, notes, sources):
    error = refused(
        panel_briefing_record, invitation=accepted, notes=notes, sources=sources, by=hmi_a, now=T1
    )
    assert field in error.message_dict


def test_c5_briefing_refused_before_the_invitation_is_accepted(invitation, hmi_a, public_source):
    error = refused(
        panel_briefing_record, invitation=invitation, notes="Notes", sources=[PUBLISHED.key], by=hmi_a, now=T1
    )
    assert "once you have accepted" in message(error)


@pytest.mark.wrong_actor("contacts.services_confidential.panel_briefing_record")
@pytest.mark.parametrize("who", ["pcc_office_a", "hmicfrs_staff", "other_hmi"])
def test_c5_only_the_hmi_for_the_area_writes_the_briefing(accepted, who, request, public_source):
    error = refused(
        panel_briefing_record,
        invitation=accepted,
        notes="Notes",
        sources=[PUBLISHED.key],
        by=request.getfixturevalue(who),
        now=T1,
    )
    assert "Only the HMI for" in message(error)


# --- L1: chief officer recruitment -------------------------------------------------------------------------


def recruit(by: User, area: Organisation, **kwargs: object):
    kwargs.setdefault("process", "Advert in June, shortlisting in July, interviews in September.")
    kwargs.setdefault("asks_panel", True)
    kwargs.setdefault("now", T0)
    return recruitment_record(area=area, by=by, **kwargs)


def test_l1_pcc_office_records_a_recruitment_and_the_hmi_is_told(pcc_office_a, force_a, force_b, hmi_a):
    recruitment = recruit(
        pcc_office_a, force_a, asks_pre_appointment_advice=True, shortlisted_forces=[force_b]
    )
    assert recruitment.office == office_of(force_a)
    assert list(recruitment.shortlisted_forces.all()) == [force_b]
    notice = InboxMessage.objects.get(user=hmi_a)
    assert "Advert in June" not in notice.body


@pytest.mark.wrong_actor("contacts.services_confidential.recruitment_record")
@pytest.mark.parametrize("who", ["hmi_a", "chief_office_a", "apcc_lead", "pcc_office_b"])
def test_l1_only_the_pcc_office_of_the_area_records_a_recruitment(who, request, force_a):
    error = refused(recruit, by=request.getfixturevalue(who), area=force_a)
    assert "Only the office of the PCC (or equivalent) for Avon and Somerset Constabulary" in message(error)


def test_l1_refused_at_a_moment_the_person_was_not_yet_in_the_office(pcc_office_a, force_a):
    error = refused(recruit, by=pcc_office_a, area=force_a, now=BEFORE_APPOINTMENTS)
    assert "Only the office" in message(error)


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("process", {"process": ""}),
        ("asks_panel", {"asks_panel": False}),
        ("shortlisted_forces", {"shortlisted_forces": "office"}),
    ],
)
def test_l1_recruitment_refused_with_a_field_missing(pcc_office_a, force_a, field, values):
    if values.get("shortlisted_forces") == "office":
        values = {"shortlisted_forces": [office_of(force_a)]}
    error = refused(recruit, by=pcc_office_a, area=force_a, **values)
    assert field in error.message_dict


@pytest.fixture
def recruitment(pcc_office_a, force_a, hmi_a):
    return recruit(pcc_office_a, force_a)


def test_l1_hmi_records_advice_once(recruitment, hmi_a, pcc_office_a):
    advised = recruitment_advice_record(
        recruitment=recruitment,
        advice="Examine the force's response times.",
        panel_answer=PanelAnswer.WILL_SIT,
        by=hmi_a,
        now=T1,
    )
    assert (advised.advised_by, advised.advised_at, advised.panel_answer) == (hmi_a, T1, PanelAnswer.WILL_SIT)
    assert InboxMessage.objects.filter(user=pcc_office_a, subject__startswith="The HMI's advice").exists()
    error = refused(
        recruitment_advice_record,
        recruitment=recruitment,
        advice="More",
        by=hmi_a,
        now=T1,
        panel_answer="will_sit",
    )
    assert "already recorded" in message(error)


def test_l1_advice_refused_before_the_recruitment_was_recorded(recruitment, hmi_a):
    error = refused(
        recruitment_advice_record,
        recruitment=recruitment,
        advice="Advice",
        panel_answer="will_sit",
        by=hmi_a,
        now=T0 - dt.timedelta(minutes=1),
    )
    assert "before the recruitment" in message(error)


@pytest.mark.parametrize(
    ("field", "values"), [("advice", ("", "will_sit")), ("panel_answer", ("Advice", ""))]
)
def test_l1_advice_refused_with_a_field_missing(recruitment, hmi_a, field, values):
    advice, answer = values
    error = refused(
        recruitment_advice_record,
        recruitment=recruitment,
        advice=advice,
        panel_answer=answer,
        by=hmi_a,
        now=T1,
    )
    assert field in error.message_dict


@pytest.mark.wrong_actor("contacts.services_confidential.recruitment_advice_record")
@pytest.mark.parametrize("who", ["pcc_office_a", "hmicfrs_staff", "liaison_lead_a", "other_hmi"])
def test_l1_only_the_hmi_for_the_area_advises(recruitment, who, request):
    error = refused(
        recruitment_advice_record,
        recruitment=recruitment,
        advice="Advice",
        panel_answer="will_sit",
        by=request.getfixturevalue(who),
        now=T1,
    )
    assert "Only the HMI for" in message(error)
    recruitment.refresh_from_db()
    assert recruitment.advised_at is None


# --- L2: complaint and conduct matters about the chief officer ------------------------------------------------


def log(by: User, area: Organisation, **kwargs: object):
    kwargs.setdefault("kind", ConductMatterKind.CONDUCT)
    kwargs.setdefault("summary", "The IOPC has opened an investigation into the chief constable.")
    kwargs.setdefault("now", T0)
    return conduct_matter_log(area=area, by=by, **kwargs)


def test_l2_pcc_office_tells_the_hmi_in_confidence(
    pcc_office_a, force_a, hmi_a, hmicfrs_staff, chief_office_a
):
    matter = log(pcc_office_a, force_a, named_staff=[hmicfrs_staff])
    assert matter.office == office_of(force_a)
    told = set(InboxMessage.objects.values_list("user__username", flat=True))
    assert told == {"hmi_a", "hmicfrs_staff"}
    assert not any("IOPC" in body for body in InboxMessage.objects.values_list("body", flat=True))


@pytest.mark.wrong_actor("contacts.services_confidential.conduct_matter_log")
@pytest.mark.parametrize("who", ["hmi_a", "chief_office_a", "hmicfrs_staff", "pcc_office_b"])
def test_l2_only_the_pcc_office_of_the_area_logs_a_conduct_matter(who, request, force_a):
    error = refused(log, by=request.getfixturevalue(who), area=force_a)
    assert "Only the office of the PCC (or equivalent) for Avon and Somerset Constabulary" in message(error)


def test_l2_refused_at_a_moment_the_person_was_not_yet_in_the_office(pcc_office_a, force_a):
    error = refused(log, by=pcc_office_a, area=force_a, now=BEFORE_APPOINTMENTS)
    assert "Only the office" in message(error)


@pytest.mark.parametrize(("field", "values"), [("summary", {"summary": " "}), ("kind", {"kind": ""})])
def test_l2_refused_with_a_field_missing(pcc_office_a, force_a, field, values):
    error = refused(log, by=pcc_office_a, area=force_a, **values)
    assert field in error.message_dict


def test_l2_pfcc_office_logs_a_matter_about_its_chief_fire_officer(directory):
    """L2 for an FRS: the PFCC's office keeps the HMI informed about the chief fire officer."""
    frs = Organisation.objects.get(kind=OrganisationKind.FIRE_RESCUE_SERVICE, slug="cumbria")
    hmicfrs = Organisation.objects.get(kind=OrganisationKind.HMICFRS)
    hmi = make_person("hmi_cumbria_fire", hmicfrs, Role.HMI, hmi=[frs])
    office = make_person("pfcc_office", office_of(frs), Role.OPCC_STAFF)
    matter = log(office, frs, kind=ConductMatterKind.COMPLAINT)
    assert InboxMessage.objects.filter(
        user=hmi, url=reverse("contacts:conduct-matter", kwargs={"pk": matter.pk})
    ).exists()


@pytest.mark.parametrize(
    ("asked_on", "meeting_on", "last_day"),
    [
        # A plain week: Monday + 5 working days = the next Monday.
        (dt.date(2026, 6, 1), dt.date(2026, 7, 1), dt.date(2026, 6, 8)),
        # Asked on a Friday before the late-May bank holiday (Monday 25 May 2026): Tuesday 26 May is day 1.
        (dt.date(2026, 5, 22), dt.date(2026, 7, 1), dt.date(2026, 6, 1)),
        # Over Christmas and New Year: Christmas (Fri 25), Boxing Day's substitute (Mon 28) and New Year's
        # Day (Fri 1 January) are skipped: 24, 29, 30, 31 December and Monday 4 January.
        (dt.date(2026, 12, 23), dt.date(2027, 2, 1), dt.date(2027, 1, 4)),
        # The panel meets sooner: the last working day before it (Thursday meeting, so Wednesday).
        (dt.date(2026, 6, 1), dt.date(2026, 6, 4), dt.date(2026, 6, 3)),
        # The panel meets on a Monday: the last working day before it is the Friday.
        (dt.date(2026, 6, 3), dt.date(2026, 6, 8), dt.date(2026, 6, 5)),
        # Across the clocks going back (Sunday 25 October 2026): still the end of the London day.
        (dt.date(2026, 10, 21), dt.date(2026, 12, 1), dt.date(2026, 10, 28)),
    ],
)
def test_c5_representations_deadline_table(asked_on, meeting_on, last_day):
    from hmicfrs_mou.deadlines import due_day, explain_panel_representations_deadline

    due = explain_panel_representations_deadline(asked_on, meeting_on)
    assert due_day(due.value) == last_day
    assert due.value == dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(0, 0), tzinfo=LONDON)
    assert "due by the end of that day" in due.working
