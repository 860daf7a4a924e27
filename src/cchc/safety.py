"""Raw HTML in staff Markdown: find what is unsafe (to report it) and sanitise output (nh3)."""

from __future__ import annotations

import re

import nh3

_UNSAFE = [
    (re.compile(r"<\s*(script|iframe|object|embed|style|form|base|meta|link)\b", re.I), "thẻ <{0}>"),
    (re.compile(r"<[^>]*\son[a-z]+\s*=", re.I), "thuộc tính sự kiện (onclick, onerror…)"),
    (re.compile(r"(?:java|vb)script\s*:", re.I), "liên kết javascript:"),
]

_TAGS = nh3.ALLOWED_TAGS | {"audio", "video", "source", "track", "figure", "figcaption", "section", "time"}
_ATTRIBUTES = {
    "*": {"id", "class", "title", "lang", "dir", "role"},
    "a": {"href", "hreflang", "target", "download"},
    "img": {"src", "alt", "width", "height", "loading", "decoding"},
    "audio": {"src", "controls", "preload"},
    "video": {"src", "controls", "preload", "poster", "width", "height"},
    "source": {"src", "type"},
    "track": {"src", "kind", "srclang", "label"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "ol": {"start", "type"},
    "time": {"datetime"},
    "abbr": {"title"},
}


def find_unsafe_html(body: str) -> list[tuple[int, str]]:
    """(line within body, what) for each unsafe construct a staff member wrote."""
    found = []
    for number, line in enumerate(body.split("\n")):
        for pattern, label in _UNSAFE:
            if m := pattern.search(line):
                found.append((number, label.format(*(g.lower() for g in m.groups()))))
    return found


def sanitize(html: str) -> str:
    """Keep the HTML Markdown and Material produce; drop scripts, event handlers, javascript: links."""
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        generic_attribute_prefixes={"aria-", "data-"},
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel=None,
    )
