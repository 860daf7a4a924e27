"""The search index: built from the model for Vietnamese, read by overrides/assets/javascripts/cchc-search.js.

Vietnamese is written in syllables, and the ones readers type ("cai", "cach", "hanh", "chinh") occur in
nearly every item of a CCHC section. So the index keeps, for each term, only the items and one weight byte
(no positions), and its terms are:
- syllables folded ("Đánh giá" -> "danh", "gia": a query matches with or without diacritics, d = đ);
- adjacent syllable pairs ("danh gia"): an item with the words side by side ranks above one with them apart,
  whatever the accents ("đánh giá" above "danh ... giá");
- syllables as written ("=đánh"): a query typed with accents prefers items with the same accents.
Weights are BM25 over the title, document number, summary and body (title and number count most); author,
channel, unit and topics are filters and fields, never body text.

Terms are spread over shards by a hash of their last syllable, which the page computes too (a word's shard also
holds the pairs it ends and its accented forms), so a query fetches a few small files, one per word; each
item has its own small file (title, metadata, text for the excerpt), fetched only when shown. Files are
gzip-compressed here and decompressed by the page, so no server setting is needed.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import itertools
import json
import math
import os
import shutil
import collections
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy
import orjson

from ..stores.keyed import link
from .documents import plain_text
from .postings import PARTS, Postings
from .terms import Equivalents, TermCache, shard_count, weighted_terms

FOLDER = "tim-kiem/du-lieu"  # site-relative folder of the index files
EXCERPT_CHARS = 6000  # of each item's text kept for excerpts
K1, B = 1.2, 0.75


class SearchIndexError(RuntimeError):
    pass


def build(documents: Iterable[dict], equivalents: list[list[str]] | None, write: Callable[[str, bytes], None],
          cache: TermCache | None = None, reuse: Callable[[str, bytes], bool] = lambda rel, data: False,
          spill_dir: Path | None = None) -> None:
    """Index files (path under FOLDER, JSON bytes; written gzip-compressed but chi-muc.json) for these documents,
    handed to `write`. Documents come newest
    first (newest_first) and are numbered so: the page breaks ties and lists filters by date with the numbers
    alone. Each document's own file is written as it comes, unless `reuse(path, its JSON)` places an earlier
    build's file with the same content there; only the postings are kept (spilled into `spill_dir`)."""
    phrases = Equivalents(equivalents or [])
    postings = Postings(spill_dir)
    try:
        lengths, chosen = _gather(documents, phrases, postings, write, cache, reuse)
        total = len(lengths)
        shards = shard_count(total)
        average = sum(lengths) / total if total else 1.0
        norms = numpy.array([K1 * (1 - B + B * length / average) for length in lengths])

        def impacts(ids, weights):
            """A term's weights as BM25 impacts (float32, as kept before), all its postings at once."""
            idf = math.log(1 + (total - len(ids) + 0.5) / (len(ids) + 0.5))
            tf = weights.astype(float)
            return (idf * tf * (K1 + 1) / (tf + norms[ids])).astype(numpy.float32)
        groups = min(shards, PARTS)  # a group of shards at a time: its postings read back, written, let go
        # The best impact first, then each group's impacts again as its shards are written: never all held at once
        top, vocabulary = 0.0, []
        for group in postings.groups(groups):
            top = max(top, max((float(impacts(p.ids, p.weights).max()) for p in group.values()), default=0.0))
            vocabulary += [(t, len(p.ids)) for t, p in group.items() if " " not in t and not t.startswith("=")]
        top = top or 1.0
        for n, group in enumerate(postings.groups(groups)):
            members: dict[int, list[str]] = collections.defaultdict(list)
            for term, posting in group.items():
                members[posting.hash % shards].append(term)
            for shard in range(n, shards, groups):
                bucket = {}
                for term in sorted(members[shard]):  # sorted: the postings' own order differs from build to build
                    ids, weights, _ = group.pop(term)  # a byte each: 255 the best, never 0 (rounded half to even)
                    scores = numpy.maximum(numpy.rint(255 * impacts(ids, weights).astype(float) / top), 1)
                    bucket[term] = numpy.diff(ids, prepend=0).tolist() + scores.astype(int).tolist()
                write(f"s/{shard}.dat", _json(bucket))
    finally:
        postings.close()
    vocabulary.sort(key=lambda te: (-te[1], te[0]))
    write("tu-vung.dat", _json([[t for t, _ in vocabulary], [df for _, df in vocabulary]]))
    write("loc.dat", _json({name: {v: _deltas(ids) for v, ids in values.items()} for name, values in chosen.items()}))
    write("chi-muc.json", json.dumps({"docs": total, "shards": shards}).encode())


