"""Every model is in the Django admin with search and filters; each changelist answers."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db

PROJECT_APPS = {"contacts", "hmicfrs_mou", "inspections", "monitoring", "responses"}


# Kept out of the admin altogether, not even as metadata: conduct matters (L2) are for the people the
# portal names only.
NOT_IN_ADMIN = {"contacts.ConductMatter"}


def _project_models():
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label in PROJECT_APPS and model._meta.label not in NOT_IN_ADMIN
    ]


def test_every_project_model_is_registered_with_search_and_filters():
    missing = [m._meta.label for m in _project_models() if m not in admin.site._registry]
    assert missing == []
    for model in _project_models():
        model_admin = admin.site._registry[model]
        assert model_admin.search_fields, model._meta.label
        assert model_admin.list_filter, model._meta.label


@pytest.mark.parametrize("query", ["", "?q=avon"])
def test_every_changelist_answers_for_an_admin(admin_client, directory, query):
    for model in _project_models():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist") + query
        assert admin_client.get(url).status_code == 200, url


def test_a_web_address_typed_without_its_scheme_is_taken_as_https(rf, admin_user):
    """An organisation's website in the admin: "www.example.org" is kept as https://, as Django 6 will take
    it (Django 5.2 takes http:// and warns for every such field)."""
    from contacts.models import Organisation

    request = rf.get("/")
    request.user = admin_user
    form = admin.site._registry[Organisation].get_form(request)
    assert form.base_fields["website"].clean("www.example.org") == "https://www.example.org"
