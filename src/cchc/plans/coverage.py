"""Did the draft keep every sentence of the plan? The source's sentences (paragraphs and table cells, cut at
sentence ends) are looked for in the draft's whole text — front matter and full text — compared as words only
(case, accents' Unicode form, punctuation, Markdown marks and list numbers set aside)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..content.text import nfc

_END = re.compile(r"(?<=[.;!?])\s+(?=\S)")
_MARKER = re.compile(r"^\s*(?:[IVXLC]+\.|\d+(?:\.\d+)*\.?|[a-zđ][).]|[-+•·*–])\s+", re.I)


def words(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", nfc(text).lower().replace("_", " ")).split())


def sentences(texts: list[str]) -> list[str]:
    found = []
    for text in texts:
        for piece in _END.split(_MARKER.sub("", text)):
            if len(words(piece).split()) >= 2 or (piece.strip() and not found):
                found.append(piece.strip())
    return found


@dataclass
class Coverage:
    total: int
    missing: list[str]

    @property
    def kept(self) -> int:
        return self.total - len(self.missing)

    def line(self) -> str:
        return f"Giữ {self.kept}/{self.total} câu của văn bản gốc."


def coverage(texts: list[str], draft_text: str) -> Coverage:
    """`texts`: the source's own pieces of text (source.source_texts), not what the reader made of them."""
    everything = words(draft_text)
    found = sentences(texts)
    return Coverage(len(found), [s for s in found if words(s) not in everything])
