"""Search terms of a document, for Vietnamese: folded syllables, adjacent pairs, syllables as written, and the
glossary's abbreviations and the thesaurus's synonyms both ways; weighted by field. Kept per document between builds (TermCache)."""

from __future__ import annotations

import hashlib
import json
import math
import re
import struct
import unicodedata
from array import array
from collections import Counter
from itertools import chain
from pathlib import Path

from ..content.text import fold  # the same rule as the page's fold() in cchc-search.js
from ..stores.keyed import KeyedStore

VERSION = "6"  # of the term cache: bump when the terms (weighted_terms) or the weights change
WEIGHTS = {"title": 6.0, "number": 6.0, "tags": 2.0, "summary": 2.0, "body": 1.0}  # tags: its topics, unit, type by name
_ASCII = re.compile(r"[a-z0-9]+")
_BREAK = re.compile(r"[.,;:!?()\[\]{}\"“”‘’…|\\\n–—]+|\s-\s")  # not "/" or "-": 105/KH-UBND stays one phrase
_TOKEN = re.compile(r"([^\W_]+)|(?:" + _BREAK.pattern + ")")  # a word, or "" where punctuation ends a segment
# each token (text between whitespace) -> its folded syllables, None where punctuation ends a segment; and its
# syllables as written ("=hành") where folding changed one: worked out once per token, then looked up in C
_FLAT: dict[str, tuple] = {"\n": (None,), "-": (None,)}  # a line's end, " - " (see _tokens)
_WRITTEN: dict[str, tuple] = {"\n": (), "-": ()}
_KNOWN_TOKENS = 1 << 19  # a language has few words: each is worked out once (forgotten past this, in a long preview)


def _tokens(text: str) -> tuple[list, list[str]]:
    """The text's folded syllables in order, None where punctuation ends a segment (no pair spans it), and its
    syllables as written where folding changed them. The text is cut at whitespace (in C) and each distinct token
    read once, as _TOKEN reads the whole text: a token holds no whitespace, so only its breaks at a line's end
    and at " - " (a lone hyphen) are added here; more breaks than _TOKEN finds never change a term."""
    text = unicodedata.normalize("NFC", text).lower()
    if "\n" in text:
        tokens: list[str] = []
        for line in text.split("\n"):
            tokens += line.split()
            tokens.append("\n")
    else:
        tokens = text.split()
    new = set(tokens).difference(_FLAT)
    if new and len(_FLAT) > _KNOWN_TOKENS:
        for kept in (_FLAT, _WRITTEN):
            for token in set(kept) - {"\n", "-"}:
                del kept[token]
    for token in new:
        _FLAT[token], _WRITTEN[token] = _piece(token)
    return (list(chain.from_iterable(map(_FLAT.__getitem__, tokens))),
            list(chain.from_iterable(map(_WRITTEN.__getitem__, tokens))))


def _piece(token: str) -> tuple[tuple, tuple]:
    flat: list = []
    written: list[str] = []
    for word in _TOKEN.findall(token):
        if not word:
            flat.append(None)
            continue
        folded = _ASCII.findall(fold(word))
        flat += folded
        if len(folded) == 1 and folded[0] != word:
            written.append("=" + word)
    return tuple(flat), tuple(written)


def syllables(text: str) -> list[str]:
    """The text's folded syllables ("Đánh giá" -> "danh", "gia")."""
    return list(filter(None, _tokens(text)[0]))


def shard_key(term: str) -> str:
    """What places a term in a shard: its last syllable, folded. A word's shard so holds the pairs it ends and its
    accented forms ("tuyen", "truc tuyen", "=tuyến"): the page fetches one file for the word being typed, and can
    fetch it before the word is finished (it guesses the word from the word list)."""
    return fold(term[1:]) if term.startswith("=") else term.rsplit(" ", 1)[-1]


def shard_hash(term: str) -> int:
    """FNV-1a (32 bit) of the UTF-8 bytes of the term's shard_key; modulo the shard count, its shard (the page
    computes the same)."""
    h = 0x811C9DC5
    for byte in shard_key(term).encode("utf-8"):
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return h


def shard_count(documents: int) -> int:
    """About eight items' worth of terms per shard, as a power of two: a shard stays a few KB."""
    return 1 << max(0, min(12, round(math.log2(max(1, documents / 8)))))


class Equivalents:
    """Phrases taken for one another, both ways: each abbreviation of the glossary (plans/viet-tat.yml) and its
    words ("CCHC" is also indexed as "cải cách hành chính", and those words as "CCHC"), and each group of the
    thesaurus (plans/tu-dong-nghia.yml: an item about "nộp hồ sơ trực tuyến" is found by "qua mạng"). Each phrase
    of the text is indexed with the other phrases of its group, after the text, as segments of their own."""

    def __init__(self, groups: list[list[str]]) -> None:
        merged: dict[str, set[str]] = {}  # a phrase -> its group, groups sharing a phrase merged
        for group in groups:
            members = {unicodedata.normalize("NFC", x).strip() for x in group if x.strip()}
            for x in list(members):
                members |= merged.get(x.lower(), set())
            for x in members:
                merged[x.lower()] = members
        # each phrase -> the other phrases of its group, as segments of their own
        self.others = {key: "\n".join(sorted(x for x in members if x.lower() != key)) for key, members in merged.items()}
        # matched in the lowered text (the keys are lowered): three times faster than re.I over a long body
        self.pattern = re.compile(r"(?<!\w)" + _trie(self.others) + r"(?!\w)") if self.others else None

    def expand(self, text: str) -> str:
        """The text as written (its own pairs intact: "cải cách thủ tục hành chính" keeps "cách thủ"), then, for each
        phrase of a group it holds, the group's other phrases."""
        if self.pattern is None or not text:
            return text
        text = unicodedata.normalize("NFC", text)
        extra = [self.others[m.group(0)] for m in self.pattern.finditer(text.lower())]
        return "\n".join([text, *extra])


