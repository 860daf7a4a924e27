"""The search index's postings (for each term, the items holding it and its weight in each), gathered item by item.
Past a budget they are spilled to a temporary file, in parts by the term's shard hash (kept with each term), and
read back a part at a time: the index's memory stays flat however many items a province has and however many
terms its text makes (20,000 items: 14.5 million postings)."""

from __future__ import annotations

import collections
import io
import itertools
import json
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
    BUDGET = 500_000  # postings held before a spill (4 MB, and the spill's sorting: about 12 MB more)

    def __init__(self, spill_dir: Path | None = None) -> None:
        self.spill_dir = spill_dir
        self.local: dict[str, int] = {}  # term -> its number among the terms held
        self.terms = array("I")  # each posting's term number, item after item
        self.weights = array("f")
        self.items = array("I")  # the items held, and their number of terms
        self.sizes = array("I")
        self.hashes: dict[str, int] = {}  # term -> its shard hash, for terms met lately
        self.spills: list[tuple[str, list[tuple[int, int]]]] = []  # item numbers' type code, each part's place
        self._file = None

    def add(self, number: int, terms: list[str], weights: array) -> None:
        """One item's terms and weights; items come numbered 0, 1, 2…; appended as they come (a term's postings are
        put together when spilled)."""
        local = self.local
        if new := set(terms).difference(local):
            local.update(zip(new, itertools.count(len(local))))
        self.terms.extend(map(local.__getitem__, terms))
        self.weights.extend(weights)
        self.items.append(number)
        self.sizes.append(len(terms))
        if len(self.terms) >= self.BUDGET:
            self._spill()

    def _spill(self) -> None:
        """The postings held, written as PARTS parts (terms, their counts and hashes, item numbers, weights), each
        term's postings together in item order, and let go."""
        if self._file is None:
            self._file = tempfile.TemporaryFile(prefix=".cchc-chi-muc-", dir=self.spill_dir)
        names = list(self.local)  # by their number
        hashes = numpy.fromiter(map(self._hash, names), numpy.uint32, len(names))
        parts = hashes % PARTS
        by_part = numpy.argsort(parts, kind="stable")  # the terms, part after part
        rank = numpy.empty(len(names), numpy.uint32)
        rank[by_part] = numpy.arange(len(names), dtype=numpy.uint32)
        terms = numpy.frombuffer(self.terms, numpy.uint32)
        order = numpy.argsort(rank[terms], kind="stable")  # postings by part, then term, then item
        items = numpy.repeat(numpy.frombuffer(self.items, numpy.uint32), numpy.frombuffer(self.sizes, numpy.uint32))
        numbers = _NARROW if self.items[-1] < _SHORT else "I"
        ids, weights = items[order].astype(numbers), numpy.frombuffer(self.weights, numpy.float32)[order]
        counts = numpy.bincount(terms, minlength=len(names)).astype(numpy.uint32)[by_part]
        term_ends = numpy.searchsorted(parts[by_part], numpy.arange(1, PARTS + 1)).tolist()
        posting_ends = numpy.concatenate(([0], numpy.cumsum(counts, dtype=numpy.int64)))[term_ends].tolist()
        places = []
        for a, b, pa, pb in zip([0, *term_ends], term_ends, [0, *posting_ends], posting_ends):
            part = by_part[a:b]
            part_names = json.dumps([names[n] for n in part.tolist()], ensure_ascii=False).encode("utf-8")
            start = self._file.tell()
            self._file.writelines([_HEAD.pack(len(part_names), b - a), part_names, counts[a:b], hashes[part],
                                   ids[pa:pb], weights[pa:pb]])
            places.append((start, self._file.tell() - start))
        self.spills.append((numbers, places))
        self.local, self.terms, self.weights = {}, array("I"), array("f")
        self.items, self.sizes = array("I"), array("I")
        if len(self.hashes) > _KNOWN_HASHES:
            self.hashes.clear()

    def _hash(self, term: str) -> int:
        found = self.hashes.get(term)
        if found is None:
            found = self.hashes[term] = shard_hash(term)
        return found

    def groups(self, count: int) -> Iterator[dict[str, Posting]]:
        """`count` groups (a power of two, at most PARTS) of the terms by shard hash, each term with all its postings
        in item order; a group is read back from the spills when asked for (what is held is spilled first, in
        memory if nothing was spilled before)."""
        if self.items:
            if self._file is None:
                self._file = io.BytesIO()
            self._spill()
        for group in range(count):
            chunks: dict[str, list] = collections.defaultdict(list)
            hashes: dict[str, int] = {}
            for numbers, places in self.spills:
                for part in range(group, PARTS, count):
                    for term, hashed, ids, weights in self._read(numbers, *places[part]):
                        chunks[term].append((ids, weights))
                        hashes[term] = hashed
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

