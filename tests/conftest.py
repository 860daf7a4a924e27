"""Shared fixtures: a throw-away project built from the real vocabularies, theme and config."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from textwrap import dedent

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOW = "2024-06-30 12:00"


class Project:
    """A small project in a temp folder: write items and plans, load or build it."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def write(self, rel: str, text: str | bytes) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    def item(self, name: str, front: str = "", body: str = "Nội dung bài viết.", **fields: str) -> Path:
        """A news item under docs/tin-tuc/; fields override a valid default front matter."""
        meta = {"title": "Tin mẫu về cải cách hành chính", "date": "15/03/2024 08:30",
                "topics": "[thu-tuc-hanh-chinh]", "unit": "hai-hau", "type": "tin"}
        meta.update(fields)
        lines = [f"{k}: {v}" for k, v in meta.items() if v is not None] + ([dedent(front).strip()] if front else [])
        return self.write(f"docs/tin-tuc/{name}.md", "---\n" + "\n".join(lines) + "\n---\n\n" + body + "\n")

    def load(self):
        from cchc.content.loader import load_corpus
        return load_corpus(self.root)


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch):
    monkeypatch.setenv("CCHC_NOW", NOW)


@pytest.fixture(autouse=True, scope="session")
def shared_readings(tmp_path_factory):
    """One cache of automatic readings for every build of the session (subprocesses too): the sample's radio
    items are synthesised once, as a province's warm builds would."""
    os.environ["CCHC_AUDIO_CACHE"] = str(tmp_path_factory.mktemp("readings"))


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return new_project(tmp_path / "project")


def new_project(root: Path) -> Project:
    """A project with the real vocabularies, theme, config and about page, and no item or plan."""
    root.mkdir(parents=True)
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(ROOT / "overrides", root / "overrides")
    (root / "plans").mkdir()
    for vocab in (ROOT / "plans").glob("*.yml"):
        shutil.copy(vocab, root / "plans" / vocab.name)
    shutil.copytree(ROOT / "docs" / "assets", root / "docs" / "assets")
    shutil.copy(ROOT / "docs" / "gioi-thieu.md", root / "docs" / "gioi-thieu.md")
    (root / "docs" / "tin-tuc").mkdir(parents=True)
    return Project(root)


def messages(problems) -> list[str]:
    return [str(p) for p in problems.items]


SAMPLE_NOW = "2026-06-30 12:00"
# One page of each type of the sample site, as a reader reaches it.
PAGE_TYPES = {
    "home": "",
    "item": "tin-tuc/ben-tre-ban-hanh-ke-hoach-105-kh-ubnd/",
    "item-image": "tin-tuc/ca-phe-doanh-nghiep-thang-3/",
    "news": "tin-tuc/",
    "topic": "chu-de/mot-cua/",
    "unit": "don-vi/hai-hau/",
    "plans": "ke-hoach/",
    "plan": "ke-hoach/ben-tre-2021/",
    "progress": "tien-do/",
    "archive": "luu-tru/",
    "search": "tim-kiem/?q=dat+dai",
    "feeds": "rss/",
    "about": "gioi-thieu/",
    "404": "404.html",
}
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
# The smallest JPEG header that names its size (start of image, then a baseline frame of 120×200 px).
TINY_JPEG = b"\xff\xd8\xff\xc0\x00\x11\x08\x00\x78\x00\xc8\x03" + b"\x01\x22\x00" * 3


def copy_sample(root: Path) -> Path:
    """A private copy of the repository's sample project (content, plans, theme, config) to edit."""
    root.mkdir(parents=True)
    for name in ("docs", "plans", "overrides"):
        shutil.copytree(ROOT / name, root / name)
    shutil.copy(ROOT / "mkdocs.yml", root)
    return root


@pytest.fixture(scope="session")
def sample(tmp_path_factory):
    """The repository's own sample site, built once with a fixed "now"."""
    saved = os.environ.get("CCHC_NOW")
    os.environ["CCHC_NOW"] = SAMPLE_NOW
    try:
        site = tmp_path_factory.mktemp("sample") / "site"
        from cchc.site.build import build_site
        from cchc.content.loader import load_corpus
        result = build_site(ROOT, site)
        assert result.ok, result.messages
        corpus, problems = load_corpus(ROOT)
        yield site, corpus
    finally:
        if saved is None:
            os.environ.pop("CCHC_NOW", None)
        else:
            os.environ["CCHC_NOW"] = saved


# -- a real browser: Playwright driving Debian's chromium, and a local server for built sites --------

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


class Served:
    def __init__(self, directory: Path) -> None:
        handler = functools.partial(_Quiet, directory=str(directory))
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def browser():
    assert Path(CHROMIUM).exists(), "Debian's chromium is installed by `make test` (apt-get install chromium)"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


STILL = """() => {
  const moving = document.getAnimations().some(a => a.playState === 'running' || a.pending);
  window.__cchcStill = moving || typeof window.component$ === 'undefined' ? 0 : (window.__cchcStill || 0) + 1;
  return window.__cchcStill >= 3;
}"""