def _gather(documents: Iterable[dict], phrases: Equivalents, postings: Postings, write, cache, reuse):
    """Each document's terms into the postings and its own file written; its length and filters kept."""
    lengths: list[float] = []
    chosen: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    last = None
    for number, doc in enumerate(documents):
        if last is not None and doc["sort"] > last:
            raise SearchIndexError("Chỉ mục tìm kiếm: tài liệu không theo thứ tự mới trước (lỗi chương trình)")
        last = doc["sort"]
        doc["body"] = plain_text(doc["body"])
        terms, weights, length = cache.terms(doc, phrases) if cache else weighted_terms(doc, phrases)
        lengths.append(length)
        postings.add(number, terms, weights)
        for name, values in doc["filters"].items():
            for value in values:
                chosen[name][value].append(number)
        data = _json({"u": doc["url"], "t": doc["title"], "d": doc["date"], "n": doc["number"],
                      "m": [doc["unit"], doc["type"]], "p": doc["topics"], "s": doc["summary"],
                      "x": doc["body"][:EXCERPT_CHARS]})
        if not reuse(f"d/{number}.dat", data):
            write(f"d/{number}.dat", data)
    return lengths, chosen


def newest_first(documents: list[dict]) -> list[dict]:
    return sorted(documents, key=lambda d: d["sort"], reverse=True)


def _deltas(ids) -> list[int]:
    return [b - a for a, b in zip(itertools.chain((0,), ids), ids)]


def _json(value) -> bytes:
    """Compact UTF-8 JSON. orjson writes the same bytes as the standard library for our values (text, whole
    numbers, lists, maps: tests) ten times faster on the shards' long lists of numbers (5,000 items: 0.43 -> 0.04 s);
    what it refuses (a lone surrogate, a number beyond 64 bits) goes the standard library's way as before."""
    try:
        return orjson.dumps(value)
    except orjson.JSONEncodeError:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _gzip(data: bytes) -> bytes:
    """Level 4: the shards compress 4 times faster than at 6, 9 % larger (20,000 items: 0.65 s, 7.4 MB)."""
    return gzip.compress(data, 4, mtime=0)


class _Files:
    """The index's files, compressed as they come and written BATCH at a time: a call to the file system made right
    after a stretch of computing costs this machine several times one made after another call. In the same thread:
    beside the build's two busy processes a writing thread only added hand-overs of the interpreter's lock (150,000
    at 20,000 documents), costing more processor time than it saved. flush() writes what is held."""

    BATCH = 64

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._made: set[Path] = set()
        self._held: list[tuple[Path, bytes]] = []

    def __call__(self, rel: str, data: bytes) -> None:
        self._held.append((self.folder / rel, _gzip(data) if rel.endswith(".dat") else data))
        if len(self._held) >= self.BATCH:
            self.flush()

    def flush(self) -> None:
        held, self._held = self._held, []
        for path, data in held:
            if path.parent not in self._made:
                path.parent.mkdir(parents=True, exist_ok=True)
                self._made.add(path.parent)
            path.write_bytes(data)


