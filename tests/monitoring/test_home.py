"""Monitoring work on each portal home (M4, M6, M9): the person's own Engage work first, soonest first."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contacts.models import AssignmentKind, Role
from tests.conftest import make_person
from tests.monitoring.conftest import ADVISED, DECIDED, TOLD, take_case

pytestmark = pytest.mark.django_db
HOUR = dt.timedelta(hours=1)


def _home(client_for, user, url: str, at: dt.datetime) -> str:
    with time_machine.travel(at, tick=False):
        response = client_for(user).get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_m4_hmci_home_shows_engage_decisions_awaiting(client_for, force_a, hmi_a, hmci):
    """M4: HMCI's home shows the cases awaiting their decision, linked."""
    case = take_case(force_a, hmi=hmi_a)
    page = _home(client_for, hmci, reverse("portal-hmicfrs"), ADVISED + HOUR)
    assert "1 Engage decision awaiting you" in page
    assert reverse("monitoring:case", kwargs={"pk": case.pk}) in page


def test_m6_hmi_home_shows_the_next_step_of_their_case(client_for, force_a, hmi_a, hmci):
    """M6: after the decision the HMI's home says the PCC must be told in person first."""
    take_case(force_a, hmi=hmi_a, hmci=hmci, decided=DECIDED)
    page = _home(client_for, hmi_a, reverse("portal-hmicfrs"), DECIDED + HOUR)
    assert "tell the PCC in person" in page


def test_m6_opcc_home_shows_the_case_only_once_the_pcc_is_told(
    client_for, force_a, hmi_a, hmci, pcc_office_a
):
    """M6: the PCC's office sees nothing of the case on its home before the HMI recorded telling the PCC."""
    take_case(force_a, hmi=hmi_a, hmci=hmci, decided=DECIDED, told=TOLD)
    before = _home(client_for, pcc_office_a, reverse("portal-opcc"), TOLD - HOUR)
    after = _home(client_for, pcc_office_a, reverse("portal-opcc"), TOLD + HOUR)
    assert "Engage cases you work on" not in before
    assert "Engage cases you work on" in after
    assert force_a.name in after


def test_m9_apcc_home_lists_offers_to_follow_up_with_the_last_day(client_for, offer, apcc_lead):
    """M9, D6: the APCC lead's home lists the offer with the last day for the written follow-up."""
    page = _home(client_for, apcc_lead, reverse("portal-apcc"), offer.recorded_at + HOUR)
    assert "Offers of assistance to follow up in writing" in page
    assert "Monday 8 June 2026" in page
    assert reverse("monitoring:action", kwargs={"pk": offer.pk}) in page


def test_home_panel_queries_do_not_grow_with_cases(client_for, force_a, force_b, hmi_a, hmci):
    """HMCI's home costs the same number of queries with one or two cases awaiting decision."""
    take_case(force_a, hmi=hmi_a)

    def count() -> int:
        client = client_for(hmci)
        with time_machine.travel(ADVISED + HOUR, tick=False):
            client.get(reverse("portal-hmicfrs"))
            with CaptureQueriesContext(connection) as captured:
                client.get(reverse("portal-hmicfrs"))
        return len(captured)

    one = count()
    other = make_person(
        "hmi_b_home", hmi_a.appointments.first().organisation, Role.HMI, **{AssignmentKind.HMI: [force_b]}
    )
    take_case(force_b, hmi=other)
    assert count() == one
