"""The province's view (/tien-do/) of a generated province on a throttled phone: first paint, DOM ready and the
load event, median of 3 first visits, with the page's weight on the wire and where the time goes.

    .venv/bin/python benchmarks/province_view.py [SITE_DIR]
        (default: scripts/make_corpus.py 2000 items with --xa 124: Vĩnh Long's communes and wards, built into a temp dir)

The site is served gzip-compressed (as deploy/nginx/ does) by a small local server. The phone: 390×844, CPU
slowed 4×, 150 ms round trip, 1.6 Mbit/s down, 750 kbit/s up (Lighthouse's "slow 4G"). Target (issue 35): the
view loads in under 2 s.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import os
import statistics
import sys
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "scripts"))
PHONE = {"latency": 150, "downloadThroughput": 1_600_000 / 8, "uploadThroughput": 750_000 / 8, "cpu": 4}
RUNS = 3
PAGE = "tien-do/"
TIMES = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const paint = performance.getEntriesByName("first-contentful-paint")[0];
  return {fcp: paint ? paint.startTime : null, dom: nav.domContentLoadedEventEnd, load: nav.loadEventEnd,
          html: nav.responseEnd, rows: document.querySelectorAll("tbody tr").length,
          resources: performance.getEntriesByType("resource").map(r => [r.name.split("/").pop(), r.startTime, r.responseEnd])};
}"""


class Gzipped(http.server.SimpleHTTPRequestHandler):
    """Files as nginx's gzip would send them: compressed when the browser accepts it."""

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if "gzip" not in self.headers.get("Accept-Encoding", "") or not path.is_file():
            return super().send_head()
        data = gzip.compress(path.read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        return None

    def log_message(self, *args):
        pass


def measure(site: Path) -> dict:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Gzipped, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}/"
    runs = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
        for _ in range(RUNS):  # a fresh context each time: a first visit
            context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
            page = context.new_page()
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.emulateNetworkConditions", {"offline": False, **{k: v for k, v in PHONE.items() if k != "cpu"}})
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": PHONE["cpu"]})
            page.goto(base + PAGE, wait_until="load", timeout=60_000)
            runs.append(page.evaluate(TIMES))
            context.close()
        browser.close()
    server.shutdown()
    html = (site / PAGE / "index.html").read_bytes()
    return {"runs": runs, "html_kb": len(html) / 1024, "html_gzip_kb": len(gzip.compress(html, 6)) / 1024}


def main() -> int:
    if len(sys.argv) > 1:
        result = measure(Path(sys.argv[1]))
    else:
        from make_corpus import write_corpus

        from cchc.site.build import build_site
        os.environ.setdefault("CCHC_NOW", "2026-06-30 12:00")
        with tempfile.TemporaryDirectory() as tmp:
            project = write_corpus(2000, Path(tmp) / "project", communes=124)
            built = build_site(project, Path(tmp) / "site")
            assert built.ok, built.messages
            result = measure(Path(tmp) / "site")
    runs = result["runs"]
    print(f"/{PAGE}: {runs[0]['rows']} rows, HTML {result['html_kb']:.0f} KB ({result['html_gzip_kb']:.1f} KB gzip)")
    for key, label in (("fcp", "first paint"), ("dom", "DOM ready"), ("load", "load event")):
        values = [r[key] for r in runs]
        print(f"{label:>12}: median {statistics.median(values) / 1000:.2f} s  ({', '.join(f'{v / 1000:.2f}' for v in values)})")
    print("resources of the median run (name, requested s, received s):")
    middle = sorted(runs, key=lambda r: r["load"])[len(runs) // 2]
    for name, start, end in middle["resources"]:
        print(f"  {name:<40} {start / 1000:6.2f} {end / 1000:6.2f}")
    print("target (issue 35): the province's view loads in under 2 s on this phone")
    return 0


if __name__ == "__main__":
    sys.exit(main())
