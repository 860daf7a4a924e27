"""The one content loader: plans/ vocabularies and plans, docs/tin-tuc/ news items -> Corpus."""

from __future__ import annotations

import html as htmllib
import os
import posixpath
import re
from datetime import datetime
from operator import attrgetter
from pathlib import Path
from typing import Callable, TypeVar

from . import dates, lifetime
from .corpus import Corpus
from .fields import Fields
from .forked import Claims, Forked, can_fork
from .images import HOW_TO_SIZE, why_hidden
from .item_cache import Entry, ItemCache, Unpickler, signature
from .merged import load_portals
from .model import READING_WORDS, LegalDocument, NewsItem, pack_text
from .plan_files import PlanFiles
from .problems import Problems, thousands
from .publishing import IMAGES, check_tree, resolve
from .recordings import recording_refusal
from .safety import find_unsafe_html
from .settings import load_site_settings
from .source import prefetch, read_document, read_text
from .text import first_paragraph, links_to_pages, slugify, unclosed_bold
from .vocab import load_glossary, load_synonyms, load_vocabulary

T = TypeVar("T")
NEWS_DIR = "tin-tuc"
ITEM_FIELDS = {"title", "date", "updated", "summary", "topics", "unit", "type", "channel", "author", "image",
               "image_alt", "audio", "draft", "plan", "plans", "slug", "document", "guid", "merged_from"}
DOCUMENT_FIELDS = {"number", "issuer", "issued", "effective", "file"}
AUDIO_FILES = {".mp3", ".m4a", ".ogg"}
RESERVED_SLUGS = {"trang", "index"}  # /tin-tuc/trang/N/ are the listing's pages

_LINK = re.compile(r"(!?)\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+[\"'][^\"']*[\"'])?\s*\)")
_EXTERNAL = re.compile(r"^([a-z][a-z0-9+.-]*:|#|//)", re.I)