@functools.cache
def code_digest() -> str:
    """A digest of the indexing code: an index kept by other code is not reused."""
    digest = hashlib.blake2b(digest_size=20)
    here = Path(__file__).parent
    for file in [*sorted(here.glob("*.py")), here.parent / "content" / "text.py"]:
        digest.update(file.name.encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()


MANIFEST = ".documents.json"  # in a kept index: the digest of each document file's JSON -> its path


class EarlierDocuments:
    """The document files of the index kept by the last build (write_index), found by the digest of their JSON:
    a document unchanged since is linked from there, whatever its number now (a new item shifts them all)."""

    def __init__(self, cache_dir: Path | None, into: Path) -> None:
        self.into, self.folder, self.files = into, None, {}
        self.made: dict[str, str] = {}  # for the manifest of this index
        for folder in (cache_dir / "index").glob("*") if cache_dir else ():
            try:
                manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            documents = manifest.get("documents") if isinstance(manifest, dict) else None
            if isinstance(documents, dict) and manifest.get("code") == code_digest():
                self.folder, self.files = folder, documents

    def reuse(self, rel: str, data: bytes) -> bool:
        digest = hashlib.blake2b(data, digest_size=16).hexdigest()
        self.made[digest] = rel
        earlier = self.files.get(digest)
        if earlier is None:
            return False
        try:
            link(self.folder / earlier, self.into / rel, copy=False)  # its folder made if the index has not yet
        except OSError:
            return False
        return True

    def manifest(self) -> str:
        return json.dumps({"code": code_digest(), "documents": self.made}, ensure_ascii=False)


def write_index(site_dir: Path, documents: Iterable[dict], equivalents: list[list[str]] | None = None,
                cache_dir: Path | None = None, key: str | None = None) -> None:
    """Write the index beside its folder and swap it in when complete: a reader never meets half an index.
    `documents` newest first (newest_first); `cache_dir` keeps each document's terms for the next build and,
    under `key` (a digest of everything sent, see main), the whole index: the same documents again are linked
    from there, not indexed again; other documents' files are linked from there where unchanged."""
    target, fresh, old = _folders(site_dir)
    discard_unfinished(site_dir)
    cache = TermCache(cache_dir / "terms.sqlite", equivalents or []) if cache_dir else None
    kept = cache_dir / "index" / key if cache_dir and key else None
    try:
        if kept and (kept / "chi-muc.json").is_file():
            _mirror(kept, fresh)
            cache = None  # the terms of these very documents are kept already
        else:
            earlier = EarlierDocuments(cache_dir if kept else None, fresh)
            fresh.mkdir(parents=True)
            files = _Files(fresh)
            build(documents, equivalents, files, cache, earlier.reuse, spill_dir=fresh)  # a file without a name
            files.flush()
            if kept:
                _keep(fresh, kept, earlier.manifest())
        if target.exists():
            target.rename(old)
        fresh.rename(target)
    except OSError as exc:
        raise SearchIndexError(f"Không ghi được chỉ mục tìm kiếm ({exc.strerror}: {exc.filename})") from None
    finally:
        for folder in (fresh, old):
            shutil.rmtree(folder, ignore_errors=True)
    if cache:
        cache.prune()


def _folders(site_dir: Path) -> tuple[Path, Path, Path]:
    """The index's folder, the new one written beside it, and the one it replaces while they swap."""
    target = site_dir / FOLDER
    return target, target.with_name(".du-lieu-new"), target.with_name(".du-lieu-old")


def discard_unfinished(site_dir: Path) -> None:
    """Remove what an index stopped part way left (write_index's new folder; the replaced one back in place)."""
    target, fresh, old = _folders(site_dir)
    if old.is_dir() and not target.exists():
        old.rename(target)
    for folder in (fresh, old):
        shutil.rmtree(folder, ignore_errors=True)


def _mirror(source: Path, target: Path) -> None:
    """The index files of `source` at the same places under `target`, linked (a new index is a new folder)."""
    for folder, _, names in os.walk(source):
        into = target / Path(folder).relative_to(source)
        for name in names:
            if name != MANIFEST:
                link(Path(folder, name), into / name)


def _keep(index: Path, kept: Path, manifest: str) -> None:
    """Keep this index for the next build with the same documents (and its document files for any next build),
    in place of the one kept before."""
    tmp = kept.with_name(f".{kept.name}.tmp{os.getpid()}")
    try:
        _mirror(index, tmp)
        (tmp / MANIFEST).write_text(manifest, encoding="utf-8")
        for other in kept.parent.iterdir():
            if other != tmp:
                shutil.rmtree(other, ignore_errors=True)
        tmp.rename(kept)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)  # a read-only cache: the next build indexes again


