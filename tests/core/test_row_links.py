"""`{% pk_url %}` (hmicfrs_mou/templatetags/row_links.py) gives each row the link `{% url %}` would, with one
reverse() per table."""

from __future__ import annotations

import re
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.template import Context, Template, TemplateSyntaxError
from django.urls import NoReverseMatch, get_script_prefix, reverse, set_script_prefix

from hmicfrs_mou.templatetags import row_links
from hmicfrs_mou.templatetags.row_links import PkLink

TEMPLATES = Path(settings.BASE_DIR) / "templates"
USED = sorted(
    {
        name
        for path in TEMPLATES.rglob("*.html")
        for name in re.findall(r"\{% pk_url ['\"]([\w:-]+)['\"] ", path.read_text(encoding="utf-8"))
    }
)
PKS = (1, 9, 70, 12345, 2**31 - 1)


def test_the_templates_use_it():
    """Not a test of nothing: the long tables' links are found in the templates."""
    assert {"monitoring:area", "monitoring:case", "inspections:report", "inspections:detail"} <= set(USED)


@pytest.mark.parametrize("viewname", USED)
def test_every_link_a_template_makes_is_the_one_reverse_makes(viewname):
    link = PkLink.to(viewname)
    for pk in PKS:
        assert link(pk) == reverse(viewname, kwargs={"pk": pk})


def test_the_script_prefix_of_the_request_is_kept():
    kept = get_script_prefix()
    set_script_prefix("/portal/")
    try:
        link = PkLink.to("monitoring:case")
        assert link(42) == reverse("monitoring:case", kwargs={"pk": 42})
        assert link(42).startswith("/portal/")
    finally:
        set_script_prefix(kept)


def test_the_tag_renders_as_the_url_tag_does_and_reverses_once_per_table():
    rows = [{"pk": pk} for pk in (3, 14, 15, 92, 65)]
    fast = Template("{% for row in rows %}<a href=\"{% pk_url 'monitoring:area' row.pk %}\">{% endfor %}")
    slow = Template("{% for row in rows %}<a href=\"{% url 'monitoring:area' pk=row.pk %}\">{% endfor %}")
    with mock.patch.object(row_links, "reverse", wraps=reverse) as counted:
        assert fast.render(Context({"rows": rows})) == slow.render(Context({"rows": rows}))
        assert counted.call_count == 1
        fast.render(Context({"rows": rows}))  # a new render (a new request) reverses afresh
        assert counted.call_count == 2


@pytest.mark.parametrize("pk", [None, "7", -1, 2.0])
def test_a_value_that_is_not_an_id_is_refused(pk):
    """None and a negative number are refused as {% url %} refuses them; a string or a float too, where
    {% url %} would print it: the rows hand their ids over as integers."""
    with pytest.raises(NoReverseMatch):
        PkLink.to("monitoring:case")(pk)


def test_a_view_that_takes_no_pk_is_refused():
    with pytest.raises(NoReverseMatch):
        PkLink.to("inspections:list")


def test_the_tag_takes_a_view_and_a_pk():
    with pytest.raises(TemplateSyntaxError):
        Template("{% pk_url 'monitoring:case' %}")


def test_the_view_is_named_in_quotes_not_read_from_each_row():
    with pytest.raises(TemplateSyntaxError):
        Template("{% for row in rows %}{% pk_url row.view row.pk %}{% endfor %}")
