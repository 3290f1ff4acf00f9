"""`{% pk_url "app:view" row.pk %}`: a long table's link to each row's page, with one reverse() per table.

`{% url %}` reverses every time it renders: about 24 µs a link here, which a table of 87 areas with two
links a row pays 174 times (5 ms of a 60 ms page). A view whose only argument is an integer `pk` has the
same URL for every row but the number, so this tag reverses once per render of the template (kept in its
render context, as `{% cycle %}` keeps its place) and puts each row's number in. The script prefix and
URLconf are read by that reverse, during the request, as `{% url %}` reads them.
tests/core/test_row_links.py holds every such view's link to reverse()'s.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import template
from django.template.base import FilterExpression, Parser, Token
from django.urls import NoReverseMatch, reverse
from django.utils.html import conditional_escape

register = template.Library()

# An id no record of this portal has (above PostgreSQL's integer range), so it appears in the reversed
# URL only where the pk goes.
SENTINEL = 9_182_736_450_123


@dataclass(frozen=True)
class PkLink:
    """The URL of `viewname` split around its pk: `link(7)` is `reverse(viewname, kwargs={"pk": 7})`."""

    head: str
    tail: str

    @classmethod
    def to(cls, viewname: str) -> PkLink:
        url = reverse(viewname, kwargs={"pk": SENTINEL})
        head, found, tail = url.partition(str(SENTINEL))
        if not found or str(SENTINEL) in tail:  # a pk the URL does not carry once, as a plain number
            raise NoReverseMatch(f"{viewname} does not take its pk as one plain number")
        return cls(head, tail)

    def __call__(self, pk: Any) -> str:
        if type(pk) is not int or pk < 0:  # what <int:pk> would refuse, refused as {% url %} does
            raise NoReverseMatch(f"Reverse with pk {pk!r} not found")
        return f"{self.head}{pk}{self.tail}"


class PkUrlNode(template.Node):
    def __init__(self, viewname: FilterExpression, pk: FilterExpression) -> None:
        self.viewname = viewname
        self.pk = pk

    def render(self, context: template.Context) -> str:
        link = context.render_context.get(self)
        if link is None:
            link = context.render_context[self] = PkLink.to(self.viewname.resolve(context))
        url = link(self.pk.resolve(context))
        return conditional_escape(url) if context.autoescape else url


@register.tag
def pk_url(parser: Parser, token: Token) -> PkUrlNode:
    """{% pk_url "app:view" value %}: the view's URL for the pk `value`."""
    bits = token.split_contents()
    if len(bits) != 3:
        raise template.TemplateSyntaxError(f"{bits[0]} takes a view name and a pk")
    # A quoted name only: the link is kept per tag for the whole table, so a name read from each row
    # would give every row the first row's view.
    if len(bits[1]) < 2 or bits[1][0] not in "'\"" or bits[1][-1] != bits[1][0]:
        raise template.TemplateSyntaxError(f"{bits[0]} takes the view's name in quotes")
    return PkUrlNode(parser.compile_filter(bits[1]), parser.compile_filter(bits[2]))
