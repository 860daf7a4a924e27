"""The portal to merge, checked before anything is written: its settings read as YAML, and every reason to
refuse it (not a project, this very portal, one merged already, a symlink, a code that clashes) said in
Vietnamese with the file and the fix."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from ..content.loader import NEWS_DIR
from ..content.merged import CODE, FOLDER
from ..content.problems import Problems
from ..content.source import read_yaml_file


class MergeError(Exception):
    """Why nothing was merged (Vietnamese, for staff)."""


# top folders of the site: a portal's code names its folder under docs/tin-tuc/ and docs/, so none of these
RESERVED = {"anh", "assets", "chu-de", FOLDER, "don-vi", "ke-hoach", "luu-tru", "media", "phat-thanh", "quan-tri",
            "rss", "search", "the-loai", "tien-do", "tim-kiem", "tin-tuc", "trang", "van-ban", "index", "mau"}


@dataclass(frozen=True)
class PortalSettings:
    site_url: str  # with trailing slash
    site_name: str
    feed_id: str
    per_page: int = 20


def settings_of(root: Path, label: str) -> PortalSettings:
    """site_url, site_name and the feed ID of a project's mkdocs.yml, read as YAML (quotes, comments, tags)."""
    problems, file = Problems(), root / "mkdocs.yml"
    site_url, site_name, plugins = (read_yaml_file(file, f"{label}/mkdocs.yml", problems, section=key)
                                    for key in ("site_url", "site_name", "plugins"))  # tags elsewhere allowed
    if problems.errors:
        raise MergeError(f"không đọc được {label}/mkdocs.yml:\n" + problems.report())
    site_url = str(site_url or "").strip()
    if not re.match(r"^https?://[^/\s]+(/\S*)?$", site_url):
        line = next((n for n, text in enumerate(file.read_text(encoding="utf-8").split("\n"), 1)
                     if text.startswith("site_url:")), 1)
        raise MergeError(f'{label}/mkdocs.yml:{line}: site_url "{site_url}" không phải địa chỉ web — ghi đúng địa chỉ '
                         "cổng, ví dụ https://cchc.tinh.gov.vn/")
    feed_id, per_page = "", "20"
    for plugin in plugins if isinstance(plugins, list) else []:
        if isinstance(plugin, dict) and isinstance(plugin.get("cchc"), dict):
            feed_id = str(plugin["cchc"].get("feed_id") or "").strip()
            per_page = str(plugin["cchc"].get("per_page") or "20").strip()
    site_url = site_url.rstrip("/") + "/"
    return PortalSettings(site_url, str(site_name or "").strip(),
                          feed_id or f"tag:{urlsplit(site_url).hostname},2024:",  # as site/syndication.py
                          int(per_page) if per_page.isdigit() and int(per_page) > 0 else 20)


def refuse_code(code: str, root: Path) -> None:
    """A code names folders and addresses: a slug, not a year or a page number, not a folder the site uses."""
    if not CODE.match(code) or len(code) > 40:
        raise MergeError(f'mã "{code}" không dùng được — mã gồm chữ thường không dấu, số và dấu gạch ngang, ví dụ '
                         "--ma tra-vinh")
    taken = {p.name for p in (root / "docs" / NEWS_DIR).iterdir() if p.is_dir()} | {
        p.stem for p in (root / "docs").iterdir()}
    if code.isdigit() or code in RESERVED or code in taken:
        raise MergeError(f'mã "{code}" trùng một năm, một thư mục hay một trang của cổng (docs/{NEWS_DIR}/{code}/, '
                         f"docs/{code}) — chọn mã theo tên cổng cũ, ví dụ --ma tra-vinh")


def refuse_source(root: Path, source: Path, code: str) -> PortalSettings:
    """The source's settings, or why it cannot be merged (nothing written yet)."""
    if not (source / "docs" / NEWS_DIR).is_dir() or not (source / "plans").is_dir() or not (source / "mkdocs.yml").exists():
        raise MergeError(f"{source} không phải thư mục dự án của một cổng (cần mkdocs.yml, docs/{NEWS_DIR}/ và plans/)")
    if source.resolve() == root.resolve() or os.path.samefile(source, root):
        raise MergeError("thư mục cần gộp chính là cổng này — chỉ đúng thư mục dự án của cổng cũ")
    links = [p for p in [source / "mkdocs.yml", *(source / "docs").rglob("*"), *(source / "plans").rglob("*")]
             if p.is_symlink()]
    if links:
        raise MergeError("cổng cần gộp có liên kết tượng trưng (symlink), lệnh không theo chúng: "
                         + ", ".join(str(p.relative_to(source)) for p in links[:5])
                         + " — chép tệp thật vào chỗ liên kết rồi chạy lại")
    theirs, ours = settings_of(source, source.name), settings_of(root, "mkdocs.yml")
    if (theirs.site_url, theirs.feed_id) == (ours.site_url, ours.feed_id) or theirs.feed_id == ours.feed_id:
        raise MergeError(f"cổng cần gộp có cùng địa chỉ hoặc mã nguồn tin với cổng này ({theirs.feed_id}) — đó là "
                         "bản sao của chính cổng này, không phải cổng khác")
    for ledger in sorted((root / "plans" / FOLDER).glob("*.yml")) if (root / "plans" / FOLDER).is_dir() else []:
        if ledger.stem == code:
            raise MergeError(f'cổng "{code}" đã được gộp (plans/{FOLDER}/{code}.yml); dùng --ma khác nếu là cổng khác')
        known = read_yaml_file(ledger, f"plans/{FOLDER}/{ledger.name}", Problems())
        known = known if isinstance(known, dict) else {}
        if theirs.site_url == known.get("site_url") or theirs.feed_id == known.get("feed_id"):
            raise MergeError(f"cổng {theirs.site_url} đã được gộp với mã \"{ledger.stem}\" (plans/{FOLDER}/{ledger.name}) "
                             "— không gộp lần thứ hai")
    return theirs
