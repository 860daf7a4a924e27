"""`cchc edit` (`make edit`): the editing room on one machine, with no git server.

decap-server (Decap CMS's local backend, from the pinned npm package) reads and writes the files of this
project directly, bound to 127.0.0.1 only; `cchc serve` builds the preview with /quan-tri/ pointing at it.
Both stop together on Ctrl+C or SIGTERM.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

from ..site.editor import find_bundle, local_proxy
from .serve import serve

SERVER = Path("node_modules/decap-server/dist/index.js")


def _listening(host: str, port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex((host, port)) == 0


def edit(root: Path, host: str = "127.0.0.1", port: int = 8000) -> int:
    bundle = find_bundle(root)
    script = bundle.parents[3] / SERVER if bundle else None
    node = shutil.which("node") or shutil.which("nodejs")
    if not (script and script.is_file() and node):
        print("Chưa cài phòng biên tập: cần Node.js và các gói npm của dự án — chạy `make edit` "
              "(tự cài) hoặc `npm ci` trong thư mục dự án.", file=sys.stderr)
        return 2
    proxy = urlsplit(local_proxy())
    if _listening(proxy.hostname, proxy.port):
        print(f"Cổng {proxy.port} đang có chương trình khác dùng (có thể là một phòng biên tập khác đang mở): "
              "đóng nó rồi chạy lại.", file=sys.stderr)
        return 2
    env = dict(os.environ, BIND_HOST=proxy.hostname, PORT=str(proxy.port), MODE="fs",
               GIT_REPO_DIRECTORY=str(root.resolve()), LOG_LEVEL="warn")
    backend = subprocess.Popen([node, str(script)], env=env, stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while not _listening(proxy.hostname, proxy.port):
            if backend.poll() is not None or time.monotonic() > deadline:
                print("Không khởi động được máy chủ lưu bài (decap-server): xem thông báo ở trên.", file=sys.stderr)
                return 2
            time.sleep(0.1)
        return serve(root, host, port, also="Phòng biên tập: {url}quan-tri/ — bấm \u201cĐăng nhập\u201d, viết bài, "
                     "bấm \u201cCông bố\u201d: tệp được ghi thẳng vào docs/ của thư mục này.")
    finally:
        backend.terminate()
        try:
            backend.wait(timeout=10)
        except subprocess.TimeoutExpired:
            backend.kill()
