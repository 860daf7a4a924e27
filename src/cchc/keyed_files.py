"""A cache folder of files named by a content key (build/cache/<kind>/ab/abcd…): each written whole or not
at all, and pruned to the keys a build used. Shared by the rendered-Markdown, page and search-term caches.
Files kept whole for the site (pages, the search index) reach it by `link`."""

from __future__ import annotations

import os
import shutil
from pathlib import Path


def link(stored: Path, dest: Path) -> None:
    """A site file as a hard link to a kept one (a copy across file systems). Neither is ever written in place
    afterwards: a new version is a new file."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.unlink(missing_ok=True)
    try:
        os.link(stored, dest)
    except OSError:
        shutil.copyfile(stored, dest)


class KeyedFiles:
    def __init__(self, folder: Path, suffix: str = "") -> None:
        self.folder, self.suffix = folder, suffix

    def path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}{self.suffix}"

    def write(self, key: str, data: bytes) -> Path | None:
        """Write atomically; None when it cannot be written (a read-only checkout builds without the cache)."""
        path = self.path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f"{key}.tmp{os.getpid()}")
            tmp.write_bytes(data)
            tmp.replace(path)
        except OSError:
            return None
        return path

    def prune(self, used: set[str]) -> None:
        """Remove every entry whose key is not in `used` (what changed or went since)."""
        for sub in (os.scandir(self.folder) if self.folder.is_dir() else []):
            for entry in (os.scandir(sub.path) if sub.is_dir() else []):
                if entry.name.removesuffix(self.suffix) not in used:
                    try:
                        os.unlink(entry.path)
                    except OSError:
                        pass
