"""A cache of parsed news items and plans between runs, so unchanged files are not read and validated again.

An entry is reused only when the file's size and modification time are unchanged, every file it
referenced (image, audio, attachment, linked files) is unchanged (size and time) or still missing, and the
vocabularies and glossary (plans/*.yml) and the loader's own code are byte-for-byte the same. Kept in build/cache/
(not committed).
"""

from __future__ import annotations

import hashlib
import os
import pickle
from dataclasses import dataclass
from pathlib import Path

from .dates import shared_timezone
from .model import NewsItem
from .problems import Problem

VERSION = 11  # the format of the file; the rules are followed by the code's own digest


def _code_digest() -> bytes:
    """The content package's source: a change of a rule, a message or the model makes every entry stale."""
    digest = hashlib.sha256()
    for source in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(source.name.encode() + source.read_bytes())
    return digest.digest()


@dataclass(slots=True)
class Entry:
    mtime_ns: int
    size: int
    item: NewsItem | None
    problems: list[Problem]
    seen: dict[str, tuple | None]  # referenced path under docs/ -> its (size, mtime) when validated, None: missing


def signature(file: Path) -> tuple | None:
    """What a referenced file was when an item was checked: an image's size and a recording's sound are read
    from it, so a replaced file is checked again."""
    try:
        stat = file.stat()
    except OSError:
        return None
    return (stat.st_size, stat.st_mtime_ns) if file.is_file() else None


class Unpickler(pickle.Unpickler):
    """Items read back from a pickle (this cache, the loader's forked reader) with their dates in Vietnam time
    sharing the one VN_TZ, as freshly parsed ones do."""

    def find_class(self, module: str, name: str):
        return shared_timezone if (module, name) == ("datetime", "timezone") else super().find_class(module, name)


class ItemCache:
    def __init__(self, root: Path, plans_dir: Path) -> None:
        self.file = root / "build" / "cache" / "items.pickle"
        self.docs_dir = root / "docs"
        digest = hashlib.sha256(str(VERSION).encode() + _code_digest())
        for vocab in sorted(plans_dir.glob("*.yml")):
            digest.update(vocab.name.encode() + vocab.read_bytes())
        self.signature = digest.hexdigest()
        self.entries: dict[str, Entry] = {}
        self.dirty = False
        try:
            with self.file.open("rb") as f:
                signature, entries = Unpickler(f).load()
            if signature == self.signature:
                self.entries = entries
        except (OSError, EOFError, pickle.UnpicklingError, ValueError, AttributeError, ImportError, TypeError):
            pass

    def get(self, path: str, stat: os.stat_result) -> Entry | None:
        entry = self.entries.get(path)
        if entry is None or entry.mtime_ns != stat.st_mtime_ns or entry.size != stat.st_size:
            return None
        if any(signature(self.docs_dir / rel) != known for rel, known in entry.seen.items()):
            return None
        return entry

    def files_seen(self, path: str) -> str:
        """What the files the item at `path` names were when it was checked (the render cache's key holds it)."""
        entry = self.entries.get(path)
        return repr(sorted(entry.seen.items())) if entry else ""

    def put(self, path: str, stat: os.stat_result, entry: Entry) -> None:
        entry.mtime_ns, entry.size = stat.st_mtime_ns, stat.st_size
        self.entries[path] = entry
        self.dirty = True

    def keep_only(self, keep: set[str]) -> None:
        """Drop entries of files that are gone."""
        for path in set(self.entries) - keep:
            del self.entries[path]
            self.dirty = True

    def save(self) -> None:
        """Write atomically, if anything changed."""
        if not self.dirty:
            return
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.file.with_suffix(f".tmp{os.getpid()}")
            with tmp.open("wb") as f:
                pickle.dump((self.signature, self.entries), f, protocol=pickle.HIGHEST_PROTOCOL)
            tmp.replace(self.file)
            self.dirty = False
        except OSError:
            pass  # a read-only checkout still builds, only without the cache
