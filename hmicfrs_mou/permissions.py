"""Every permission codename the portal checks, declared once.

Views, templates, services and tests name these members, never the strings.
"""

from __future__ import annotations

from enum import StrEnum


class Perm(StrEnum):
    # Object permission granted with django-guardian on an organisation: the
    # holder works for it and sees the records it is party to.
    ACT_FOR_ORGANISATION = "contacts.act_for_organisation"
    VIEW_DIRECTORY = "contacts.view_organisation"
    VIEW_ALL_MEETING = "contacts.view_all_meeting"
    VIEW_ASSOCIATED_MEETING = "contacts.view_associated_meeting"
    ADD_MEETING = "contacts.add_meeting"
    VIEW_AUDIT_TRAIL = "hmicfrs_mou.view_auditevent"
    ADD_INSPECTION = "inspections.add_inspection"
    VIEW_ALL_RESPONSES = "responses.view_all_responseobligation"
    # The reminder sweep's heartbeat page: HMICFRS staff by their group; an administrator by this
    # permission granted in the admin (being staff or a superuser opens no portal page by itself).
    VIEW_SERVICE_HEALTH = "hmicfrs_mou.view_sweeprun"

    @property
    def codename(self) -> str:
        return self.value.split(".", 1)[1]

    @property
    def app_label(self) -> str:
        return self.value.split(".", 1)[0]
