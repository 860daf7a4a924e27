"""HTML from staff files: find what is unsafe (to report it), sanitise it (nh3), and mark it safe.

Templates render with autoescape on: every value is escaped unless it is Markup, and this module is the
only place that makes Markup out of HTML, always after sanitising it.
"""

from __future__ import annotations

import html as htmllib
import re

import nh3
from markupsafe import Markup

_UNSAFE = [
    (re.compile(r"<\s*(script|iframe|frame|frameset|object|embed|applet|style|form|input|button|textarea|select|"
                r"base|meta|link|svg|math|template|portal)\b", re.I), "thẻ <{0}>"),
    (re.compile(r"<[^>]*[\s/\"']on[a-z]+\s*=", re.I), "thuộc tính sự kiện (onclick, onerror…)"),
    (re.compile(r"\{:?[^}]*[\s{]on[a-z]+\s*=", re.I), "thuộc tính sự kiện trong {{: …}}"),
]
# Checked on the line with entities decoded and blanks removed, as a browser reads a URL:
# "&#106;avascript:", "java\tscript:" and "JaVaScRiPt:" are all javascript:.
_UNSAFE_URLS = [
    (re.compile(r"(?:java|vb|live)script:", re.I), "liên kết javascript:"),
    (re.compile(r"(?:\]\(<?|(?:href|src|action|formaction|poster|data|xlink:href)=[\"']?)data:", re.I), "liên kết data:"),
]
_BLANKS = re.compile(r"[\s\x00-\x1f]+")

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
        if ":" in line:
            squeezed = _BLANKS.sub("", htmllib.unescape(line))
            found.extend((number, label) for pattern, label in _UNSAFE_URLS if pattern.search(squeezed))
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


def safe_html(html: str) -> Markup:
    """The one place HTML is marked safe for the templates: after sanitising."""
    return Markup(sanitize(html))


def safe_text(html: str) -> Markup:
    """An HTML fragment as plain text, escaped (a heading made a title): no tag survives."""
    return Markup(nh3.clean(html, tags=set(), attributes={}))
