"""Work done by a forked copy of the process while the process goes on, its result handed back pickled in an
unnamed temporary file: the second core's share of a stage (the loader's reading, the theme's templates
compiled). A child that cannot start or fails hands back nothing, and the caller does the work itself: a child
saves time, never changes what is made. CCHC_SEQUENTIAL=1 (tests) and a one-core machine start none."""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
import tempfile
from collections.abc import Callable


def can_fork() -> bool:
    return hasattr(os, "fork") and (os.cpu_count() or 1) > 1 and os.environ.get("CCHC_SEQUENTIAL") != "1"


class Forked:
    """`work()` run by a forked child from now on; result() waits for what it returned, stop() for nothing. Start
    it before any thread the work needs: a forked process has only the thread that forked. A file, not a pipe:
    the child is gone as soon as it is done, whether or not it is ever asked."""

    def __init__(self, work: Callable[[], object], unpickler: type[pickle.Unpickler] = pickle.Unpickler) -> None:
        self._unpickler = unpickler
        self._pid, self._file = 0, None
        if not can_fork():
            return
        try:
            file = tempfile.TemporaryFile(prefix="cchc-")
            pid = os.fork()
        except OSError:
            return
        if pid == 0:  # the child: the result pickled into the file, then gone without running any cleanup
            code = 1
            try:
                pickle.dump(work(), file, protocol=pickle.HIGHEST_PROTOCOL)
                file.flush()
                code = 0
            finally:
                os._exit(code)
        self._pid, self._file = pid, file

    @property
    def started(self) -> bool:
        return self._pid != 0

    def result(self, default=None):
        """What the child returned, once it is gone; `default` if it never started or failed. Asked once."""
        if not self._pid:
            return default
        pid, file, self._pid, self._file = self._pid, self._file, 0, None
        with file:
            if os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) != 0:
                return default
            try:
                file.seek(0)
                return self._unpickler(file).load()
            except Exception:  # noqa: BLE001 (a damaged result: the caller does the work itself)
                return default

    def stop(self) -> None:
        """Not wanted any more: the child is stopped and its file let go."""
        if self._pid:
            kill(self._pid)
            self.result()


FREE, TAKEN, OURS, DONE, FAILED = 0, 1, 2, 3, 4  # a shared task's state (Claims): TAKEN by the child, OURS


class Claims:
    """Tasks 0…count-1 shared by a process and a child forked after this is made: the child takes the last free one
    each time, the process asks for each in its own order and takes it unless the child has; each side does as
    much as its speed allows. The child marks what it did DONE or FAILED in `state` (stores/helper.py waits on it)."""

    def __init__(self, count: int) -> None:
        self._lock = multiprocessing.Lock()
        self._back = multiprocessing.RawValue("q", count)  # the child's next task: the last free one below this
        self.state = multiprocessing.RawArray("b", count)

    def take(self, k: int) -> bool:
        """The process's ask: is task k its own (the child has not taken it)?"""
        with self._lock:
            if self.state[k] == FREE:
                self.state[k] = OURS
                return True
            return False

    def back(self) -> int | None:
        """The child's next task, or None once none is free."""
        with self._lock:
            k = self._back.value - 1
            while k >= 0 and self.state[k] != FREE:
                k -= 1
            self._back.value = max(k, 0)
            if k < 0:
                return None
            self.state[k] = TAKEN
            return k


def kill(pid: int) -> None:
    """SIGKILL to a child of ours, which may be gone already (its caller then waits for it)."""
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
