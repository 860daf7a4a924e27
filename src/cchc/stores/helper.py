"""The second core for the build: a forked copy of the build process takes tasks from the back of a list while
the build asks for them in its own order, taking each one the helper has not, until none is left.

A task's result goes where the build would look for it anyway (a cache entry; in the preview, the page's own
file). The build, reaching a task the helper took, waits for it and reads the entry; a task the helper could not do (an error, the helper gone) the
build does itself. So the helper can save time but never change what is built. CCHC_SEQUENTIAL=1 turns it off
(the tests compare both builds byte for byte).
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import re
import resource
import signal
import time
from collections.abc import Callable
from pathlib import Path

from ..content.forked import DONE, FAILED, TAKEN, Claims, kill

_inside = False  # True in a helper process


def inside() -> bool:
    """Is this a helper? Its work skips what only the build does (background threads, output files)."""
    return _inside


def enabled() -> bool:
    return os.environ.get("CCHC_SEQUENTIAL") != "1" and (os.cpu_count() or 1) > 1 and hasattr(os, "fork")


class Helper:
    def __init__(self, count: int, name: str = "") -> None:
        self.count, self.name = count, name  # name: of its figures in the build's timings
        self.pid = 0
        self._thaw = False  # the build's objects were frozen for this helper: unfreeze once it is gone
        self._claims = Claims(count)  # the helper takes the last free task, the build asks in its own order
        self._stats = multiprocessing.RawArray("q", 3)  # tasks done by the helper, its peak and private memory (KB)

    def start(self, work: Callable[[int], None]) -> None:
        """Fork the helper, which calls `work(k)` for tasks from the back. Call before starting any thread that
        the helper might need (a forked process has only the thread that forked)."""
        if self.count < 2 or not enabled():
            return
        # Both collectors leave the build's objects alone while the helper lives: a full collection writes to every
        # object it walks, and each page written on either side is then held twice (frozen, their pages stay shared)
        self._thaw = not gc.get_freeze_count()  # the preview keeps its build frozen: left so
        gc.freeze()
        pid = os.fork()
        if pid:
            self.pid = pid
            return
        global _inside
        _inside, code = True, 0
        try:
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            logging.disable(logging.CRITICAL)  # a task that fails is done again, and reported, by the build
            while (k := self._claims.back()) is not None:
                try:
                    work(k)
                    self._claims.state[k] = DONE
                except Exception:  # noqa: BLE001 (the build does this task itself and reports its error)
                    self._claims.state[k] = FAILED
                self._stats[0] += 1
            self._stats[1], self._stats[2] = _memory_kb()
        except BaseException:  # noqa: BLE001 (never back into the build's code: leave at once)
            code = 1
        finally:
            os._exit(code)

    def mine(self, k: int) -> bool:
        """Asked once for each task, in any order: does the build do task k itself? If not, the helper has done it
        by the time this returns."""
        if not self.pid or self._claims.take(k):
            return True
        while self._claims.state[k] == TAKEN:
            if not self._alive():
                return True
            time.sleep(0.0005)
        return self._claims.state[k] != DONE

    def _alive(self) -> bool:
        if self.pid and os.waitpid(self.pid, os.WNOHANG)[0]:
            self.pid = 0
        return bool(self.pid)

    def finish(self) -> dict[str, float]:
        """Wait for the helper (it has no task left once the build has asked for the last one)."""
        if self.pid:
            os.waitpid(self.pid, 0)
            self.pid = 0
        self._unfreeze()
        done, peak, private = self._stats
        name = f"helper_{self.name}"
        return {name: done, f"{name}_peak_mb": peak / 1024, f"{name}_private_mb": private / 1024}

    def stop(self) -> None:
        """The build failed: the helper's work is not wanted."""
        if self.pid:
            kill(self.pid)
            os.waitpid(self.pid, 0)
            self.pid = 0
        self._unfreeze()

    def _unfreeze(self) -> None:
        if self._thaw:
            self._thaw = False
            gc.unfreeze()


def peak_kb() -> int:
    """This process's peak resident memory since it started (Linux's VmHWM; getrusage's figure would count the
    pages of the process it was started from)."""
    try:
        return int(re.search(r"VmHWM:\s+(\d+)", Path("/proc/self/status").read_text()).group(1))
    except (OSError, AttributeError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _memory_kb() -> tuple[int, int]:
    """Peak resident memory (counting pages still shared with the build) and this process's own pages."""
    try:
        rollup = Path("/proc/self/smaps_rollup").read_text()
        private = sum(int(n) for n in re.findall(r"^Private_(?:Clean|Dirty):\s+(\d+)", rollup, re.M))
    except OSError:
        private = 0
    return peak_kb(), private