class Loader(PlanFiles):
    """Reads one project (a folder with docs/ and plans/) into a Corpus, collecting problems."""

    def __init__(self, root: Path, now: datetime | None = None) -> None:
        self.root = root.resolve()
        self.docs_dir = self.root / "docs"
        self.plans_dir = self.root / "plans"
        self.problems = Problems()
        self.now = now or dates.now()
        self.seen: dict[str, tuple | None] = {}  # files the item being loaded refers to, as they are (item_cache)

    def locate(self, target: str, base: str = "") -> tuple[str | None, bool, str]:
        """A path named by a field or link: (docs-relative path, exists, "") or (None, False, why refused).
        Whether it exists is recorded, so a cached item is re-checked when the answer changes."""
        rel, why = resolve(self.docs_dir, target, base)
        if rel is None:
            return None, False, why
        self.seen[rel] = known = signature(self.docs_dir / rel)
        return rel, known is not None, ""

    def rel(self, file: Path) -> str:
        text, prefix = str(file), str(self.root) + os.sep  # plain string work: called for every file
        return (text[len(prefix):] if text.startswith(prefix) else os.path.relpath(text, self.root)).replace(os.sep, "/")

    def load(self, cache: ItemCache | None = None) -> tuple[Corpus, Problems]:
        """The corpus and every problem found. A cache passed in is kept in memory by the caller (the
        live preview), who saves it; otherwise the one on disk is read and written back."""
        p = self.problems
        self.topics = load_vocabulary(self.plans_dir, self.root, "topics", p)
        self.units = load_vocabulary(self.plans_dir, self.root, "units", p)
        self.channels = load_vocabulary(self.plans_dir, self.root, "channels", p)
        self.types = load_vocabulary(self.plans_dir, self.root, "types", p)
        corpus = Corpus(topics=self.topics, units=self.units, channels=self.channels, types=self.types, now=self.now,
                        glossary=load_glossary(self.plans_dir, self.root, p),
                        synonyms=load_synonyms(self.plans_dir, self.root, p),
                        settings=load_site_settings(self.root, self.topics, self.units, self.types, p),
                        portals=load_portals(self.plans_dir, self.root, p))
        check_tree(self.plans_dir, self.root, p, publish=False)
        pages = check_tree(self.docs_dir, self.root, p, publish=True)  # hidden files left out (and said)
        for rel in pages:
            if not rel.startswith(NEWS_DIR + "/"):
                self.guarded(self.docs_dir / rel, self.check_page)
        refused: dict[str, str] = {}  # a plan id whose file has an error that keeps it out -> "file:line"
        own_cache = cache is None
        cache = cache or ItemCache(self.root, self.plans_dir)
        plan_files = [file for file in sorted(self.plans_dir.glob("*.md")) if not file.name.startswith(("_", "."))]
        docs = self.rel(self.docs_dir)
        files = sorted(((f"{docs}/{rel}", str(self.docs_dir / rel)) for rel in pages if rel.startswith(NEWS_DIR + "/")),
                       key=lambda pair: pair[0].split("/"))  # (project-relative path, path), in path order
        # plans are cached as items are (the preview's every edit read each plan again), and read with them
        entries = self.read_items([(self.rel(file), str(file), self.load_plan) for file in plan_files]
                                  + [(path, file, self.load_item) for path, file in files], cache)
        for file, entry in zip(plan_files, entries):
            path = self.rel(file)
            p.items.extend(entry.problems)
            if (plan := entry.item) is None:
                refused.setdefault(_plan_id(file), p.where(path))
            elif plan.id in corpus.plans:
                p.add(plan.path, plan.id_line, f'mã kế hoạch "{plan.id}" trùng với {corpus.plans[plan.id].path}', "đổi dòng id: thành mã khác")
            elif plan:
                corpus.plans[plan.id] = plan
        by_slug: dict[str, NewsItem] = {}
        for entry in entries[len(plan_files):]:
            self.problems.items.extend(entry.problems)
            item = entry.item
            if item is None:
                continue
            if item.slug in by_slug:
                first = by_slug[item.slug]
                p.add(item.path, 1, f'đường dẫn "/{item.url}" trùng với bài {first.path}',
                      'đổi tên tệp, hoặc thêm dòng "slug: ten-khac" vào phần thông tin đầu tệp')
                continue
            by_slug[item.slug] = item
        guids: dict[str, NewsItem] = {}
        for item in by_slug.values():  # a kept feed ID (guid:) is one item's only, or readers would lose one
            if item.guid and item.guid in guids:
                p.add(item.path, 1, f'mã nguồn tin (guid) "{item.guid}" trùng với bài {guids[item.guid].path}',
                      "mỗi bài giữ mã của chính nó; xóa dòng guid: của bài không được gộp từ cổng khác")
            guids.setdefault(item.guid, item)
        for item in by_slug.values():
            if item.merged_from and item.merged_from not in corpus.portals:
                p.add(item.path, 1, f'bài ghi gộp từ cổng "{item.merged_from}" nhưng không có sổ gộp plans/cong-cu/{item.merged_from}.yml',
                      "dòng merged_from: do cchc gop-cong ghi: lấy lại sổ gộp trong git, hoặc xóa dòng nếu bài không gộp từ cổng khác")
            for plan_id in item.plans:
                if plan_id in corpus.plans:
                    continue
                if where := refused.get(plan_id):
                    p.add(item.path, item.plans_line, f'kế hoạch "{plan_id}" đang có lỗi (xem {where})',
                          f"sửa lỗi ở {where} trước; dòng này không cần sửa", cause=where)
                else:
                    known = sorted(corpus.plans)[:3]
                    p.add(item.path, item.plans_line, f'kế hoạch "{plan_id}" không có trong thư mục plans/',
                          ("dùng mã id của một kế hoạch, ví dụ: " + ", ".join(known)) if known
                          else "chưa có kế hoạch nào: thêm tệp kế hoạch vào plans/ (xem mau/ke-hoach.md) hoặc xóa dòng này")
        corpus.items = sorted(by_slug.values(), key=attrgetter("date", "slug"), reverse=True)
        cache.keep_only({path for path, _ in files} | {self.rel(f) for f in plan_files})
        if own_cache:
            cache.save()
        return corpus, p

    def guarded(self, file: Path, load: Callable[[Path], T]) -> T | None:
        """Run one file's loading step; anything unexpected becomes a problem naming the file, never a traceback."""
        try:
            return load(file)
        except Exception as exc:  # noqa: BLE001 (bad input must not stop the others)
            detail = f"{type(exc).__name__}: {exc}"[:200]
            self.problems.add(self.rel(file), 0, f"không xử lý được tệp này ({detail})",
                              "kiểm tra nội dung tệp (ngày tháng, độ dài, ký tự lạ); nếu vẫn lỗi, gửi tệp cho quản trị cổng")
            return None

    def check_page(self, file: Path) -> None:
        """A Markdown page of docs/ other than a news item (the about page…): same checks as an item body."""
        path = self.rel(file)
        text = read_text(file, path, self.problems)
        if text is not None:
            rel = file.relative_to(self.docs_dir).as_posix()
            self.check_markdown(text, path, 1, posixpath.dirname(rel))

    # -- news items -------------------------------------------------------------------------------

    def read_items(self, files: list[tuple[str, str, Callable]], cache: ItemCache) -> list[Entry]:
        """Each file's cache entry (project-relative path, path, how it is loaded: an item, a plan): kept if the file
        is unchanged, else read anew. Many to read (a first or cold build) are shared with a forked child, which
        reads from the back of the list while this process reads from the front (content/forked.py Claims) and hands
        its entries back: the entries, their problems and their order are the same as read by one process."""
        entries: list[Entry | None] = []
        new: list[tuple[int, Path, str, os.stat_result, Callable]] = []
        for path, file, load in files:
            stat = os.stat(file)
            entries.append(cache.get(path, stat))
            if entries[-1] is None:
                new.append((len(entries) - 1, Path(file), path, stat, load))
        claims = Claims(len(new)) if len(new) >= PARALLEL_FROM and can_fork() else None
        child = Forked(lambda: self.read_back(new, claims, cache), Unpickler) if claims else None
        if child is None or not child.started:
            prefetch(task[1] for task in new)
            for k, file, path, stat, load in new:
                entries[k] = self.new_entry(file, path, stat, cache, load)
            return entries  # type: ignore[return-value]
        prefetch(task[1] for task in new[:len(new) // 2])  # the child asks for the other half, from the back
        for n, (k, file, path, stat, load) in enumerate(new):
            if not claims.take(n):
                break  # the child has taken the rest, from the back
            entries[k] = self.new_entry(file, path, stat, cache, load)
        given = child.result({})
        given = given if isinstance(given, dict) else {}
        for n, (k, file, path, stat, load) in enumerate(new):
            if entries[k] is None:
                if (entry := given.get(n)) is not None:
                    cache.put(path, stat, entry)
                entries[k] = entry or self.new_entry(file, path, stat, cache, load)  # the child failed: read here
        return entries  # type: ignore[return-value]

    def read_back(self, new: list[tuple[int, Path, str, os.stat_result, Callable]], claims: Claims,
                  cache: ItemCache) -> dict[int, Entry]:
        """The child's share of read_items: files taken from the back of the list, by their place in it."""
        prefetch(task[1] for task in reversed(new[len(new) // 2:]))
        read = {}
        while (n := claims.back()) is not None:
            _, file, path, stat, load = new[n]
            read[n] = self.new_entry(file, path, stat, cache, load)
        return read

    def reread(self, corpus: Corpus, file: Path, cache: ItemCache) -> Entry:
        """One news item's file as the next load finds it (put in the cache it takes it from), read with a loaded
        corpus's vocabularies: the preview's first look at a save (preview/update.py)."""
        self.topics, self.units, self.channels, self.types = corpus.topics, corpus.units, corpus.channels, corpus.types
        path, stat = self.rel(file), os.stat(file)
        return cache.get(path, stat) or self.new_entry(file, path, stat, cache)

    def new_entry(self, file: Path, path: str, stat: os.stat_result, cache: ItemCache, load=None) -> Entry:
        """A file read anew (an item, or a plan with `load_plan`), with its problems and the files it named."""
        main, self.problems, self.seen = self.problems, Problems(), {}
        try:
            item = self.guarded(file, load or self.load_item)
        finally:
            local, self.problems = self.problems, main
        entry = Entry(0, 0, item, local.items, self.seen)
        cache.put(path, stat, entry)
        return entry

    def load_item(self, file: Path) -> NewsItem | None:
        path = self.rel(file)
        doc = read_document(file, path, self.problems)
        if doc is None:
            return None
        f = Fields(doc.meta, path, self.problems, known=ITEM_FIELDS)
        title = f.text("title", required="tiêu đề")
        published = f.datetime("date", required="ngày đăng")
        src_uri = file.relative_to(self.docs_dir).as_posix()
        written = f.text("slug")
        slug = slugify(written or file.stem)
        better = next((s for s in (slug, slugify(file.stem), slugify(title or ""), f"{slug}-bai" if slug else "")
                       if s and s not in RESERVED_SLUGS),
                      "bai-moi")  # a suggestion that is itself a valid address
        if written and slug != written:
            f.error("slug", f'slug "{written}" chỉ được có chữ thường không dấu, số và gạch ngang', f"viết slug: {better}")
        elif written and slug in RESERVED_SLUGS:
            f.error("slug", f'slug "{written}" trùng đường dẫn dành riêng của trang danh sách (/{NEWS_DIR}/{slug}/)',
                    f"đổi thành slug: {better}")
        elif not slug or slug in RESERVED_SLUGS:
            f.error("slug", f'tên tệp "{file.name}" cho đường dẫn "/{NEWS_DIR}/{slug}/" không dùng được '
                            "(trống hoặc dành riêng cho trang danh sách)",
                    f"đổi tên tệp thành {better}.md, hoặc thêm dòng slug: {better}")
        slug = slug if slug and slug not in RESERVED_SLUGS else better
        item_type = f.ref("type", self.types) or ("tin" if not f.has("type") else "")
        item = NewsItem(
            path=path, src_uri=src_uri, slug=slug, title=title, date=published or self.now,
            summary=f.text("summary"), excerpt=first_paragraph(doc.body),
            updated=f.datetime("updated"),
            topics=f.refs("topics", self.topics),
            unit=f.ref("unit", self.units, required="đơn vị đăng tin"),
            type=item_type,
            channel=f.ref("channel", self.channels) if f.has("channel") else "cong-thong-tin",
            author=f.text("author"),
            image=f.file("image", self.locate, "ảnh", IMAGES, "ảnh JPG, PNG, GIF, WebP hoặc SVG"),
            image_alt=f.text("image_alt"),
            audio=f.file("audio", self.locate, "âm thanh", AUDIO_FILES, "âm thanh MP3 (hoặc M4A, OGG)"),
            draft=f.flag("draft"),
            plans=tuple(str(v).strip() for key in ("plan", "plans") for v, _ in f.items(key)),
            plans_line=f.line("plans") if f.has("plans") else f.line("plan"),
            guid=f.text("guid"),
            merged_from=f.text("merged_from"),
            packed_body=pack_text(doc.body), body_line=doc.body_line, links_pages=links_to_pages(doc.body),
        )
        if not item.topics and not f.has("topics"):
            self.problems.add(path, 1, "bài chưa gắn chủ đề (topics)", 'thêm dòng "topics: [thu-tuc-hanh-chinh]" (mã trong plans/chu-de.yml)')
        if item.image and (why := why_hidden(self.docs_dir / item.image)):
            self.problems.warn(path, f.line("image"), why, HOW_TO_SIZE)
        words = len(doc.body.split())
        if item.audio and self.seen.get(item.audio) and (why := recording_refusal(self.docs_dir / item.audio, words)):
            self.problems.warn(path, f.line("audio"), *why)
        if words > READING_WORDS:
            self.problems.note(path, doc.body_line, f"bài dài khoảng {thousands(words)} chữ: bản đọc tự động (phát thanh) chỉ "
                               f"đọc {thousands(READING_WORDS)} chữ đầu, rồi mời người nghe đọc toàn văn trên cổng",
                               "muốn phát cả bài thì đài ghi âm và thêm dòng audio: (tệp MP3)")
        if item.image and not item.image_alt:
            f.error("image", "ảnh đại diện thiếu mô tả thay thế (image_alt)", "thêm dòng image_alt: mô tả ngắn nội dung ảnh, cho người khiếm thị")
        if item.unit and published and (why := lifetime.refusal(self.units[item.unit], published.date(), self.units, "bài đăng")):
            f.error("unit", *why)
        if item.updated and published and item.updated < published:
            f.error("updated", "ngày cập nhật sớm hơn ngày đăng", "sửa ngày ở dòng updated:")
        if item.type == "van-ban":
            item.document = self.load_document_fields(f, path)
        self.check_markdown(doc.body, item.path, item.body_line, posixpath.dirname(item.src_uri))  # as read, not unpacked
        if not title or published is None or not item.unit or (f.has("type") and not item_type):
            return None
        return item

    def load_document_fields(self, f: Fields, path: str) -> LegalDocument | None:
        if not f.has("document"):
            f.error("type", "bài loại văn bản cần khối document: (số hiệu, cơ quan ban hành, ngày ban hành, ngày hiệu lực, tệp đính kèm)",
                    "xem mẫu mau/van-ban.md")
            return None
        sub = f.mappings("document", "văn bản", known=DOCUMENT_FIELDS)
        if not sub:
            return None
        d = sub[0]
        number = d.text("number", required="số hiệu văn bản")
        issuer = d.text("issuer", required="cơ quan ban hành")
        issued = d.date("issued", required="ngày ban hành")
        effective = d.date("effective")
        file = d.text("file", required="tệp văn bản đính kèm") and d.file(
            "file", self.locate, "văn bản", {".pdf", ".docx", ".doc", ".odt"}, "PDF hoặc DOCX (lưu văn bản dưới dạng .pdf hoặc .docx)")
        if not (number and issuer and issued and file):
            return None
        return LegalDocument(number, issuer, issued, effective, file)

    def check_markdown(self, text: str, path: str, first_line: int, base: str) -> None:
        """Staff Markdown (an item, a plan's text, a page, a description): unsafe HTML, images without a
        description or from another site, links to missing files or out of docs/. `base` is the docs-relative
        folder the page is published from."""
        if not text:
            return
        for offset, what in find_unsafe_html(text):
            self.problems.warn(path, first_line + offset, f"mã HTML không an toàn ({what}) đã bị loại khỏi trang",
                               "xóa đoạn mã này; muốn nhúng video hay bản đồ, hãy nhờ quản trị cổng")
        for offset in unclosed_bold(text):
            self.problems.warn(path, first_line + offset, 'chữ đậm mở bằng "**" ở dòng này không được đóng trong cùng đoạn: '
                               'hai dấu * sẽ hiện nguyên ra trang',
                               "đóng bằng ** trước dòng trống (chữ đậm không đi qua dòng trống); đậm nhiều dòng thì đậm "
                               "từng dòng: **TM. ỦY BAN NHÂN DÂN** rồi **CHỦ TỊCH**")
        for offset, line in enumerate(text.split("\n")):
            if "](" not in line:
                continue
            for bang, label, target in _LINK.findall(line):
                target = htmllib.unescape(target)  # "&#106;avascript:" is javascript: (reported as unsafe above)
                if bang and not label.strip():
                    self.problems.warn(path, first_line + offset, "ảnh thiếu mô tả thay thế",
                                       "viết mô tả trong ngoặc vuông: ![Quang cảnh hội nghị](anh.jpg)")
                if _EXTERNAL.match(target):
                    if bang and target.lower().startswith(("http:", "https:", "//")):
                        self.problems.warn(path, first_line + offset, f'ảnh lấy từ trang khác "{target[:60]}" sẽ không hiện',
                                           "trang chỉ hiện ảnh của chính mình: tải ảnh về, chép vào docs/anh/ rồi dẫn tới tệp đó")
                    continue
                target = target.split("#")[0].split("?")[0]
                if not target:
                    continue
                rel, found, why = self.locate(target, base)
                if rel is None:
                    self.problems.add(path, first_line + offset, f"liên kết bị từ chối: {why}",
                                      "chỉ dẫn tới tệp trong thư mục docs/, hoặc tới trang web bằng địa chỉ https://…")
                elif found and bang and (why := why_hidden(self.docs_dir / rel)):
                    self.problems.warn(path, first_line + offset, why, HOW_TO_SIZE)
                elif not found and not target.endswith((".md", "/")) and not (self.docs_dir / rel).is_dir():
                    # links to pages (.md) may name pages the site makes; MkDocs checks those when it builds
                    self.problems.add(path, first_line + offset, f'liên kết tới tệp không tồn tại "{target}"',
                                      f"kiểm tra tên tệp; đường dẫn tính từ thư mục {posixpath.join('docs', base)}/")


PARALLEL_FROM = 400  # items to read at least before a second process shares the reading


def load_corpus(root: Path, now: datetime | None = None, cache: ItemCache | None = None) -> tuple[Corpus, Problems]:
    """The single entry point: every command and the mkdocs plugin load content through here."""
    return Loader(root, now).load(cache)


_ID_LINE = re.compile(r"^id:[ \t]*[\"']?([\w-]+)", re.M)


def _plan_id(file: Path) -> str:
    """The id a plan file means to have, read from its text when its front matter does not load."""
    try:
        found = _ID_LINE.search(file.read_text(encoding="utf-8", errors="replace")[:20000])
    except OSError:
        found = None
    return found.group(1) if found else slugify(file.stem)
