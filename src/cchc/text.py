"""Vietnamese text rules, defined once: Unicode form, diacritic folding and ASCII slugs."""

from __future__ import annotations

import re
import unicodedata

_SPACE = re.compile(r"\s+")
_NON_SLUG = re.compile(r"[^a-z0-9]+")


def nfc(text: str) -> str:
    """Vietnamese arrives precomposed (NFC) or decomposed (NFD); we keep NFC only."""
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Lower case, no diacritics, 'đ' -> 'd', single spaces: 'Cải cách  Thủ tục' -> 'cai cach thu tuc'."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACE.sub(" ", stripped.lower()).strip()


def slugify(text: str) -> str:
    """ASCII slug without diacritics: 'Đường dây nóng 1022' -> 'duong-day-nong-1022'."""
    return _NON_SLUG.sub("-", fold(text)).strip("-")


def lookup_key(text: str) -> str:
    """Key under which names, aliases and slugs of a vocabulary entry are matched."""
    return slugify(text)
