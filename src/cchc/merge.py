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

from .loader import NEWS_DIR, load_corpus
from .model import Corpus
from .text import lookup_key, slugify

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
    for slug, unit in theirs.units.items():
        mine = ours.units.get(slug)
        if mine is not None and lookup_key(mine.name) == lookup_key(unit.name):
            lines.append(f"  {slug}: {slug}  # cùng mã, cùng tên")
            continue
        named = ours.units.get(_by_name(ours).get(lookup_key(unit.name), ""))
        if mine is not None:
            lines.append(f"  {slug}: ?  # ? mã đã có ở đây cho \"{mine.name}\", khác \"{unit.name}\": ghi mã đúng ở cổng này")
        elif named is not None:
            lines.append(f"  {slug}: {named.slug}  # ? cùng tên \"{named.name}\"")
        else:
            lines.append(f"  {slug}: {ADD}  # ? \"{unit.name}\" chưa có ở đây")
    return "\n".join(lines) + "\n"


def _by_name(corpus: Corpus) -> dict[str, str]:
    return {lookup_key(u.name): u.slug for u in corpus.units.values()}


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
    with tempfile.TemporaryDirectory(prefix="gop-cong-", dir=root / "build" if (root / "build").is_dir() else None) as tmp:
        stage = Path(tmp) / "du-an"
        stage.mkdir()
        for name in ("docs", "plans"):
            shutil.copytree(root / name, stage / name)
        shutil.copy2(root / "mkdocs.yml", stage / "mkdocs.yml")
        ledger, written, checks = Ledger(), [], []
        renames = {s: t for s, t in mapping.items() if t not in (ADD, s)}
        added = [s for s, t in mapping.items() if t == ADD]
        if added:  # the other portal's units, as written there (lifetimes, comments and all)
            blocks = _unit_blocks((source / "plans" / "don-vi.yml").read_text(encoding="utf-8"))
            vocab = stage / "plans" / "don-vi.yml"
            text = vocab.read_text(encoding="utf-8").rstrip("\n")
            text += f"\n\n# --- Gộp từ cổng \"{code}\" (cchc gop-cong) ---\n" + "".join(_replace_slugs(blocks[s], renames) for s in added)
            vocab.write_text(text, encoding="utf-8")
            written.append("plans/don-vi.yml")
        media = _copy_media(source, stage, code, ledger, written)
        for plan in theirs.plans.values():
            file = source / plan.path
            ledger.count(ledger.before, "kế hoạch", file)
            target = stage / "plans" / file.name
            if target.exists():
                target = stage / "plans" / f"{file.stem}-{code}.md"
            front, body = _split(file.read_text(encoding="utf-8"))
            target.write_text(_replace_slugs(front, renames) + body, encoding="utf-8")
            ledger.count(ledger.after, "kế hoạch", target)
            written.append(target.relative_to(stage).as_posix())
            checks.append((target, body))
        feed_id = _setting((source / "mkdocs.yml").read_text(encoding="utf-8"), "feed_id")
        old_site = _setting((source / "mkdocs.yml").read_text(encoding="utf-8"), "site_url").rstrip("/") + "/"
        feed_id = feed_id or f"tag:{urlsplit(old_site).hostname},2024:"  # what its feeds used (plugin.py)
        taken = {i.slug for i in ours.items}
        addresses: dict[str, str] = {}
        for item in theirs.items:
            file = source / item.path
            ledger.count(ledger.before, "bài", file)
            rel = file.relative_to(source / "docs" / NEWS_DIR)
            target = stage / "docs" / NEWS_DIR / code / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            front, body = _split(file.read_text(encoding="utf-8"))
            slug = item.slug
            if slug in taken:
                slug = next(f"{item.slug}-{code}" + (f"-{n}" if n > 1 else "") for n in range(1, 1000)
                            if f"{item.slug}-{code}" + (f"-{n}" if n > 1 else "") not in taken)
                front = _set_line(front, "slug", slug)
            taken.add(slug)
            front = re.sub(r"^(unit:\s*)(\S+)", lambda m: m.group(1) + renames.get(m.group(2), m.group(2)), front, flags=re.M)
            if not item.guid:
                front = _set_line(front, "guid", f"{feed_id}{item.url}")
            for old, new in media.items():
                front, body = front.replace(old, new), body.replace(old, new)
            target.write_text(front + body, encoding="utf-8")
            ledger.count(ledger.after, "bài", target)
            written.append(target.relative_to(stage).as_posix())
            checks.append((target, body))
            addresses[item.url] = f"{NEWS_DIR}/{slug}/"
        addresses.update(_page_addresses(theirs, mapping))
        redirects = stage / REDIRECTS_DIR / f"{code}.yml"
        redirects.parent.mkdir(parents=True, exist_ok=True)
        redirects.write_text(_redirect_file(code, old_site, addresses), encoding="utf-8")
        written.append(redirects.relative_to(stage).as_posix())
        merged, problems = load_corpus(stage)
        if problems.errors:
            raise MergeError("sau khi gộp thử, nội dung có lỗi — chưa gộp gì:\n" + problems.report())
        lost = [target.name for target, body in checks if _split(target.read_text(encoding="utf-8"))[1] != body]
        if len(merged.items) != len(ours.items) + len(theirs.items) or lost:
            raise MergeError(f"kiểm đếm không khớp (bài: {len(merged.items)} ≠ {len(ours.items)} + {len(theirs.items)}; "
                             f"tệp khác: {lost[:5]}) — chưa gộp gì")
        for rel in written:  # validated: now into the project
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(stage / rel, root / rel)
    _write_server_maps(root, code, old_site, addresses, ours)
    print(ledger.table(code), file=out)
    print(f"Đã gộp: {len(theirs.items)} bài vào docs/{NEWS_DIR}/{code}/, {len(theirs.plans)} kế hoạch, "
          f"{ledger.after['tệp media'][0]} tệp media; {len(addresses)} địa chỉ cũ chuyển tiếp "
          f"({REDIRECTS_DIR}/{code}.yml, deploy/chuyen-huong/{code}.*). Mọi tệp đã được đối chiếu (SHA-256); "
          "bài dài hơn vì có thêm dòng guid: (và slug: khi địa chỉ đã có ở đây).", file=out)
    if added:
        print(f"Đã thêm {len(added)} đơn vị vào plans/don-vi.yml: ghi until:, successor:, basis: cho đơn vị nào đã "
              "thôi hoạt động (README, mục Danh mục).", file=out)
    return 0


