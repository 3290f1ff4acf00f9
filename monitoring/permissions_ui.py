"""Which buttons and links the monitoring pages offer a person at a moment.

A button is shown when the service behind it would accept the person: the
"who" is asked of monitoring.access's own `require_*` checks (the ones the
services call), so the page and the service cannot disagree about the actor.
The state of the case (decided, PCC told, announced, ...) is looked at here
only to hide a step that is done or cannot start yet; the services check it
again. Nothing here grants anything: a hidden button's page still sends the
person through the service, which refuses with its own message.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, ValidationError

from contacts.models import Organisation
from monitoring import access
from monitoring.models import EngageCase, RoutineConcern


def _passes(check: Callable[..., None], *args: Any) -> bool:
    try:
        check(*args)
    except ValidationError:
        return False
    return True


def may_see_area(user: Any, area: Organisation, at: dt.datetime) -> bool:
    """The monitoring page of an area: HMICFRS and the APCC for every area; an office for its own.

    What the page then lists is filtered record by record through monitoring.access.
    """
    v = access.viewer(user, at)
    return v.hmicfrs or v.apcc or area.pk in v.office_area_ids


def may_read_register(user: Any, area: Organisation, at: dt.datetime) -> bool:
    """The same answer as access.register_areas_for, without a query."""
    v = access.viewer(user, at)
    return v.hmicfrs or area.pk in v.office_area_ids


@dataclass(frozen=True)
class AreaActions:
    raise_concern: bool
    advise: bool


def area_actions(user: Any, area: Organisation, *, has_live_case: bool, at: dt.datetime) -> AreaActions:
    """M3 and M4: the HMI for the area raises concerns and advises HMCI (when no case is open)."""
    hmi = _passes(access.require_hmi_for, user, area, at, "act for this area")
    return AreaActions(raise_concern=hmi, advise=hmi and not has_live_case)


def may_mark_concern(user: Any, concern: RoutineConcern, at: dt.datetime) -> bool:
    """M3: the PCC's office records what it did with the concern."""
    return _passes(access.require_pcc_office_of, user, concern.area, at, "record this")


def _has(case: EngageCase, relation: str) -> bool:
    try:
        return getattr(case, relation) is not None
    except ObjectDoesNotExist:
        return False


@dataclass(frozen=True)
class CaseActions:
    decide: bool = False
    pcc_informed: bool = False
    announce: bool = False
    letter: bool = False
    exit: bool = False
    meeting: bool = False
    plan: bool = False
    toolkit: bool = False

    @property
    def has_any(self) -> bool:
        return any(vars(self).values())


def case_actions(user: Any, case: EngageCase, at: dt.datetime) -> CaseActions:
    """The steps of an Engage case this person may take now (M4–M10)."""
    what = "act on this case"
    hmci = _passes(access.require_hmci, user, at, what)
    hmi = _passes(access.require_hmi_for, user, case.area, at, what)
    engaged = case.decision_engage is True and case.exited_at is None
    told = case.pcc_informed_at is not None
    announced = case.announced_at is not None and case.announced_at <= at
    return CaseActions(
        decide=hmci and case.decided_at is None,
        pcc_informed=hmi and engaged and not told,
        announce=(hmci or hmi) and engaged and told and case.announced_at is None,
        letter=hmi and engaged and told and not _has(case, "letter"),
        exit=hmci and engaged and announced and _has(case, "period"),
        meeting=engaged
        and _has(case, "period")
        and _passes(access.require_hmicfrs_for, user, case.area, at, what),
        plan=engaged and told and _passes(access.require_chief_office_of, user, case.area, at, what),
        toolkit=engaged
        and announced
        and not _has(case, "toolkit_sending")
        and _passes(access.require_apcc_lead, user, at, what),
    )
