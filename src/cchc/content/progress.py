"""Long work says how far it is: a bar on a terminal (rich's), a few plain lines in a log or CI.

A command opens `shown("Xây dựng")`; the stages inside it call `begin(name, total)`, `advance()` and `end()`,
wherever they are (the MkDocs plugin, the merge, the import). Outside `shown` those calls do nothing, so a build
made by a test or by the preview's partial updates prints what it always printed.
Plain lines: a stage's start, then 25 %, 50 %, 75 % when the stage is slow (two seconds or more since the last
line), and its end with its time: a minute-long build writes about a dozen lines, never one per page.
"""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager

_active: _Plain | None = None
QUIET_SECONDS = 2.0  # a plain progress line at most this often


class _Plain:
    def __init__(self, title: str, stream) -> None:
        self.title, self.stream = title, stream
        self.name, self.total, self.done, self.began, self.last = "", 0, 0, 0.0, 0.0

    def say(self, text: str) -> None:
        print(f"{self.title}: {text}", file=self.stream, flush=True)

    def begin(self, name: str, total: int) -> None:
        self.end()
        self.name, self.total, self.done = name, total, 0
        self.began = self.last = time.monotonic()
        self.say(f"{name}…" + (f" 0/{total}" if total else ""))

    def advance(self, n: int) -> None:
        if not self.name:
            return
        before, self.done = self.done, self.done + n
        if self.total and (self.done * 4 // self.total) > (before * 4 // self.total) and self.done < self.total \
                and time.monotonic() - self.last >= QUIET_SECONDS:
            self.last = time.monotonic()
            self.say(f"{self.name} {self.done}/{self.total} ({self.done * 100 // self.total}%)")

    def end(self, said: str = "") -> None:
        if not self.name:
            return
        counted = f" {self.done}/{self.total}" if self.total else ""
        self.say(f"{self.name}{counted} xong{' — ' + said if said else ''} ({time.monotonic() - self.began:.1f} giây)")
        self.name = ""

    def close(self) -> None:
        self.end()


class _Bar(_Plain):
    """rich's progress display: one line per stage, a bar where the total is known, the time taken."""

    def __init__(self, title: str, stream) -> None:
        super().__init__(title, stream)
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
        self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                            console=Console(file=stream), transient=False)
        self.bar.start()
        self.task = None

    def begin(self, name: str, total: int) -> None:
        self.end()
        self.name = name
        self.task = self.bar.add_task(f"{self.title}: {name}", total=total or None)

    def advance(self, n: int) -> None:
        if self.task is not None:
            self.bar.advance(self.task, n)

    def end(self, said: str = "") -> None:
        if self.task is not None:
            task = next(t for t in self.bar.tasks if t.id == self.task)
            whole = task.total or task.completed or 1
            self.bar.update(self.task, total=whole, completed=whole)
            self.bar.stop_task(self.task)
            if said:  # above the bars, so that they stay one short line each
                self.bar.console.print(f"{self.title}: {self.name} — {said}", highlight=False, markup=False)
            self.task, self.name = None, ""

    def close(self) -> None:
        self.end()
        self.bar.stop()


def is_terminal(stream) -> bool:
    from rich.console import Console
    return Console(file=stream).is_terminal


@contextmanager
def shown(title: str, stream=None):
    """Progress of the work inside, under `title`, on `stream` (standard error)."""
    global _active
    stream = stream or sys.stderr
    outer, _active = _active, (_Bar if is_terminal(stream) else _Plain)(title, stream)
    try:
        yield _active
    finally:
        _active.close()
        _active = outer


def begin(name: str, total: int = 0) -> None:
    if _active is not None:
        _active.begin(name, total)


def advance(n: int = 1) -> None:
    if _active is not None:
        _active.advance(n)


def end(said: str = "") -> None:
    if _active is not None:
        _active.end(said)