def _set_line(front: str, key: str, value: str) -> str:
    """The front matter with `key: value` (replacing the line if there is one, else before the closing fence)."""
    if re.search(rf"^{key}:", front, re.M):
        return re.sub(rf"^{key}:.*$", f"{key}: {value}", front, count=1, flags=re.M)
    return front[: front.rindex("\n---")] + f"\n{key}: {value}" + front[front.rindex("\n---"):]


def _copy_media(source: Path, stage: Path, code: str, ledger: Ledger, written: list[str]) -> dict[str, str]:
    """Every media file of the other portal; returns the paths that had to move (old -> new, docs-relative)."""
    moved = {}
    docs = source / "docs"
    for file in sorted(p for p in docs.rglob("*") if p.is_file()):
        rel = file.relative_to(docs)
        if rel.parts[0] in _SKIPPED_DOCS or file.suffix == ".md" or any(part.startswith(".") for part in rel.parts):
            continue
        ledger.count(ledger.before, "tệp media", file)
        target = stage / "docs" / rel
        if target.exists() and _sha(target) != _sha(file):
            new_rel = Path(rel.parts[0], code, *rel.parts[1:])
            moved[rel.as_posix()] = new_rel.as_posix()
            target = stage / "docs" / new_rel
        elif target.exists():
            ledger.count(ledger.after, "tệp media", target)
            continue  # the very same file is already here
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(file, target)
        if _sha(target) != _sha(file):
            raise MergeError(f"chép {rel} không trọn vẹn — chưa gộp gì")
        ledger.count(ledger.after, "tệp media", target)
        written.append(target.relative_to(stage).as_posix())
    return moved


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


def _write_server_maps(root: Path, code: str, old_site: str, addresses: dict[str, str], ours: Corpus) -> None:
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
