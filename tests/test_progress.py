"""Long work says how far it is: rich's bars on a terminal, a few plain lines in a log (CI, a service's journal)."""

from __future__ import annotations

import io
import os
import pty
import re
import subprocess
import sys

from conftest import SAMPLE_NOW, copy_sample

from cchc.content import progress


def test_plain_lines_say_each_stage_its_count_and_its_end_and_only_a_few_lines(monkeypatch):
    out = io.StringIO()
    monkeypatch.setattr(progress, "QUIET_SECONDS", 0.0)  # every quarter is said (a slow stage)
    with progress.shown("Xây dựng", out):
        progress.begin("đọc nội dung")
        progress.end("5 bài")
        progress.begin("dựng trang", 1000)
        for _ in range(1000):
            progress.advance()
    lines = out.getvalue().splitlines()
    assert lines[0] == "Xây dựng: đọc nội dung…" and lines[1].startswith("Xây dựng: đọc nội dung xong — 5 bài (")
    assert lines[2] == "Xây dựng: dựng trang… 0/1000"
    assert lines[3:6] == ["Xây dựng: dựng trang 250/1000 (25%)", "Xây dựng: dựng trang 500/1000 (50%)",
                          "Xây dựng: dựng trang 750/1000 (75%)"]
    assert lines[6].startswith("Xây dựng: dựng trang 1000/1000 xong (") and len(lines) == 7


def test_a_fast_stage_is_two_lines_and_nothing_is_said_outside_a_command(monkeypatch):
    out = io.StringIO()
    with progress.shown("Xây dựng", out):
        progress.begin("dựng trang", 1000)
        for _ in range(1000):
            progress.advance()
    assert len(out.getvalue().splitlines()) == 2  # start and end: a quick build is not a wall of lines
    progress.begin("dựng trang", 10)  # a build inside a test or the preview's partial update: silent
    progress.advance()
    progress.end()


def build(root, terminal: bool) -> str:
    command = [sys.executable, "-m", "cchc.cli", "--root", str(root), "--now", SAMPLE_NOW, "build"]
    env = dict(os.environ, TERM="xterm", COLUMNS="100")
    env.pop("CI", None)
    if not terminal:
        return subprocess.run(command, capture_output=True, text=True, env=env, timeout=600).stderr
    main, child = pty.openpty()
    process = subprocess.Popen(command, stdin=child, stdout=child, stderr=child, env=env)
    os.close(child)
    out = b""
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    process.wait(timeout=600)
    os.close(main)
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", out.decode("utf-8", "replace"))


def test_cchc_build_in_a_log_shows_its_stages_with_the_pages_counted(tmp_path):
    root = copy_sample(tmp_path / "du-an")
    said = build(root, terminal=False)
    lines = [line for line in said.splitlines() if line.startswith("Xây dựng:")]
    stages = [re.match(r"Xây dựng: (.+?)…", line).group(1) for line in lines if "…" in line]
    assert stages == ["đọc nội dung", "dựng trang", "nguồn tin RSS/Atom", "chỉ mục tìm kiếm"], said
    total = int(re.search(r"dựng trang… 0/(\d+)", said).group(1))
    pages = len(list((root / "site").rglob("*.html")))
    assert f"dựng trang {total}/{total} xong" in said and total <= pages  # every page counted once
    assert re.search(r"đọc nội dung xong — \d+ bài, \d+ kế hoạch", said)
    assert len(lines) <= 12 and "━" not in said


def test_cchc_build_on_a_terminal_draws_bars(tmp_path):
    root = copy_sample(tmp_path / "du-an")
    said = build(root, terminal=True)
    assert re.search(r"Xây dựng: dựng trang\s+━+ (\d+)/\1", said), said[-2000:]
    assert "dựng trang… 0/" not in said and "Đã xây dựng xong trang" in said
