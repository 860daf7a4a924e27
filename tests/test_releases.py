"""`cchc phat-hanh`: a built site put live in one step (a release folder, then the `current` symlink renamed onto
it), unchanged files hard links that keep their time, a publish killed anywhere leaving the live site whole, old
releases kept for going back, and Debian's nginx serving the switch."""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest

from cchc.releases.swap import ReleaseError, live, prune, publish, releases, rollback
from conftest import SAMPLE_NOW, plain_nginx


def site(folder: Path, pages: dict[str, str]) -> Path:
    """A built site: index.html and the given pages."""
    for rel, text in {"index.html": "trang chủ", **pages}.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text, encoding="utf-8")
    return folder


def tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8") for p in folder.rglob("*") if p.is_file()}


OLD = {"tin-tuc/a/index.html": "bài A", "rss.xml": "<rss>A</rss>", "gioi-thieu/index.html": "giới thiệu"}
NEW = {"tin-tuc/a/index.html": "bài A đã sửa", "tin-tuc/b/index.html": "bài B", "gioi-thieu/index.html": "giới thiệu"}


def test_a_publish_is_a_new_release_made_live_in_one_step_and_unchanged_files_keep_their_time(tmp_path):
    www = tmp_path / "www"
    first = publish(site(tmp_path / "s1", OLD), www, now=datetime(2026, 12, 1, 8, 0))
    assert live(www) == first and os.readlink(www / "current") == "releases/20261201-080000"
    assert tree(www / "current") == tree(tmp_path / "s1")
    kept = {rel: (first / rel).stat() for rel in tree(first)}
    time.sleep(0.05)
    second = publish(site(tmp_path / "s2", NEW), www, now=datetime(2026, 12, 2, 8, 0))
    assert live(www) == second and tree(www / "current") == tree(tmp_path / "s2")
    assert tree(first) == tree(tmp_path / "s1")  # the earlier release untouched
    for rel in ("gioi-thieu/index.html", "index.html"):  # same bytes: the same file, its time kept
        now = (second / rel).stat()
        assert (now.st_ino, now.st_mtime_ns) == (kept[rel].st_ino, kept[rel].st_mtime_ns), rel
    assert (second / "tin-tuc/a/index.html").stat().st_ino != kept["tin-tuc/a/index.html"].st_ino
    assert not (second / "rss.xml").exists()  # what left the build left the live site


def test_going_back_and_keeping_a_few(tmp_path):
    www = tmp_path / "www"
    made = [publish(site(tmp_path / f"s{n}", {"so.html": str(n)}), www, keep=3, now=datetime(2026, 12, n, 8, 0))
            for n in range(1, 6)]
    assert releases(www) == made[2:]  # three kept, the oldest gone
    assert rollback(www) == made[3] and (www / "current" / "so.html").read_text() == "4"
    assert rollback(www) == made[2]
    with pytest.raises(ReleaseError, match="không có bản trước"):
        rollback(www)
    assert prune(www, 1) == [] and releases(www) == made[2:]  # never the live release, nor a newer one
    publish(site(tmp_path / "s6", {"so.html": "6"}), www, keep=3, now=datetime(2026, 12, 6, 8, 0))
    assert (www / "current" / "so.html").read_text() == "6"


def test_a_web_root_that_is_a_real_folder_or_a_site_not_built_is_refused_untouched(tmp_path):
    www = tmp_path / "www"
    (www / "current").mkdir(parents=True)
    (www / "current" / "index.html").write_text("đang chạy")
    with pytest.raises(ReleaseError, match="thư mục thật"):
        publish(site(tmp_path / "s", OLD), www)
    assert tree(www) == {"current/index.html": "đang chạy"}
    with pytest.raises(ReleaseError, match="thiếu index.html"):
        publish(tmp_path / "khong-co", tmp_path / "www2")
    assert not (tmp_path / "www2").exists()


PUBLISH = """
import sys
from datetime import datetime
from pathlib import Path
from cchc.releases.swap import publish
publish(Path(sys.argv[1]), Path(sys.argv[2]), now=datetime(2026, 12, 2, 8, 0))
"""


@pytest.mark.parametrize("step", ["chep", "chep-xong", "truoc-doi", "doi-xong"])
def test_a_publish_killed_at_any_step_leaves_the_live_site_wholly_old_or_wholly_new(tmp_path, step):
    www = tmp_path / "www"
    publish(site(tmp_path / "s1", OLD), www, now=datetime(2026, 12, 1, 8, 0))
    new = site(tmp_path / "s2", NEW)
    killed = subprocess.run([sys.executable, "-c", PUBLISH, str(new), str(www)],
                            env={**os.environ, "CCHC_PHAT_HANH_DUNG": step}, capture_output=True, text=True)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert tree(www / "current") in (tree(tmp_path / "s1"), tree(new)), step
    assert tree(www / "current") == (tree(new) if step == "doi-xong" else tree(tmp_path / "s1")), step
    again = publish(new, www, now=datetime(2026, 12, 3, 8, 0))  # the next publish clears what was left
    assert live(www) == again and tree(www / "current") == tree(new)
    assert not list((www / "releases").glob(".dang-chep-*")) and not (www / ".current.moi").exists()


def test_nginx_serves_the_new_release_from_the_next_request(tmp_path):
    www = tmp_path / "www"
    publish(site(tmp_path / "s1", OLD), www, now=datetime(2026, 12, 1, 8, 0))

    def get(path: str) -> tuple[int, str]:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        connection.request("GET", path)
        answer = connection.getresponse()
        return answer.status, answer.read().decode("utf-8")
    with plain_nginx(tmp_path / "nginx", f"{www}/current") as port:
        assert get("/tin-tuc/a/") == (200, "bài A") and get("/tin-tuc/b/")[0] == 404
        publish(site(tmp_path / "s2", NEW), www, now=datetime(2026, 12, 2, 8, 0))
        assert get("/tin-tuc/a/") == (200, "bài A đã sửa") and get("/tin-tuc/b/") == (200, "bài B")
        rollback(www)
        assert get("/tin-tuc/a/") == (200, "bài A") and get("/tin-tuc/b/")[0] == 404


def test_the_command_builds_strictly_then_publishes_and_a_failed_build_publishes_nothing(project, tmp_path):
    www = tmp_path / "www"
    env = {**os.environ, "CCHC_NOW": SAMPLE_NOW}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "cchc.cli", "--root", str(project.root), "phat-hanh",
                               "--noi-nhan", str(www), *args], capture_output=True, text=True, env=env, timeout=600)
    done = run()
    assert done.returncode == 0, done.stderr
    assert "Đã đăng bản" in done.stderr and (www / "current" / "index.html").is_file()
    first = live(www)
    project.item("loi-ngay", date="31/02/2024")
    failed = run()
    assert failed.returncode == 1 and "KHÔNG đăng gì" in failed.stderr and "31/02/2024" in failed.stderr
    assert live(www) == first and "Traceback" not in failed.stderr
    back = run("--quay-lai")
    assert back.returncode == 1 and "không có bản trước" in back.stderr
