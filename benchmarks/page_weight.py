"""First-visit weight of the home page, a news item, search and the editing room, as a server would send
them (gzip), and how long each takes to be usable on first visit (median of 5 cold loads).

    .venv/bin/python benchmarks/page_weight.py [SITE_DIR]     (default: build the sample into a temp dir)

Chromium loads each page from a local server; every resource it requests (HTML, CSS, JS, fonts, images)
is gzip-compressed at level 6 and summed. Target: under 150 KB per public page on first visit. The editing
room (/quan-tri/, Decap CMS) is for staff only and loads on that address alone; its weight and its time to
show the login button are recorded, not budgeted. The default build names a git server in mkdocs.yml
(extra.editor) so that /quan-tri/ is part of the site, as on a portal that uses it.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import unquote, urlsplit

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
PAGES = {"home": "", "item": "tin-tuc/bo-phan-mot-cua-son-kim-1-niem-yet-100-thu-tuc/", "search": "tim-kiem/?q=dat+dai",
         "editor": "quan-tri/"}
READY = {"editor": "text=Đăng nhập"}  # what a person waits for; other pages: the load event
RUNS = 5
EDITOR = """  editor:
    backend: gitea
    repo: so-noi-vu/chuyen-muc-cchc
    base_url: https://git.example.gov.vn
"""
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"]


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def kind_of(path: str) -> str:
    if "/tim-kiem/du-lieu/" in path:
        return "wasm/index"
    suffix = Path(path).suffix.lower()
    return {".html": "html", ".css": "css", ".js": "js", ".woff2": "fonts", ".woff": "fonts", "": "html"}.get(
        suffix, "images/other")


def measure(site: Path) -> dict[str, dict[str, float]]:
    handler = functools.partial(Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}/"
    out = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for name, url in PAGES.items():
            page = browser.new_page()
            paths = []
            page.on("request", lambda r: paths.append(unquote(urlsplit(r.url).path)))
            page.goto(base + url)
            page.wait_for_load_state("networkidle")
            sizes: dict[str, int] = defaultdict(int)
            for path in dict.fromkeys(paths):
                file = site / path.lstrip("/")
                if file.is_dir():
                    file = file / "index.html"
                if file.is_file():
                    sizes[kind_of(file.as_posix())] += len(gzip.compress(file.read_bytes(), 6))
            page.close()
            times = []
            for _ in range(RUNS):  # a fresh context each time: nothing cached, as a first visit
                context = browser.new_context()
                cold = context.new_page()
                started = time.perf_counter()
                cold.goto(base + url, wait_until="load")
                if name in READY:
                    cold.wait_for_selector(READY[name])
                times.append((time.perf_counter() - started) * 1000)
                context.close()
            out[name] = {**sizes, "ms": statistics.median(times)}
        browser.close()
    server.shutdown()
    return out


def main() -> int:
    if len(sys.argv) > 1:
        site = Path(sys.argv[1])
        results = measure(site)
    else:
        from cchc.site.build import build_site
        os.environ.setdefault("CCHC_NOW", "2026-06-30 12:00")
        with tempfile.TemporaryDirectory() as tmp:
            project = Path(tmp) / "project"
            for name in ("docs", "plans", "overrides"):
                shutil.copytree(ROOT / name, project / name)
            config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
            (project / "mkdocs.yml").write_text(config.replace("\nextra:\n", "\nextra:\n" + EDITOR, 1), encoding="utf-8")
            site = Path(tmp) / "site"
            result = build_site(project, site)
            assert result.ok, result.messages
            results = measure(site)
    kinds = ["html", "css", "js", "fonts", "images/other", "wasm/index"]
    print(f"{'page':<8}" + "".join(f"{k:>13}" for k in kinds) + f"{'total KB':>11}{'first load ms':>15}")
    for name, sizes in results.items():
        total = sum(v for k, v in sizes.items() if k != "ms")
        print(f"{name:<8}" + "".join(f"{sizes.get(k, 0) / 1024:>13.1f}" for k in kinds) + f"{total / 1024:>11.1f}"
              f"{sizes['ms']:>15.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
