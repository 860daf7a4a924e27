"""`cchc serve` for staff: preview with drafts, updated on every change, never showing a broken build.

The preview lives in build/preview (a link to the latest good build; site/ stays the published build).
An edit of news items only re-renders the pages it changes (update.py), within about a second even for
thousands of items; any other change (plans, vocabularies, templates, media, mkdocs.yml) rebuilds all.
On a bad edit the terminal shows the same Vietnamese list as `cchc validate` and the browser keeps the
last good site. Each open page asks the server (a long poll) to be told when *it* changed, and reloads.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import faulthandler
import functools
import gc
import json
import os
import queue
import re
import shutil
import signal
import sys
import threading
import time
from collections.abc import Callable
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from ..content import progress
from ..content.loader import NEWS_DIR
from ..search.background import BackgroundIndex
from ..search.index import SearchIndexError
from ..site.build import build_into, fresh_folder, print_result, unexpected
from .backend import MAX_BODY, FileService, item_slug
from .update import LiveSite, only_items

WATCHED = ("docs", "plans", "overrides")
SETTLE = 0.05  # seconds to wait for the rest of an editor's save (temporary file, rename…)
WAIT = 25  # seconds a page's question "did I change?" is held open
INDEX_QUIET = 2.0  # seconds without edits before the search index is rebuilt
# The page asks the server (a long poll) whether a later build changed it. An external script, not an
# inline one: the pages' Content-Security-Policy allows scripts from the site's own origin only.
RELOAD_PATH = "/__cchc_live__.js"
EDITOR_PATH = "/quan-tri/"  # the editing room: never reloaded, shown the problems of the entry open
RELOAD_SCRIPT = rb"""(function(){var me=document.currentScript,v=+me.getAttribute("data-build"),p=-1;
function show(list){var old=document.getElementById("cchc-preview-problems"),e;if(old)old.remove();
if(me.hasAttribute("data-stay")){e=location.hash.match(/\/entries\/(.+)$/);list=e?list.filter(function(x){
return x.indexOf("/"+decodeURIComponent(e[1])+".md:")>=0}):[]}if(!list.length)return;
var box=document.createElement("div"),s=box.style,h=document.createElement("strong"),ul=document.createElement("ul");
box.id="cchc-preview-problems";box.setAttribute("role","alert");s.position="sticky";s.top="0";s.zIndex="10";
if(me.hasAttribute("data-stay")){s.position="fixed";s.top="auto";s.bottom="0";s.left="0";s.right="0";s.zIndex="1000";
s.maxHeight="40vh";s.overflow="auto";s.borderTop=s.borderBottom}
s.background="#fff3cd";s.color="#332700";s.borderBottom="3px solid #9a6700";s.padding=".5rem 1rem";
s.font="14px/1.45 system-ui,sans-serif";h.textContent="B\u1ea3n xem th\u1eed ch\u01b0a c\u1eadp nh\u1eadt \u0111\u01b0\u1ee3c: "+
list.length+" l\u1ed7i (trang \u0111ang hi\u1ec7n b\u1ea3n t\u1ed1t g\u1ea7n nh\u1ea5t)";box.appendChild(h);
list.slice(0,8).forEach(function(m){var li=document.createElement("li");li.textContent=m;ul.appendChild(li)});
ul.style.margin=".25rem 0 0";box.appendChild(ul);document.body.insertBefore(box,document.body.firstChild)}
function problems(){fetch('/__cchc_problems__',{cache:'no-store'}).then(function(r){return r.json()}).then(show)}
function ask(){fetch('/__cchc_build__?since='+v+'&problems='+p+'&path='+encodeURIComponent(location.pathname),
{cache:'no-store'}).then(function(r){return r.text()}).then(function(t){var a=t.split(' ');if(a[0]==='1'){
if(!me.hasAttribute("data-stay"))location.reload();else{v=+a[1];ask()}}else{v=+a[1];if(+a[2]!==p){p=+a[2];
problems()}ask()}}).catch(function(){setTimeout(ask,2000)})}addEventListener("hashchange",problems);ask()})();
"""


_PROBLEM_LINE = re.compile(r"^[^\s:]+\.(md|yml|yaml)(:\d+)?: ")  # "docs/tin-tuc/a.md:3: …" as validate says


def _seconds(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")  # Vietnamese decimal comma


def _ignored(path: str) -> bool:
    """Editors' scratch files: hidden, backups, swap files, vim's write test."""
    name = os.path.basename(path)
    return name.startswith((".", "#")) or name.endswith(("~", ".swp", ".swx", ".tmp")) or name == "4913"


class _Changes(FileSystemEventHandler):
    def __init__(self, root: Path, found: queue.Queue) -> None:
        self.root, self.found = root, found

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.is_directory or event.event_type in ("opened", "closed_no_write"):
            return  # reads (our own builds read every file) are not changes
        for path in (event.src_path, getattr(event, "dest_path", "")):
            path = os.fsdecode(path)
            if path and not _ignored(path) and (Path(path).parent != self.root or Path(path).name == "mkdocs.yml"):
                self.found.put((event.event_type == "created", path))


def settled(found: queue.Queue) -> set[str]:
    """The paths of one save: the first event, then all within SETTLE. A file created and gone again
    in between (a tool's temporary file, renamed over the real one) is not a change."""
    events: list[tuple[bool, str]] = []
    while not events:  # a second at a time: a stop (SIGTERM) handed to another thread is seen by this one then
        with contextlib.suppress(queue.Empty):
            events.append(found.get(timeout=1.0))
    time.sleep(SETTLE)
    while not found.empty():
        events.append(found.get())
    born = {path for created, path in events if created}
    return {path for _, path in events if path not in born or os.path.exists(path)}


class Preview:
    """The preview's state: the kept build, which pages changed in which build, the search index worker."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.link = self.root / "build" / "preview"
        self.live: LiveSite | None = None
        self.unfinished = False  # the last update stopped for a newer save: the next one finishes its work
        self.number = 0  # build number; pages wait for a larger one that touches them
        self.changes: list[tuple[int, set[str] | None]] = []  # (number, site-relative URLs or None for all)
        self.changed = threading.Condition()
        self.problems: list[str] = []  # of the last build or update that failed, until one succeeds (the banner)
        self.problems_version = 0
        self.index_wanted = threading.Event()
        self.index_waiting = threading.Event()  # set while the index waits for an update to end
        self.indexer: BackgroundIndex | None = None
        self.building = threading.RLock()  # held while a build or an update runs: no index starts beside it
        threading.Thread(target=self._index_worker, daemon=True).start()

    # -- telling pages ----------------------------------------------------------------------------

    def publish(self, urls: set[str] | None) -> None:
        with self.changed:
            self.number += 1
            self.changes = self.changes[-200:] + [(self.number, urls)]
            self.changed.notify_all()

    def item_address(self, url: str) -> str | None:
        """/tin-tuc/<file name>/ of an item whose address is another (`slug:`): where it is published."""
        found = re.fullmatch(rf"/{NEWS_DIR}/([a-z0-9-]+)/(?:index\.html)?", url)
        for file in (self.root / "docs" / NEWS_DIR).rglob(f"{found.group(1)}.md") if found else ():
            if (slug := item_slug(file)) != found.group(1):
                return f"/{NEWS_DIR}/{slug}/"
        return None

    def set_problems(self, messages: list[str]) -> None:
        """The content errors every preview page shows in a banner (messages of a failed build), [] once fixed."""
        lines = [line.strip() for m in messages for line in m.split("\n") if line.strip()]
        named = [line for line in lines if _PROBLEM_LINE.match(line)]
        problems = named or lines
        with self.changed:
            if problems != self.problems:
                self.problems, self.problems_version = problems, self.problems_version + 1
                self.changed.notify_all()

    def wait(self, since: int, path: str, problems: int = -1) -> tuple[bool, int, int]:
        """Block until a build after `since` changes the page at `path`, or the problems differ from version
        `problems` (or WAIT passes)."""
        url = path.lstrip("/").removesuffix("index.html")

        def touched() -> bool:
            if self.changes and since < self.changes[0][0] - 1:
                return True  # older than the builds remembered: reload to be safe
            return any(n > since and (urls is None or url in urls) for n, urls in self.changes)

        with self.changed:
            self.changed.wait_for(lambda: touched() or problems != self.problems_version, timeout=WAIT)
            return touched(), self.number, self.problems_version

    # -- building ---------------------------------------------------------------------------------

    def full_build(self) -> bool:
        with self.building:
            return self._full_build()

    def _full_build(self) -> bool:
        started = time.monotonic()
        self.link.parent.mkdir(parents=True, exist_ok=True)
        target = fresh_folder(self.link.parent, "preview-")
        gc.unfreeze()  # let the previous build's objects go
        result, config = build_into(self.root, target, strict=False, drafts=True)
        print_result(result, self.link)
        self.set_problems([] if result.ok else result.messages)
        if not result.ok:
            shutil.rmtree(target, ignore_errors=True)
            print("Trình duyệt vẫn hiển thị bản xây dựng tốt gần nhất.", file=sys.stderr)
            return False
        old = self.link.resolve() if self.link.is_symlink() else None
        if self.link.exists() and not self.link.is_symlink():
            shutil.rmtree(self.link)  # a real folder left by an older version
        tmp_link = self.link.with_name("preview.link-tmp")
        tmp_link.unlink(missing_ok=True)
        tmp_link.symlink_to(target.name)
        tmp_link.replace(self.link)  # atomic: readers see the old build or the new one
        if old and old != target:
            shutil.rmtree(old, ignore_errors=True)
        self.live, self.unfinished = LiveSite(config), False
        gc.collect()
        gc.freeze()  # the kept build is long-lived: later collections need not walk it
        _give_back_memory()
        self.publish(None)
        print(f"Xây dựng xong sau {_seconds(time.monotonic() - started)} giây.", file=sys.stderr)
        return True

    def on_change(self, paths: set[str], pending: Callable[[], bool] = lambda: False) -> None:
        """Bring the preview in line with a save of these paths; `pending` tells whether a newer save came."""
        with self.building:
            self._on_change(paths, pending)

    def _on_change(self, paths: set[str], pending: Callable[[], bool]) -> None:
        self.stop_indexing()
        if self.live is None or not (only_items(paths, self.root / "docs") or (self.unfinished and not paths)):
            self.full_build()
            return
        try:
            update = self.live.update(self.publish, paths, pending)
        except Exception as exc:  # noqa: BLE001 (anything unexpected: the full build reports it properly)
            print(f"Cập nhật nhanh không được ({exc}); xây dựng lại toàn bộ.", file=sys.stderr)
            self.full_build()
            return
        for message in update.messages:
            print(message, file=sys.stderr)
        if update.stopped:  # the banner waits for an update that looks at every file
            self.unfinished = True
            print(f"Đã hiện bài vừa sửa sau {_seconds(update.seconds)} giây; các trang khác được cập nhật sau lần "
                  "lưu mới.", file=sys.stderr)
            return
        self.set_problems([] if update.ok else update.messages)
        if not update.ok:
            print("Trình duyệt vẫn hiển thị bản xây dựng tốt gần nhất.", file=sys.stderr)
            return
        self.unfinished = False
        print(f"Đã cập nhật {update.pages} trang và {update.feeds} nguồn tin sau {_seconds(update.seconds)} giây "
              f"(trang đang xem: {_seconds(update.first_seconds)} giây).", file=sys.stderr)
        if update.search_changed:
            self.index_wanted.set()
        _give_back_memory()  # what the update let go (the pages it rendered, the old views)

    def _index_worker(self) -> None:
        """Rebuild the search index after edits, in its own process at low priority: off the path of
        showing the change, and stopped (to start again after the next pause) when a new edit arrives."""
        while True:
            self.index_wanted.wait()
            while self.index_wanted.is_set():  # wait for a pause in the edits
                self.index_wanted.clear()
                time.sleep(INDEX_QUIET)
            self.index_waiting.set()  # the pause is over: the index waits for any update in progress
            with self.building:  # an update running past the pause would share the processor with the index
                self.index_waiting.clear()
                live = self.live
                if live is None or self.index_wanted.is_set() or self.unfinished:  # an edit came, or its update stopped
                    continue
                # Made one at a time as the index process takes them (20,000 pages' text is not held at once); an
                # edit meanwhile stops this index (on_change) and another follows the pause after it.
                self.indexer = live.plugin.background_index(live.site_dir, nice=15)
            try:
                self.indexer.wait()
                print("Đã cập nhật chỉ mục tìm kiếm.", file=sys.stderr)
            except SearchIndexError as exc:
                if self.indexer.process.returncode > 0 and live is self.live:  # < 0: stopped for a newer edit
                    print(exc, file=sys.stderr)

    def stop_indexing(self) -> None:
        indexer = self.indexer
        if indexer is not None and indexer.process.poll() is None:
            indexer.stop()
            self.index_wanted.set()  # index again after the pause

    def watch(self) -> queue.Queue:
        found: queue.Queue = queue.Queue()
        observer = Observer()
        handler = _Changes(self.root, found)
        for name in WATCHED:
            if (self.root / name).is_dir():
                observer.schedule(handler, str(self.root / name), recursive=True)
        observer.schedule(handler, str(self.root), recursive=False)  # mkdocs.yml
        observer.daemon = True
        observer.start()
        return found


def _handler(preview: Preview, files: FileService | None):
    class Handler(SimpleHTTPRequestHandler):
        extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".yml": "text/yaml; charset=utf-8"}

        def do_GET(self):  # noqa: N802 (http.server naming)
            parts = urlsplit(self.path)
            if parts.path == "/__cchc_build__":
                query = parse_qs(parts.query)
                try:
                    since, seen = int(query.get("since", ["0"])[0]), int(query.get("problems", ["-1"])[0])
                except ValueError:
                    since, seen = 0, -1
                changed, number, version = preview.wait(since, query.get("path", ["/"])[0], seen)
                self._send(f"{int(changed)} {number} {version}".encode(), "text/plain")
                return
            if parts.path == "/__cchc_problems__":
                self._send(json.dumps(preview.problems, ensure_ascii=False).encode(), "application/json; charset=utf-8")
                return
            if parts.path == RELOAD_PATH:
                self._send(RELOAD_SCRIPT, "text/javascript; charset=utf-8")
                return
            number = preview.number
            path = self.translate_path(self.path)
            if os.path.isdir(path) and parts.path.endswith("/"):
                path = os.path.join(path, "index.html")
            if path.endswith(".html") and os.path.isfile(path):
                # the editing room never reloads under a writer's hands: it only shows the problems of its entry
                stay = " data-stay" if parts.path.startswith(EDITOR_PATH) else ""
                with open(path, "rb") as f:
                    script = f'<script src="{RELOAD_PATH}" data-build="{number}"{stay}></script>'.encode()
                    self._send(f.read().replace(b"</body>", script + b"</body>", 1), "text/html; charset=utf-8")
                return
            if not os.path.exists(path) and (moved := preview.item_address(parts.path)):
                self.send_response(302)  # the editor's "Xem bản hoàn chỉnh" names an item by its file
                self.send_header("Location", moved)
                self.end_headers()
                return
            super().do_GET()

        def do_POST(self):  # noqa: N802 (http.server naming): the editing room's requests (cchc edit)
            size = int(self.headers.get("Content-Length") or 0)
            if files is None or size > MAX_BODY:
                self.send_error(404 if files is None else 413)
                return
            status, answer = files.answer(urlsplit(self.path).path, self.headers, self.rfile.read(size),
                                          self.server.server_port)
            self._send(json.dumps(answer, ensure_ascii=False).encode("utf-8"), "application/json; charset=utf-8",
                       status)

        def _send(self, body: bytes, kind: str, status: int = 200) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format, *args):  # quiet: staff watch build messages, not requests
            pass

    return Handler


class _Server(ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a closed tab or a reload mid-answer: normal
            super().handle_error(request, client_address)


def _give_back_memory() -> None:
    """Return the build's freed memory to the system (glibc keeps it otherwise): the preview stays resident for
    hours beside the staff's other programs."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass  # not glibc: nothing to do


def _stop(signum, frame) -> None:
    raise KeyboardInterrupt  # a polite stop (SIGTERM) ends the preview like Ctrl+C does


def bind_refusal(exc: OSError, host: str, port: int) -> str:
    """Why the preview cannot listen at host:port, and what to do."""
    if exc.errno == errno.EADDRINUSE:
        return (f"cổng {port} đang có chương trình khác dùng (có thể là một lần make serve hay make edit chưa tắt) — "
                f"tắt chương trình đó, hoặc chọn cổng khác: cchc serve --port {port + 1 if port < 65535 else 8001}")
    if exc.errno == errno.EACCES:
        return f"không được phép dùng cổng {port} (cổng dưới 1024 cần quyền quản trị) — chọn cổng khác, ví dụ --port 8000"
    return (f'không mở được địa chỉ {host}:{port} ({exc.strerror or "lỗi mạng"}) — dùng --host 127.0.0.1, '
            "hoặc một địa chỉ của chính máy này")


def serve(root: Path, host: str = "127.0.0.1", port: int = 8000, also: str = "", files: FileService | None = None) -> int:
    """Build, serve and rebuild on changes until Ctrl+C or SIGTERM; `also` is printed with the address; `files`
    answers the editing room's requests (`cchc edit`)."""
    signal.signal(signal.SIGTERM, _stop)
    with contextlib.suppress(ValueError, OSError):  # an error stream without a file (captured): nothing to print to
        faulthandler.enable()  # a fatal signal (SIGABRT from a supervisor of a stop that hangs) prints every thread's place
    preview = Preview(root)
    handler = functools.partial(_handler(preview, files), directory=str(preview.link))
    try:  # the address first: a port in use is said at once, not after the first build
        server = _Server((host, port), handler)
    except OSError as exc:
        print(f"Lỗi: {bind_refusal(exc, host, port)}", file=sys.stderr)
        return 2
    server.daemon_threads = True
    found = preview.watch()
    with progress.shown("Xem thử, lần xây dựng đầu"):  # minutes for a province: say how far it is
        built = preview.full_build()
    if not built:
        print("Chưa có bản xây dựng nào chạy được: sửa các lỗi trên, trang sẽ tự xây dựng lại.", file=sys.stderr)
        preview.link.mkdir(parents=True, exist_ok=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"Đang phục vụ tại http://{host}:{server.server_port}/ — sửa tệp trong docs/ hoặc plans/, trang tự cập nhật. "
          "Nhấn Ctrl+C để dừng.", file=sys.stderr, flush=True)
    if also:
        print(also.format(url=f"http://{host}:{server.server_port}/"), file=sys.stderr, flush=True)
    try:
        while True:
            paths = settled(found)
            if paths or preview.unfinished:
                try:
                    preview.on_change(paths, lambda: not found.empty())
                except Exception as exc:  # noqa: BLE001 (content never stops the preview)
                    message = unexpected(exc).replace("Trang đã đăng", "Trang xem thử")
                    preview.set_problems([message])
                    print(message, file=sys.stderr)
                    print("Trình duyệt vẫn hiển thị bản xây dựng tốt gần nhất.", file=sys.stderr)
    except KeyboardInterrupt:
        # A stop that hangs (a thread or a child that will not end) prints where every thread is and still ends.
        faulthandler.dump_traceback_later(15, exit=True)
        preview.stop_indexing()
        server.shutdown()
        if preview.live:
            preview.live.save()
    return 0
