"""Text for reading on air: plain paragraphs from an item's HTML, abbreviations spelled out once."""

from __future__ import annotations

import re
import lxml.html

_BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "dt", "dd"}
_DROPPED = {"table", "figure", "img", "audio", "video", "picture", "svg", "script", "style", "pre", "code"}


def plain_paragraphs(html: str) -> list[str]:
    """Paragraph texts of the HTML, without tables, images or media."""
    if not html.strip():
        return []
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    for element in list(root.iter(*_DROPPED)):
        element.drop_tree()
    paragraphs = []
    for element in root.iter(*_BLOCKS):
        if any(ancestor.tag in _BLOCKS for ancestor in element.iterancestors()):
            continue
        text = " ".join(element.text_content().split())
        if text:
            paragraphs.append(text)
    return paragraphs


def spell_out(paragraphs: list[str], glossary: dict[str, str]) -> list[str]:
    """Replace the first use of each abbreviation in the text with its full form."""
    text = "\n\n".join(paragraphs)
    for short in sorted(glossary, key=len, reverse=True):
        pattern = re.compile(r"(?<![\w&])" + re.escape(short) + r"(?![\w&])")
        match = pattern.search(text)
        if not match:
            continue
        full = glossary[short]
        before = text[: match.start()].rstrip(" \"“(")
        if not before or before.endswith(("\n", ".", "!", "?", ":")):
            full = full[0].upper() + full[1:]
        text = text[: match.start()] + full + text[match.end():]
    return text.split("\n\n")


def radio_text(summary: str, html: str, glossary: dict[str, str]) -> list[str]:
    """What a station reads: the lead, then the body's paragraphs, abbreviations spelled out."""
    paragraphs = ([summary] if summary else []) + plain_paragraphs(html)
    return spell_out(paragraphs, glossary)
