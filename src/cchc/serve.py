"""`cchc serve` for staff: preview with drafts, rebuilt on every change, never showing a broken build.

The preview is built into build/preview/ (site/ stays the published build). On a bad edit the
terminal shows the same Vietnamese list as `cchc validate` and the browser keeps the last good
site. Pages reload themselves: a small script, added only when serving, polls the build number.
"""

from __future__ import annotations

import functools
import os
import sys
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from .build import build_site, print_result

WATCHED = ("docs", "plans", "overrides", "mkdocs.yml")
RELOAD_SCRIPT = b"""<script>(function(){var v=null;setInterval(function(){fetch('/__cchc_build__',{cache:'no-store'})
.then(function(r){return r.text()}).then(function(t){if(v===null){v=t}else if(t!==v){location.reload()}})
.catch(function(){})},1000)})();</script>"""


def snapshot(root: Path) -> dict[str, float]:
    """Modification times of every watched file: cheap enough to poll each second."""
    seen: dict[str, float] = {}
    for name in WATCHED:
        top = root / name
        if top.is_file():
            seen[str(top)] = top.stat().st_mtime
            continue
        for folder, _, files in os.walk(top):
            for file in files:
                path = os.path.join(folder, file)
                try:
                    seen[path] = os.stat(path).st_mtime
                except OSError:
                    pass
    return seen


class Preview:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.site_dir = root / "build" / "preview"
        self.build_number = 0
        self.lock = threading.Lock()

    def rebuild(self) -> bool:
        with self.lock:
            started = time.monotonic()
            result = build_site(self.root, self.site_dir, strict=False, drafts=True)
            print_result(result, self.site_dir)
            if result.ok:
                self.build_number += 1
                print(f"Xây dựng xong sau {time.monotonic() - started:.1f} giây.", file=sys.stderr)
            else:
                print("Trình duyệt vẫn hiển thị bản xây dựng tốt gần nhất.", file=sys.stderr)
            return result.ok


def _handler(preview: Preview):
    class Handler(SimpleHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server naming)
            if self.path == "/__cchc_build__":
                body = str(preview.build_number).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            path = self.translate_path(self.path)
            if os.path.isdir(path) and self.path.split("?")[0].endswith("/"):
                path = os.path.join(path, "index.html")
            if path.endswith(".html") and os.path.isfile(path):
                with open(path, "rb") as f:
                    body = f.read().replace(b"</body>", RELOAD_SCRIPT + b"</body>", 1)
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(body)
                return
            super().do_GET()

        def log_message(self, format, *args):  # quiet: staff watch build messages, not requests
            pass

    return Handler


def serve(root: Path, host: str = "127.0.0.1", port: int = 8000) -> int:
    preview = Preview(root)
    if not preview.rebuild() and not (preview.site_dir / "index.html").exists():
        print("Chưa có bản xây dựng nào chạy được: sửa các lỗi trên, trang sẽ tự xây dựng lại.", file=sys.stderr)
    preview.site_dir.mkdir(parents=True, exist_ok=True)
    handler = functools.partial(_handler(preview), directory=str(preview.site_dir))
    server = ThreadingHTTPServer((host, port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"Đang phục vụ tại http://{host}:{port}/ — sửa tệp trong docs/ hoặc plans/, trang tự cập nhật. Nhấn Ctrl+C để dừng.",
          file=sys.stderr)
    last = snapshot(root)
    try:
        while True:
            time.sleep(1)
            current = snapshot(root)
            if current != last:
                last = current
                preview.rebuild()
    except KeyboardInterrupt:
        server.shutdown()
    return 0
