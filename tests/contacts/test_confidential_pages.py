"""The confidential records' pages (C4, C5, L1, L2): reached from the portals, forms through the services,
every read audited, other areas answered 404, fixed query counts, and conduct matters on no other list."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from contacts.models import ConductMatter, PanelDecision, PanelInvitation, SharedFindings
from contacts.public_domain import public_documents
from contacts.services_confidential import (
    conduct_matter_log,
    panel_briefing_record,
    panel_invitation_decide,
    panel_invitation_record,
    panel_representations_send,
    recruitment_record,
    shared_findings_share,
)
from hmicfrs_mou.models import AuditAction, AuditEvent
from tests.contacts.confidential_world import PANEL_MEETS, T0, T1, fake_public_source
from tests.inspections.conftest import (  # noqa: F401 - fixtures
    draft_report,
    final_report,
    lead_hmi,
    peel_a,
    peel_report,
)

SECRET = "The chief constable is under investigation for misconduct in office."


def log(by, area, now=T0, summary=SECRET):
    return conduct_matter_log(area=area, kind="conduct", summary=summary, by=by, now=now)


def test_l2_n_reads_make_n_audit_rows(client_for, pcc_office_a, hmi_a, force_a):
    matter = log(pcc_office_a, force_a)
    client = client_for(hmi_a)
    url = reverse("contacts:conduct-matter", kwargs={"pk": matter.pk})
    for _ in range(3):
        response = client.get(url)
        assert response.status_code == 200
        assert SECRET in response.content.decode()
    reads = AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_type="contacts.conductmatter", object_id=str(matter.pk), actor=hmi_a
    )
    assert reads.count() == 3


@pytest.mark.parametrize(
    "who", ["other_hmi", "hmicfrs_staff", "chief_office_a", "pcc_office_b", "pcc_office_a"]
)
def test_l2_another_areas_hmi_and_everyone_else_get_404_with_an_audit_row(
    client_for, pcc_office_a, force_a, who, request
):
    matter = log(pcc_office_a, force_a)
    user = request.getfixturevalue(who)
    response = client_for(user).get(reverse("contacts:conduct-matter", kwargs={"pk": matter.pk}))
    assert response.status_code == 404
    assert SECRET not in response.content.decode()
    assert AuditEvent.objects.filter(
        action=AuditAction.DENIED, object_type="contacts.conductmatter", object_id=str(matter.pk), actor=user
    ).exists()
    missing = client_for(user).get(reverse("contacts:conduct-matter", kwargs={"pk": matter.pk + 1000}))
    assert missing.status_code == 404  # the same answer as an id that does not exist


def test_c4_n_reads_make_n_audit_rows_for_the_pcc_office(client_for, hmi_a, pcc_office_a, force_a):
    record = shared_findings_share(area=force_a, title="Early", findings="Unpublished text", by=hmi_a, now=T0)
    client = client_for(pcc_office_a)
    for _ in range(2):
        assert client.get(reverse("contacts:shared-findings", kwargs={"pk": record.pk})).status_code == 200
    assert (
        AuditEvent.objects.filter(
            action=AuditAction.VIEW, object_id=str(record.pk), actor=pcc_office_a
        ).count()
        == 2
    )


def test_l2_conduct_matters_are_on_their_own_list_and_no_other_page(
    client_for, pcc_office_a, hmi_a, force_a, hmicfrs_staff
):
    matter = log(pcc_office_a, force_a, summary="UNIQUE-L2-MARKER")
    hmi = client_for(hmi_a)
    own_list = hmi.get(reverse("contacts:conduct-matters")).content.decode()
    assert reverse("contacts:conduct-matter", kwargs={"pk": matter.pk}) in own_list
    assert (
        "UNIQUE-L2-MARKER" not in own_list
    )  # the list names the kind, the area and the date, never the text
    pages = [
        reverse("contacts:confidential"),
        reverse("contacts:meetings"),
        reverse("contacts:directory") + "?q=Avon",
        force_a.get_absolute_url(),
        reverse("contacts:shared-findings-list"),
        reverse("contacts:panel-invitations"),
        reverse("contacts:recruitments"),
        "/hmicfrs/",
        "/public/",
        force_a.public_url,
    ]
    for client in (hmi, client_for(pcc_office_a), client_for(hmicfrs_staff)):
        for page in pages:
            body = client.get(page).content.decode()
            assert "UNIQUE-L2-MARKER" not in body, page
            assert reverse("contacts:conduct-matter", kwargs={"pk": matter.pk}) not in body, page


def test_the_area_page_and_portal_homes_link_to_the_confidential_records(
    client_for, hmi_a, pcc_office_a, other_hmi, force_a
):
    for user, home in ((hmi_a, "/hmicfrs/"), (pcc_office_a, "/opcc/")):
        client = client_for(user)
        assert reverse("contacts:confidential") in client.get(home).content.decode()
        area_page = client.get(force_a.get_absolute_url()).content.decode()
        assert reverse("contacts:conduct-matters") in area_page
    # The HMI for another area sees no such links on force A's page.
    assert (
        reverse("contacts:conduct-matters")
        not in client_for(other_hmi).get(force_a.get_absolute_url()).content.decode()
    )


@pytest.mark.parametrize(
    ("url_name", "make"),
    [
        (
            "contacts:conduct-matters",
            lambda hmi, office, area, i: log(office, area, now=T0 + dt.timedelta(minutes=i)),
        ),
        (
            "contacts:shared-findings-list",
            lambda hmi, office, area, i: shared_findings_share(
                area=area, title=f"F{i}", findings="x", by=hmi, now=T0 + dt.timedelta(minutes=i)
            ),
        ),
        (
            "contacts:panel-invitations",
            lambda hmi, office, area, i: panel_invitation_record(
                area=area,
                received_on=T0.date(),
                meeting_on=PANEL_MEETS,
                purpose="p",
                by=hmi,
                now=T0 + dt.timedelta(minutes=i),
            ),
        ),
        (
            "contacts:recruitments",
            lambda hmi, office, area, i: recruitment_record(
                area=area, process="p", asks_panel=True, by=office, now=T0 + dt.timedelta(minutes=i)
            ),
        ),
    ],
)
def test_list_pages_cost_the_same_queries_with_more_records(
    client_for, hmi_a, pcc_office_a, force_a, url_name, make, django_assert_max_num_queries
):
    make(hmi_a, pcc_office_a, force_a, 0)
    with time_machine.travel(T1, tick=False):
        client = client_for(hmi_a)
        with django_assert_max_num_queries(40) as few:
            assert client.get(reverse(url_name)).status_code == 200
        for i in range(1, 12):
            make(hmi_a, pcc_office_a, force_a, i)
        with django_assert_max_num_queries(len(few.captured_queries)):
            assert client.get(reverse(url_name)).status_code == 200


def test_l2_pcc_office_logs_a_matter_from_its_portal(client_for, pcc_office_a, hmi_a, force_a):
    client = client_for(pcc_office_a)
    url = reverse("contacts:conduct-matter-new")
    page = client.get(url)
    assert page.status_code == 200
    refused = client.post(url, {"area": force_a.pk, "kind": "conduct", "summary": ""})
    assert refused.status_code == 200
    assert "Enter what the HMI needs to know about the matter." in refused.content.decode()
    assert not ConductMatter.objects.exists()
    done = client.post(url, {"area": force_a.pk, "kind": "complaint", "summary": SECRET})
    matter = ConductMatter.objects.get()
    assert done.status_code == 302
    assert done.url == reverse("contacts:conduct-matters")
    assert matter.logged_by == pcc_office_a
    # The office keeps a record of when and what kind it sent, not the text, and cannot open it.
    own_list = client.get(done.url).content.decode()
    assert "Sent by your office" in own_list
    assert "Complaint" in own_list
    assert SECRET not in own_list
    assert reverse("contacts:conduct-matter", kwargs={"pk": matter.pk}) not in own_list
    assert client.get(reverse("contacts:conduct-matter", kwargs={"pk": matter.pk})).status_code == 404


def test_new_record_pages_are_for_their_own_party(client_for, hmi_a, pcc_office_a, chief_office_a):
    assert client_for(pcc_office_a).get(reverse("contacts:shared-findings-new")).status_code == 403
    assert client_for(pcc_office_a).get(reverse("contacts:panel-invitation-new")).status_code == 403
    assert client_for(hmi_a).get(reverse("contacts:conduct-matter-new")).status_code == 403
    assert client_for(chief_office_a).get(reverse("contacts:recruitment-new")).status_code == 403
    assert client_for(hmi_a).get(reverse("contacts:shared-findings-new")).status_code == 200
    assert client_for(pcc_office_a).get(reverse("contacts:recruitment-new")).status_code == 200


def test_c5_journey_through_the_pages(client_for, hmi_a, pcc_office_a, force_a, monkeypatch):
    """Recorded, representations from the office's portal, decided, briefed from published material only."""
    monkeypatch.setattr("contacts.public_domain.SOURCES", {"test": fake_public_source})
    with time_machine.travel(T0, tick=False):
        hmi = client_for(hmi_a)
        response = hmi.post(
            reverse("contacts:panel-invitation-new"),
            {
                "area": force_a.pk,
                "received_on_0": "28",
                "received_on_1": "5",
                "received_on_2": "2026",
                "meeting_on_0": "25",
                "meeting_on_1": "6",
                "meeting_on_2": "2026",
                "purpose": "Brief on PEEL.",
            },
        )
        invitation = PanelInvitation.objects.get()
        assert response.status_code == 302
        page = hmi.get(reverse("contacts:panel-invitation", kwargs={"pk": invitation.pk})).content.decode()
        assert "By the end of 8 June 2026" in page
        assert reverse("contacts:panel-decision", kwargs={"pk": invitation.pk}) not in page
        early = hmi.post(
            reverse("contacts:panel-decision", kwargs={"pk": invitation.pk}),
            {"decision": "accepted", "reasons": "x"},
        )
        assert "Wait for the representations" in early.content.decode()
    with time_machine.travel(T1, tick=False):
        hmi, office = client_for(hmi_a), client_for(pcc_office_a)
        sent = office.post(
            reverse("contacts:panel-representations", kwargs={"pk": invitation.pk}),
            {"representations": "Welcome."},
        )
        assert sent.status_code == 302
        assert sent.url == reverse("contacts:panel-invitation", kwargs={"pk": invitation.pk})
        decided = hmi.post(
            reverse("contacts:panel-decision", kwargs={"pk": invitation.pk}),
            {"decision": PanelDecision.ACCEPTED, "reasons": "Public interest."},
        )
        assert decided.status_code == 302
        briefing_url = reverse("contacts:panel-briefing", kwargs={"pk": invitation.pk})
        got = hmi.get(briefing_url)
        assert got.status_code == 200, (got.status_code, got.get("Location"))
        form = got.content.decode()
        assert "PEEL 2025: Avon and Somerset" in form
        assert "Thematic: stalking" not in form  # not published until July
        refused = hmi.post(briefing_url, {"notes": "Notes", "sources": ["test.report:2"]})
        assert "Only material already in the public domain" in refused.content.decode()
        done = hmi.post(briefing_url, {"notes": "Notes", "sources": ["test.report:1"]})
        assert done.status_code == 302
    invitation.refresh_from_db()
    assert invitation.briefing_notes == "Notes"
    assert list(invitation.sources.values_list("document_key", flat=True)) == ["test.report:1"]


