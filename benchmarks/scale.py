"""Scale, side by side on the same Markdown: our build, a plain mkdocs-material blog, and Hugo.

    make bench            (or: .venv/bin/python benchmarks/scale.py --sizes 1000 5000 20000 --repeat 3)

For each corpus size (scripts/make_corpus.py, seeded, with the province of Vĩnh Long: --xa communes and wards, a plan for 2025 and 2026 each), prints: median wall time of `repeat` cold builds
(caches cleared but the radio readings' audio, made once per item text by the very first build, reported apart), a rebuild with nothing changed and one after an item's text is edited (`cchc build` again, replacing
the site), time per 1,000 items and its growth from the smallest size (1.0 = linear), peak memory of the
build process, of the search-index process and the forked helpers' own pages, and of the whole build at once
("whole": sampled sum of every process's PSS, shared pages counted once, in one more cold build, untimed;
_build_once.py), output size, our stages,
`cchc check` time, the ratios to the plain Material blog and to Hugo, and `cchc serve` in chromium.
Nothing is committed but the command.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "src"))

from make_corpus import write_corpus  # noqa: E402

from cchc.content.dates import parse_datetime  # noqa: E402
from cchc.content.loader import load_corpus  # noqa: E402

PY = sys.executable
NOW = "2026-06-30 12:00"  # the same "now" for every build and the preview
HUGO = Path(sys.executable).parent / "hugo"
INDEX_SETTLE = 5  # s
HUGO_LAYOUT = {
    "layouts/_default/baseof.html": '<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>{{ .Title }}</title></head><body>{{ block "main" . }}{{ end }}</body></html>',
    "layouts/_default/single.html": '{{ define "main" }}<h1>{{ .Title }}</h1><p>{{ .Date.Format "02/01/2006" }}</p>{{ .Content }}{{ end }}',
    "layouts/_default/list.html": '{{ define "main" }}<h1>{{ .Title }}</h1><ol>{{ range (.Paginate .Pages).Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Summary }}</li>{{ end }}</ol>{{ template "_internal/pagination.html" . }}{{ end }}',
    "layouts/index.html": '{{ define "main" }}<ol>{{ range first 10 .Site.RegularPages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ol>{{ end }}',
}


def du(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def ours(project: Path, out: Path, repeat: int) -> dict:
    shutil.rmtree(project / "build", ignore_errors=True)
    first = _once(project, out / "ours-first")  # the very first build: radio readings synthesised too
    shutil.rmtree(out / "ours-first", ignore_errors=True)
    runs = []
    for n in range(repeat + 1):  # the last one samples the whole build's memory, untimed
        # cold: no caches but the readings' audio (made once per item text, like an uploaded file)
        for cache in (project / "build" / "cache").iterdir():
            if cache.is_dir() and cache.name != "audio":
                shutil.rmtree(cache)
            elif cache.is_file():
                cache.unlink()
        runs.append(_once(project, out / f"ours-{n}", memory=n == repeat))
    memory = runs.pop()
    shutil.rmtree(out / f"ours-{repeat}", ignore_errors=True)
    warm = _once(project, out / "ours-0")  # `cchc build` again, nothing changed: replaces the site
    item = sorted((project / "docs" / "tin-tuc").rglob("*.md"))[len(runs) * 97 % 50]
    item.write_text(item.read_text(encoding="utf-8") + "\n\nĐoạn viết thêm khi đo.\n", encoding="utf-8")
    edited = _once(project, out / "ours-0")  # one item's text edited
    started = time.monotonic()
    subprocess.run([PY, "-m", "cchc.cli", "--root", str(project), "check"], capture_output=True, check=False)
    check = time.monotonic() - started
    best = sorted(runs, key=lambda r: r["wall"])[len(runs) // 2]
    return {"wall": statistics.median(r["wall"] for r in runs), "warm": warm["wall"], "edited": edited["wall"],
            "first": first["wall"], "readings": first["stages"].get("readings_made", 0),
            "stages": best["stages"], "warm_stages": warm["stages"],
            "rss": max(r["rss_self_mb"] for r in runs + [warm]),
            "rss_child": max(r["stages"].get("search_peak_mb", 0) for r in runs + [warm]),
            "rss_helpers": max(max(r["stages"].get(f"helper_{k}_private_mb", 0) for k in ("markdown", "pages"))
                               for r in runs + [warm]),
            "pss": memory["pss_peak_mb"], "size": du(out / "ours-0"), "check": check}


def _once(project: Path, site: Path, memory: bool = False) -> dict:
    run = subprocess.run([PY, str(ROOT / "benchmarks" / "_build_once.py"), str(project), str(site)]
                         + (["--memory"] if memory else []),
                         stdout=subprocess.PIPE, text=True, check=True)  # its progress on our standard error
    return json.loads(run.stdout.strip().splitlines()[-1])


def preview(project: Path, edits: int = 5) -> dict:
    """`cchc serve` on the corpus, watched in Debian's chromium: seconds from saving an edit to the open
    page showing it (title edits of items spread over the years: median), and for a new item, until the
    home page shows it and until the server has updated every page it changes."""
    from playwright.sync_api import sync_playwright

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/"
    process = subprocess.Popen([PY, "-m", "cchc.cli", "--root", str(project), "serve", "--port", str(port)],
                               stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
                               env=dict(os.environ, CCHC_NOW=NOW))
    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(line.strip() for line in process.stderr), daemon=True).start()

    def line_after(mark: int, text: str) -> str:
        while not any(text in line for line in lines[mark:]):
            assert process.poll() is None, "\n".join(lines)
            time.sleep(0.02)
        return next(line for line in lines[mark:] if text in line)

    started = time.monotonic()
    line_after(0, "Đang phục vụ tại")
    result = {"start": time.monotonic() - started}
    corpus, _ = load_corpus(project)
    items = corpus.published(parse_datetime(NOW))
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_context(bypass_csp=True).new_page()  # wait_for_function evaluates a string
            seconds = []
            for n in range(edits):
                item = items[(n * 7919) % len(items)]
                page.goto(url + item.url)
                page.wait_for_load_state("load")
                marker = f"Đã sửa lần {n} {time.time_ns()}"
                file = project / item.path
                text = re.sub(r"^title: .*$", f"title: {marker}", file.read_text(encoding="utf-8"), count=1, flags=re.M)
                started = time.monotonic()
                file.write_text(text, encoding="utf-8")
                page.wait_for_function(f"document.querySelector('h1')?.textContent.includes({json.dumps(marker)})",
                                       timeout=60000)
                seconds.append(time.monotonic() - started)
            result["edit"] = statistics.median(seconds)
            page.goto(url)
            page.wait_for_load_state("load")
            title = f"Bài mới viết trong lúc xem trước {time.time_ns()}"
            mark = len(lines)
            started = time.monotonic()
            (project / "docs" / "tin-tuc" / "bai-moi-xem-truoc.md").write_text(
                f"---\ntitle: {title}\ndate: 2026-06-30 11:00\ntopics: [mot-cua]\nunit: {items[0].unit}\n---\n\n"
                "Nội dung bài mới.\n", encoding="utf-8")
            page.wait_for_function(f"document.querySelector('main')?.innerText.includes({json.dumps(title)})", timeout=60000)
            result["new_item"] = time.monotonic() - started
            done = line_after(mark, "Đã cập nhật")
            result["new_item_all"] = float(re.search(r"sau ([\d,]+) giây", done).group(1).replace(",", "."))
            result["new_item_pages"] = int(re.search(r"(\d+) trang", done).group(1))
            browser.close()
        time.sleep(INDEX_SETTLE)  # the search index of the edits is made, in its own process, after a pause
        with open(f"/proc/{process.pid}/status") as status:
            found = status.read()
        result["rss"] = int(re.search(r"VmRSS:\s+(\d+)", found).group(1)) / 1024  # resident, once settled
        result["peak"] = int(re.search(r"VmHWM:\s+(\d+)", found).group(1)) / 1024  # during its first build
    finally:
        process.send_signal(signal.SIGTERM)  # stops like Ctrl+C: saves the item cache, stops the indexer
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            print("cchc serve did not stop on SIGTERM within 30 s: killed", file=sys.stderr)
            process.kill()
            process.wait()
    if os.environ.get("CCHC_BENCH_LOG"):
        print("\n".join(lines), file=sys.stderr)
    return result


def material_blog(corpus: Path, folder: Path) -> Path:
    """The same items as a plain Material blog: Material's blog plugin, search, no code of ours."""
    posts = folder / "docs" / "blog" / "posts"
    posts.mkdir(parents=True)
    (folder / "docs" / "index.md").write_text("# Trang chủ\n", encoding="utf-8")
    (folder / "docs" / "blog" / "index.md").write_text("# Tin tức\n", encoding="utf-8")
    (folder / "mkdocs.yml").write_text("site_name: Blog\ntheme:\n  name: material\n  language: vi\nplugins:\n  - search\n  - blog\n",
                                       encoding="utf-8")
    corpus_data, _ = load_corpus(corpus)
    for item in corpus_data.items:
        categories = "".join(f"  - {corpus_data.topics[t].name}\n" for t in item.topics)
        (posts / f"{item.slug}.md").write_text(
            f"---\ndate: {item.date.date().isoformat()}\ncategories:\n{categories}---\n\n# {item.title}\n\n{item.body}",
            encoding="utf-8")
    return folder


