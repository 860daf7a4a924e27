"""`cchc gop-cong THƯ_MỤC`: merge another portal's project (its docs/ and plans/) into this one, losing nothing.

A merged province's portal carries the archives of the portals it replaces. The merge:
- maps the other portal's units onto this vocabulary through a file staff check (plans/gop-<mã>.yml, drafted
  with suggestions on the first run): a unit is the same one, another one of ours, or added as it was ("them");
- puts its items under docs/tin-tuc/<mã>/ (the same relative paths); an item whose address /tin-tuc/<slug>/ is
  already taken here gets the slug "<slug>-<mã>" — the README states this rule;
- gives every item a `guid:` line with the feed ID it had there, so feed readers never see it again as new;
- copies its plans and media (a media path taken here by a different file goes under <folder>/<mã>/…);
- records every old address and its new one in plans/cong-cu/<mã>.yml: the build publishes a static redirect
  page for each (site/cong-cu/<mã>/<old address>), and deploy/chuyen-huong/ gets nginx and Apache maps;
- is all-or-nothing: everything is written to a staging copy and validated first; then a ledger is printed
  (items, plans, media files, bytes, per source and after) and every copied file is compared by checksum.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from ..content.corpus import Corpus
from ..content.loader import NEWS_DIR, load_corpus
from ..content.text import lookup_key, slugify

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


class MergeError(Exception):
    """Why nothing was merged (Vietnamese, for staff)."""


def _sha(file: Path) -> str:
    return hashlib.sha256(file.read_bytes()).hexdigest()


def _setting(config: str, key: str) -> str:
    found = re.search(rf'^\s*{key}:\s*"?([^"\s#]+)', config, re.M)
    return found.group(1) if found else ""


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


def merge(root: Path, source: Path, code: str, out=sys.stdout) -> int:
    root, source = root.resolve(), source.resolve()
    if not (source / "docs" / NEWS_DIR).is_dir() or not (source / "plans").is_dir():
        raise MergeError(f"{source} không phải thư mục dự án của một cổng (cần docs/{NEWS_DIR}/ và plans/)")
    theirs, problems = load_corpus(source)
    if problems.errors:
        raise MergeError("cổng cần gộp còn lỗi, sửa ở đó trước:\n" + problems.report())
    ours, problems = load_corpus(root)
    if problems.errors:
        raise MergeError("cổng này còn lỗi, sửa trước khi gộp:\n" + problems.report())
    if (root / REDIRECTS_DIR / f"{code}.yml").exists():
        raise MergeError(f'cổng "{code}" đã được gộp ({REDIRECTS_DIR}/{code}.yml); dùng --ma khác nếu là cổng khác')
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
    with tempfile.TemporaryDirectory(prefix="gop-cong-") as tmp:
        stage = Path(tmp)
        for name in ("docs", "plans"):
            shutil.copytree(root / name, stage / name)
        shutil.copy2(root / "mkdocs.yml", stage / "mkdocs.yml")
        job = _Merge(source, stage, code, theirs, mapping)
        job.units()
        job.media()
        job.plans()
        addresses = job.items({i.slug for i in ours.items})
        addresses.update(_page_addresses(theirs, mapping))
        job.write(f"{REDIRECTS_DIR}/{code}.yml", _redirect_file(code, job.old_site, addresses))
        merged, problems = load_corpus(stage)
        if problems.errors:
            raise MergeError("sau khi gộp thử, nội dung có lỗi — chưa gộp gì:\n" + problems.report())
        changed = [rel for rel, body in job.bodies if _split((stage / rel).read_text(encoding="utf-8"))[1] != body]
        if len(merged.items) != len(ours.items) + len(theirs.items) or changed:
            raise MergeError(f"kiểm đếm không khớp (bài: {len(merged.items)} ≠ {len(ours.items)} + {len(theirs.items)}; "
                             f"tệp khác: {changed[:5]}) — chưa gộp gì")
        for rel in job.written:  # validated: now into the project
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(stage / rel, root / rel)
    _write_server_maps(root, code, job.old_site, addresses)
    print(job.ledger.table(code), file=out)
    print(f"Đã gộp: {len(theirs.items)} bài vào docs/{NEWS_DIR}/{code}/, {len(theirs.plans)} kế hoạch, "
          f"{job.ledger.after['tệp media'][0]} tệp media; {len(addresses)} địa chỉ cũ chuyển tiếp "
          f"({REDIRECTS_DIR}/{code}.yml, deploy/chuyen-huong/{code}.*). Mọi tệp đã được đối chiếu (SHA-256); "
          "bài dài hơn vì có thêm dòng guid: (và slug: khi địa chỉ đã có ở đây).", file=out)
    if job.added:
        print(f"Đã thêm {len(job.added)} đơn vị vào plans/don-vi.yml: ghi until:, successor:, basis: cho đơn vị nào đã "
              "thôi hoạt động (README, mục Danh mục).", file=out)
    return 0


class _Merge:
    """The steps of one merge, all written into the staging copy `stage` and listed in `written`."""

    def __init__(self, source: Path, stage: Path, code: str, theirs: Corpus, mapping: dict[str, str]) -> None:
        self.source, self.stage, self.code, self.theirs = source, stage, code, theirs
        self.renames = {s: t for s, t in mapping.items() if t not in (ADD, s)}
        self.added = [s for s, t in mapping.items() if t == ADD]
        self.ledger = Ledger()
        self.written: list[str] = []
        self.bodies: list[tuple[str, str]] = []  # (written file, the body it must have)
        self.moved: dict[str, str] = {}  # media paths that had to change (docs-relative)
        config = (source / "mkdocs.yml").read_text(encoding="utf-8")
        self.old_site = _setting(config, "site_url").rstrip("/") + "/"
        self.feed_id = _setting(config, "feed_id") or f"tag:{urlsplit(self.old_site).hostname},2024:"  # as site/syndication.py

    def write(self, rel: str, text: str) -> Path:
        target = self.stage / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        self.written.append(rel)
        return target

    def units(self) -> None:
        """The other portal's units we add, as written there (lifetimes, comments and all)."""
        if not self.added:
            return
        blocks = _unit_blocks((self.source / "plans" / "don-vi.yml").read_text(encoding="utf-8"))
        text = (self.stage / "plans" / "don-vi.yml").read_text(encoding="utf-8").rstrip("\n")
        text += f"\n\n# --- Gộp từ cổng \"{self.code}\" (cchc gop-cong) ---\n"
        self.write("plans/don-vi.yml", text + "".join(_replace_slugs(blocks[s], self.renames) for s in self.added))

    def media(self) -> None:
        """Every media file; a path taken here by a different file moves under <folder>/<mã>/."""
        docs = self.source / "docs"
        for file in sorted(p for p in docs.rglob("*") if p.is_file()):
            rel = file.relative_to(docs)
            if rel.parts[0] in _SKIPPED_DOCS or file.suffix == ".md" or any(part.startswith(".") for part in rel.parts):
                continue
            self.ledger.count(self.ledger.before, "tệp media", file)
            target = self.stage / "docs" / rel
            if target.exists() and _sha(target) == _sha(file):
                self.ledger.count(self.ledger.after, "tệp media", target)
                continue  # the very same file is already here
            if target.exists():
                new_rel = Path(rel.parts[0], self.code, *rel.parts[1:])
                self.moved[rel.as_posix()] = new_rel.as_posix()
                target = self.stage / "docs" / new_rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(file, target)
            if _sha(target) != _sha(file):
                raise MergeError(f"chép {rel} không trọn vẹn — chưa gộp gì")
            self.ledger.count(self.ledger.after, "tệp media", target)
            self.written.append(target.relative_to(self.stage).as_posix())

    def plans(self) -> None:
        for plan in self.theirs.plans.values():
            file = self.source / plan.path
            self.ledger.count(self.ledger.before, "kế hoạch", file)
            name = file.name if not (self.stage / "plans" / file.name).exists() else f"{file.stem}-{self.code}.md"
            front, body = _split(file.read_text(encoding="utf-8"))
            target = self.write(f"plans/{name}", _replace_slugs(front, self.renames) + body)
            self.ledger.count(self.ledger.after, "kế hoạch", target)
            self.bodies.append((f"plans/{name}", body))

    def items(self, taken: set[str]) -> dict[str, str]:
        """Items under docs/tin-tuc/<mã>/; returns their old addresses and new ones."""
        addresses = {}
        for item in self.theirs.items:
            file = self.source / item.path
            self.ledger.count(self.ledger.before, "bài", file)
            front, body = _split(file.read_text(encoding="utf-8"))
            slug = _free_slug(item.slug, self.code, taken)
            if slug != item.slug:
                front = _set_line(front, "slug", slug)
            taken.add(slug)
            front = re.sub(r"^(unit:\s*)(\S+)", lambda m: m.group(1) + self.renames.get(m.group(2), m.group(2)),
                           front, flags=re.M)
            if not item.guid:  # an item merged twice keeps its first ID
                front = _set_line(front, "guid", f"{self.feed_id}{item.url}")
            for old, new in self.moved.items():
                front, body = front.replace(old, new), body.replace(old, new)
            rel = f"docs/{NEWS_DIR}/{self.code}/{file.relative_to(self.source / 'docs' / NEWS_DIR).as_posix()}"
            self.ledger.count(self.ledger.after, "bài", self.write(rel, front + body))
            self.bodies.append((rel, body))
            addresses[item.url] = f"{NEWS_DIR}/{slug}/"
        return addresses


