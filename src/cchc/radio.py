"""Text for reading on air: plain paragraphs from an item's HTML, read out by speech.py (abbreviations at
first use, document codes, dates, numbers in words), footnotes read as notes at the end."""

from __future__ import annotations

import lxml.html

from .speech import speak

_BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "dt", "dd"}
_DROPPED = {"table", "figure", "img", "audio", "video", "picture", "svg", "script", "style", "pre"}


def plain_paragraphs(html: str) -> list[str]:
    """Paragraph texts of the HTML, without tables, images or media; inline code kept as text; footnote marks
    and back-links dropped and the footnotes themselves last, as "Chú thích: …"."""
    if not html.strip():
        return []
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    for element in list(root.iter(*_DROPPED)):
        element.drop_tree()
    for element in list(root.find_class("footnote-ref")) + list(root.find_class("footnote-backref")):
        (element.getparent() if element.getparent() is not None and element.getparent().tag == "sup" else element).drop_tree()
    notes = []
    for box in list(root.find_class("footnote")):
        notes += [" ".join(li.text_content().split()) for li in box.iter("li")]
        box.drop_tree()
    paragraphs = []
    for element in root.iter(*_BLOCKS):
        if any(ancestor.tag in _BLOCKS for ancestor in element.iterancestors()):
            continue
        text = " ".join(element.text_content().split())
        if text:
            paragraphs.append(text)
    return paragraphs + [f"Chú thích: {note}" for note in notes if note]


def radio_text(summary: str, html: str, glossary: dict[str, str], seen: set[str] | None = None) -> list[str]:
    """What a station reads: the lead, then the body's paragraphs, every one read out (speech.speak); an
    abbreviation is spelled out at its first use in the item (`seen` is shared with its title)."""
    seen = set() if seen is None else seen
    paragraphs = ([summary] if summary else []) + plain_paragraphs(html)
    return [speak(p, glossary, seen) for p in paragraphs]
