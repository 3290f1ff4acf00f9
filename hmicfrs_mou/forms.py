"""GOV.UK Design System styling for Django forms, and the GOV.UK date input."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

_WIDGET_CLASSES: list[tuple[type[forms.Widget], str]] = [
    (forms.Textarea, "govuk-textarea"),
    (forms.Select, "govuk-select"),
    (forms.CheckboxInput, "govuk-checkboxes__input"),
    (forms.CheckboxSelectMultiple, "govuk-checkboxes__input"),
    (forms.RadioSelect, "govuk-radios__input"),
    (forms.ClearableFileInput, "govuk-file-upload"),
    (forms.FileInput, "govuk-file-upload"),
    (forms.widgets.Input, "govuk-input"),
]


class GovukDateWidget(forms.MultiWidget):
    """Day, month and year boxes, as the GOV.UK date input pattern asks."""

    template_name = "widgets/govuk_date.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        # Submitted as <name>_0 (day), <name>_1 (month), <name>_2 (year).
        box = "govuk-input govuk-date-input__input"
        widgets = [
            forms.TextInput(attrs={"inputmode": "numeric", "class": f"{box} govuk-input--width-2"}),
            forms.TextInput(attrs={"inputmode": "numeric", "class": f"{box} govuk-input--width-2"}),
            forms.TextInput(attrs={"inputmode": "numeric", "class": f"{box} govuk-input--width-4"}),
        ]
        super().__init__(widgets, attrs)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, dt.date):
            return [value.day, value.month, value.year]
        return [None, None, None]


# What a date left part-blank is missing, each a whole sentence (all three blank is no date at all).
_MISSING_PARTS = {
    ("day",): _("The date must include a day."),
    ("month",): _("The date must include a month."),
    ("year",): _("The date must include a year."),
    ("day", "month"): _("The date must include a day and a month."),
    ("day", "year"): _("The date must include a day and a year."),
    ("month", "year"): _("The date must include a month and a year."),
}


class GovukDateField(forms.MultiValueField):
    widget = GovukDateWidget

    def __init__(self, **kwargs: Any) -> None:
        # The parts are checked together in compress(), so one message names what is missing.
        fields = (
            forms.CharField(required=False),
            forms.CharField(required=False),
            forms.CharField(required=False),
        )
        kwargs.setdefault("error_messages", {"required": _("Enter a date.")})
        super().__init__(fields=fields, require_all_fields=False, **kwargs)

    def compress(self, data_list: list[str]) -> dt.date | None:
        if not data_list or not any(data_list):
            return None
        names = ("day", "month", "year")
        missing = [name for name, value in zip(names, data_list, strict=False) if not value]
        if missing:
            raise ValidationError(_MISSING_PARTS[tuple(missing)])
        try:
            day, month, year = (int(str(part).strip()) for part in data_list)
            if year < 1000:
                raise ValueError
            return dt.date(year, month, day)
        except ValueError:
            raise ValidationError(gettext("The date must be a real date, for example 27 3 2026.")) from None


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's refusal on the form: on the field it names, otherwise above the form."""
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class GovukFormMixin:
    """Adds the GOV.UK class for each widget type, and the error modifier on invalid fields."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        for field in self.fields.values():  # type: ignore[attr-defined]
            widget = field.widget
            if isinstance(widget, GovukDateWidget):
                continue
            for widget_type, css in _WIDGET_CLASSES:
                if isinstance(widget, widget_type):
                    widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
                    break

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        for name in self.errors:  # type: ignore[attr-defined]
            if name in self.fields:  # type: ignore[attr-defined]
                widget = self.fields[name].widget  # type: ignore[attr-defined]
                for css in ("govuk-input", "govuk-select", "govuk-textarea", "govuk-file-upload"):
                    if css in widget.attrs.get("class", ""):
                        widget.attrs["class"] += f" {css}--error"
                if isinstance(widget, GovukDateWidget):
                    for sub in widget.widgets:
                        sub.attrs["class"] += " govuk-input--error"
