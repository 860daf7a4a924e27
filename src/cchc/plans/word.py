"""Word's own list numbers and bullets, written back as the text a person sees ("1.", "a)", "II.", "-", "+").

In a .docx a numbered point carries no number in its text: the paragraph (or its style, "List Bullet 2",
"List Number"…) names a numbering definition and a level, and Word draws "1.", "a)" or a bullet from the
definition's format (decimal, lowerLetter, upperRoman, bullet…) and level text ("%1.", "%1.%2.", "%1)").
Written back as typed text, Word lists reach the same outline as plans typed by hand: a bullet becomes "-"
(its first level) or "+" (deeper), as Vietnamese administrative documents write them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@dataclass(frozen=True)
class Level:
    fmt: str  # decimal, lowerLetter, upperLetter, lowerRoman, upperRoman, bullet, none…
    text: str  # "%1.", "%1.%2.", "%1)", or a bullet glyph
    start: int


def _val(element, tag: str, default: str = "") -> str:
    found = element.find(f"{W}{tag}") if element is not None else None
    return found.get(f"{W}val", default) if found is not None else default


def roman(n: int) -> str:
    out = ""
    for value, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
                           (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out, n = out + letters, n - value
    return out


def _letters(n: int) -> str:
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


_FORMATS = {"decimal": str, "decimalZero": lambda n: f"{n:02d}", "lowerLetter": _letters,
            "upperLetter": lambda n: _letters(n).upper(), "lowerRoman": lambda n: roman(n).lower(), "upperRoman": roman}


class Numbering:
    """The document's numbering definitions and, while its paragraphs are read in order, the running counts."""

    def __init__(self, doc) -> None:
        self.levels: dict[str, dict[int, Level]] = {}  # numId -> level -> definition
        self.counts: dict[str, list[int]] = {}  # abstract definition -> count per level
        self.abstract_of: dict[str, str] = {}
        self.overrides: dict[tuple[str, int], int] = {}
        self.last: dict[str, str] = {}  # abstract definition -> the list instance that used it last
        try:
            root = doc.part.numbering_part.element
        except (NotImplementedError, KeyError, AttributeError):
            return
        abstract = {}
        for node in root.findall(f"{W}abstractNum"):
            levels = {}
            for lvl in node.findall(f"{W}lvl"):
                start = _val(lvl, "start", "1")
                levels[int(lvl.get(f"{W}ilvl", "0"))] = Level(_val(lvl, "numFmt", "decimal"), _val(lvl, "lvlText"),
                                                              int(start) if start.isdigit() else 1)
            abstract[node.get(f"{W}abstractNumId")] = levels
        for num in root.findall(f"{W}num"):
            num_id, abstract_id = num.get(f"{W}numId"), _val(num, "abstractNumId")
            self.levels[num_id] = abstract.get(abstract_id, {})
            self.abstract_of[num_id] = abstract_id
            for override in num.findall(f"{W}lvlOverride"):
                start = _val(override, "startOverride")
                if start.isdigit():
                    self.overrides[(num_id, int(override.get(f"{W}ilvl", "0")))] = int(start)

    def marker(self, paragraph) -> str:
        """The number or bullet Word shows before this paragraph ("" when none); counts advance."""
        num_id, level, depth = _numbering_of(paragraph)
        if num_id is None or num_id == "0" or num_id not in self.levels:
            name = (paragraph.style.name if paragraph.style is not None else "") or ""
            if "Bullet" in name:
                return "-" if depth == 0 else "+"
            return ""
        definition = self.levels[num_id].get(level) or self.levels[num_id].get(0)
        if definition is None or definition.fmt == "none":
            return ""
        if definition.fmt == "bullet":  # the definition's first bullet level is "-", deeper ones "+"
            first = min((n for n, spec in self.levels[num_id].items() if spec.fmt == "bullet"), default=0)
            return "-" if level <= first and depth == 0 else "+"
        key = self.abstract_of[num_id]
        counts = self.counts.setdefault(key, [0] * 10)
        if counts[level] == 0:
            counts[level] = self.overrides.get((num_id, level), definition.start) - 1
        elif self.last.get(key) != num_id and (num_id, level) in self.overrides:
            counts[level] = self.overrides[(num_id, level)] - 1  # "Restart numbering": a new list of the same kind
        self.last[key] = num_id
        counts[level] += 1
        for deeper in range(level + 1, len(counts)):
            counts[deeper] = 0  # a new point restarts its sub-points
        def one(match: re.Match) -> str:
            at = int(match.group(1)) - 1
            spec = self.levels[num_id].get(at, definition)
            value = counts[at] or spec.start
            return _FORMATS.get(spec.fmt, str)(value)
        return re.sub(r"%(\d)", one, definition.text).strip()


def _numbering_of(paragraph) -> tuple[str | None, int, int]:
    """(numId, level) from the paragraph or its style chain, and the depth its style's name implies."""
    name = (paragraph.style.name if paragraph.style is not None else "") or ""
    digit = re.search(r"(\d)$", name)
    depth = int(digit.group(1)) - 1 if digit and "List" in name else 0
    ppr = paragraph._p.pPr
    num = ppr.find(f"{W}numPr") if ppr is not None else None
    style = paragraph.style
    while num is None and style is not None:
        spr = style.element.find(f"{W}pPr")
        num = spr.find(f"{W}numPr") if spr is not None else None
        style = style.base_style
    if num is None:
        return None, 0, depth
    level = _val(num, "ilvl", "0")
    return _val(num, "numId") or None, int(level) if level.isdigit() else 0, depth
