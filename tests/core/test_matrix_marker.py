"""The `matrix` marker (tests/conftest.py): a permission matrix renders its pages without the test client's
recording of templates and contexts, and coverage does not trace it; every other test keeps both."""

from __future__ import annotations

import pytest
from django.template import Template
from django.test import Client
from django.test.utils import instrumented_test_render

pytestmark = pytest.mark.django_db


@pytest.mark.matrix
def test_a_matrix_renders_its_templates_unrecorded(directory):
    assert Template._render is not instrumented_test_render
    response = Client().get("/public/")
    assert response.status_code == 200
    assert response.templates == []
    assert response.context is None


def test_any_other_test_still_has_the_templates_and_context(directory):
    assert Template._render is instrumented_test_render
    response = Client().get("/public/")
    assert response.status_code == 200
    assert "public/index.html" in [template.name for template in response.templates]
    assert response.context is not None


@pytest.mark.matrix
def test_a_matrix_is_not_traced_by_coverage(request):
    assert request.node.get_closest_marker("no_cover") is not None
