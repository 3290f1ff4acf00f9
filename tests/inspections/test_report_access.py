"""Who sees which inspection record, and when (DESIGN.md "Who sees what, when"; I5, I6, I7, U3, U4, U5).

Every question is asked at a stated moment (`at=`): visibility follows the
moments stored on the record, never a task having run.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError

from contacts.models import OrganisationKind, Role
from hmicfrs_mou.deadlines import LONDON
from inspections.access import (
    debriefs_visible_to,
    evidence_visible_to,
    inspections_visible_to,
    is_embargoed_for,
)
from inspections.models import (
    EvidenceRecord,
    InspectionKind,
    Report,
    ReportKind,
    ReportState,
    published_condition,
)
from inspections.services import (
    debrief_attendance_decide,
    debrief_record,
    evidence_record,
    inspection_create,
    report_finalise,
    report_open_factual_accuracy,
    reports_due_notices,
)
from tests.conftest import make_person, office_of
from tests.inspections.conftest import (
    CREATED,
    FAC_CLOSES,
    FAC_OPENS,
    HOUR,
    PUBLICATION,
    SCHEDULED,
    SECOND,
    draft,
    final,
    schedule,
    sees,
)

pytestmark = pytest.mark.django_db

ANONYMOUS = AnonymousUser()
D1_AT = PUBLICATION - 48 * HOUR  # Sun 19 April 2026 10:00 BST
D24_AT = PUBLICATION - 24 * HOUR  # Mon 20 April 2026 10:00 BST


# --- I5: evidence and disclosures in confidence ---------------------------------------------


@pytest.fixture
def staffed_peel(force_a, lead_hmi, hmicfrs_staff):
    """A PEEL inspection of force A with hmicfrs_staff on its team."""
    return inspection_create(
        kind=InspectionKind.PEEL,
        title="PEEL: Avon and Somerset",
        areas=[force_a],
        lead=lead_hmi,
        team=[hmicfrs_staff],
        by=lead_hmi,
        now=CREATED,
    )


@pytest.fixture
def disclosure(staffed_peel, force_a, hmi_a, named_staff):
    return evidence_record(
        inspection=staffed_peel,
        kind=EvidenceRecord.Kind.CONFIDENTIAL_DISCLOSURE,
        source=office_of(force_a),
        summary="The PCC told the HMI in confidence about a dispute with the chief constable.",
        by=hmi_a,
        named_staff=[named_staff],
        now=CREATED,
    )


@pytest.fixture
def evidence(staffed_peel, force_a, hmicfrs_staff):
    return evidence_record(
        inspection=staffed_peel,
        kind=EvidenceRecord.Kind.EVIDENCE,
        source=force_a,
        summary="Call-handling data for the last 12 months.",
        by=hmicfrs_staff,
        now=CREATED,
    )


def test_i5_a_confidential_disclosure_is_seen_by_the_hmi_for_the_force_and_named_staff(
    disclosure, hmi_a, named_staff
):
    assert evidence_visible_to(hmi_a).filter(pk=disclosure.pk).exists()
    assert evidence_visible_to(named_staff).filter(pk=disclosure.pk).exists()


def test_i5_a_confidential_disclosure_is_hidden_from_team_staff_who_are_not_named(
    disclosure, hmicfrs_staff, staffed_peel
):
    assert staffed_peel.team.filter(pk=hmicfrs_staff.pk).exists()
    assert not evidence_visible_to(hmicfrs_staff).filter(pk=disclosure.pk).exists()


def test_i5_a_confidential_disclosure_is_hidden_from_the_lead_who_is_not_the_forces_hmi(disclosure, lead_hmi):
    """The table: "the HMI for that force/FRS and named HMICFRS staff only" – not the whole team."""
    assert not evidence_visible_to(lead_hmi).filter(pk=disclosure.pk).exists()


def test_i5_a_confidential_disclosure_is_never_seen_by_opcc_force_apcc_or_other_hmi(
    disclosure, pcc_office_a, pcc_office_b, chief_office_a, apcc_lead, other_hmi
):
    for user in (pcc_office_a, pcc_office_b, chief_office_a, apcc_lead, other_hmi, ANONYMOUS):
        assert not evidence_visible_to(user).filter(pk=disclosure.pk).exists(), user


def test_i5_naming_someone_outside_hmicfrs_never_shows_them_a_disclosure(
    staffed_peel, force_a, hmi_a, chief_office_a
):
    """Named staff are HMICFRS staff: naming a force user is refused, or at least shows them nothing."""
    try:
        record = evidence_record(
            inspection=staffed_peel,
            kind=EvidenceRecord.Kind.CONFIDENTIAL_DISCLOSURE,
            source=office_of(force_a),
            summary="Said in confidence.",
            by=hmi_a,
            named_staff=[chief_office_a],
            now=CREATED,
        )
    except ValidationError:
        return
    assert not evidence_visible_to(chief_office_a).filter(pk=record.pk).exists()


def test_i5_on_a_thematic_the_other_forces_hmi_does_not_see_a_pccs_disclosure(
    thematic, force_a, hmi_a, other_hmi
):
    record = evidence_record(
        inspection=thematic,
        kind=EvidenceRecord.Kind.CONFIDENTIAL_DISCLOSURE,
        source=office_of(force_a),
        summary="Force A's PCC, in confidence.",
        by=hmi_a,
        now=CREATED,
    )
    assert evidence_visible_to(hmi_a).filter(pk=record.pk).exists()
    assert not evidence_visible_to(other_hmi).filter(pk=record.pk).exists()


def test_i5_evidence_is_seen_by_the_team(evidence, lead_hmi, hmi_a, hmicfrs_staff):
    for user in (lead_hmi, hmi_a, hmicfrs_staff):
        assert evidence_visible_to(user).filter(pk=evidence.pk).exists(), user


def test_i5_evidence_is_not_seen_outside_the_team(
    evidence, other_hmi, pcc_office_a, chief_office_a, apcc_lead, hmicfrs
):
    outsider = make_person("other_staff", hmicfrs, Role.INSPECTION_STAFF)
    for user in (other_hmi, outsider, pcc_office_a, chief_office_a, apcc_lead, ANONYMOUS):
        assert not evidence_visible_to(user).filter(pk=evidence.pk).exists(), user


def test_i5_a_pcc_declining_a_discussion_is_recorded_for_the_team(staffed_peel, force_a, hmi_a, lead_hmi):
    record = evidence_record(
        inspection=staffed_peel,
        kind=EvidenceRecord.Kind.PCC_DECLINED,
        source=office_of(force_a),
        summary="The PCC declined a discussion.",
        by=hmi_a,
        now=CREATED,
    )
    assert evidence_visible_to(lead_hmi).filter(pk=record.pk).exists()


# --- I6: debrief notes --------------------------------------------------------------------------


def _debrief(inspection, area, invited: bool, held_on=dt.date(2026, 2, 20)):
    """A debrief; for a police force the chief's office then decides whether the PCC attends (`invited`).
    For an FRS nobody decides: `invited` is ignored, as it is by the rules."""
    debrief = debrief_record(
        inspection=inspection,
        area=area,
        held_on=held_on,
        notes="Preliminary view: demand is understood; rural response times are a concern.",
        by=inspection.lead,
    )
    if area.kind == OrganisationKind.POLICE_FORCE:
        chief = make_person(f"chief_deciding_{debrief.pk}", area, Role.CHIEF_OFFICER_STAFF)
        debrief_attendance_decide(debrief=debrief, pcc_attends=invited, by=chief)
    return debrief


def test_i6_police_debrief_not_invited_is_hidden_from_the_pcc(
    peel_a, force_a, pcc_office_a, chief_office_a, hmi_a, lead_hmi
):
    debrief = _debrief(peel_a, force_a, invited=False)
    assert not debriefs_visible_to(pcc_office_a).filter(pk=debrief.pk).exists()
    for user in (chief_office_a, hmi_a, lead_hmi):
        assert debriefs_visible_to(user).filter(pk=debrief.pk).exists(), user


def test_i6_police_debrief_invited_by_the_chief_is_seen_by_the_pcc(peel_a, force_a, pcc_office_a):
    debrief = _debrief(peel_a, force_a, invited=True)
    assert debrief.pcc_invited
    assert debriefs_visible_to(pcc_office_a).filter(pk=debrief.pk).exists()


def test_i6_a_debrief_is_never_seen_by_another_area_or_an_outsider(
    peel_a, force_a, pcc_office_b, hmicfrs_staff, apcc_lead, other_hmi
):
    debrief = _debrief(peel_a, force_a, invited=True)
    for user in (pcc_office_b, hmicfrs_staff, apcc_lead, other_hmi, ANONYMOUS):
        assert not debriefs_visible_to(user).filter(pk=debrief.pk).exists(), user


@pytest.mark.parametrize("invited", [False, True])
def test_i6_frs_with_a_pfcc_the_pfcc_attends_by_right(
    invited, frs_essex, essex_frs, pfcc_office_essex, chief_office_essex_frs
):
    debrief = _debrief(frs_essex, essex_frs, invited=invited)
    assert debrief.pcc_invited
    assert debriefs_visible_to(pfcc_office_essex).filter(pk=debrief.pk).exists()
    assert debriefs_visible_to(chief_office_essex_frs).filter(pk=debrief.pk).exists()


def test_i6_cumbria_frs_pfcc_by_right_since_the_county_council_was_abolished(cumbria_frs, lead_hmi):
    inspection = inspection_create(
        kind=InspectionKind.FRS, title="FRS: Cumbria", areas=[cumbria_frs], lead=lead_hmi, by=lead_hmi
    )
    pfcc_office = make_person("pfcc_office_cumbria", office_of(cumbria_frs), Role.OPCC_STAFF)
    debrief = _debrief(inspection, cumbria_frs, invited=False, held_on=dt.date(2026, 2, 20))
    assert debrief.pcc_invited
    assert debriefs_visible_to(pfcc_office).filter(pk=debrief.pk).exists()
    # Before 1 April 2023 Cumbria County Council was the fire authority: no PFCC, no right.
    before = _debrief(inspection, cumbria_frs, invited=False, held_on=dt.date(2023, 3, 15))
    assert not before.pcc_invited


def test_i6_frs_governed_by_a_fire_authority_has_no_pcc_attending(kent_frs, lead_hmi, chief_office_kent_frs):
    inspection = inspection_create(
        kind=InspectionKind.FRS, title="FRS: Kent", areas=[kent_frs], lead=lead_hmi, by=lead_hmi
    )
    debrief = _debrief(inspection, kent_frs, invited=True)
    assert not debrief.pcc_invited
    assert debriefs_visible_to(chief_office_kent_frs).filter(pk=debrief.pk).exists()


# --- I7: the draft during the factual-accuracy check -------------------------------------------


@pytest.mark.parametrize(
    ("at", "visible"),
    [
        (FAC_OPENS - SECOND, False),
        (FAC_OPENS, True),
        (FAC_CLOSES - SECOND, True),
        (FAC_CLOSES, False),
    ],
    ids=["T_open-1s", "T_open", "T_close-1s", "T_close"],
)
def test_i7_the_draft_reaches_the_chiefs_office_only_while_the_window_is_open(
    fac_report, chief_office_a, pcc_office_a, at, visible
):
    assert sees(chief_office_a, fac_report, at) is visible
    assert not sees(pcc_office_a, fac_report, at)


def test_i7_the_draft_never_reaches_the_pcc_another_force_or_staff_off_the_team(
    fac_report, pcc_office_a, pcc_office_b, hmicfrs_staff, apcc_lead, other_hmi
):
    for at in (FAC_OPENS, FAC_CLOSES - SECOND, PUBLICATION):
        for user in (pcc_office_a, pcc_office_b, hmicfrs_staff, apcc_lead, other_hmi, ANONYMOUS):
            assert not sees(user, fac_report, at), (user, at)


def test_i7_an_frs_draft_goes_to_the_chief_fire_officer_never_to_the_pfcc(
    frs_essex, chief_office_essex_frs, pfcc_office_essex
):
    report = report_open_factual_accuracy(
        report=draft(frs_essex), closes_at=FAC_CLOSES, by=frs_essex.lead, now=FAC_OPENS
    )
    assert sees(chief_office_essex_frs, report, FAC_OPENS)
    assert not sees(pfcc_office_essex, report, FAC_OPENS)


def test_i7_the_team_sees_the_draft_throughout(fac_report, lead_hmi, hmi_a):
    for at in (CREATED, FAC_OPENS - SECOND, FAC_OPENS, FAC_CLOSES):
        assert sees(lead_hmi, fac_report, at)
        assert sees(hmi_a, fac_report, at)


def test_i7_a_draft_not_sent_for_the_check_is_not_seen_by_the_chiefs_office(draft_report, chief_office_a):
    assert draft_report.state == ReportState.DRAFT
    assert not sees(chief_office_a, draft_report, FAC_OPENS)


def test_i7_finalising_early_ends_the_chiefs_view_of_the_draft(fac_report, chief_office_a, lead_hmi):
    finalised_at = FAC_OPENS + 24 * HOUR
    report_finalise(
        report=fac_report,
        by=lead_hmi,
        now=finalised_at,
        confirm_early_close=True,
        early_close_reason="The force agreed the draft; nothing to correct.",
    )
    fac_report.refresh_from_db()
    assert fac_report.fac_closes_at == finalised_at
    assert not sees(chief_office_a, fac_report, finalised_at + SECOND)


def test_i7_the_window_follows_the_default_clock(fac_report, chief_office_a):
    with time_machine.travel(FAC_OPENS - SECOND, tick=False):
        assert not sees(chief_office_a, fac_report)
    with time_machine.travel(FAC_OPENS, tick=False):
        assert sees(chief_office_a, fac_report)


# --- U3: force-specific report -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("at", "visible"),
    [
        (D1_AT - SECOND, False),
        (D1_AT, True),
        (PUBLICATION - SECOND, True),
        (PUBLICATION, True),
    ],
    ids=["T-48h-1s", "T-48h", "T-1s", "T"],
)
def test_u3_the_chief_and_pcc_see_the_embargoed_copy_from_48_hours_before(
    peel_report, pcc_office_a, chief_office_a, at, visible
):
    assert peel_report.distribution_at == D1_AT
    assert sees(pcc_office_a, peel_report, at) is visible
    assert sees(chief_office_a, peel_report, at) is visible


@pytest.mark.parametrize(
    ("at", "visible"), [(D1_AT, False), (PUBLICATION - SECOND, False), (PUBLICATION, True)]
)
def test_u3_everyone_else_sees_the_report_only_from_publication(
    peel_report, pcc_office_b, hmicfrs_staff, apcc_lead, other_hmi, at, visible
):
    for user in (pcc_office_b, hmicfrs_staff, apcc_lead, other_hmi, ANONYMOUS):
        assert sees(user, peel_report, at) is visible, user


def test_u3_the_team_sees_the_final_report_before_distribution(peel_report, lead_hmi, hmi_a):
    for user in (lead_hmi, hmi_a):
        assert sees(user, peel_report, SCHEDULED)
        assert sees(user, peel_report, D1_AT - SECOND)


def test_u3_a_final_report_not_yet_scheduled_stays_with_the_team(final_report, pcc_office_a, chief_office_a):
    for at in (D1_AT, PUBLICATION, PUBLICATION + 24 * HOUR):
        assert not sees(pcc_office_a, final_report, at)
        assert not sees(chief_office_a, final_report, at)
        assert not sees(ANONYMOUS, final_report, at)


def test_u3_is_embargoed_for_the_recipients_only_during_the_window(
    peel_report, pcc_office_a, chief_office_a, lead_hmi
):
    assert is_embargoed_for(peel_report, pcc_office_a, D1_AT)
    assert is_embargoed_for(peel_report, chief_office_a, PUBLICATION - SECOND)
    assert not is_embargoed_for(peel_report, lead_hmi, D1_AT)
    assert not is_embargoed_for(peel_report, pcc_office_a, PUBLICATION)


def test_u3_the_embargo_follows_the_default_clock(peel_report, pcc_office_a):
    with time_machine.travel(D1_AT - SECOND, tick=False):
        assert not sees(pcc_office_a, peel_report)
    with time_machine.travel(D1_AT, tick=False):
        assert sees(pcc_office_a, peel_report)


def test_u3_across_the_october_clock_change_48_hours_are_elapsed_hours(
    peel_a, pcc_office_a, chief_office_a, pcc_office_b
):
    publication = dt.datetime(2026, 10, 26, 10, tzinfo=LONDON)  # Monday, GMT
    assert publication.utcoffset() == dt.timedelta(0)
    report = schedule(
        final(peel_a), publication_at=publication, now=dt.datetime(2026, 10, 1, 9, tzinfo=LONDON)
    )
    distribution = dt.datetime(2026, 10, 24, 10, tzinfo=dt.UTC)
    assert report.distribution_at == distribution
    local = report.distribution_at.astimezone(LONDON)
    assert (local.hour, local.tzname()) == (11, "BST")
    for user in (pcc_office_a, chief_office_a):
        assert not sees(user, report, distribution - SECOND)
        assert sees(user, report, distribution)
    assert not sees(pcc_office_b, report, publication - SECOND)


def test_u3_an_frs_report_reaches_the_pfcc_and_the_chief_fire_officer(
    frs_essex, pfcc_office_essex, chief_office_essex_frs, pcc_office_a
):
    report = schedule(final(frs_essex))
    for user in (pfcc_office_essex, chief_office_essex_frs):
        assert not sees(user, report, D1_AT - SECOND)
        assert sees(user, report, D1_AT)
    assert not sees(pcc_office_a, report, D1_AT)


def test_u3_the_inspection_record_is_seen_by_the_force_and_its_pcc_not_others(
    peel_a, pcc_office_a, chief_office_a, pcc_office_b
):
    assert inspections_visible_to(pcc_office_a).filter(pk=peel_a.pk).exists()
    assert inspections_visible_to(chief_office_a).filter(pk=peel_a.pk).exists()
    assert not inspections_visible_to(pcc_office_b).filter(pk=peel_a.pk).exists()
    assert not inspections_visible_to(ANONYMOUS).exists()


# --- U4: other reports -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("at", "visible"),
    [(D24_AT - SECOND, False), (D24_AT, True), (PUBLICATION - SECOND, True), (PUBLICATION, True)],
    ids=["T-24h-1s", "T-24h", "T-1s", "T"],
)
def test_u4_interested_parties_see_the_embargoed_copy_from_24_hours_before(
    other_report, apcc_lead, pcc_office_b, at, visible
):
    assert other_report.distribution_at == D24_AT
    assert sees(apcc_lead, other_report, at) is visible
    assert sees(pcc_office_b, other_report, at) is visible


def test_u4_only_interested_parties_not_the_areas_covered(
    other_report, pcc_office_a, chief_office_a, hmicfrs_staff
):
    """Force A is covered by the thematic but is not a named interested party: nothing before T."""
    for user in (pcc_office_a, chief_office_a, hmicfrs_staff, ANONYMOUS):
        assert not sees(user, other_report, PUBLICATION - SECOND), user
        assert sees(user, other_report, PUBLICATION), user


def test_u4_immediate_release_shows_nothing_before_publication(thematic, apcc, apcc_lead, lead_hmi):
    report = schedule(final(thematic, ReportKind.OTHER, interested_parties=[apcc]), immediate_release=True)
    assert report.distribution_at == PUBLICATION
    assert not sees(apcc_lead, report, PUBLICATION - SECOND)
    assert sees(apcc_lead, report, PUBLICATION)
    assert sees(ANONYMOUS, report, PUBLICATION)
    assert sees(lead_hmi, report, PUBLICATION - SECOND)


# --- U5: accelerated cause of concern -----------------------------------------------------------


@pytest.mark.parametrize(
    ("at", "visible"),
    [(D24_AT - SECOND, False), (D24_AT, True), (PUBLICATION - SECOND, True), (PUBLICATION, True)],
    ids=["T-24h-1s", "T-24h", "T-1s", "T"],
)
def test_u5_the_pcc_and_chief_see_an_accelerated_cause_of_concern_24_hours_before(
    accelerated_report, pcc_office_a, chief_office_a, at, visible
):
    assert accelerated_report.distribution_at == D24_AT
    assert sees(pcc_office_a, accelerated_report, at) is visible
    assert sees(chief_office_a, accelerated_report, at) is visible


def test_u5_nobody_else_sees_it_before_issue(accelerated_report, pcc_office_b, hmicfrs_staff, apcc_lead):
    for user in (pcc_office_b, hmicfrs_staff, apcc_lead, ANONYMOUS):
        assert not sees(user, accelerated_report, PUBLICATION - SECOND), user


# --- Publication: visibility never waits for the task --------------------------------------------


def test_u3_publication_is_public_at_t_without_the_task_having_run(peel_report):
    assert peel_report.published_at is None
    assert peel_report.state == ReportState.SCHEDULED
    assert not sees(ANONYMOUS, peel_report, PUBLICATION - SECOND)
    assert sees(ANONYMOUS, peel_report, PUBLICATION)
    assert Report.objects.published(PUBLICATION).filter(pk=peel_report.pk).exists()
    assert not Report.objects.published(PUBLICATION - SECOND).filter(pk=peel_report.pk).exists()


@pytest.mark.parametrize("task_ran", [False, True], ids=["before the task", "after the task"])
@pytest.mark.parametrize(
    "at", [PUBLICATION - SECOND, PUBLICATION, PUBLICATION + SECOND], ids=["just before", "at", "just after"]
)
def test_published_at_a_moment_is_one_rule_for_the_queryset_the_condition_and_the_instance(
    peel_a, fac_report, peel_report, other_report, at, task_ran
):
    """Published at this moment is defined once (inspections.models): its three forms agree for a
    draft, a draft in its check, and scheduled reports, whether or not the publication task has run."""
    plain_draft = draft(peel_a, title="Another draft")
    if task_ran:
        reports_due_notices(now=PUBLICATION)
    expected = {peel_report.pk: at >= PUBLICATION, other_report.pk: at >= PUBLICATION}
    for report in Report.objects.filter(
        pk__in=[plain_draft.pk, fac_report.pk, peel_report.pk, other_report.pk]
    ):
        published = expected.get(report.pk, False)
        assert report.is_published(at) is published, report
        assert Report.objects.published(at).filter(pk=report.pk).exists() is published, report
        assert Report.objects.filter(published_condition(at), pk=report.pk).exists() is published, report
        through = Report.areas.through.objects.filter(published_condition(at, via="report"), report=report)
        assert through.exists() is published, report
        assert sees(ANONYMOUS, report, at) is published, report


def test_u3_publication_running_the_task_early_does_not_open_the_report(peel_report, pcc_office_b):
    reports_due_notices(now=D1_AT)
    assert not sees(ANONYMOUS, peel_report, PUBLICATION - SECOND)
    assert not sees(pcc_office_b, peel_report, PUBLICATION - SECOND)


def test_u3_publication_after_the_task_ran_the_report_stays_public(peel_report, pcc_office_b):
    reports_due_notices(now=PUBLICATION)
    assert sees(ANONYMOUS, peel_report, PUBLICATION)
    assert sees(pcc_office_b, peel_report, PUBLICATION + 24 * HOUR)


def test_i7_an_unpublished_draft_is_never_public(draft_report):
    for at in (CREATED, PUBLICATION, PUBLICATION + 24 * HOUR):
        assert not sees(ANONYMOUS, draft_report, at)