def hugo_site(corpus: Path, folder: Path) -> Path:
    posts = folder / "content" / "posts"
    posts.mkdir(parents=True)
    (folder / "hugo.toml").write_text('baseURL = "https://example.org/"\nlanguageCode = "vi"\ntitle = "Blog"\n'
                                      '[pagination]\npagerSize = 20\n[taxonomies]\ncategory = "categories"\n', encoding="utf-8")
    for rel, text in HUGO_LAYOUT.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text, encoding="utf-8")
    corpus_data, _ = load_corpus(corpus)
    for item in corpus_data.items:
        categories = json.dumps([corpus_data.topics[t].name for t in item.topics], ensure_ascii=False)
        (posts / f"{item.slug}.md").write_text(
            f"---\ntitle: {json.dumps(item.title, ensure_ascii=False)}\ndate: {item.date.isoformat()}\n"
            f"categories: {categories}\n---\n\n{item.body}", encoding="utf-8")
    return folder


def timed(command: list[str], repeat: int, cwd: Path | None = None) -> float:
    times = []
    for _ in range(repeat):
        started = time.monotonic()
        subprocess.run(command, cwd=cwd, capture_output=True, check=True)
        times.append(time.monotonic() - started)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", nargs="+", type=int, default=[1000, 5000, 20000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--material-max", type=int, default=20000, help="skip the Material blog above this size")
    parser.add_argument("--xa", type=int, default=124, help="communes of the generated province (Vĩnh Long: 124), two plans each")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for n in args.sizes:
            project = write_corpus(n, tmp / f"corpus-{n}", communes=args.xa)
            row = {"n": n, "ours": ours(project, tmp / f"out-{n}", args.repeat)}
            print(json.dumps(row), file=sys.stderr, flush=True)  # the build figures, kept should the preview fail
            row["preview"] = preview(project)
            if n <= args.material_max:
                blog = material_blog(project, tmp / f"material-{n}")
                row["material"] = timed([PY, "-m", "mkdocs", "build", "-q", "-f", str(blog / "mkdocs.yml"),
                                         "-d", str(tmp / f"material-site-{n}")], args.repeat)
            if HUGO.exists():
                site = hugo_site(project, tmp / f"hugo-{n}")
                row["hugo"] = timed([str(HUGO), "--quiet", "-s", str(site), "-d", str(tmp / f"hugo-out-{n}")], args.repeat)
            rows.append(row)
            print(json.dumps(row), file=sys.stderr, flush=True)
            shutil.rmtree(tmp / f"out-{n}", ignore_errors=True)
    print(f"{'items':>6} {'ours s':>8} {'warm s':>7} {'1 edit s':>9} {'Material s':>11} {'Hugo s':>7} {'ours/Mat':>9} "
          f"{'ours/Hugo':>10} {'s/1000 items':>13} {'growth':>7} {'RSS MB':>7} {'index MB':>9} {'helper MB':>10} {'whole MB':>9} "
          f"{'out MB':>7} {'check s':>8}")
    first = rows[0]
    for r in rows:
        o = r["ours"]
        mat, hugo = r.get("material"), r.get("hugo")
        per = o["wall"] / r["n"] * 1000
        growth = per / (first["ours"]["wall"] / first["n"] * 1000)  # 1.0 = linear from the smallest size
        print(f"{r['n']:>6} {o['wall']:>8.1f} {o['warm']:>7.1f} {o['edited']:>9.1f} {mat if mat else float('nan'):>11.1f} "
              f"{hugo if hugo else float('nan'):>7.2f} {o['wall'] / mat if mat else float('nan'):>9.2f} "
              f"{o['wall'] / hugo if hugo else float('nan'):>10.1f} {per:>13.2f} {growth:>7.2f} {o['rss']:>7.0f} "
              f"{o['rss_child']:>9.0f} {o['rss_helpers']:>10.0f} {o['pss']:>9.0f} {o['size'] / 2**20:>7.0f} "
              f"{o['check']:>8.2f}")
    print("\n`make serve` (cchc serve) watched in chromium: s from saving a file to the open page showing it")
    print(f"{'items':>6} {'start s':>8} {'title edit s':>13} {'new item, home s':>17} {'new item, all pages s':>22} "
          f"{'pages':>6} {'RSS MB':>7} {'peak MB':>8}")
    for r in rows:
        v = r["preview"]
        print(f"{r['n']:>6} {v['start']:>8.1f} {v['edit']:>13.2f} {v['new_item']:>17.2f} {v['new_item_all']:>22.2f} "
              f"{v['new_item_pages']:>6} {v['rss']:>7.0f} {v['peak']:>8.0f}")
    print("\nfirst build ever (readings synthesised; cold builds above keep them):")
    for r in rows:
        print(f"{r['n']:>6} {r['ours']['first']:>8.1f} s, {r['ours']['readings']:.0f} readings made")
    for label, key in (("median cold build", "stages"), ("warm build", "warm_stages")):
        print(f"\nour stages (s; counts), {label}:")
        for r in rows:
            print(f"{r['n']:>6} " + "  ".join(f"{k} {v:.1f}" for k, v in r["ours"][key].items()))
    print(f"\ncorpus: N items and Vĩnh Long with {args.xa} communes and wards, two plans each (scripts/make_corpus.py --xa)")
    print("targets (issue 35): 20,000 items + ~200 plans cold <= 60 s; 5,000 <= 6x Hugo; cchc check <= 5 s; "
          "serve at 20,000: edit <= 1 s; whole build (PSS) <= 700 MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
