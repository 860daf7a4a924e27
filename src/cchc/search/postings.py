"""The search index's postings (for each term, the items holding it and its weight in each), gathered item by item.
Past a budget they are spilled to a temporary file, in parts by the term's shard hash (kept with each term), and
read back a part at a time: the index's memory stays flat however many items a province has and however many
terms its text makes (20,000 items: 14.5 million postings)."""

from __future__ import annotations

import itertools
import json
import operator
import collections
import struct
import tempfile
from array import array
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import numpy

from .terms import shard_hash

PARTS = 64  # of each spill, by shard hash: a power of two, like the shard count
_NARROW, _SHORT = "H", 1 << 16  # item numbers' first type code, and the first number it cannot hold
_HEAD = struct.Struct("<QQ")  # a part's bytes of terms, its number of terms
_KNOWN_HASHES = 1 << 20  # terms whose hash is remembered (forgotten past this: a new term costs its hash again)


class Posting(NamedTuple):
    ids: numpy.ndarray  # item numbers (int64), in order
    weights: numpy.ndarray  # float32
    hash: int  # of the term's shard key (terms.shard_hash)


class Postings:
    BUDGET = 2_000_000  # postings held before a spill (about 12 MB, and the terms' arrays)

    def __init__(self, spill_dir: Path | None = None) -> None:
        self.spill_dir = spill_dir
        self.held: dict[str, tuple[array, array]] = {}  # term -> item numbers, weights (float32)
        self.count = 0  # postings held
        self.hashes: dict[str, int] = {}  # term -> its shard hash, for terms met lately
        self.numbers = _NARROW
        self.spills: list[tuple[str, list[tuple[int, int]]]] = []  # item numbers' type code, each part's place
        self._file = None

    def add(self, number: int, terms: list[str], weights: array) -> None:
        """One item's terms and weights; items come numbered 0, 1, 2…"""
        if number == _SHORT:  # two bytes no longer hold the item numbers: four from now on
            self.numbers = "I"
            self.held.update((term, (array("I", ids), w)) for term, (ids, w) in self.held.items())
        held = self.held
        for term in set(terms).difference(held):
            held[term] = (array(self.numbers), array("f"))
        entries = list(map(held.__getitem__, terms))  # then appended to in C: millions of postings
        _drain(map(array.append, map(_FIRST, entries), itertools.repeat(number)))
        _drain(map(array.append, map(_SECOND, entries), weights))
        self.count += len(terms)
        if self.count >= self.BUDGET:
            self._spill()

    def _spill(self) -> None:
        """The postings held, written as PARTS parts (terms, their counts and hashes, item numbers, weights) and let
        go."""
        if self._file is None:
            self._file = tempfile.TemporaryFile(prefix=".cchc-chi-muc-", dir=self.spill_dir)
        parts: list[list[str]] = [[] for _ in range(PARTS)]
        for term in self.held:
            parts[self._hash(term) % PARTS].append(term)
        places = []
        for terms in parts:
            entries = list(map(self.held.pop, terms))
            counts = array("I", map(len, map(_FIRST, entries)))
            names = json.dumps(terms, ensure_ascii=False).encode("utf-8")
            start = self._file.tell()
            hashes = array("I", map(self._hash, terms))
            self._file.writelines([_HEAD.pack(len(names), len(counts)), names, counts, hashes, *map(_FIRST, entries),
                                   *map(_SECOND, entries)])
            places.append((start, self._file.tell() - start))
        self.spills.append((self.numbers, places))
        self.count = 0
        if len(self.hashes) > _KNOWN_HASHES:
            self.hashes.clear()

    def _hash(self, term: str) -> int:
        found = self.hashes.get(term)
        if found is None:
            found = self.hashes[term] = shard_hash(term)
        return found

    def groups(self, count: int) -> Iterator[dict[str, Posting]]:
        """`count` groups (a power of two, at most PARTS) of the terms by shard hash, each term with all its postings
        in item order; a group is read back from the spills when asked for."""
        held = {term: self._hash(term) for term in self.held}
        for group in range(count):
            chunks: dict[str, list] = collections.defaultdict(list)
            hashes: dict[str, int] = {}
            for numbers, places in self.spills:
                for part in range(group, PARTS, count):
                    for term, hashed, ids, weights in self._read(numbers, *places[part]):
                        chunks[term].append((ids, weights))
                        hashes[term] = hashed
            for term, (ids, weights) in self.held.items():
                if held[term] % count == group:
                    chunks[term].append((numpy.frombuffer(ids, ids.typecode), numpy.frombuffer(weights, numpy.float32)))
                    hashes[term] = held[term]
            yield {term: Posting(numpy.concatenate([i for i, _ in found]).astype(numpy.int64),
                                 numpy.concatenate([w for _, w in found]), hashes[term])
                   for term, found in chunks.items()}

    def _read(self, numbers: str, offset: int, size: int) -> Iterator[tuple[str, int, numpy.ndarray, numpy.ndarray]]:
        self._file.seek(offset)
        data = self._file.read(size)
        names_size, terms = _HEAD.unpack_from(data)
        if not terms:
            return
        start = _HEAD.size + names_size
        names = json.loads(data[_HEAD.size:start])
        counts = numpy.frombuffer(data, numpy.uint32, terms, start)
        hashes = numpy.frombuffer(data, numpy.uint32, terms, start + 4 * terms).tolist()
        total, numbers, start = int(counts.sum()), numpy.dtype(numbers), start + 8 * terms
        ids = numpy.frombuffer(data, numbers, total, start)
        weights = numpy.frombuffer(data, numpy.float32, total, start + numbers.itemsize * total)
        ends = numpy.cumsum(counts).tolist()
        for term, hashed, a, b in zip(names, hashes, [0, *ends], ends):
            yield term, hashed, ids[a:b], weights[a:b]

    def close(self) -> None:
        if self._file is not None:
            self._file.close()


_FIRST, _SECOND = operator.itemgetter(0), operator.itemgetter(1)
_drain = collections.deque(maxlen=0).extend  # runs an iterator to its end without keeping anything
