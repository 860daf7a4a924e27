"""HTML from staff files: find what is unsafe (to report it), sanitise it (nh3), and mark it safe.

Templates render with autoescape on: every value is escaped unless it is Markup, and this module is the
only place that makes Markup out of HTML, always after sanitising it.
"""

from __future__ import annotations

import hashlib
import html as htmllib
import re
import zlib
from typing import NamedTuple

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
    return _CLEANER.clean(html)


# The rules built once (nh3's Cleaner): handing them to nh3.clean at each call builds them anew, half its time
_CLEANER = nh3.Cleaner(tags=_TAGS, attributes=_ATTRIBUTES, generic_attribute_prefixes={"aria-", "data-"},
                       url_schemes={"http", "https", "mailto", "tel"}, link_rel=None)
_TEXT_ONLY = nh3.Cleaner(tags=set(), attributes={})


def safe_html(html: str) -> Markup:
    """The one place HTML is marked safe for the templates: after sanitising."""
    return Markup(sanitize(html))


class PackedHtml(NamedTuple):
    """Sanitised HTML as SafeStore keeps it: its UTF-8 bytes compressed, and their digest. Made by pack() from Markup
    only, or read back from the render cache, which keeps what pack() made (stores/renders.py)."""

    data: bytes
    digest: bytes


def pack(html: Markup) -> PackedHtml:
    if not isinstance(html, Markup):
        raise TypeError("SafeStore keeps sanitised HTML (Markup) only")
    data = html.encode("utf-8")
    return PackedHtml(zlib.compress(data, 1), hashlib.blake2b(data, digest_size=16).digest())


class SafeStore:
    """Sanitised HTML kept compressed (a fifth of its size) from its making until its use, by key: 20,000 items'
    pages are not held whole in memory between Markdown and templates, nor for the feeds and the search index
    after. Only Markup goes in (packed by pack(), or as the render cache kept it), and it comes back as the Markup
    it was."""

    def __init__(self) -> None:
        self._kept: dict[str, bytes] = {}
        self._digests: dict[str, bytes] = {}

    def put(self, key: str, html: Markup | PackedHtml) -> None:
        """The HTML, packed here unless it comes packed (an item's from the render cache: not unpacked for this)."""
        self._kept[key], self._digests[key] = html if isinstance(html, PackedHtml) else pack(html)

    def digest(self, key: str) -> bytes:
        """Of the HTML as put (page cache keys), without decompressing it."""
        return self._digests.get(key, b"")

    def get(self, key: str, default: str = "") -> Markup | str:
        data = self._kept.get(key)
        return default if data is None else Markup(zlib.decompress(data).decode("utf-8"))

    def packed(self, key: str) -> bytes:
        """The HTML as kept (unpack() gives it back), for another process: not decompressed here."""
        return self._kept.get(key, b"")

    def drop(self, key: str) -> None:
        self._kept.pop(key, None)
        self._digests.pop(key, None)


def unpack(packed: bytes) -> str:
    """HTML from SafeStore.packed, as text (another process's: not Markup, which only SafeStore.get gives)."""
    return zlib.decompress(packed).decode("utf-8") if packed else ""


def safe_text(html: str) -> Markup:
    """An HTML fragment as plain text, escaped (a heading made a title): no tag survives."""
    return Markup(_TEXT_ONLY.clean(html))


def plain(value) -> str:
    """Text as written (a value escaped by an earlier pass of the live preview is unescaped again)."""
    return value.unescape() if isinstance(value, Markup) else str(value)
