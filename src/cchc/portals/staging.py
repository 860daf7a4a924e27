"""All or nothing: a merge is made in a scratch copy of the project (.gop-cong/<mã>/du-an/, on the same disk),
validated and built there, and only then moved in.

The move is a journal and renames: the list of files to move is written (and synced) as one file, `chuyen.json`,
and that write is the point of no return. Before it, an interrupted merge has not touched the project, and its
scratch copy is removed by the next command; after it, the next command finishes the moves (each a rename,
the same whichever run does it) and removes the copy. Every `cchc` command runs `finish_pending` first, so no
command ever sees a half-merged project.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
from pathlib import Path

FOLDER = ".gop-cong"
JOURNAL = "chuyen.json"
COPIED = ("mkdocs.yml", "docs", "plans", "overrides", "deploy")  # what a build reads, and the server maps' folder


def stop_here(step: str) -> None:
    """For the tests of interrupted merges: CCHC_GOP_CONG_DUNG=<step> kills this process at that step, as a
    power cut or a closed terminal would (no clean-up runs)."""
    if os.environ.get("CCHC_GOP_CONG_DUNG") == step:
        os.kill(os.getpid(), signal.SIGKILL)


class Stage:
    def __init__(self, root: Path, code: str) -> None:
        self.root, self.code = root, code
        self.folder = root / FOLDER / code
        self.project = self.folder / "du-an"

    def prepare(self) -> None:
        """A fresh scratch copy; files are hard links (instant, no space), so nothing may be written into one:
        `replace` writes a new file."""
        shutil.rmtree(self.folder, ignore_errors=True)
        self.project.mkdir(parents=True)
        for name in COPIED:
            source = self.root / name
            if source.is_dir():
                shutil.copytree(source, self.project / name, copy_function=_link, symlinks=True)
            elif source.is_file():
                _link(source, self.project / name)
            stop_here(f"chep-{name}")

    def replace(self, rel: str, data: bytes) -> Path:
        target = self.project / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.unlink(missing_ok=True)  # never through a hard link into the project
        target.write_bytes(data)
        return target

    def abandon(self) -> None:
        """Remove the scratch copy unless it passed the point of no return (then the moves are finished)."""
        if (self.folder / JOURNAL).is_file():
            _finish(self.root, self.folder)
        shutil.rmtree(self.folder, ignore_errors=True)
        _remove_if_empty(self.folder.parent)

    def commit(self, files: list[str]) -> None:
        """The point of no return, then the moves."""
        os.sync()  # every staged file on disk before the journal says they are ready
        journal = self.folder / JOURNAL
        partial = journal.with_suffix(".tmp")
        partial.write_text(json.dumps(files, ensure_ascii=False), encoding="utf-8")
        _sync(partial)
        os.replace(partial, journal)
        _sync(self.folder)
        stop_here("ghi-so")
        _finish(self.root, self.folder)


def _finish(root: Path, folder: Path) -> int:
    """Moves what the journal lists (those still in the scratch copy), then removes the copy."""
    files = json.loads((folder / JOURNAL).read_text(encoding="utf-8"))
    moved = 0
    for n, rel in enumerate(files):
        staged = folder / "du-an" / rel
        if staged.exists() or staged.is_symlink():
            target = root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staged, target)
            moved += 1
        if n == 5:
            stop_here("chuyen-5")
    shutil.rmtree(folder, ignore_errors=True)
    _remove_if_empty(folder.parent)
    return moved


def finish_pending(root: Path) -> list[str]:
    """What an interrupted merge left, put right: finished if it had passed the point of no return, else
    removed. Lines to tell staff (empty when there was nothing)."""
    said = []
    base = root / FOLDER
    for folder in sorted(base.iterdir()) if base.is_dir() else []:
        if (folder / JOURNAL).is_file():
            count = _finish(root, folder)
            said.append(f'Gộp cổng "{folder.name}" đã bị ngắt sau khi kiểm tra xong: đã chuyển nốt {count} tệp — '
                        "cổng đã gộp trọn vẹn.")
        else:
            shutil.rmtree(folder, ignore_errors=True)
            said.append(f'Gộp cổng "{folder.name}" đã bị ngắt trước khi xong: đã xóa bản gộp thử ({FOLDER}/{folder.name}), '
                        "dự án giữ nguyên như trước. Chạy lại lệnh gop-cong.")
    _remove_if_empty(base)
    return said


def _link(source, target) -> None:
    try:
        os.link(source, target)
    except OSError:  # another disk, or a file system without hard links
        shutil.copy2(source, target)


def _sync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_if_empty(folder: Path) -> None:
    try:
        folder.rmdir()
    except OSError:
        pass