def _free_slug(slug: str, code: str, taken: set[str]) -> str:
    """The README's rule: an address taken here becomes <slug>-<mã>, then <slug>-<mã>-2, -3…"""
    if slug not in taken:
        return slug
    candidate, n = f"{slug}-{code}", 1
    while candidate in taken:
        n += 1
        candidate = f"{slug}-{code}-{n}"
    return candidate


def _set_line(front: str, key: str, value: str) -> str:
    """The front matter with `key: value` (replacing the line if there is one, else before the closing fence)."""
    if re.search(rf"^{key}:", front, re.M):
        return re.sub(rf"^{key}:.*$", f"{key}: {value}", front, count=1, flags=re.M)
    return front[: front.rindex("\n---")] + f"\n{key}: {value}" + front[front.rindex("\n---"):]


def _page_addresses(theirs: Corpus, mapping: dict[str, str]) -> dict[str, str]:
    """The other portal's own pages and feeds, and where each lives now."""
    found = {"": "", "tin-tuc/": "tin-tuc/", "ke-hoach/": "ke-hoach/", "chu-de/": "chu-de/", "don-vi/": "don-vi/"}
    roots = [u.slug for u in theirs.units.values() if not u.parent]
    top = max(roots, key=lambda s: sum(1 for i in theirs.items if s in theirs.unit_ancestors(i.unit)), default="")
    top = mapping.get(top, top) if mapping.get(top) != ADD else top
    for feed in ("rss.xml", "atom.xml", "phat-thanh/rss.xml"):
        found[feed] = f"don-vi/{top}/rss.xml" if top else "rss.xml"
    for slug, target in mapping.items():
        mine = slug if target == ADD else target
        found[f"don-vi/{slug}/"] = f"don-vi/{mine}/"
        found[f"don-vi/{slug}/rss.xml"] = f"don-vi/{mine}/rss.xml"
    for plan_id in theirs.plans:
        found[f"ke-hoach/{plan_id}/"] = f"ke-hoach/{plan_id}/"
    for slug in theirs.topics:
        found[f"chu-de/{slug}/"] = f"chu-de/{slug}/"
    return found


