"""Safe-by-default HTML and SVG building: every string is escaped unless it is already Html.

Feature names, category values and error messages come from user data, and a report is a
page people open in their browser; one forgotten ``html.escape`` would let a category value
like ``<script>`` run. So nothing here concatenates raw strings: ``tag`` escapes every
child and attribute that is not an ``Html`` value built by these same functions.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Union

# A child of an element: text (escaped), Html (kept), numbers, None (dropped) or a list of those.
Child = Union[str, int, float, "Html", None, Iterable["Child"]]


class Html(str):
    """Markup that is already safe to embed; ``escape`` leaves it unchanged."""

    __slots__ = ()


def escape(value: object) -> Html:
    """Text as safe markup (``<`` becomes ``&lt;``, quotes escaped for attributes too)."""
    if isinstance(value, Html):
        return value
    return Html(html.escape(str(value), quote=True))


def join(*children: Child) -> Html:
    """Children as one piece of markup: strings escaped, Html kept, None dropped, lists flattened."""
    parts: list[str] = []
    _collect(children, parts)
    return Html("".join(parts))


def _collect(child: Child, parts: list[str]) -> None:
    if child is None or child is False:
        return
    if isinstance(child, str | int | float):  # Html is a str: escape() keeps it as it is
        parts.append(escape(child))
    else:
        for item in child:
            _collect(item, parts)


def attributes(attrs: dict[str, object]) -> Html:
    """Attributes as markup: ``class_`` becomes ``class``, ``data_x`` ``data-x``; None/False omitted."""
    out = []
    for key, value in attrs.items():
        if value is None or value is False:
            continue
        name = key.rstrip("_").replace("_", "-")
        if value is True:
            out.append(f" {name}")
        else:
            out.append(f' {name}="{escape(value)}"')
    return Html("".join(out))


# Elements that never have content or a closing tag in HTML.
_VOID = frozenset({"br", "hr", "img", "input", "meta", "link", "col", "wbr"})


def tag(name: str, /, *children: Child, **attrs: object) -> Html:
    """One element with escaped attributes and children; ``name`` comes from code, never from data."""
    opening = f"<{name}{attributes(attrs)}>"
    if name in _VOID:
        return Html(opening)
    return Html(f"{opening}{join(*children)}</{name}>")


def svg_tag(name: str, /, *children: Child, **attrs: object) -> Html:
    """An SVG element; childless ones are self-closed to keep charts small."""
    if not children:
        return Html(f"<{name}{attributes(attrs)}/>")
    return Html(f"<{name}{attributes(attrs)}>{join(*children)}</{name}>")
