"""`cchc gop-cong THƯ_MỤC`: merge another portal's project (its docs/ and plans/) into this one, losing nothing.

A merged province's portal carries the archives of the portals it replaces. The merge:
- refuses, before writing anything, a source that is not another portal's clean project (portals/source.py);
- maps the other portal's units onto this vocabulary through a file staff check (plans/gop-<mã>.yml, drafted
  with suggestions on the first run): a unit is the same one, another one of ours, or added as it was ("them");
- puts its items under docs/tin-tuc/<mã>/ (the same relative paths), its own pages under docs/<mã>/; an item
  whose address /tin-tuc/<slug>/ is taken here gets the slug "<slug>-<mã>" (the README states this rule);
- marks every item `merged_from: <mã>` (history: never announced as new here) and gives it a `guid:` line
  with the feed ID it had there; relative links in bodies are pointed again at their files (portals/links.py);
- copies its plans and media (a media path taken here by a different file goes under <folder>/<mã>/…);
- writes the ledger plans/cong-cu/<mã>.yml: every old address and its new one, renamed slugs, moved files,
  and the items each old feed carried (the build keeps those feeds at cong-cu/<mã>/…); and the old server's
  nginx and Apache maps in deploy/chuyen-huong/;
- is all or nothing: made in a scratch copy, validated and built there (strict), then moved in (staging.py);
  a ledger of counts and bytes is printed and every copied file is compared by checksum.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import yaml

from ..content import dates, progress
from ..content.corpus import Corpus
from ..content.loader import NEWS_DIR, load_corpus
from ..content.text import lookup_key, slugify
from ..site.feeds import FeedSettings
from .addresses import (
    apache_map,
    archive_path,
    free_slug,
    new_address,
    nginx_map,
    old_catalogue,
    page_url,
    site_pages,
)
from .links import rewrite
from .source import MergeError, PortalSettings, refuse_code, refuse_source, settings_of
from .staging import FOLDER, Stage, stop_here

ADD = "them"
REDIRECTS_DIR = "plans/cong-cu"
_SKIPPED_DOCS = {"assets"}  # the other portal's theme files are not content


@dataclass
class Ledger:
    """What was there and what arrived, per kind: count and bytes."""

    before: dict[str, list[int]] = field(default_factory=lambda: {"bài": [0, 0], "kế hoạch": [0, 0], "tệp media": [0, 0]})
    after: dict[str, list[int]] = field(default_factory=lambda: {"bài": [0, 0], "kế hoạch": [0, 0], "tệp media": [0, 0]})

    def count(self, side: dict[str, list[int]], kind: str, file: Path) -> None:
        side[kind][0] += 1
        side[kind][1] += file.stat().st_size

    def table(self, code: str) -> str:
        lines = [f"Sổ gộp cổng \"{code}\":", f"  {'loại':<10}{'ở cổng cũ':>12}{'bytes':>14}{'đã gộp':>10}{'bytes':>14}"]
        for kind in self.before:
            b, a = self.before[kind], self.after[kind]
            lines.append(f"  {kind:<10}{b[0]:>12}{b[1]:>14,}{a[0]:>10}{a[1]:>14,}")
        return "\n".join(lines).replace(",", ".")


def _sha(file: Path) -> str:
    return hashlib.sha256(file.read_bytes()).hexdigest()


def _unit_blocks(text: str) -> dict[str, str]:
    """Each top-level entry of a vocabulary file as written (comments inside kept), by slug."""
    blocks, current, lines = {}, None, []
    for line in text.split("\n"):
        top = re.match(r"^([a-z0-9-]+):\s*$", line)
        if top or (line and not line[0].isspace() and not line.startswith("#")):
            if current:
                blocks[current] = "\n".join(lines).rstrip() + "\n"
            current, lines = (top.group(1) if top else None), []
        if current:
            lines.append(line)
    if current:
        blocks[current] = "\n".join(lines).rstrip() + "\n"
    return blocks


def draft_mapping(ours: Corpus, theirs: Corpus, code: str) -> str:
    """plans/gop-<mã>.yml as first written: every unit of the other portal with our suggestion."""
    lines = [f"# Đối chiếu đơn vị của cổng \"{code}\" với danh mục plans/don-vi.yml của cổng này (cchc gop-cong).",
             "# Mỗi dòng: mã ở cổng cũ: mã ở cổng này (cùng một đơn vị), hoặc them (thêm đơn vị đó vào danh mục, giữ",
             "# nguyên mã, tên và thời gian hoạt động: bài cũ giữ đúng tên đơn vị ngày đăng). Kiểm tra từng dòng có",
             "# dấu ?, sửa nếu cần, rồi chạy lại lệnh.", "don-vi:"]
    by_name = {lookup_key(u.name): u.slug for u in ours.units.values()}
    for slug, unit in theirs.units.items():
        mine = ours.units.get(slug)
        if mine is not None and lookup_key(mine.name) == lookup_key(unit.name):
            lines.append(f"  {slug}: {slug}  # cùng mã, cùng tên")
            continue
        named = ours.units.get(by_name.get(lookup_key(unit.name), ""))
        if mine is not None:
            lines.append(f"  {slug}: ?  # ? mã đã có ở đây cho \"{mine.name}\", khác \"{unit.name}\": ghi mã đúng ở cổng này")
        elif named is not None:
            lines.append(f"  {slug}: {named.slug}  # ? cùng tên \"{named.name}\"")
        else:
            lines.append(f"  {slug}: {ADD}  # ? \"{unit.name}\" chưa có ở đây")
    return "\n".join(lines) + "\n"


def read_mapping(file: Path, ours: Corpus, theirs: Corpus) -> dict[str, str]:
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise MergeError(f"không đọc được {file.name}: {exc}") from None
    units = data.get("don-vi") if isinstance(data, dict) else None
    if not isinstance(units, dict):
        raise MergeError(f"{file.name} cần mục don-vi: (xem bản nháp lệnh đã ghi)")
    mapping, problems = {}, []
    for slug in theirs.units:
        value = str(units.get(slug, "")).strip()
        if not value or value == "?":
            problems.append(f'đơn vị "{slug}" chưa được đối chiếu (ghi mã ở cổng này hoặc {ADD})')
        elif value == ADD and slug in ours.units:
            problems.append(f'không thêm được "{slug}": mã này đã có ở đây cho "{ours.units[slug].name}"')
        elif value != ADD and value not in ours.units:
            problems.append(f'"{slug}: {value}": "{value}" không có trong plans/don-vi.yml của cổng này')
        else:
            mapping[slug] = value
    if problems:
        raise MergeError(f"{file.name} còn chỗ chưa đúng:\n  " + "\n  ".join(problems))
    return mapping


def _replace_slugs(text: str, renames: dict[str, str]) -> str:
    """Unit codes renamed as whole words in a front matter (a code is never part of another word)."""
    if not renames:
        return text
    pattern = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, sorted(renames, key=len, reverse=True))) + r")(?![\w-])")
    return pattern.sub(lambda m: renames[m.group(1)], text)


def _split(text: str) -> tuple[str, str]:
    """(front matter with its fences, body) of a Markdown file the loader has accepted."""
    end = text.index("\n---", 3) + 4
    return text[:end], text[end:]


def merge(root: Path, source: Path, code: str, build: Callable, out=sys.stdout) -> int:
    """`build(project, site_dir)` -> (ok, messages): the strict build the trial copy must pass (the command line
    gives the site's; this package knows no engine)."""
    root = root.resolve()
    refuse_code(code, root)
    old = refuse_source(root, source, code)
    source = source.resolve()
    ours_settings = settings_of(root, "mkdocs.yml")
    now = dates.now()
    progress.begin("đọc hai cổng")
    theirs, problems = load_corpus(source, now)
    if problems.blocking(True):
        raise MergeError("cổng cần gộp còn lỗi hoặc cảnh báo (kiểm tra như make build), sửa ở đó trước:\n" + problems.report())
    ours, problems = load_corpus(root, now)
    if problems.errors:
        raise MergeError("cổng này còn lỗi, sửa trước khi gộp:\n" + problems.report())
    mapping_file = root / "plans" / f"gop-{code}.yml"
    if not mapping_file.exists():
        mapping_file.write_text(draft_mapping(ours, theirs, code), encoding="utf-8")
        print(f"Đã ghi bản đối chiếu đơn vị {mapping_file.relative_to(root)} (có gợi ý). Kiểm tra các dòng có dấu ?, "
              "rồi chạy lại lệnh này. Chưa có gì được gộp.", file=out)
        return 1
    mapping = read_mapping(mapping_file, ours, theirs)
    plan_clash = sorted(set(theirs.plans) & set(ours.plans))
    if plan_clash:
        raise MergeError("kế hoạch trùng mã ở hai cổng: " + ", ".join(plan_clash) + " — đổi id: ở cổng cũ trước")
    stage = Stage(root, code)
    print(f"Đang gộp thử trong {FOLDER}/{code}/ (dự án chưa đổi gì)…", file=out)
    try:
        return _merge_in(stage, source, code, theirs, ours, mapping, old, ours_settings, now, build, out)
    finally:
        stage.abandon()  # whatever the outcome, no scratch copy is left (a committed one is gone already)


def _merge_in(stage: Stage, source: Path, code: str, theirs: Corpus, ours: Corpus, mapping: dict[str, str],
              old: PortalSettings, ours_settings: PortalSettings, now, build: Callable, out) -> int:
    root = stage.root
    progress.begin("chép và đối chiếu tệp")
    stage.prepare()
    job = _Merge(source, stage, code, theirs, mapping, old)
    job.units()
    job.media()
    job.plans()
    job.pages()
    job.items({i.slug for i in ours.items})
    job.ledger_file({})  # the items' merged_from names it: loaded below
    progress.begin("kiểm tra bản gộp thử")
    merged, problems = load_corpus(stage.project, now)
    if problems.blocking(True):
        raise MergeError("sau khi gộp thử, nội dung có lỗi — chưa gộp gì:\n" + problems.report())
    if len(merged.items) != len(ours.items) + len(theirs.items):
        raise MergeError(f"kiểm đếm không khớp (bài: {len(merged.items)} ≠ {len(ours.items)} + {len(theirs.items)}) — chưa gộp gì")
    addresses = job.addresses(merged, now)
    job.ledger_file(addresses)
    job.server_maps(addresses, ours_settings.site_url)
    stop_here("truoc-dung")
    progress.end(f"{len(merged.items)} bài, {len(addresses)} địa chỉ cũ")
    with _audio_cache(root):
        ok, messages = build(stage.project, stage.folder / "site")
    if not ok:
        raise MergeError("bản gộp thử không dựng được trang (make build) — chưa gộp gì:\n  " + "\n  ".join(messages))
    stop_here("dung-xong")
    progress.begin("đưa vào dự án")
    stage.commit(sorted(set(job.written)))
    progress.end()
    print(job.ledger.table(code), file=out)
    print(f"Đã gộp: {len(theirs.items)} bài vào docs/{NEWS_DIR}/{code}/, {len(theirs.plans)} kế hoạch, "
          f"{job.ledger.after['tệp media'][0]} tệp media, {len(job.renamed)} bài đổi địa chỉ; {len(addresses)} địa chỉ "
          f"cũ chuyển tiếp ({REDIRECTS_DIR}/{code}.yml, deploy/chuyen-huong/{code}.*). Mọi tệp đã được đối chiếu "
          "(SHA-256); bản gộp đã được dựng thử trọn vẹn.", file=out)
    if job.links:
        print(f"Đã sửa {job.links} liên kết tương đối trong bài (ảnh, tệp) cho đúng chỗ mới.", file=out)
    if job.skipped:
        print("Không gộp (giao diện của cổng cũ, không phải nội dung): " + ", ".join(job.skipped), file=out)
    if job.added:
        print(f"Đã thêm {len(job.added)} đơn vị vào plans/don-vi.yml: ghi until:, successor:, basis: cho đơn vị nào đã "
              "thôi hoạt động (README, mục Danh mục).", file=out)
    return 0


@contextmanager
def _audio_cache(root: Path):
    """The trial build reuses this project's automatic readings (they depend on the text alone)."""
    saved = os.environ.get("CCHC_AUDIO_CACHE")
    os.environ["CCHC_AUDIO_CACHE"] = saved or str(root / "build" / "cache" / "audio")
    try:
        yield
    finally:
        os.environ.pop("CCHC_AUDIO_CACHE") if saved is None else os.environ.__setitem__("CCHC_AUDIO_CACHE", saved)


class _Merge:
    """The steps of one merge, all written into the scratch copy and listed in `written` (project-relative)."""

    def __init__(self, source: Path, stage: Stage, code: str, theirs: Corpus, mapping: dict[str, str],
                 old: PortalSettings) -> None:
        self.source, self.stage, self.code, self.theirs, self.old = source, stage, code, theirs, old
        self.mapping = mapping
        self.renames = {s: t for s, t in mapping.items() if t not in (ADD, s)}
        self.added = [s for s, t in mapping.items() if t == ADD]
        self.ledger = Ledger()
        self.written: list[str] = []
        self.moved: dict[str, str] = {}  # media paths that had to change (docs-relative)
        self.files: set[str] = set()  # every non-Markdown file of the old docs/ (docs-relative)
        self.page_files: dict[str, str] = {}  # the old portal's own pages: docs-relative old -> new
        self.renamed: dict[str, str] = {}  # item slugs that had to change
        self.slugs: dict[str, str] = {}  # every item: old slug -> slug here
        self.skipped: list[str] = []
        self.links = 0

    def write(self, rel: str, text: str) -> Path:
        self.written.append(rel)
        return self.stage.replace(rel, text.encode("utf-8"))

    def units(self) -> None:
        """The other portal's units we add, as written there (lifetimes, comments and all)."""
        if not self.added:
            return
        blocks = _unit_blocks((self.source / "plans" / "don-vi.yml").read_text(encoding="utf-8"))
        text = (self.stage.project / "plans" / "don-vi.yml").read_text(encoding="utf-8").rstrip("\n")
        text += f"\n\n# --- Gộp từ cổng \"{self.code}\" (cchc gop-cong) ---\n"
        self.write("plans/don-vi.yml", text + "".join(_replace_slugs(blocks[s], self.renames) for s in self.added))

    def media(self) -> None:
        """Every media file; a path taken here by a different file moves under <folder>/<mã>/."""
        docs = self.source / "docs"
        for file in sorted(p for p in docs.rglob("*") if p.is_file()):
            rel = file.relative_to(docs)
            if any(part.startswith(".") for part in rel.parts):
                self.skipped.append(f"docs/{rel.as_posix()}")
                continue
            if rel.parts[0] in _SKIPPED_DOCS:
                if f"docs/{rel.parts[0]}/" not in self.skipped:
                    self.skipped.append(f"docs/{rel.parts[0]}/")
                continue
            if file.suffix == ".md":
                continue
            self.files.add(rel.as_posix())
            self.ledger.count(self.ledger.before, "tệp media", file)
            target = self.stage.project / "docs" / rel
            if target.exists() and _sha(target) == _sha(file):
                self.ledger.count(self.ledger.after, "tệp media", target)
                continue  # the very same file is already here
            if target.exists():
                new_rel = Path(rel.parts[0], self.code, *rel.parts[1:])
                self.moved[rel.as_posix()] = new_rel.as_posix()
                target = self.stage.project / "docs" / new_rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(file, target)
            if _sha(target) != _sha(file):
                raise MergeError(f"chép {rel} không trọn vẹn — chưa gộp gì")
            self.ledger.count(self.ledger.after, "tệp media", target)
            self.written.append(target.relative_to(self.stage.project).as_posix())

    def where(self, rel: str) -> str | None:
        """Where a file of the old docs/ is now (docs-relative), None if the old portal has no such file."""
        if rel.startswith(f"{NEWS_DIR}/") and rel.endswith(".md") and (self.source / "docs" / rel).is_file():
            return f"{NEWS_DIR}/{self.code}/{rel[len(NEWS_DIR) + 1:]}"
        if rel in self.page_files:
            return self.page_files[rel]
        if rel.endswith(".md") and not (self.source / "docs" / rel).exists():
            return rel  # a page the site makes (chu-de/index.md…): the merged site makes it too, at the same place
        return self.moved.get(rel, rel) if rel in self.files else None

    def plans(self) -> None:
        for plan in self.theirs.plans.values():
            file = self.source / plan.path
            self.ledger.count(self.ledger.before, "kế hoạch", file)
            name = file.name if not (self.stage.project / "plans" / file.name).exists() else f"{file.stem}-{self.code}.md"
            front, body = _split(file.read_text(encoding="utf-8"))
            target = self.write(f"plans/{name}", _replace_slugs(front, self.renames) + body)
            self.ledger.count(self.ledger.after, "kế hoạch", target)

    def pages(self) -> None:
        """The old portal's own pages (docs/*.md outside the news), under docs/<mã>/ with their links mended."""
        docs = self.source / "docs"
        found = sorted(p for p in docs.rglob("*.md") if not p.relative_to(docs).parts[0] in (NEWS_DIR, *_SKIPPED_DOCS))
        self.page_files = {p.relative_to(docs).as_posix(): f"{self.code}/{p.relative_to(docs).as_posix()}" for p in found}
        for old_rel, new_rel in self.page_files.items():
            text = (docs / old_rel).read_text(encoding="utf-8")
            text, changed = rewrite(text, old_rel, new_rel, self.where)
            self.links += changed
            self.write(f"docs/{new_rel}", text)

    def items(self, taken: set[str]) -> None:
        """Items under docs/tin-tuc/<mã>/, marked as merged, their links mended."""
        for item in self.theirs.items:
            file = self.source / item.path
            self.ledger.count(self.ledger.before, "bài", file)
            front, body = _split(file.read_text(encoding="utf-8"))
            slug = free_slug(item.slug, self.code, taken)
            if slug != item.slug:
                front = _set_line(front, "slug", slug)
                self.renamed[item.slug] = slug
            self.slugs[item.slug] = slug
            taken.add(slug)
            front = re.sub(r"^(unit:\s*)(\S+)", lambda m: m.group(1) + self.renames.get(m.group(2), m.group(2)),
                           front, flags=re.M)
            if not item.guid:  # an item merged twice keeps its first ID
                front = _set_line(front, "guid", f"{self.old.feed_id}{item.url}")
            front = _set_line(front, "merged_from", self.code)
            front = re.sub(r"^(\s*[a-z_]+:\s*[\"']?)([^\"'\s#]+)", lambda m: m.group(1) + self.moved.get(m.group(2), m.group(2)),
                           front, flags=re.M)
            old_rel = item.src_uri
            new_rel = f"{NEWS_DIR}/{self.code}/{old_rel[len(NEWS_DIR) + 1:]}"
            body, changed = rewrite(body, old_rel, new_rel, self.where)
            self.links += changed
            self.ledger.count(self.ledger.after, "bài", self.write(f"docs/{new_rel}", front + body))

    def addresses(self, merged: Corpus, now) -> dict[str, str]:
        """Every old address -> its address here (addresses.py)."""
        pages = site_pages(merged, now, self.old.per_page)
        units = {s: (s if t == ADD else t) for s, t in self.mapping.items()}
        settings = FeedSettings(self.old.site_url, self.old.site_name, "", self.old.feed_id, self.old.site_name)
        self.feeds, bulletin_pages = old_catalogue(self.theirs, now, settings, self.old.per_page)
        found = {}
        for old in site_pages(self.theirs, now, self.old.per_page) | set(bulletin_pages):
            found[old] = new_address(old, pages, units)
        for item in self.theirs.published(now):
            found[item.url] = f"{NEWS_DIR}/{self.slugs[item.slug]}/"
        for old_rel, new_rel in self.page_files.items():
            found[page_url(old_rel)] = page_url(new_rel)
        for feed, _ in self.feeds:
            found[feed.path] = archive_path(self.code, feed.path)
        for rel in self.files:
            found[rel] = self.moved.get(rel, rel)
        return found

    def ledger_file(self, addresses: dict[str, str]) -> None:
        feeds = {feed.path: {"tieu_de": feed.title, "bai": [self.slugs[i.slug] for i in items]}
                 for feed, items in getattr(self, "feeds", [])}
        data = {"ma": self.code, "ten": self.old.site_name, "site_url": self.old.site_url, "feed_id": self.old.feed_id,
                "gop_luc": dates.now().strftime("%d/%m/%Y %H:%M"),
                "dia_chi": {(old or "/"): (new or "/") for old, new in sorted(addresses.items())},
                "doi_ten": dict(sorted(self.renamed.items())), "tep_chuyen": dict(sorted(self.moved.items())),
                "nguon_tin": feeds}
        header = (f"# Sổ gộp cổng \"{self.code}\" (cchc gop-cong): cổng cũ, địa chỉ cũ (tính từ site_url cũ) -> địa chỉ ở "
                  "đây, bài đổi địa chỉ (doi_ten),\n# tệp đổi chỗ (tep_chuyen), các bài mỗi nguồn tin cũ mang "
                  "(nguon_tin: bản dựng giữ các nguồn tin này tại cong-cu/<mã>/…).\n# Không sửa tay.\n")
        self.write(f"{REDIRECTS_DIR}/{self.code}.yml",
                   header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000))

    def server_maps(self, addresses: dict[str, str], new_site: str) -> None:
        self.write(f"deploy/chuyen-huong/{self.code}.nginx.conf", nginx_map(self.code, self.old.site_url, new_site, addresses))
        self.write(f"deploy/chuyen-huong/{self.code}.htaccess", apache_map(self.code, self.old.site_url, new_site, addresses))


def _set_line(front: str, key: str, value: str) -> str:
    """The front matter with `key: value` (replacing the line if there is one, else before the closing fence)."""
    if re.search(rf"^{key}:", front, re.M):
        return re.sub(rf"^{key}:.*$", f"{key}: {value}", front, count=1, flags=re.M)
    return front[: front.rindex("\n---")] + f"\n{key}: {value}" + front[front.rindex("\n---"):]


def run(root: Path, source: Path, code: str | None, build: Callable) -> int:
    code = code if code is not None else slugify(source.resolve().name)
    try:
        return merge(root, source, code, build)
    except MergeError as exc:
        print(f"Không gộp: {exc}", file=sys.stderr)
        return 1
