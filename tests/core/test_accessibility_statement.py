"""The accessibility statement: public, in the GOV.UK pattern, linked from the footer of every page.

A public sector website publishes an accessibility statement (the Public Sector Bodies Accessibility
Regulations 2018, in GOV.UK's model statement): the standard it meets (WCAG 2.2 AA), what is not yet
accessible, how to ask for another format or report a problem, the enforcement procedure (EHRC, EASS)
and how the service was tested.
"""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

pytestmark = pytest.mark.django_db

URL = "/accessibility/"


def test_the_statement_is_public_and_needs_no_sign_in(client):
    """A visitor reads it without signing in (no redirect to the sign-in page)."""
    assert reverse("accessibility") == URL
    response = client.get(URL)
    assert response.status_code == 200
    assert response.templates[0].name == "pages/accessibility.html"


def test_the_statement_follows_the_gov_uk_model(client):
    """Each part of GOV.UK's model statement is there: the standard, known issues, other formats and
    reporting a problem, the enforcement procedure, the compliance status and how it was tested."""
    page = client.get(URL).content.decode()
    for part in (
        "Accessibility statement for the HMICFRS–APCC MOU portal",
        "How accessible this portal is",
        "Feedback and contact information",
        "Reporting accessibility problems with this portal",
        "Enforcement procedure",
        "Equality Advisory and Support Service",
        "Compliance status",
        "Web Content Accessibility Guidelines version 2.2</a> AA standard",
        "Non-accessible content",
        "How we tested this portal",
        "axe-core",
        "390 pixels wide",
        "by hand",
        "Preparation of this accessibility statement",
    ):
        assert part in page, part


@pytest.mark.parametrize("url", ["/public/", "/accounts/login/", "/privacy/", URL, "/public/reports/"])
def test_public_pages_link_to_it_from_the_footer(client, url):
    """Every page's footer (base.html) links to the statement; here the pages a visitor opens."""
    page = client.get(url).content.decode()
    footer = page[page.index('<footer class="govuk-footer">') :]
    assert f'<a class="govuk-footer__link" href="{URL}">Accessibility statement</a>' in footer


def test_signed_in_pages_and_error_pages_link_to_it_from_the_footer(client_for, pcc_office_a):
    """The footer is on the pages behind sign-in too, on "page not found", and on the server error page
    (which is rendered without the base template)."""
    client = client_for(pcc_office_a)
    for url in ("/", "/responses/", "/inspections/my-area/", "/responses/999999/"):
        page = client.get(url, follow=True).content.decode()
        assert f'href="{URL}">Accessibility statement</a>' in page, url
    assert f'href="{URL}">Accessibility statement</a>' in render_to_string("500.html")
