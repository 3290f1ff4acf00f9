from __future__ import annotations

from django import forms

from hmicfrs_mou.forms import GovukDateField, GovukFormMixin
from hmicfrs_mou.models import AuditAction


class AuditSearchForm(GovukFormMixin, forms.Form):
    who = forms.CharField(label="Person (name or username contains)", required=False, max_length=150)
    action = forms.ChoiceField(
        label="Action", choices=[("", "Any action"), *AuditAction.choices], required=False
    )
    object_type = forms.CharField(
        label="Record type (for example contacts.meeting)", required=False, max_length=100
    )
    object_id = forms.CharField(label="Record id", required=False, max_length=64)
    ip_address = forms.GenericIPAddressField(label="From address", required=False)
    date_from = GovukDateField(label="From date", required=False)
    date_to = GovukDateField(label="To date", required=False)

    def clean(self) -> dict:
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", "The to date must be the same as or after the from date.")
        return data