def _trie(phrases) -> str:
    """One regular expression for the phrases, as a tree of their letters ("ab|ac" as "a(?:b|c)"): at each place of
    the text one letter is tried, not every phrase (half the time of a list of alternatives). The longest phrase
    is tried first, and shorter ones when it is not followed by a word's end, as with the list longest first."""
    tree: dict = {}
    for phrase in phrases:
        node = tree
        for letter in phrase:
            node = node.setdefault(letter, {})
        node[""] = {}

    def pattern(node: dict) -> str:
        branches = [re.escape(letter) + pattern(child) for letter, child in sorted(node.items()) if letter]
        if not branches:
            return ""
        either = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{either})?" if "" in node else either
    return "(?:" + pattern(tree) + ")"


PLAN_TEXT = 0.1  # a plan's full text names every CCHC subject: it ranks by its title and number, not its bulk


Terms = tuple[list[str], array, float]  # terms, their weights (float32, as postings keep them), the length


def weighted_terms(doc: dict, equivalents: Equivalents) -> Terms:
    """Each field's folded syllables, their adjacent pairs within a segment (split at punctuation) and the syllables
    as written where folding changed them, counted and weighted by field."""
    tf: dict[str, float] = {}
    length = 0.0
    for field, weight in WEIGHTS.items():
        if field == "body" and doc.get("type") == "Kế hoạch":
            weight *= PLAN_TEXT
        flat, written = _tokens(equivalents.expand(doc.get(field, "")))
        found = list(filter(None, flat))
        length += weight * len(found)
        if field != "tags":  # exact accents rank an item's own writing, not the labels it is tagged with
            found += written
        found += [a + " " + b for a, b in zip(flat, flat[1:]) if a and b]
        counted = Counter(found)  # in C, then weighted and added to the earlier fields'
        weighted = counted if weight == 1 else {term: weight * count for term, count in counted.items()}
        for term in weighted.keys() & tf.keys():
            weighted[term] += tf[term]
        tf.update(weighted)
    return list(tf), array("f", tf.values()), length


class TermCache:
    """Each document's weighted terms, kept between builds (build/cache/search/terms.sqlite): a warm build splits
    only new and edited items into terms. Keyed by the fields indexed, the equivalents and the weights."""

    def __init__(self, path: Path, equivalents: list[list[str]]) -> None:
        self.store = KeyedStore(path, replaces=path.with_suffix(""))  # terms/: a file each before
        self._asked = False  # whether the store held any entry when first asked (a cold build's has none)
        self._warm = False
        self.salt = json.dumps([VERSION, WEIGHTS, PLAN_TEXT, sorted(map(sorted, equivalents))], ensure_ascii=False).encode()

    def terms(self, doc: dict, equivalents: Equivalents) -> Terms:
        digest = hashlib.blake2b(self.salt, digest_size=20)
        for field in [*WEIGHTS, "type"]:  # the type: a plan's text weighs less
            digest.update(b"\x1f" + doc.get(field, "").encode("utf-8", "surrogatepass"))
        key = digest.hexdigest()
        if not self._asked:
            self._asked, self._warm = True, self.store.has_entries()
        kept = self.store.get(key) if self._warm else None  # an empty store: no query per document
        if kept is not None and (found := _unpacked(kept)) is not None:
            return found
        found = weighted_terms(doc, equivalents)
        self.store.put(key, _packed(found))
        return found

    def prune(self) -> None:
        """Remove the terms of documents this index did not hold (items edited or gone)."""
        self.store.prune()


_HEAD = struct.Struct("<dI")  # the document's length, its number of terms


def _packed(found: Terms) -> bytes:
    """Terms as kept: a header, the weights' bytes, the terms one a line (a term never holds a line break): a tenth
    of the time pickling the pairs took, 20,000 documents of hundreds of terms each."""
    terms, weights, length = found
    return _HEAD.pack(length, len(terms)) + weights.tobytes() + "\n".join(terms).encode("utf-8")


def _unpacked(data: bytes) -> Terms | None:
    """The terms kept, or None if the entry is not of this form (an older cache, a damaged entry)."""
    try:
        length, count = _HEAD.unpack_from(data)
        weights = array("f")
        weights.frombytes(data[_HEAD.size:_HEAD.size + 4 * count])
        terms = data[_HEAD.size + 4 * count:].decode("utf-8").split("\n") if count else []
    except (struct.error, ValueError, UnicodeDecodeError, TypeError):
        return None
    return (terms, weights, length) if len(terms) == count == len(weights) else None