def test_c5_briefing_offers_published_reports_and_refuses_an_unpublished_one(
    peel_report,  # noqa: F811 - the fixture imported above
    draft_report,  # noqa: F811
    hmi_a,
    pcc_office_a,
    force_a,
):
    """The real source: inspections registers its reports; one published at that moment is offered and
    accepted, a draft is refused."""
    after_publication = dt.datetime(2026, 6, 1, 10, tzinfo=dt.UTC)
    keys = {document.key for document in public_documents(after_publication)}
    assert f"inspections.report:{peel_report.pk}" in keys
    assert f"inspections.report:{draft_report.pk}" not in keys
    invitation = panel_invitation_record(
        area=force_a, received_on=T0.date(), meeting_on=PANEL_MEETS, purpose="p", by=hmi_a, now=T0
    )
    panel_representations_send(invitation=invitation, representations="Yes", by=pcc_office_a, now=T1)
    panel_invitation_decide(invitation=invitation, decision="accepted", reasons="Yes", by=hmi_a, now=T1)
    with pytest.raises(ValidationError, match="public domain"):
        panel_briefing_record(
            invitation=invitation,
            notes="n",
            sources=[f"inspections.report:{draft_report.pk}"],
            by=hmi_a,
            now=T1,
        )
    panel_briefing_record(
        invitation=invitation, notes="n", sources=[f"inspections.report:{peel_report.pk}"], by=hmi_a, now=T1
    )
    assert invitation.sources.get().title == peel_report.title


