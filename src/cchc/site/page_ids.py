"""Unique ids on every page: staff content never takes an id the theme or our templates use.

A page is a template (ours or Material's, with ids such as "noi-dung", "__drawer", "cchc-q") around staff
HTML (headings get ids from their text, and attr_list lets staff write any id). Duplicate ids break skip
links, anchors and labels, so content ids that are reserved or repeated are renamed, and the table of
contents follows.
"""

from __future__ import annotations

import re
from pathlib import Path

_ID = re.compile(r'(<[a-zA-Z][^>]*?\sid=")([^"]*)(")')
_TEMPLATE_ID = re.compile(r'\sid="([^"{}]+)"')


def template_ids(*folders: Path) -> frozenset[str]:
    """The literal ids written in the templates under these folders (ids made from values, such as
    "kh-<plan>", are on pages that carry no staff content)."""
    found = set()
    for folder in folders:
        for template in folder.rglob("*.html"):
            found.update(_TEMPLATE_ID.findall(template.read_text(encoding="utf-8")))
    return frozenset(found)


def _reserved(value: str, reserved: frozenset[str]) -> bool:
    return value in reserved or value.startswith(("_", "cchc-"))


def unique_ids(html: str, reserved: frozenset[str]) -> tuple[str, dict[str, list[str]]]:
    """Content HTML with every id unique and none reserved; and, for each renamed id, the new names of its
    occurrences in order (the first stays when it is not reserved)."""
    seen: set[str] = set()
    renamed: dict[str, list[str]] = {}

    def fix(match: re.Match) -> str:
        value = match.group(2)
        new = value
        if value in seen or _reserved(value, reserved):
            stem = value.lstrip("_")
            stem = stem if stem and not _reserved(stem, reserved) else f"muc-{stem}"
            new, n = stem, 2
            while new in seen or _reserved(new, reserved):
                new, n = f"{stem}-{n}", n + 1
        seen.add(new)
        renamed.setdefault(value, []).append(new)
        return match.group(1) + new + match.group(3)

    html = _ID.sub(fix, html)
    return html, {old: news for old, news in renamed.items() if news != [old] * len(news)}


def rename_toc(toc, renamed: dict[str, list[str]]) -> None:
    """Point the table of contents at the renamed headings (occurrences taken in document order)."""
    taken: dict[str, int] = {}

    def walk(anchors):
        for anchor in anchors or []:
            if anchor.id in renamed:
                n = taken.get(anchor.id, 0)
                taken[anchor.id] = n + 1
                if n < len(renamed[anchor.id]):
                    anchor.id = renamed[anchor.id][n]
            walk(anchor.children)

    walk(toc)