def _redirect_file(code: str, old_site: str, addresses: dict[str, str]) -> str:
    lines = [f"# Cổng \"{code}\" đã gộp vào cổng này (cchc gop-cong). Địa chỉ cũ (tính từ site_url cũ) -> địa chỉ",
             "# ở đây. Bản dựng đăng một trang chuyển tiếp cho mỗi địa chỉ tại cong-cu/<mã>/<địa chỉ cũ>. Không sửa tay.",
             f"ma: {code}", f"site_url: {old_site}", "dia_chi:"]
    lines += [f"  {yaml.safe_dump(old or '/', allow_unicode=True).strip().removesuffix('...').strip()}: "
              f"{yaml.safe_dump(new or '/', allow_unicode=True).strip().removesuffix('...').strip()}"
              for old, new in sorted(addresses.items())]
    return "\n".join(lines) + "\n"


def _write_server_maps(root: Path, code: str, old_site: str, addresses: dict[str, str]) -> None:
    """For the old portal's web server: nginx and Apache redirects, address by address (301)."""
    folder = root / "deploy" / "chuyen-huong"
    folder.mkdir(parents=True, exist_ok=True)
    base = re.sub(r"^https?://[^/]+", "", old_site)
    config = (root / "mkdocs.yml").read_text(encoding="utf-8")
    new_site = _setting(config, "site_url").rstrip("/") + "/"
    nginx = [f"# Máy chủ của cổng cũ \"{code}\" ({old_site}): chuyển từng địa chỉ sang cổng mới (301). Dán vào khối server.",
             "location / {"]
    apache = [f"# Máy chủ Apache của cổng cũ \"{code}\" ({old_site}): chuyển từng địa chỉ sang cổng mới (301)."]
    for old, new in sorted(addresses.items()):
        nginx.append(f"    location = {base}{old} {{ return 301 {new_site}{new}; }}")
        apache.append(f"Redirect 301 {base}{old} {new_site}{new}")
    nginx.append(f"    return 301 {new_site}cong-cu/{code}/;")
    nginx.append("}")
    (folder / f"{code}.nginx.conf").write_text("\n".join(nginx) + "\n", encoding="utf-8")
    (folder / f"{code}.htaccess").write_text("\n".join(apache) + "\n", encoding="utf-8")


def run(root: Path, source: Path, code: str | None) -> int:
    code = slugify(code or source.resolve().name)
    try:
        return merge(root, source, code)
    except MergeError as exc:
        print(f"Không gộp: {exc}", file=sys.stderr)
        return 1