def test_shared_findings_are_not_on_the_meetings_list(client_for, hmi_a, force_a, pcc_office_a):
    shared_findings_share(area=force_a, title="C4-MARKER", findings="x", by=hmi_a, now=T0)
    assert SharedFindings.objects.count() == 1
    assert "C4-MARKER" not in client_for(pcc_office_a).get(reverse("contacts:meetings")).content.decode()
    assert (
        "C4-MARKER" in client_for(pcc_office_a).get(reverse("contacts:shared-findings-list")).content.decode()
    )


def test_the_admin_shows_no_content_of_c4_c5_l1_and_has_no_conduct_matters(
    admin_user, client_for, hmi_a, pcc_office_a, force_a
):
    from django.contrib import admin

    assert ConductMatter not in admin.site._registry
    findings = shared_findings_share(
        area=force_a, title="ADMIN-TITLE", findings="ADMIN-FINDINGS", by=hmi_a, now=T0
    )
    invitation = panel_invitation_record(
        area=force_a, received_on=T0.date(), meeting_on=PANEL_MEETS, purpose="ADMIN-PURPOSE", by=hmi_a, now=T0
    )
    recruitment = recruitment_record(
        area=force_a, process="ADMIN-PROCESS", asks_panel=True, by=pcc_office_a, now=T0
    )
    matter = log(pcc_office_a, force_a)
    client = client_for(admin_user)
    for record, name in (
        (findings, "sharedfindings"),
        (invitation, "panelinvitation"),
        (recruitment, "chiefofficerrecruitment"),
    ):
        for url in (
            reverse(f"admin:contacts_{name}_changelist"),
            reverse(f"admin:contacts_{name}_change", args=[record.pk]),
        ):
            response = client.get(url)
            assert response.status_code == 200, url
            body = response.content.decode()
            assert "ADMIN-" not in body, url
        assert (
            client.post(
                reverse(f"admin:contacts_{name}_change", args=[record.pk]), {"id": record.pk}
            ).status_code
            == 403
        )
    # A superuser is not the HMI for the area: the portal answers 404 to them too.
    assert client.get(reverse("contacts:conduct-matter", kwargs={"pk": matter.pk})).status_code == 404
