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

Terms are spread over shards by a hash the page computes too, so a query fetches a few small files; each
item has its own small file (title, metadata, text for the excerpt), fetched only when shown. Files are
gzip-compressed here and decompressed by the page, so no server setting is needed.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import html
import itertools
import json
import math
import os
import pickle
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import unicodedata
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from .helper import peak_kb
from .keyed_files import KeyedStore, link
from .text import fold  # the same rule as the page's fold() in cchc-search.js

FOLDER = "tim-kiem/du-lieu"  # site-relative folder of the index files
VERSION = "2"  # of the term cache: bump when segments() or the weights change
WEIGHTS = {"title": 6.0, "number": 6.0, "summary": 2.0, "body": 1.0}
EXCERPT_CHARS = 6000  # of each item's text kept for excerpts
K1, B = 1.2, 0.75
_WORD = re.compile(r"[^\W_]+")
_ASCII = re.compile(r"[a-z0-9]+")
_BREAK = re.compile(r"[.,;:!?()\[\]{}\"“”‘’…|\\\n–—]+|\s-\s")  # not "/" or "-": 105/KH-UBND stays one phrase
_TAG = re.compile(r"<[^>]+>")


class SearchIndexError(RuntimeError):
    pass


@functools.lru_cache(maxsize=1 << 17)
def _word_terms(word: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """One word's folded syllables, and the word as written ("=" before) when it is one syllable that folding
    changed; a language has few words, so each is folded once."""
    folded = tuple(_ASCII.findall(fold(word)))
    return folded, ("=" + word,) if len(folded) == 1 and folded[0] != word else ()


def segments(text: str) -> Iterator[tuple[list[str], list[str]]]:
    """The text's segments (split at punctuation), each as its folded syllables and its syllables as written
    where they differ ("=" before)."""
    for segment in _BREAK.split(unicodedata.normalize("NFC", text).lower()):
        folded: list[str] = []
        written: list[str] = []
        for word in _WORD.findall(segment):
            f, w = _word_terms(word)
            folded += f
            written += w
        if folded:
            yield folded, written


def shard_of(term: str, shards: int) -> int:
    """FNV-1a (32 bit) of the term's UTF-8 bytes, modulo the shard count (the page computes the same)."""
    h = 0x811C9DC5
    for byte in term.encode("utf-8"):
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return h % shards


def shard_count(documents: int) -> int:
    """About eight items' worth of terms per shard, as a power of two: a shard stays a few KB."""
    return 1 << max(0, min(12, round(math.log2(max(1, documents / 8)))))


def plain_text(fragment: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(_TAG.sub(" ", fragment))).strip()


LINEAGE = " (gồm đơn vị trước sáp nhập)"


def unit_filters(corpus, unit: str) -> list[str]:
    """The unit and those above it; and, as separate choices a reader makes on purpose, the units that took
    them over ("Tỉnh Vĩnh Long (gồm đơn vị trước sáp nhập)" finds Bến Tre's archive too)."""
    own = [corpus.units[u].name for u in corpus.unit_ancestors(unit)]
    return own + [corpus.units[u].name + LINEAGE for u in corpus.heirs(unit)]


def document(corpus, item, text_html: str) -> dict:
    """What the index knows of a published item: fields to search, metadata to show, filter values. The body is
    its HTML, made plain text by build() (in the index process, off the build's core)."""
    topics = dict.fromkeys(corpus.topics[a].name for t in item.topics for a in corpus.topic_ancestors(t))
    number = item.document.number if item.document else ""
    return {"url": item.url, "date": item.date.strftime("%d/%m/%Y"), "sort": item.date.isoformat(),
            "title": item.title, "number": number, "summary": item.summary, "body": text_html,
            "unit": corpus.units[item.unit].name, "type": corpus.types[item.type].name,
            "topics": [corpus.topics[t].name for t in item.topics],
            "filters": {"chủ đề": list(topics), "đơn vị": unit_filters(corpus, item.unit),
                        "năm": [str(item.date.year)], "thể loại": [corpus.types[item.type].name]}}


def plan_document(corpus, plan, text_html: str) -> dict:
    issuer = corpus.units[plan.issuer]
    start = plan.issued or plan.start
    return {"url": plan.url, "date": start.strftime("%d/%m/%Y"), "sort": start.isoformat(),
            "title": plan.title, "number": plan.number, "summary": "", "body": text_html,
            "unit": issuer.body or issuer.name, "type": "Kế hoạch", "topics": [],
            "filters": {"đơn vị": unit_filters(corpus, plan.issuer),
                        "năm": [str(plan.start.year)], "thể loại": ["Kế hoạch"]}}


def filter_options(documents: list[dict]) -> dict[str, list[tuple[str, int]]]:
    """For each filter, its values with their item counts (the search page lists them)."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for doc in documents:
        for name, values in doc["filters"].items():
            counts[name].update(values)
    return {name: sorted(c.items(), key=lambda vc: (fold(vc[0]), vc[0])) for name, c in counts.items()}


class Abbreviations:
    """The glossary (plans/viet-tat.yml) both ways: "CCHC" is also indexed as "cải cách hành chính", and the
    words as "CCHC", so a reader finds an item whichever form either of them wrote."""

    def __init__(self, glossary: dict[str, str]) -> None:
        self.forms: dict[str, str] = {}
        for short, full in glossary.items():
            text = f"{short}, {full},"
            self.forms[unicodedata.normalize("NFC", short).lower()] = text
            self.forms[unicodedata.normalize("NFC", full).lower()] = text
        names = sorted(self.forms, key=len, reverse=True)
        self.pattern = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, names)) + r")(?!\w)", re.I) if names else None

    def expand(self, text: str) -> str:
        if self.pattern is None or not text:
            return text
        return self.pattern.sub(lambda m: self.forms[m.group(0).lower()], unicodedata.normalize("NFC", text))


def _weighted_terms(doc: dict, abbreviations: Abbreviations) -> tuple[list[tuple[str, float]], float]:
    tf: Counter = Counter()
    length = 0.0
    for field, weight in WEIGHTS.items():
        found: list[str] = []  # counted at once (in C), then weighted
        for folded, written in segments(abbreviations.expand(doc[field])):
            length += weight * len(folded)
            found += folded
            found += written
            found += map(" ".join, zip(folded, folded[1:]))
        for term, count in Counter(found).items():
            tf[term] += weight * count
    return list(tf.items()), length


class TermCache:
    """Each document's weighted terms, kept between builds (build/cache/search/terms.sqlite): a warm build splits
    only new and edited items into terms. Keyed by the fields indexed, the glossary and the weights."""

    def __init__(self, path: Path, glossary: dict[str, str]) -> None:
        self.store = KeyedStore(path, replaces=path.with_suffix(""))  # terms/: a file each before
        self.salt = json.dumps([VERSION, WEIGHTS, sorted(glossary.items())], ensure_ascii=False).encode()

    def terms(self, doc: dict, abbreviations: Abbreviations) -> tuple[list[tuple[str, float]], float]:
        digest = hashlib.blake2b(self.salt, digest_size=20)
        for field in WEIGHTS:
            digest.update(b"\x1f" + doc[field].encode("utf-8", "surrogatepass"))
        key = digest.hexdigest()
        kept = self.store.get(key)
        try:
            return pickle.loads(kept)
        except (TypeError, pickle.UnpicklingError, EOFError, ValueError):
            found = _weighted_terms(doc, abbreviations)
        self.store.put(key, pickle.dumps(found, protocol=pickle.HIGHEST_PROTOCOL))
        return found

    def prune(self) -> None:
        """Remove the terms of documents this index did not hold (items edited or gone)."""
        self.store.prune()


def build(documents: Iterable[dict], glossary: dict[str, str] | None, write: Callable[[str, bytes], None],
          cache: TermCache | None = None, reuse: Callable[[str, bytes], bool] = lambda rel, data: False) -> None:
    """Index files (path under FOLDER, gzip bytes) for these documents, handed to `write`. Documents come newest
    first (newest_first) and are numbered so: the page breaks ties and lists filters by date with the numbers
    alone. Each document's own file is written as it comes, unless `reuse(path, its JSON)` places an earlier
    build's file with the same content there; only the postings are kept."""
    abbreviations = Abbreviations(glossary or {})
    # Postings as two flat arrays per term (item numbers, weights): a few bytes each, not a tuple of objects.
    postings: dict[str, tuple[array, array]] = {}
    lengths = []
    chosen: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    last = None
    for number, doc in enumerate(documents):
        if last is not None and doc["sort"] > last:
            raise SearchIndexError("Chỉ mục tìm kiếm: tài liệu không theo thứ tự mới trước (lỗi chương trình)")
        last = doc["sort"]
        doc["body"] = plain_text(doc["body"])
        tf, length = cache.terms(doc, abbreviations) if cache else _weighted_terms(doc, abbreviations)
        lengths.append(length)
        for term, weight in tf:
            entry = postings.get(term)
            if entry is None:
                entry = postings[term] = (array("I"), array("d"))
            entry[0].append(number)
            entry[1].append(weight)
        for name, values in doc["filters"].items():
            for value in values:
                chosen[name][value].append(number)
        data = _json({"u": doc["url"], "t": doc["title"], "d": doc["date"], "n": doc["number"],
                      "m": [doc["unit"], doc["type"]], "p": doc["topics"], "s": doc["summary"],
                      "x": doc["body"][:EXCERPT_CHARS]})
        if not reuse(f"d/{number}.dat", data):
            write(f"d/{number}.dat", _gzip(data))
    total = len(lengths)
    shards = shard_count(total)
    average = sum(lengths) / total if total else 1.0
    norms = [K1 * (1 - B + B * length / average) for length in lengths]
    top = 0.0
    for term, (ids, weights) in postings.items():  # weights become BM25 impacts
        idf = math.log(1 + (total - len(ids) + 0.5) / (len(ids) + 0.5))
        impacts = array("d", [idf * w * (K1 + 1) / (w + norms[n]) for n, w in zip(ids, weights)])
        postings[term] = (ids, impacts)
        top = max(top, max(impacts))
    vocabulary = sorted(((t, len(e[0])) for t, e in postings.items() if " " not in t and not t.startswith("=")),
                        key=lambda te: (-te[1], te[0]))
    members: list[list[str]] = [[] for _ in range(shards)]
    for term in postings:
        members[shard_of(term, shards)].append(term)
    for n, names in enumerate(members):  # one shard's lists at a time; its postings let go once written
        bucket = {}
        for term in names:
            ids, scores = postings.pop(term)
            bucket[term] = _deltas(ids) + [round(255 * score / top) or 1 for score in scores]
        write(f"s/{n}.dat", _pack(bucket))
    write("tu-vung.dat", _pack([[t for t, _ in vocabulary], [df for _, df in vocabulary]]))
    write("loc.dat", _pack({name: {v: _deltas(ids) for v, ids in values.items()} for name, values in chosen.items()}))
    write("chi-muc.json", json.dumps({"docs": total, "shards": shards}).encode())


def newest_first(documents: list[dict]) -> list[dict]:
    return sorted(documents, key=lambda d: d["sort"], reverse=True)


def _deltas(ids) -> list[int]:
    return [b - a for a, b in zip(itertools.chain((0,), ids), ids)]


def _json(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _gzip(data: bytes) -> bytes:
    return gzip.compress(data, 6, mtime=0)


def _pack(value) -> bytes:
    return _gzip(_json(value))


@functools.cache
def _code() -> str:
    """A digest of the indexing code: an index kept by other code is not reused."""
    digest = hashlib.blake2b(digest_size=20)
    for name in ("search_index.py", "text.py"):
        digest.update((Path(__file__).parent / name).read_bytes())
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
            if isinstance(documents, dict) and manifest.get("code") == _code():
                self.folder, self.files = folder, documents

    def reuse(self, rel: str, data: bytes) -> bool:
        digest = hashlib.blake2b(data, digest_size=16).hexdigest()
        self.made[digest] = rel
        earlier = self.files.get(digest)
        if earlier is None:
            return False
        try:
            link(self.folder / earlier, self.into / rel, copy=False)
        except OSError:
            return False
        return True

    def manifest(self) -> str:
        return json.dumps({"code": _code(), "documents": self.made}, ensure_ascii=False)


def write_index(site_dir: Path, documents: Iterable[dict], glossary: dict[str, str] | None = None,
                cache_dir: Path | None = None, key: str | None = None) -> None:
    """Write the index beside its folder and swap it in when complete: a reader never meets half an index.
    `documents` newest first (newest_first); `cache_dir` keeps each document's terms for the next build and,
    under `key` (a digest of everything sent, see main), the whole index: the same documents again are linked
    from there, not indexed again; other documents' files are linked from there where unchanged."""
    target = site_dir / FOLDER
    fresh, old = target.with_name(".du-lieu-new"), target.with_name(".du-lieu-old")
    for folder in (fresh, old):
        shutil.rmtree(folder, ignore_errors=True)
    cache = TermCache(cache_dir / "terms.sqlite", glossary or {}) if cache_dir else None
    kept = cache_dir / "index" / key if cache_dir and key else None
    made: set[Path] = set()

    def write(rel: str, data: bytes) -> None:
        path = fresh / rel
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        path.write_bytes(data)

    try:
        if kept and (kept / "chi-muc.json").is_file():
            _mirror(kept, fresh)
            cache = None  # the terms of these very documents are kept already
        else:
            earlier = EarlierDocuments(cache_dir if kept else None, fresh)
            build(documents, glossary, write, cache, earlier.reuse)
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


_PEAK = "cchc-peak-kb"  # the index process's peak memory, its last line on standard error
_END = b'"end"\n'  # the last line of what BackgroundIndex sends: anything cut short makes no index


class BackgroundIndex:
    """The index written by a child process (`python -m cchc.search_index`) while the caller goes on: the build
    renders its templates on one core while the index is made on the other. Documents (newest first) are made
    by a thread of the caller, each sent as one line as it is ready, so neither side holds them all.
    `wait` gives the child's error."""

    def __init__(self, site_dir: Path, documents: Iterator[dict], glossary: dict[str, str],
                 cache_dir: Path | None = None, nice: int = 0) -> None:
        self.started = time.monotonic()
        command = [sys.executable, "-m", "cchc.search_index", str(site_dir)] + ([str(cache_dir)] if cache_dir else [])
        # A process group of its own (stop() kills it whole). The build's index (nice 0) also takes a session of its
        # own: with Linux's autogroups it then gets a core beside the build's processes. A niced one (the
        # preview's) stays in its caller's session, where its nice value counts.
        group = {"process_group": 0} if nice else {"start_new_session": True}
        self.process = subprocess.Popen((["nice", "-n", str(nice)] if nice else []) + command, stdin=subprocess.PIPE,
                                        stderr=subprocess.PIPE, **group)
        self.failed: Exception | None = None
        self._writer = threading.Thread(target=self._send, args=(documents, glossary), daemon=True)
        self._writer.start()

    def _send(self, documents: Iterator[dict], glossary: dict[str, str]) -> None:
        line = lambda value: json.dumps(value, ensure_ascii=False).encode("utf-8") + b"\n"  # noqa: E731
        try:
            with self.process.stdin as pipe:
                pipe.write(line(glossary))
                for doc in documents:
                    pipe.write(line(doc))
                pipe.write(_END)
        except (BrokenPipeError, OSError):
            pass  # the child stopped early: wait() reports why
        except Exception as exc:  # noqa: BLE001 (making a document failed: the child, cut short, writes nothing)
            self.failed = exc

    def stop(self) -> None:
        """The build failed: no index is wanted, and none may be written into a folder about to go."""
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()
        self._writer.join()

    def wait(self) -> float:
        """Seconds the index took, from start to its last file; SearchIndexError if it could not be written."""
        error = self.process.stderr.read().decode("utf-8", "replace").strip()
        self._writer.join()
        if self.process.wait() != 0 and self.failed is not None:
            raise SearchIndexError(f"Không tạo được chỉ mục tìm kiếm ({type(self.failed).__name__}: {self.failed})")
        if self.process.returncode != 0:
            raise SearchIndexError(error or f"Không tạo được chỉ mục tìm kiếm (mã lỗi {self.process.returncode})")
        peak = re.search(rf"^{_PEAK} (\d+)$", error, re.M)
        self.peak_mb = int(peak.group(1)) / 1024 if peak else 0.0
        return time.monotonic() - self.started


def _received(stream, glossary: bytes) -> tuple[list[bytes], str]:
    """The document lines sent (all of them: a stream cut short makes no index) and the key of the whole index:
    a digest of the indexing code, the glossary line and every document line."""
    lines, digest = [], hashlib.blake2b(glossary + _code().encode(), digest_size=20)
    for raw in stream:
        if raw == _END:
            return lines, digest.hexdigest()
        digest.update(raw)
        lines.append(raw)
    raise SearchIndexError("Chỉ mục tìm kiếm: dữ liệu gửi sang bị ngắt giữa chừng, chưa ghi chỉ mục")


def _parsed(lines: list[bytes]) -> Iterator[dict]:
    lines.reverse()  # popped from the end: each line is let go once parsed
    while lines:
        yield json.loads(lines.pop())


def main() -> int:
    """`python -m cchc.search_index SITE_DIR [CACHE_DIR]` reading BackgroundIndex's lines on standard input: the
    glossary, then each document. The preview indexes in its own process, at low priority, and stops it when a
    new edit arrives."""
    try:
        stream = sys.stdin.buffer
        glossary = stream.readline() or b"{}"
        lines, key = _received(stream, glossary)
        cache = Path(sys.argv[2]) if len(sys.argv) > 2 else None
        write_index(Path(sys.argv[1]), _parsed(lines), json.loads(glossary), cache, key)
        print(f"{_PEAK} {peak_kb()}", file=sys.stderr)  # for timings
    except (SearchIndexError, OSError, ValueError) as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
