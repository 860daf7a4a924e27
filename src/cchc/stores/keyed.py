"""Caches by content key, pruned to the keys a build used. Files kept whole for the site (pages, the search
index) are files named by their key (build/cache/<kind>/ab/abcd…), each written whole or not at all, and reach the
site by `link`. Small entries only the build reads (rendered Markdown, search terms) share one SQLite file per
kind (`KeyedStore`): a file each cost a file creation each, the slowest part of a cold build on a busy disk."""

from __future__ import annotations

import os
import shutil
import sqlite3
from importlib.metadata import version
from pathlib import Path


def tree_digest(digest, folder: Path) -> None:
    """Every file under the folder (name and bytes), in a fixed order, into a cache key's digest."""
    if not folder.is_dir():
        return
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")


def library_versions(names) -> list[str]:
    """The installed version of each library, for a cache key (one not installed counts as such)."""
    found = []
    for name in names:
        try:
            found.append(f"{name}=={version(name)}")
        except Exception:  # noqa: BLE001 (not installed: part of the key as such)
            found.append(f"{name}: -")
    return found


def link(stored: Path, dest: Path, copy: bool = True) -> None:
    """A site file as a hard link to a kept one (a copy across file systems, unless not `copy`: OSError). Neither
    is ever written in place afterwards: a new version is a new file."""
    try:
        _hard_link(stored, dest)  # tens of thousands of pages: one call each where the way is clear
    except OSError:
        if not copy:
            raise
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.unlink(missing_ok=True)
        shutil.copyfile(stored, dest)


def _hard_link(stored: Path, dest: Path) -> None:
    """os.link, making dest's folder if missing and removing a file in its way, only when needed."""
    try:
        os.link(stored, dest)
    except FileNotFoundError:
        if not os.path.exists(stored):
            raise
        dest.parent.mkdir(parents=True, exist_ok=True)
        os.link(stored, dest)
    except FileExistsError:
        dest.unlink(missing_ok=True)
        os.link(stored, dest)


def make_folder(folder: Path) -> None:
    """The folder, made if missing: one call where its parent is there (a page's own folder, made first)."""
    try:
        os.mkdir(folder)
    except FileExistsError:
        pass
    except FileNotFoundError:
        folder.mkdir(parents=True, exist_ok=True)


def new_file(path: Path, data: bytes) -> None:
    """Write a file anew: one in the way is removed first, never written into (it may be a link to a kept one)."""
    try:
        out = open(path, "xb")
    except FileExistsError:
        path.unlink()
        out = open(path, "xb")
    with out:
        out.write(data)


class KeyedFiles:
    def __init__(self, folder: Path, suffix: str = "") -> None:
        self.folder, self.suffix = folder, suffix

    def path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}{self.suffix}"

    def write(self, key: str, data: bytes) -> Path | None:
        """Write atomically; None when it cannot be written (a read-only checkout builds without the cache)."""
        path = self.path(key)
        tmp = path.with_name(f"{key}.tmp{os.getpid()}")
        try:
            try:
                tmp.write_bytes(data)
            except FileNotFoundError:
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp.write_bytes(data)
            os.replace(tmp, path)
        except OSError:
            return None
        return path

    def stored(self) -> set[str]:
        """The keys of every entry: one listing of each folder, not a look-up of each key (30,000 pages)."""
        found = set()
        for sub in (os.scandir(self.folder) if self.folder.is_dir() else []):
            if sub.is_dir():
                found.update(entry.name.removesuffix(self.suffix) for entry in os.scandir(sub.path)
                             if entry.name.endswith(self.suffix))
        return found

    def adopt(self, key: str, file: Path, data: bytes | None = None) -> None:
        """Keep `file` (whole; `data`, its bytes if at hand) as the entry: a second link to it, so the entry appears
        whole at once and costs no write; a copy across file systems; nothing if the cache cannot be written."""
        path = self.path(key)
        try:
            try:
                os.link(file, path)
            except FileNotFoundError:
                make_folder(path.parent)
                os.link(file, path)
        except FileExistsError:
            pass  # kept already (another build): the same key, the same bytes
        except OSError:
            try:
                self.write(key, file.read_bytes() if data is None else data)
            except OSError:
                pass

    def prune(self, used: set[str]) -> None:
        """Remove every entry whose key is not in `used` (what changed or went since)."""
        for sub in (os.scandir(self.folder) if self.folder.is_dir() else []):
            for entry in (os.scandir(sub.path) if sub.is_dir() else []):
                if entry.name.removesuffix(self.suffix) not in used:
                    try:
                        os.unlink(entry.path)
                    except OSError:
                        pass


class KeyedStore:
    """Entries by key in one SQLite file, written in batches of one transaction. A cache only: an entry that
    cannot be read or written (the file locked by another build for too long, a read-only checkout, a damaged
    file) is a miss, never an error. Opened again in a forked process (a connection is never shared)."""

    BATCH = 200

    def __init__(self, path: Path, replaces: Path | None = None) -> None:
        """`replaces`: the folder of files an older version kept these entries in, removed on first use."""
        self.path, self.replaces = path, replaces
        self._db: sqlite3.Connection | None = None
        self._pid = 0
        self._pending: list[tuple[str, bytes]] = []
        self.used: set[str] = set()

    def _connection(self) -> sqlite3.Connection | None:
        if self._pid != os.getpid():
            self._db, self._pid, self._pending = None, os.getpid(), []
            if self.replaces is not None:
                shutil.rmtree(self.replaces, ignore_errors=True)
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(self.path, timeout=10, isolation_level=None, check_same_thread=False)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=OFF")  # a cache: a power cut may lose entries, never corrupt pages
                db.execute("CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, data BLOB NOT NULL)")
                self._db = db
            except (OSError, sqlite3.Error):
                pass
        return self._db

    def get(self, key: str) -> bytes | None:
        self.used.add(key)
        db = self._connection()
        if db is None:
            return None
        try:
            row = db.execute("SELECT data FROM entries WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error:
            return None
        return row[0] if row else None

    def put(self, key: str, data: bytes) -> None:
        self.used.add(key)
        if self._connection() is None:
            return
        self._pending.append((key, data))
        if len(self._pending) >= self.BATCH:
            self.flush()

    def flush(self) -> None:
        pending, self._pending = self._pending, []
        db = self._connection()
        if db is None or not pending:
            return
        try:
            with db:
                db.execute("BEGIN")
                db.executemany("INSERT OR REPLACE INTO entries (key, data) VALUES (?, ?)", pending)
        except sqlite3.Error:
            pass

    def prune(self) -> None:
        """Write what is pending, then remove every entry this build did not use (what changed or went)."""
        self.flush()
        db = self._connection()
        if db is None:
            return
        try:
            with db:
                db.execute("BEGIN")
                db.execute("CREATE TEMP TABLE IF NOT EXISTS used (key TEXT PRIMARY KEY)")
                db.execute("DELETE FROM used")
                db.executemany("INSERT OR IGNORE INTO used (key) VALUES (?)", ((k,) for k in self.used))
                db.execute("DELETE FROM entries WHERE key NOT IN (SELECT key FROM used)")
        except sqlite3.Error:
            pass
        self.used.clear()

    def has_entries(self) -> bool:
        """Does the store hold any entry (False if it cannot be read)?"""
        db = self._connection()
        try:
            return db is not None and db.execute("SELECT 1 FROM entries LIMIT 1").fetchone() is not None
        except sqlite3.Error:
            return False

    def keys(self) -> set[str]:
        db = self._connection()
        return {k for (k,) in db.execute("SELECT key FROM entries")} if db is not None else set()