def settle(page) -> None:
    """Wait until Material has started and nothing has moved for three polls in a row (tabs fade in late)."""
    page.wait_for_load_state("networkidle")
    page.wait_for_function(STILL, polling=100)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def nginx_conf(work: Path, http: str) -> Path:
    """An nginx.conf in `work` for a test's own nginx: its pid, log and temporary files there, workers as this test's
    user (pytest's folders are private to it; a server would own its web root), `http` inside http { }."""
    import getpass
    temp = "".join(f"{kind}_temp_path {work}/{kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    work.mkdir(parents=True, exist_ok=True)
    (work / "nginx.conf").write_text(f"user {getpass.getuser()};\npid {work}/nginx.pid;\nerror_log {work}/error.log;\n"
                                     f"events {{ worker_connections 64; }}\nhttp {{\n{temp}{http}\n}}\n", encoding="utf-8")
    return work / "nginx.conf"


@contextlib.contextmanager
def plain_nginx(work: Path, root: str):
    """Debian's nginx serving `root` as it is (no configuration of ours) on a free loopback port; yields the port."""
    import http.client
    port = free_port()
    nginx_conf(work, f"access_log off;\nserver {{ listen 127.0.0.1:{port}; root {root}; }}")
    process = start_nginx(work, lambda: http.client.HTTPConnection("127.0.0.1", port, timeout=2).request("HEAD", "/"))
    try:
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


def start_nginx(work: Path, ready) -> subprocess.Popen:
    """Debian's nginx on work/nginx.conf, returned once `ready()` stops raising OSError (at most 20 s)."""
    process = subprocess.Popen([shutil.which("nginx") or "/usr/sbin/nginx", "-p", str(work), "-c", str(work / "nginx.conf"),
                                "-g", "daemon off;"], stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 20
    while True:
        try:
            ready()
            return process
        except OSError:
            assert process.poll() is None and time.monotonic() < deadline, process.stderr.read()
            time.sleep(0.05)


class Server:
    """`cchc serve` (or `cchc edit`) on a copy of the sample project, its terminal output collected line by line."""

    def __init__(self, root: Path, command: str = "serve", **env: str) -> None:
        port = free_port()
        self.url = f"http://127.0.0.1:{port}/"
        env = dict(os.environ, CCHC_NOW=SAMPLE_NOW, **env)
        self.process = subprocess.Popen([sys.executable, "-m", "cchc.cli", "--root", str(root), command, "--port", str(port)],
                                        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env)
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        self.wait_for("Đang phục vụ tại", timeout=120)

    def _read(self) -> None:
        for line in self.process.stderr:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, text: str, *, after: int = 0, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self.lines[after:]:
                if text in line:
                    return line
            assert self.process.poll() is None, "\n".join(self.lines)
            time.sleep(0.05)
        raise AssertionError(f"không thấy {text!r} trong:\n" + "\n".join(self.lines))

    def stop(self) -> int | None:
        """Stop as an operator would; the exit code (None if it had to be killed)."""
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.send_signal(signal.SIGABRT)  # faulthandler prints where every thread is, into self.lines
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
            time.sleep(0.5)
            return None


# What a screenshot is kept for, measured: nothing wider than the screen, and no two boxes of text or media drawn
# over each other (a box inside another is fine; one not drawn yet, off the screen under content-visibility, is not
# checked: the full-page shot draws it). Screenshots stay in test-output/ for a person to look at.
_LAYOUT = """() => {
  const doc = document.documentElement, overflow = doc.scrollWidth - doc.clientWidth;
  const picked = [...document.querySelectorAll(
      'main h1, main h2, main h3, main p, main li, main th, main td, main figure, main img, main audio, main form, '
      + 'main summary, .md-header__inner > *, .cchc-searchbar form > *')].filter(e => {
    const r = e.getBoundingClientRect(), s = getComputedStyle(e);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && e.checkVisibility({contentVisibilityAuto: true}); });
  const boxes = picked.map(e => e.getBoundingClientRect()), clashes = [];
  for (let i = 0; i < picked.length && clashes.length < 5; i++)
    for (let j = i + 1; j < picked.length; j++) {
      const a = picked[i], b = picked[j], p = boxes[i], q = boxes[j];
      if (a.contains(b) || b.contains(a)) continue;
      const w = Math.min(p.right, q.right) - Math.max(p.left, q.left), h = Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top);
      if (w > 2 && h > 2) clashes.push([a.tagName + '.' + a.className + ' ' + (a.textContent || '').trim().slice(0, 30),
                                        b.tagName + '.' + b.className + ' ' + (b.textContent || '').trim().slice(0, 30)]);
    }
  return {overflow, clashes, checked: picked.length};
}"""


def screenshot(page, path) -> dict:
    """Keep a full-page screenshot for people, and assert what it is kept for: the page fits its width and no two
    blocks overlap."""
    layout = page.evaluate(_LAYOUT)
    assert layout["overflow"] <= 0, f"{page.url}: {layout['overflow']} px wider than the screen"
    assert layout["clashes"] == [], f"{page.url}: {layout['clashes']}"
    assert layout["checked"] > 3
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    # As on a screen as tall as the page: what is off a phone's screen is not drawn (content-visibility), and a
    # full-page shot beyond the screen would show it blank.
    screen = page.viewport_size
    page.set_viewport_size({"width": screen["width"], "height": min(16000, page.evaluate("document.documentElement.scrollHeight"))})
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(screen)
    return layout
