"""Search at scale, side by side: our index and plain Pagefind over the same built item pages.

    .venv/bin/python -m pip install --no-deps -r benchmarks/requirements.txt   (pagefind, once)
    .venv/bin/python benchmarks/search.py [--items 5000] [--rounds 1] [--profiles phone-slow4g] [--engines ours]

One synthetic corpus (scripts/make_corpus.py, seeded) is built once with our build. Plain Pagefind
indexes a copy of the same site's item and plan pages (`python -m pagefind`, no configuration). Both are
served by one local server that, like a portal's, gzips text and lets browsers cache for an hour.

In Debian's chromium, for each profile and query, in a fresh browser context that has visited the home page
(theme assets cached, as for a reader coming from the portal), then opens the search page under the profile:
  ready      navigation start -> the search box is there and its script has run;
  typed      the query typed key by key (one key every 150 ms): last keystroke -> the first result shown with
             its excerpt, for the whole query. Ours searches after a 250 ms pause and fetches the typed words'
             files meanwhile; Pagefind is driven as its Default UI drives it (preload() on every key, search()
             after 300 ms);
  submitted  the query put in the box and submitted at once: submit -> the first result shown;
and the requests and bytes transferred from the first keystroke (or submit) to then. Profiles, as DevTools
emulates them (latency added to every request) with 4x CPU slowdown for phones: desktop (none),
phone-lighthouse (Lighthouse's mobile: 150 ms, 1.6 Mbit/s), phone-slow4g (DevTools' "Slow 4G": 562.5 ms,
1.44 Mbit/s). Prints medians and 95th percentiles and the ratios Pagefind / ours. Targets at 5,000 items on
a phone: ready < 1.5 s, median query < 1 s, >= 3x faster than plain Pagefind. A query not shown within
20 s counts as 20 s and is named (a timeout). A static index needs two
dependent requests for a query whose last word was not fetched yet (its postings, then the shown results'
texts): under 562.5 ms of latency per request that alone is 1.1 s.
"""

from __future__ import annotations

import argparse
import gzip
import http.server
import mimetypes
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
from make_corpus import write_corpus  # noqa: E402

PY = sys.executable
NOW = "2026-06-30 12:00"
CHROMIUM = "/usr/bin/chromium"
QUERIES = ["mot cua", "dich vu cong truc tuyen", "cai cach hanh chinh", "cải cách hành chính", "thu tuc hanh chinh",
           "ho so truc tuyen", "par index", "doanh nghiep", "danh gia", "can bo cong chuc", "loa truyen thanh",
           "dat dai", "so hoa", "một cửa liên thông"]
KEY_DELAY_MS = 150  # between keystrokes: a quick typist on a phone
PROFILES = {  # network as Chrome DevTools emulates it (latency per request), CPU slowdown
    "desktop": None,
    "phone-lighthouse": {"latency": 150, "downloadThroughput": 204_800, "uploadThroughput": 96_000, "cpu": 4},
    "phone-slow4g": {"latency": 562.5, "downloadThroughput": 180_000, "uploadThroughput": 84_375, "cpu": 4},
}
TEXT = {"text/html", "text/css", "application/javascript", "text/javascript", "application/json", "image/svg+xml",
        "application/xml", "text/xml"}
PAGEFIND_PAGE = """<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Pagefind</title>
<meta name="viewport" content="width=device-width"></head><body>
<form id="f"><input name="q" aria-label="Tìm"><button>Tìm</button></form><ol id="results"></ol>
<script type="module">
// Pagefind's documented JS API used as its Default UI uses it: preload() on every keystroke, search() after a
// 300 ms pause (or at once on submit), then data() of the first 10 results, shown in order as they arrive.
const pagefind = await import("/pagefind/pagefind.js");
await pagefind.init();
const form = document.getElementById("f"), list = document.getElementById("results");
let current = 0, timer = null;
async function run() {
  const mine = ++current, query = form.q.value, search = await pagefind.search(query);
  if (mine !== current) return;
  list.replaceChildren();
  for (const pending of search.results.slice(0, 10).map((r) => r.data())) {
    const d = await pending;
    if (mine !== current) return;
    const li = document.createElement("li");
    li.innerHTML = `<a href="${d.url}">${d.meta.title}</a><p>${d.excerpt}</p>`;
    list.append(li);
    document.body.dataset.shown = query;
  }
  document.body.dataset.shown = query;  // also when nothing was found
}
form.q.addEventListener("input", () => { pagefind.preload(form.q.value); clearTimeout(timer); timer = setTimeout(run, 300); });
form.addEventListener("submit", (event) => { event.preventDefault(); clearTimeout(timer); run(); });
document.body.setAttribute("data-ready", "");
</script></body></html>
"""
# When the page shows results for the final query (FINAL) with their excerpt.
SHOWN = {
    "ours": "document.getElementById('cchc-search').getAttribute('data-shown') === FINAL",
    "pagefind": "document.body.dataset.shown === FINAL",
}


class Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        pass  # a browser context closed mid-response: nothing to report


class Handler(http.server.BaseHTTPRequestHandler):
    """Static files as a portal serves them: gzip for text, an hour of browser cache, keep-alive."""

    protocol_version = "HTTP/1.1"
    root: Path
    packed: dict[Path, bytes] = {}

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        path = self.root / unquote(urlsplit(self.path).path).lstrip("/")
        if path.is_dir():
            path = path / "index.html"
        if not path.is_file() or not path.resolve().is_relative_to(self.root):
            self.send_error(404)
            return
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        body = path.read_bytes()
        zipped = kind in TEXT and "gzip" in self.headers.get("Accept-Encoding", "")
        if zipped:
            body = self.packed.get(path) or self.packed.setdefault(path, gzip.compress(body, 6))
        self.send_response(200)
        self.send_header("Content-Type", kind + ("; charset=utf-8" if kind.startswith("text/") else ""))
        self.send_header("Cache-Control", "public, max-age=3600")
        if zipped:
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


def serve(root: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = type("Site", (Handler,), {"root": root.resolve(), "packed": {}})
    server = Server(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}/"


def build(items: int, work: Path) -> tuple[Path, Path]:
    """Our site, and a copy of its item and plan pages indexed by plain Pagefind."""
    project = write_corpus(items, work / "project")
    ours = work / "ours"
    env = dict(os.environ, CCHC_NOW=NOW)
    subprocess.run([PY, str(ROOT / "benchmarks" / "_build_once.py"), str(project), str(ours)], check=True, env=env,
                   capture_output=True)
    plain = work / "pagefind"
    shutil.copytree(ours, plain, ignore=shutil.ignore_patterns("tim-kiem"))
    started = time.monotonic()
    subprocess.run([PY, "-m", "pagefind", "--site", str(plain), "--glob", "{tin-tuc,ke-hoach}/*/index.html"],
                   check=True, capture_output=True)
    print(f"Pagefind indexed in {time.monotonic() - started:.1f} s", flush=True)
    (plain / "pf.html").write_text(PAGEFIND_PAGE, encoding="utf-8")
    return ours, plain


def measure(browser, base: str, engine: str, profile: dict | None, query: str, typed: bool) -> dict:
    """One query in a fresh context: typed key by key (seconds from the last keystroke to results) or submitted
    at once (seconds from submit to results)."""
    context = browser.new_context(viewport={"width": 390, "height": 844} if profile else {"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(base)  # the reader arrives from the portal: theme assets are in the cache
    page.wait_for_load_state("networkidle")
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    if profile:
        cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": profile["latency"],
                 "downloadThroughput": profile["downloadThroughput"], "uploadThroughput": profile["uploadThroughput"]})
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": profile["cpu"]})
    finished = []
    context.on("requestfinished", lambda request: finished.append(request))  # the page's and its workers' requests
    url = {"ours": "tim-kiem/", "pagefind": "pf.html"}[engine]
    page.goto(base + url)
    page.wait_for_selector("#cchc-search[data-ready]" if engine == "ours" else "body[data-ready]", state="attached",
                           timeout=60_000)
    box = {"ours": "#cchc-search input[name=q]", "pagefind": "#f input"}[engine]
    page.wait_for_selector(box, timeout=60_000)
    ready = page.evaluate("() => performance.now()") / 1000  # since navigation start
    page.wait_for_timeout(300)  # the page's own idle work passes before the reader types
    before = len(finished)
    page.evaluate("""([final, shown]) => {
        window.__last = 0; window.__shown = 0;
        const check = new Function("FINAL", "return " + shown);
        document.addEventListener("input", () => { window.__last = performance.now(); }, true);
        document.addEventListener("submit", () => { window.__last = performance.now(); }, true);
        new MutationObserver(() => { if (!window.__shown && window.__last && check(final)) window.__shown = performance.now(); })
            .observe(document.body, {subtree: true, childList: true, attributes: true, characterData: true});
    }""", [query, SHOWN[engine]])
    if typed:
        page.type(box, query, delay=KEY_DELAY_MS)
    else:
        page.eval_on_selector(box, "(input, q) => { input.value = q; input.form.requestSubmit(); }", query)
    try:
        page.wait_for_function("() => window.__shown > 0", timeout=20_000, polling=50)
    except PlaywrightTimeout:  # counted as a failure, and the run goes on
        print(f"  timeout: {engine} {query!r} ({'typed' if typed else 'submitted'})", flush=True)
        context.close()
        return {"ready": ready, "query": 20.0, "requests": 0, "kb": 0.0, "timeout": True}
    seconds = page.evaluate("() => (window.__shown - window.__last) / 1000")
    mine = finished[before:]
    result = {"ready": ready, "query": seconds, "requests": len(mine),
              "kb": sum(r.sizes()["responseBodySize"] + r.sizes()["responseHeadersSize"] for r in mine) / 1024}
    context.close()
    return result


try:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
except ImportError:  # the module is read for its docstring without playwright
    PlaywrightTimeout = TimeoutError


def summary(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=1, help="times each query is measured per engine and profile")
    parser.add_argument("--profiles", default=",".join(PROFILES), help="comma-separated: " + ", ".join(PROFILES))
    parser.add_argument("--engines", default="ours,pagefind", help="comma-separated: ours, pagefind")
    args = parser.parse_args()
    profiles = {name: PROFILES[name] for name in args.profiles.split(",")}
    engines = args.engines.split(",")
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="cchc-search-bench-") as tmp:
        started = time.monotonic()
        ours, plain = build(args.items, Path(tmp))
        print(f"{args.items} items built in {time.monotonic() - started:.0f} s", flush=True)
        servers = {"ours": serve(ours), "pagefind": serve(plain)}
        runs = [(mode, engine) for mode in ("typed", "submitted") for engine in engines]
        rows: dict[tuple[str, str, str], list[dict]] = {}
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            for profile_name, profile in profiles.items():
                for _ in range(args.rounds):
                    for query in QUERIES:
                        for mode, engine in runs:  # interleaved, so drift hits both alike
                            got = measure(browser, servers[engine][1], engine, profile, query, mode == "typed")
                            rows.setdefault((mode, engine, profile_name), []).append(dict(got, q=query))
                print(f"  {profile_name} done", flush=True)
            browser.close()
        for server, _ in servers.values():
            server.shutdown()
    print(f"\nSearch over {args.items} items: seconds (median / p95); requests and KB per query (median)")
    print("typed: from the last keystroke (one every {KEY_DELAY_MS} ms) to results with excerpts;"
          " submitted: from submit to the same".replace("{KEY_DELAY_MS}", str(KEY_DELAY_MS)))
    print(f"{'mode':<11}{'engine':<14}{'profile':<18}{'ready':>14}{'query':>14}{'requests':>10}{'KB':>8}{'timeouts':>10}")
    for (mode, engine, profile_name), got in rows.items():
        ready, query = summary([g["ready"] for g in got]), summary([g["query"] for g in got])
        print(f"{mode:<11}{engine:<14}{profile_name:<18}{ready[0]:>7.2f} /{ready[1]:>5.2f}{query[0]:>7.2f} /{query[1]:>5.2f}"
              f"{statistics.median(g['requests'] for g in got):>10.0f}{statistics.median(g['kb'] for g in got):>8.0f}"
              f"{sum(1 for g in got if g.get('timeout')):>10}")
    print()
    for profile_name in profiles if "pagefind" in engines and "ours" in engines else ():
        for mode in ("typed", "submitted"):
            a = statistics.median(g["query"] for g in rows[(mode, "ours", profile_name)])
            b = statistics.median(g["query"] for g in rows[(mode, "pagefind", profile_name)])
            print(f"Pagefind / ours, median {mode} query, {profile_name}: {b / a:.1f}x")
    if "phone-slow4g" in profiles:
        print(f"\nPer query, typed, phone-slow4g ({' | '.join(engines)}):")
        for query in QUERIES:
            times = (statistics.median(g["query"] for g in rows[("typed", e, "phone-slow4g")] if g["q"] == query)
                     for e in engines)
            print(f"  {query:<28}" + " | ".join(f"{t:>6.2f}" for t in times))
    return 0


if __name__ == "__main__":
    sys.exit(main())
