"""A Python-Markdown extension, added by the plugin to every page: each page's text runs through only the inline
patterns that can match in it.

Python-Markdown tries each of its inline patterns (links, emphasis, code, HTML, entities…: fifteen here) on each
run of text, a few microseconds of Python per try; for the plain prose most items are, none of them can match (a
third of an item's conversion; 20,000 items: 6 s). A match must begin with one of the characters its expression can
begin with: a pattern none of whose first characters is in the text of the page's parsed tree, just before the
inline patterns run (every run of text a pattern is tried on is a piece of it, Markdown set aside inside HTML blocks
included), is left out for that page. The first characters are read from the expression itself, so any extension's
patterns are covered; an expression that may begin with any character (or with nothing), or that this reading does
not follow, keeps its pattern.
"""

from __future__ import annotations

import functools
import re

from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

try:  # the standard library's own reading of expressions (re.compile's first step)
    from re import _parser as _parse
except ImportError:  # another Python: every pattern is kept
    _parse = None

NAME = "cchc.site.inline_choice"  # as listed in markdown_extensions
_ZERO_WIDTH = ("AT", "ASSERT", "ASSERT_NOT")
_SPAN = 256  # a range of characters longer than this is as good as any character


@functools.lru_cache(maxsize=256)
def first_characters(pattern: str, flags: int) -> frozenset[str] | None:
    """The characters a match of the expression can begin with; None when that is any character (or unknown)."""
    if _parse is None:
        return None
    try:
        parsed = _parse.parse(pattern, flags)
    except Exception:  # noqa: BLE001 (an expression this Python reads otherwise: the pattern is kept)
        return None
    if parsed.state.flags & re.IGNORECASE:
        return None
    found = _first(list(parsed))
    return frozenset(found) if found else None


def _first(items: list) -> set[str] | None:
    """Of a sequence of items: the first that takes a character decides; a zero-width one is passed over; one that
    may take none (an optional part, an empty branch) leaves the answer unknown."""
    for op, value in items:
        name = str(op)
        if name in _ZERO_WIDTH:
            continue
        if name == "LITERAL":
            return {chr(value)}
        if name == "IN":
            return _members(value)
        if name == "BRANCH":
            found: set[str] = set()
            for branch in value[1]:
                part = _first(list(branch))
                if part is None:
                    return None
                found |= part
            return found
        if name == "SUBPATTERN":
            return None if value[1] & re.IGNORECASE else _first(list(value[3]))
        if name == "ATOMIC_GROUP":
            return _first(list(value))
        if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            return _first(list(value[2])) if value[0] >= 1 else None
        return None
    return None


def _members(items: list) -> set[str] | None:
    found: set[str] = set()
    for op, value in items:
        if str(op) == "LITERAL":
            found.add(chr(value))
        elif str(op) == "RANGE" and value[1] - value[0] < _SPAN:
            found.update(map(chr, range(value[0], value[1] + 1)))
        else:  # a negated set, a category (\w, \s…), a long range
            return None
    return found


class _Choose(Treeprocessor):
    def __init__(self, md) -> None:
        super().__init__(md)
        # made once per set of patterns (and per choice of them): copying a registry and taking patterns out of it
        # at each page cost as much as the choice saved on a short item
        self._firsts: dict[tuple[int, ...], list[tuple[str, frozenset[str] | None]] | None] = {}
        self._chosen: dict[tuple, object] = {}

    def run(self, root) -> None:
        inline = self.md.treeprocessors["inline"] if "inline" in self.md.treeprocessors else None
        patterns = self.md.inlinePatterns
        if inline is None or not hasattr(inline, "inlinePatterns"):
            return None
        signature = tuple(map(id, patterns))  # the patterns themselves, in order
        if signature not in self._firsts:
            self._firsts[signature] = _firsts(patterns)
        firsts = self._firsts[signature]
        if firsts is None:
            return None  # another Python-Markdown than the one this was written for: every pattern runs
        text = "\n".join(root.itertext())
        dropped = tuple(name for name, first in firsts if first is not None and not any(c in text for c in first))
        chosen = self._chosen.get((signature, dropped))
        if chosen is None:
            chosen = self._chosen[signature, dropped] = patterns[:]  # a copy; the converter's own stays whole
            for name in dropped:
                chosen.deregister(name)
        inline.inlinePatterns = chosen
        return None


def _firsts(patterns) -> list[tuple[str, frozenset[str] | None]] | None:
    """Each pattern's name and the characters a match can begin with (None: any), in order; None if the registry
    is not one this reads."""
    names = [getattr(entry, "name", None) for entry in getattr(patterns, "_priority", [None])]
    if None in names:
        return None
    found = []
    for name in names:
        expression = getattr(patterns[name], "compiled_re", None)
        found.append((name, first_characters(expression.pattern, expression.flags)
                      if isinstance(expression, re.Pattern) else None))
    return found


class InlineChoice(Extension):
    def extendMarkdown(self, md) -> None:
        # Just before the inline patterns (Python-Markdown's "inline" runs at 20): the tree is what they will read
        md.treeprocessors.register(_Choose(md), "cchc-inline-choice", 20.5)


def makeExtension(**kwargs) -> InlineChoice:  # noqa: N802 (Python-Markdown's name for it)
    return InlineChoice(**kwargs)
