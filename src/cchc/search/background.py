"""The search index written by a process of its own while the build renders pages on the other core."""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from ..stores.helper import peak_kb
from .index import SearchIndexError, code_digest, write_index

_PEAK = "cchc-peak-kb"  # the index process's peak memory, its last line on standard error
_END = b'"end"\n'  # the last line of what BackgroundIndex sends: anything cut short makes no index


class BackgroundIndex:
    """The index written by a child process (`python -m cchc.search.background`) while the caller goes on: the build
    renders its templates on one core while the index is made on the other. Documents (newest first) are made
    by a thread of the caller, each sent as one line as it is ready, so neither side holds them all.
    `wait` gives the child's error."""

    def __init__(self, site_dir: Path, documents: Iterator[dict], equivalents: list[list[str]],
                 cache_dir: Path | None = None, nice: int = 0) -> None:
        self.started = time.monotonic()
        command = [sys.executable, "-m", "cchc.search.background", str(site_dir)] + ([str(cache_dir)] if cache_dir else [])
        # A process group of its own (stop() kills it whole). The build's index (nice 0) also takes a session of its
        # own: with Linux's autogroups it then gets a core beside the build's processes. A niced one (the
        # preview's) stays in its caller's session, where its nice value counts.
        group = {"process_group": 0} if nice else {"start_new_session": True}
        self.process = subprocess.Popen((["nice", "-n", str(nice)] if nice else []) + command, stdin=subprocess.PIPE,
                                        stderr=subprocess.PIPE, **group)
        self.failed: Exception | None = None
        self._writer = threading.Thread(target=self._send, args=(documents, equivalents), daemon=True)
        self._writer.start()

    def _send(self, documents: Iterator[dict], equivalents: list[list[str]]) -> None:
        line = lambda value: json.dumps(value, ensure_ascii=False).encode("utf-8") + b"\n"  # noqa: E731
        try:
            with self.process.stdin as pipe:
                pipe.write(line(equivalents))
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


def _received(stream, equivalents: bytes) -> tuple[list[bytes], str]:
    """The document lines sent (all of them: a stream cut short makes no index) and the key of the whole index:
    a digest of the indexing code, the equivalents' line and every document line."""
    lines, digest = [], hashlib.blake2b(equivalents + code_digest().encode(), digest_size=20)
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
    """`python -m cchc.search.background SITE_DIR [CACHE_DIR]` reading BackgroundIndex's lines on standard input: the
    equivalents (search.terms.Equivalents), then each document. The preview indexes in its own process, at low priority, and stops it when a
    new edit arrives."""
    try:
        stream = sys.stdin.buffer
        equivalents = stream.readline() or b"[]"
        lines, key = _received(stream, equivalents)
        cache = Path(sys.argv[2]) if len(sys.argv) > 2 else None
        write_index(Path(sys.argv[1]), _parsed(lines), json.loads(equivalents), cache, key)
        print(f"{_PEAK} {peak_kb()}", file=sys.stderr)  # for timings
    except (SearchIndexError, OSError, ValueError) as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
