"""The search index written by a process of its own while the build renders pages on the other core."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pickle
import re
import signal
import stat
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from ..content.safety import unpack
from ..stores.helper import peak_kb
from .index import SearchIndexError, code_digest, discard_unfinished, write_index

_PEAK = "cchc-peak-kb"  # the index process's peak memory, its last line on standard error
_END = "end"  # the last record BackgroundIndex sends: anything cut short makes no index
_HEAD = struct.Struct("<I")  # a record's length, before its bytes


class BackgroundIndex:
    """The index written by a child process (`python -m cchc.search.background`) while the caller goes on: the build
    renders its templates on one core while the index is made on the other. Documents (newest first) are made
    by a thread of the caller, each written as one record (_record) to a spool file as soon as it is ready (a file, not a
    pipe: the thread is done in seconds, never waiting on the index with the interpreter's lock to take back
    from the templates), and indexed as they arrive: the child follows the file as it grows. `wait` gives the
    child's error."""

    def __init__(self, site_dir: Path, documents: Iterator[dict] | None, equivalents: list[list[str]],
                 cache_dir: Path | None = None, nice: int = 0, digest: bytes | None = None) -> None:
        """`digest`: of every document to come, in order (SearchDocuments.digest); with it and `cache_dir`, an index
        kept for the very same documents is reused without indexing them again. Without `documents` the child is
        started (the interpreter and its imports, on a core the build leaves idle) and waits for send()."""
        self.started, self.site_dir = time.monotonic(), site_dir
        command = [sys.executable, "-m", "cchc.search.background", str(site_dir)] + ([str(cache_dir)] if cache_dir else [])
        # A process group of its own (stop() kills it whole). The build's index (nice 0) also takes a session of its
        # own: with Linux's autogroups it then gets a core beside the build's processes. A niced one (the
        # preview's) stays in its caller's session, where its nice value counts.
        group = {"process_group": 0} if nice else {"start_new_session": True}
        fd, path = tempfile.mkstemp(prefix=".cchc-chi-muc-", dir=site_dir.parent)  # gone with its last reader
        self._spool = os.fdopen(fd, "wb")
        with open(path, "rb") as spool:
            os.unlink(path)
            self.process = subprocess.Popen((["nice", "-n", str(nice)] if nice else []) + command, stdin=spool,
                                            stderr=subprocess.PIPE, **group)
        self.failed: Exception | None = None
        self._stopping = threading.Event()
        self._equivalents = equivalents
        self._writer: threading.Thread | None = None
        if documents is not None:
            self.send(documents, digest)

    def send(self, documents: Iterator[dict], digest: bytes | None = None) -> None:
        """Hand the child its documents, newest first, by a thread of the caller: start it after forking any
        helper (a forked process has only the thread that forked)."""
        self.started = time.monotonic()
        key = index_key(self._equivalents, digest) if digest is not None else None
        self._writer = threading.Thread(target=self._send, args=(documents, self._equivalents, key), daemon=True)
        self._writer.start()

    def _send(self, documents: Iterator[dict], equivalents: list[list[str]], key: str | None) -> None:
        spool = self._spool
        try:
            spool.write(_record(equivalents) + _record(key))
            for n, doc in enumerate(documents):
                # stopped, or the child has reused a kept index (or failed: wait() says why); the child is asked
                # every hundred documents (a system call each: 0.6 s of the build's 20,000)
                if self._stopping.is_set() or (n % 100 == 0 and self.process.poll() is not None):
                    return
                spool.write(_record(doc))
            spool.write(_record(_END))
        except Exception as exc:  # noqa: BLE001 (making a document failed, or the spool could not be written)
            self.failed = exc
            self._kill()  # no index is wanted; the child, following the spool, would wait for more
        finally:
            with contextlib.suppress(OSError):
                spool.close()

    def stop(self) -> None:
        """The build failed: no index is wanted, and none may be written into a folder about to go."""
        self._stopping.set()
        self._kill()
        self.process.wait()
        if self._writer is not None:
            self._writer.join()
        else:
            self._spool.close()
        discard_unfinished(self.site_dir)

    def _kill(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def wait(self) -> float:
        """Seconds the index took, from start to its last file; SearchIndexError if it could not be written."""
        if self._writer is None:
            raise SearchIndexError("Chỉ mục tìm kiếm: chưa gửi tài liệu nào (lỗi chương trình)")
        error = self.process.stderr.read().decode("utf-8", "replace").strip()
        self._writer.join()
        if self.process.wait() != 0:
            discard_unfinished(self.site_dir)  # what a killed child began
        if self.process.returncode != 0 and self.failed is not None:
            raise SearchIndexError(f"Không tạo được chỉ mục tìm kiếm ({type(self.failed).__name__}: {self.failed})")
        if self.process.returncode != 0:
            raise SearchIndexError(error or f"Không tạo được chỉ mục tìm kiếm (mã lỗi {self.process.returncode})")
        peak = re.search(rf"^{_PEAK} (\d+)$", error, re.M)
        self.peak_mb = int(peak.group(1)) / 1024 if peak else 0.0
        return time.monotonic() - self.started


def index_key(equivalents: list[list[str]], digest: bytes) -> str:
    """The key of a whole index: the indexing code, the equivalents and the documents' digest."""
    whole = hashlib.blake2b(code_digest().encode(), digest_size=20)
    whole.update(json.dumps(equivalents, ensure_ascii=False).encode() + b"\0" + digest)
    return whole.hexdigest()


def _record(value) -> bytes:
    """One record of the spool: pickled (a page's HTML goes as the build keeps it, compressed: neither decoded nor
    escaped by the build, which has pages to render), after its length. Only this process's own child reads the
    spool, an unnamed file."""
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    return _HEAD.pack(len(data)) + data


def _records(stream) -> Iterator[object]:
    """The records of standard input; a spool file (BackgroundIndex) is followed as it grows, until its writer's end
    (the build gone)."""
    growing, parent = stat.S_ISREG(os.fstat(stream.fileno()).st_mode), os.getppid()

    def read(size: int) -> bytes | None:
        data = b""
        while len(data) < size:
            if more := stream.read(size - len(data)):
                data += more
            elif not growing or os.getppid() != parent:
                return None
            else:
                time.sleep(0.005)
        return data

    while (head := read(_HEAD.size)) is not None and (data := read(_HEAD.unpack(head)[0])) is not None:
        try:
            yield pickle.loads(data)
        except Exception:  # noqa: BLE001 (damaged: no index rather than a wrong one)
            raise SearchIndexError("Chỉ mục tìm kiếm: dữ liệu gửi sang bị hỏng, chưa ghi chỉ mục") from None


def _documents(records: Iterator[object]) -> Iterator[dict]:
    """Each document, indexed as it comes, its HTML unpacked; a stream cut short before the end record makes no
    index."""
    for doc in records:
        if doc == _END:
            return
        if isinstance(doc, dict) and isinstance(doc.get("body"), bytes):  # as SafeStore keeps it
            doc["body"] = unpack(doc["body"])
        yield doc
    raise SearchIndexError("Chỉ mục tìm kiếm: dữ liệu gửi sang bị ngắt giữa chừng, chưa ghi chỉ mục")


def main() -> int:
    """`python -m cchc.search.background SITE_DIR [CACHE_DIR]` reading BackgroundIndex's records on standard input: the
    equivalents (search.terms.Equivalents), the index's key (or None), then each document, then "end". The preview indexes
    in its own process, at low priority, and stops it when a new edit arrives."""
    try:
        records = _records(sys.stdin.buffer)
        equivalents = next(records, [])
        key = next(records, None)
        key = key if isinstance(key, str) and re.fullmatch(r"[0-9a-f]{40}", key) else None  # a folder's name
        cache = Path(sys.argv[2]) if len(sys.argv) > 2 else None
        write_index(Path(sys.argv[1]), _documents(records), equivalents, cache, key)
        print(f"{_PEAK} {peak_kb()}", file=sys.stderr)  # for timings
    except (SearchIndexError, OSError, ValueError) as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
