"""A built site put live in one step, the way Capistrano-style deploys do it.

The web server's folder (`cchc phat-hanh --noi-nhan /var/www/chuyen-muc-cchc`) holds:

    releases/20261204-081500/   one folder per publish, never changed once live
    releases/20261205-093000/
    current -> releases/20261205-093000     the web server's root (nginx: root /var/www/chuyen-muc-cchc/current)

A publish copies the built site into a new release folder beside the live one with rsync `--link-dest`: a file
whose bytes did not change is a hard link to the live release's file, so it keeps its modification time and
browsers, feed readers and radio stations get "304 Not Modified" for it (and the folder costs only what
changed). Then `current` is pointed at it by renaming a new symlink over it: one step of the file system, so a
reader gets the whole old site or the whole new one, never a mix, and a publish killed at any point leaves the
live site as it was or wholly new. A few releases are kept for `--quay-lai` (back to the previous one).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
from datetime import datetime
from pathlib import Path

RELEASES, CURRENT, KEEP = "releases", "current", 5
_NAME = re.compile(r"^\d{8}-\d{6}(-\d+)?$")  # a finished release; ".dang-chep-…" is one being copied


class ReleaseError(Exception):
    """What stops a publish or a roll-back, for the person running it, in Vietnamese."""


def stop_here(step: str) -> None:
    """For the tests of interrupted publishes: CCHC_PHAT_HANH_DUNG=<step> kills this process at that step, as a
    power cut would (no clean-up runs)."""
    if os.environ.get("CCHC_PHAT_HANH_DUNG") == step:
        os.kill(os.getpid(), signal.SIGKILL)


def releases(target: Path) -> list[Path]:
    """The finished releases, oldest first."""
    folder = target / RELEASES
    return sorted(p for p in folder.iterdir() if _NAME.match(p.name) and p.is_dir()) if folder.is_dir() else []


def live(target: Path) -> Path | None:
    """The release the web server serves now (None before the first publish)."""
    link = target / CURRENT
    if not link.is_symlink():
        return None
    found = (target / os.readlink(link)).resolve()
    return found if found.is_dir() else None


def _check_target(target: Path) -> None:
    link = target / CURRENT
    if link.exists() and not link.is_symlink():
        raise ReleaseError(f"{link} là một thư mục thật, không phải liên kết: chuyển trang đang chạy sang cách mới một lần "
                           f"(đổi tên {link} thành {link}.cu, chạy lại lệnh, rồi xóa {link}.cu) và đặt root của máy chủ "
                           f"web là {link}")
    if target.exists() and not target.is_dir():
        raise ReleaseError(f"{target} là một tệp: --noi-nhan phải là thư mục của trang trên máy chủ web")


def publish(site: Path, target: Path, keep: int = KEEP, now: datetime | None = None) -> Path:
    """Put the built `site` live under `target`; returns the new release. Leftovers of an interrupted publish are
    removed first; the oldest releases beyond `keep` (never the live one) after."""
    if not (site / "index.html").is_file():
        raise ReleaseError(f"{site} không có trang đã xây dựng (thiếu index.html): chưa đăng gì")
    _check_target(target)
    folder = target / RELEASES
    folder.mkdir(parents=True, exist_ok=True)
    for leftover in folder.glob(".dang-chep-*"):  # a publish killed while copying: never live, so gone
        shutil.rmtree(leftover, ignore_errors=True)
    (target / f".{CURRENT}.moi").unlink(missing_ok=True)
    previous = live(target)
    name = f"{(now or datetime.now()):%Y%m%d-%H%M%S}"
    taken = {p.name for p in releases(target)}
    final, n = name, 2
    while final in taken:
        final, n = f"{name}-{n}", n + 1
    staging = folder / f".dang-chep-{final}"
    command = ["rsync", "--recursive", "--links", "--perms", "--checksum", f"{site}/", f"{staging}/"]
    if previous is not None:  # unchanged bytes: a hard link to the live file, its time kept
        command.insert(-2, f"--link-dest={previous}")
    stop_here("chep")
    try:
        copied = subprocess.run(command, capture_output=True, text=True)
    except FileNotFoundError:
        raise ReleaseError("không có lệnh rsync: cài bằng `sudo apt-get install rsync` (hoặc `make tools`)") from None
    if copied.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        raise ReleaseError(f"chép trang sang {folder} không được ({copied.stderr.strip()[:300]}): trang đang chạy giữ nguyên")
    os.sync()  # the copied files on disk before the release can go live
    stop_here("chep-xong")
    release = folder / final
    staging.rename(release)
    _sync(folder)
    stop_here("truoc-doi")
    switch(target, release)
    stop_here("doi-xong")
    prune(target, keep)
    return release


def switch(target: Path, release: Path) -> None:
    """Point `current` at `release` in one step: a new symlink renamed over the old one."""
    fresh = target / f".{CURRENT}.moi"
    fresh.unlink(missing_ok=True)
    os.symlink(os.path.relpath(release, target), fresh)
    os.replace(fresh, target / CURRENT)
    _sync(target)


def rollback(target: Path) -> Path:
    """Back to the release before the live one; returns it."""
    _check_target(target)
    now = live(target)
    done = releases(target)
    earlier = [r for r in done if now is None or r.name < now.name]
    if not earlier:
        raise ReleaseError(f"không có bản trước bản đang chạy trong {target / RELEASES} để quay lại")
    switch(target, earlier[-1])
    return earlier[-1]


def prune(target: Path, keep: int) -> list[Path]:
    """Remove the oldest releases beyond `keep`, never the live one nor a newer one (a roll-back's)."""
    now = live(target)
    done = releases(target)
    gone = [r for r in done[: max(0, len(done) - keep)] if now is None or r.name < now.name]
    for old in gone:
        shutil.rmtree(old, ignore_errors=True)
    return gone


def _sync(folder: Path) -> None:
    """The folder's entries on disk before the next step (a power cut after a rename keeps the rename)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def unchanged_share(release: Path) -> tuple[int, int]:
    """(files, of which hard links to an earlier release): how much of a publish browsers need not fetch again."""
    files = linked = 0
    for path in release.rglob("*"):
        if path.is_file() and not path.is_symlink():
            files += 1
            linked += path.stat().st_nlink > 1
    return files, linked
