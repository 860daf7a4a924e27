"""The mkdocs plugin: our only extension point into MkDocs/Material. Hooks stay thin.

on_config loads and validates the corpus (before MkDocs cleans site/, so a bad build never
touches the published site); on_files swaps staff files for model-made pages; the page hooks hand
each template its view.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import logging
import os
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import jinja2
from mkdocs.commands.build import _populate_page, get_context
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from markupsafe import Markup, escape
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from . import dates, editor, helper, redirects
from .broadcast import Broadcast
from .cache import ItemCache
from .check import STATUS_VI
from .feeds import FeedBuilder, FeedSettings
from .images import image_size, size_images
from .loader import NEWS_DIR, load_corpus
from .nav_memo import NavMemo
from .model import CADENCES, LEVELS, REPORT_PERIODS
from .problems import Problems
from .render_cache import RenderCache
from .csp import ThemeScripts, htaccess, policy
from .fingerprint import fingerprints, item_digests
from .page_cache import TEMPLATE as CACHED_TEMPLATE, PageCache
from .page_ids import rename_toc, template_ids, unique_ids
from .publishing import clean_svg, refusal
from .safety import SafeStore, safe_html, safe_text
from .search_index import (BackgroundIndex, SearchIndexError, document, filter_options, plan_document, shard_count,
                           write_index)
from .views import SiteViews
from .voice import VoiceError, missing_programs

log = logging.getLogger("mkdocs.plugins.cchc")
SHARED_FEEDS = ("rss", "atom")  # kinds of feed the pages helper writes: without automatic readings


class CchcConfig(base.Config):
    per_page = c.Type(int, default=20)
    drafts = c.Type(bool, default=False)  # show drafts, marked as such (preview only)
    strict = c.Type(bool, default=True)  # warnings stop the build too
    feed_id = c.Type(str, default="")  # prefix of feed and item IDs; set once, never change it
    podcast_image = c.Type(str, default="assets/podcast.png")  # square cover for radio/podcast apps


class CchcPlugin(BasePlugin[CchcConfig]):
    def on_config(self, config):
        started = time.monotonic()
        self.timings: dict[str, float] = {"markdown": 0.0, "templates": 0.0}  # seconds per stage, for benchmarks/
        self.drafts = self.config.drafts or os.environ.get("CCHC_DRAFTS") == "1"
        self.strict = self.config.strict and os.environ.get("CCHC_STRICT") != "0"
        # Site-relative URL -> a page's sanitised HTML, from Markdown until its template; kept after that for
        # items and plans (the feeds and the search index carry the same HTML)
        self.page_html = SafeStore()
        self.index: BackgroundIndex | None = None  # the search index being made in a second process
        self.renders = RenderCache(Path(config.config_file_path).parent, config)
        # each document's search terms, and the last whole index (search_index.write_index)
        self.search_cache = Path(config.config_file_path).parent / "build" / "cache" / "search"
        self._documents: dict[int, tuple] = {}  # id(item or plan) -> (it, search document, digest): search_documents
        self.page_cache = PageCache(Path(config.config_file_path).parent, config, self.drafts, self.strict)
        self._cached: dict[str, str] = {}  # page URL -> cached HTML to use instead of rendering
        self._markdown_tasks: dict[str, int] = {}  # item's src_uri -> its task number (_share_markdown)
        self._markdown_only = False
        self.markdown_helper = helper.Helper(0, "markdown")
        self.nav_memo = NavMemo()  # installed in on_env
        self.template_ids = template_ids(Path(config.theme.custom_dir))  # staff content never takes these
        root = Path(config.config_file_path).parent
        self.item_cache = ItemCache(root, root / "plans")  # kept: the preview's updates start from the same items
        problems = self.load(config, self.item_cache)
        self.item_cache.save()
        if problems.blocking(self.strict):
            raise PluginError(problems.report())
        if problems:
            log.warning(problems.report())
        # Material's own templates print these as they are: hand them over escaped (our templates escape
        # everything else themselves). The copyright line may hold links, so it is sanitised HTML.
        config.site_name = escape(_plain(config.site_name))
        config.site_description = escape(_plain(config.site_description or ""))
        config.copyright = safe_html(_plain(config.copyright or ""))
        self.timings["load"] = time.monotonic() - started
        return config

    def load(self, config, cache: ItemCache | None = None) -> Problems:
        """Read the corpus and derive every page and feed from it; state is replaced only if nothing blocks.

        Called by on_config, and again by the live preview (live.py) after each edit of an item.
        """
        now = dates.now()
        corpus, problems = load_corpus(Path(config.config_file_path).parent, now, cache)
        if problems.blocking(self.strict):
            return problems
        self.now, self.corpus = now, corpus
        self.site = SiteViews(corpus, now, drafts=self.drafts, per_page=self.config.per_page,
                              docs_dir=Path(config.docs_dir), previous=getattr(self, "site", None))
        settings = self._feed_settings(config)
        broadcast = self._broadcast(config, settings)
        self.feeds = FeedBuilder(corpus, settings, Path(config.docs_dir), now,
                                 lambda item: self.page_html.get(item.url, ""), corpus.glossary,
                                 broadcast, Path(config.site_dir))
        self.catalogue = self.feeds.catalogue(self.site.by_topic, self.site.by_unit)
        radio_items = next(items for feed, items in self.catalogue if feed.kind == "radio")
        broadcast.plan(radio_items, self.feeds.published)
        for item in radio_items:  # in the View, so the preview re-renders a page whose reading comes or goes
            if item.url in broadcast.read_here:
                self.site.views[item.src_uri].data["reading"] = "page" if broadcast.shows_reading(item) else "bulletin"
        if broadcast.readings.enabled:
            self.catalogue.append(self.feeds.bulletin_feed(broadcast.bulletins))
        self.site.add_radio_pages(broadcast.bulletins, broadcast.readings.enabled)
        self.site.add_feeds_page([(feed, len(items)) for feed, items in self.catalogue])
        self.searched = (corpus.published(now), list(corpus.plans.values()))
        self.search_urls = [i.url for i in self.searched[0]] + [p.url for p in self.searched[1]]
        documents, digests = self.search_documents()
        self.search_order = sorted(range(len(documents)), key=lambda k: documents[k]["sort"], reverse=True)
        version = hashlib.blake2b(b"".join(digests), digest_size=8)  # changes with the index: browsers refetch it
        self.site.views["tim-kiem/index.md"].data.update(
            filters=filter_options(documents), docs=len(self.search_urls),
            shards=shard_count(len(self.search_urls)), version=version.hexdigest())
        return problems

    def search_documents(self) -> tuple[list[dict], list[bytes]]:
        """What the search index holds, without the pages' text — published items and plans (filters, version) —
        and a digest of each with its Markdown. An item unchanged since the last load (the preview's item cache
        gives the very same object) keeps its document."""
        items, plans = self.searched
        known, self._documents = self._documents, {}
        documents, digests = [], []
        for k, source in enumerate([*items, *plans]):
            hit = known.get(id(source))
            if hit is None or hit[0] is not source:
                doc = (document if k < len(items) else plan_document)(self.corpus, source, "")
                body = source.packed_body if k < len(items) else source.body.encode("utf-8", "surrogatepass")
                text = json.dumps(doc, ensure_ascii=False, sort_keys=True).encode() + b"\0" + body
                hit = (source, doc, hashlib.blake2b(text, digest_size=16).digest())
            self._documents[id(source)] = hit  # holds the source: its id is not reused meanwhile
            documents.append(hit[1])
            digests.append(hit[2])
        return documents, digests

    def search_stream(self) -> Iterator[dict]:
        """The same documents newest first (the index numbers them so), each made when asked for: the thread
        feeding the index process makes them while pages are written."""
        (items, plans), order, html, corpus = self.searched, self.search_order, self.page_html, self.corpus
        sources = [*items, *plans]
        return ((document if k < len(items) else plan_document)(corpus, sources[k], html.get(sources[k].url, ""))
                for k in order)

    def _broadcast(self, config, settings: FeedSettings) -> Broadcast:
        """The automatic readings and bulletins; kept across the preview's updates while nothing they read
        from changes (its readings in progress and their keys stay valid)."""
        radio, glossary = self.corpus.settings.radio, self.corpus.glossary
        given = (radio, glossary, settings.site_name, settings.publisher)
        if getattr(self, "_broadcast_given", None) == given:
            return self.broadcast
        self._broadcast_given = given
        if radio.voice.engine and (missing := missing_programs(radio.voice)):
            message = (f"Máy chưa cài {', '.join(missing)} để làm bản đọc tự động cho phát thanh — chạy `make voice` "
                       "(cài espeak-ng và lame của Debian), hoặc tắt bản đọc tự động bằng dòng `voice: tắt` trong mục "
                       "radio: của mkdocs.yml (README, mục Phát thanh)")
            if not self.drafts:
                raise PluginError(message)
            log.warning(message)
            radio = dataclasses.replace(radio, voice=dataclasses.replace(radio.voice, engine=""))
        root = Path(config.config_file_path).parent
        cache = Path(os.environ.get("CCHC_AUDIO_CACHE") or root / "build" / "cache" / "audio")
        self.broadcast = Broadcast(radio, cache, Path(config.docs_dir), settings.site_name, settings.publisher, glossary)
        return self.broadcast

    def _feed_settings(self, config) -> FeedSettings:
        site_url = (config.site_url or "http://127.0.0.1:8000/").rstrip("/") + "/"
        feed_id = self.config.feed_id or f"tag:{urlsplit(site_url).hostname},2024:"
        image = self.config.podcast_image if (Path(config.docs_dir) / self.config.podcast_image).is_file() else ""
        name, description = _plain(config.site_name), _plain(config.site_description or config.site_name)
        portal = self.corpus.settings.portal
        return FeedSettings(site_url, name, description, feed_id, portal.name if portal else name, image,
                            self.corpus.settings.radio)

    def on_files(self, files: Files, config) -> Files:
        docs_dir = Path(config.docs_dir)
        refused = []
        for file in list(files):
            if file.abs_src_path is None or not Path(file.abs_src_path).is_relative_to(docs_dir):
                continue  # the theme's own files (overrides/, Material)
            if file.inclusion.is_excluded():
                continue  # never published (hidden files: MkDocs' own rule)
            if why := refusal(docs_dir, file.src_uri):
                files.remove(file)
                refused.append(f"docs/{file.src_uri}: {why[0]} — {why[1]}")
            elif file.src_uri.lower().endswith(".svg"):
                files.remove(file)
                try:
                    files.append(File.generated(config, file.src_uri, content=clean_svg(file.content_bytes)))
                except ValueError:
                    refused.append(f"docs/{file.src_uri}: ảnh SVG không đọc được — xuất lại ảnh dưới dạng SVG thường hoặc PNG")
        if refused:  # the loader has reported these already; this is the backstop
            raise PluginError("\n".join(refused))
        for file in list(files):
            if file.src_uri.startswith(NEWS_DIR + "/") and file.is_documentation_page():
                files.remove(file)  # staff source: replaced below by its model page, or dropped if unpublished
        for view in self.site.views.values():
            if files.get_file_from_path(view.src_uri):
                raise PluginError(f"docs/{view.src_uri}: trùng đường dẫn với trang do hệ thống tạo — đổi tên hoặc xóa tệp này")
            files.append(page_file(config, view))
        self.files = files
        return files

    def on_nav(self, nav, config, files):
        self.nav = nav  # kept, with files and env, for the live preview's partial re-renders
        for file in files.documentation_pages():
            if file.page is not None and file.src_uri in self.site.views:
                file.page.__class__ = ModelPage  # made by MkDocs (with the navigation's titles): same fields
        self._share_markdown(config, files)
        return nav

    def _share_markdown(self, config, files) -> None:
        """Fork a helper (helper.py) that renders news items' Markdown from the back into the render cache while
        MkDocs reads pages from the front; on_page_markdown finds the helper's items there."""
        items = [f for f in files.documentation_pages() if "item" in getattr(self.site.views.get(f.src_uri), "data", {})]
        self._markdown_tasks = {file.src_uri: k for k, file in enumerate(items)}
        self.markdown_helper = helper.Helper(len(items), "markdown")

        def work(k: int) -> None:
            self._markdown_only = True  # in the helper only
            file = items[k]
            _populate_page(file.page or ModelPage(None, file, config), config, files)
            self.renders.store.flush()

        self.markdown_helper.start(work)

    def on_page_read_source(self, page, config):
        """An item's Markdown comes from the model (kept compressed there), not from a copy in its page file."""
        view = self.site.views.get(page.file.src_uri)
        return view.data["item"].body if view and "item" in view.data else None

    def on_page_markdown(self, markdown, page, config, files):
        view = self.site.views.get(page.file.src_uri)
        if view:
            page.meta.update(view.meta, title=view.title, template=view.template)
            if not view.searchable:
                page.meta["search"] = {"exclude": True}
            if "item" in view.data:
                if (task := self._markdown_tasks.get(page.file.src_uri)) is not None:
                    self.markdown_helper.mine(task)  # if the helper took it, it is in the render cache now
                key = self.renders.key(markdown, page.file.src_uri, page.url)
                page.meta["cchc_render_key"] = key
                hit = self.renders.get(key) if key else None
                if hit:  # an unchanged item: skip Markdown, reuse its HTML and table of contents
                    self._cached[page.url], page.meta["cchc_toc"] = hit
                    markdown = ""
        self._render_started = time.monotonic()
        return markdown

    def on_page_content(self, html, page, config, files):
        """Every page's HTML is sanitised and marked safe here, the one place; its title, description and
        table of contents are escaped for the theme's templates, which print them as they are."""
        self.timings["markdown"] += time.monotonic() - self._render_started
        view = self.site.views.get(page.file.src_uri)
        key = page.meta.pop("cchc_render_key", None)
        if page.url in self._cached:
            html = self._cached.pop(page.url)
            page.toc = page.meta.pop("cchc_toc")
            key = None
        else:
            html, renamed = unique_ids(html, self.template_ids)
            rename_toc(page.toc, renamed)
            html = size_images(html, page.url, Path(config.docs_dir))
        html = safe_html(html)
        if key:
            self.renders.put(key, html, page.toc)
        if self._markdown_only:
            return Markup()  # the Markdown helper's work is done: the build itself takes the page from here
        title = page.meta.get("title")
        page.meta["title"] = escape(_plain(title)) if title else safe_text(page.title or "")
        for key in ("description", "author"):
            if key in page.meta:
                page.meta[key] = escape(_plain(page.meta[key]))
        _escape_toc(page.toc)
        self.page_html.put(page.url, html)
        if view and "item" in view.data:
            page.markdown = ""  # the item keeps it (compressed)
        if view and "reading" in view.data:  # synthesis starts now, in the background of the other pages
            page.meta["cchc_voice"] = self.broadcast.read(view.data["item"], html)
        return Markup()  # page.content is given back by on_page_context, just before its template

    def on_post_page(self, output, page, config):
        page.content = None  # kept compressed in page_html if the feeds or the search index need it
        output = self.page_cache.output(page, output)
        self.timings["templates"] += time.monotonic() - self._template_started
        return output

    def on_post_build(self, config):
        """Feeds are written last: they need every item's rendered HTML (those without automatic readings, by
        the pages helper meanwhile, see on_env)."""
        started = time.monotonic()
        site_dir = Path(config.site_dir)
        shared = self._shared_feeds()  # the pages helper has written them, unless it could not
        self.write_feeds(site_dir, [entry for entry in self.catalogue if entry[0].kind not in SHARED_FEEDS]
                         + [entry for j, entry in enumerate(shared) if self.page_cache.extra(j)])
        self.timings["feeds"] = time.monotonic() - started
        hits, made = self.broadcast.counts
        self.timings.update(readings_cached=hits, readings_made=made)
        log.info(f"cchc: {len(self.catalogue)} nguồn tin RSS/Atom trong {self.timings['feeds']:.2f} giây "
                 f"(bản đọc tự động: {made} bản mới, {hits} bản có sẵn)")
        started = time.monotonic()
        try:
            if self.index is not None:  # made beside the templates since on_env
                self.timings["search"] = self.index.wait()
                self.timings["search_peak_mb"] = self.index.peak_mb
                self.index = None
            else:
                write_index(site_dir, self.search_stream(), self.corpus.glossary, self.search_cache)
                self.timings["search"] = time.monotonic() - started
        except SearchIndexError as exc:
            raise PluginError(str(exc)) from None
        self.timings["search_wait"] = time.monotonic() - started
        self.page_cache.finish(prune=True)
        self.timings.update(self.page_cache.timings, nav_reused=self.nav_memo.reused)
        self.renders.store.prune()
        log.info(f"cchc: chỉ mục tìm kiếm trong {self.timings['search']:.2f} giây")
        (site_dir / ".htaccess").write_text(htaccess(self.scripts.seen), encoding="utf-8")
        self.write_editor(config, site_dir)
        missing = redirects.write(Path(config.config_file_path).parent, site_dir, self.feeds.settings.site_url)
        if missing:
            raise PluginError("Địa chỉ cũ của cổng đã gộp không hợp lệ hoặc trỏ tới trang không có (plans/cong-cu/), "
                              "không trang chuyển tiếp nào được đăng cho các dòng này:\n  " + "\n  ".join(missing))

    def on_build_error(self, error, **kwargs) -> None:
        self.markdown_helper.stop()
        self.page_cache.finish(prune=False)
        if self.index is not None:
            self.index.stop()
            self.index = None

    def write_editor(self, config, site_dir: Path) -> None:
        """/quan-tri/ when the site names its git server, and always in the preview (local backend)."""
        settings = self.corpus.settings.editor
        if settings is None and not self.drafts:
            return
        bundle = editor.find_bundle(Path(config.config_file_path).parent)
        if bundle is None:
            message = "Chưa cài phòng biên tập (Decap CMS): chạy `npm ci` (hoặc `make edit`) trong thư mục dự án."
            if not self.drafts:
                raise PluginError(message)
            log.warning(message)
            return
        styles = sorted(p.relative_to(site_dir).as_posix() for p in (site_dir / "assets" / "stylesheets").glob("*.css"))
        news = editor.editor_config(self.corpus, settings, self.now.year, self.drafts, NEWS_DIR)
        editor.write_editor(site_dir, bundle, news, editor.policy(settings, self.drafts), styles)

    def _shared_feeds(self) -> list:
        """The feeds the pages helper writes: those without automatic readings (made by this process's threads)."""
        return [(feed, items) for feed, items in self.catalogue if feed.kind in SHARED_FEEDS]

    def write_feeds(self, site_dir: Path, feeds, forget: bool = True) -> None:
        """Each feed, with the automatic readings and bulletins its episodes carry."""
        for feed, items in feeds:
            target = site_dir / feed.path
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                target.write_bytes(self.feeds.render(feed, items))
            except VoiceError as exc:
                raise PluginError(f"Chưa làm được bản đọc tự động cho phát thanh: {exc}. Sửa cài đặt giọng đọc "
                                  "(mục radio: của mkdocs.yml) hoặc tắt bằng dòng `voice: tắt`.") from None
        if forget:
            self.feeds.forget()  # the entries shared between feeds: the preview keeps the builder

    def on_page_context(self, context, page, config, nav):
        self._template_started = time.monotonic()
        view = context["view"] = self.site.views.get(page.file.src_uri)
        context["corpus"] = self.corpus
        content = lambda: self.page_html.get(page.url, None)  # noqa: E731
        if page.meta.get("template") == CACHED_TEMPLATE and not helper.inside():  # a full build
            self.page_cache.take(page, context, self.env, content)
            self.scripts.hashes(context["base_url"])  # the policy it carries, for the server configuration
        else:
            page.content = content()
        if view is None or not view.searchable:
            self.page_html.drop(page.url)
        return context

    @event_priority(-10)
    def on_env(self, env, config, files):
        self._config = config
        self.timings.update(self.markdown_helper.finish())  # every item's Markdown was asked for by now
        self._markdown_tasks = {}
        env.filters.update(ngay=dates.format_date, ngay_gio=dates.format_datetime, kich_thuoc=_file_size)
        env.globals["timedelta"] = timedelta
        self.renders.store.flush()  # every page's Markdown is rendered now
        docs_dir = Path(config.docs_dir)
        env.globals["image_size"] = lambda rel: image_size(docs_dir / rel)
        env.globals.update(CADENCES=CADENCES, LEVELS=LEVELS, REPORT_PERIODS=REPORT_PERIODS, STATUS_VI=STATUS_VI)
        # Our templates (overrides/) escape every value unless it is Markup (made only in safety.py);
        # Material's own templates keep their behaviour and get escaped values from on_config/on_page_content.
        ours = Path(config.theme.custom_dir).resolve()
        env.autoescape = functools.cache(lambda name: bool(name) and (ours / name).is_file())  # asked per include
        self.scripts = ThemeScripts(env, config)
        env.globals["content_security_policy"] = lambda base_url: policy(self.scripts.hashes(base_url))
        self.env = env
        env.loader = jinja2.ChoiceLoader([jinja2.DictLoader({CACHED_TEMPLATE: ""}), env.loader])
        self.nav_memo.install(env)
        started = time.monotonic()
        pages = [f.page for f in files.documentation_pages() if f.page is not None]
        # Digests of what every page and feed shows: keys of the page cache, and the preview's starting point
        self.digests = item_digests(self.corpus.items, {}, docs_dir)
        self.fingerprints = fingerprints(self, self.digests)
        self.page_cache.plan(pages, self.page_html.digest, self.fingerprints[0], self.nav)
        self.timings.update(page_keys=time.monotonic() - started, pages=len(pages), pages_cached=len(self.page_cache.hits))
        self._doc_files = files.documentation_pages()
        # forked before the index's thread starts (readings' threads may run: the helper touches nothing of theirs)
        site_dir = Path(config.site_dir)
        self.page_cache.share(self._render_page, [functools.partial(self.write_feeds, site_dir, [entry], forget=False)
                                                  for entry in self._shared_feeds()])
        # Every page's HTML is known now (MkDocs has read all pages; templates come next): the search index
        # is made by a second process meanwhile. CCHC_SEQUENTIAL=1 makes it in on_post_build instead (tests
        # compare the two, byte for byte).
        self.index = None
        if os.environ.get("CCHC_SEQUENTIAL") != "1":
            self.index = BackgroundIndex(Path(config.site_dir), self.search_stream(), self.corpus.glossary,
                                         self.search_cache)
        return env

    def _render_page(self, page, template: str) -> str:
        """What MkDocs' _build_page makes of a page, without writing it: the helper's work (page_cache.share)."""
        config = self._config
        config._current_page, page.active = page, True
        try:
            context = get_context(self.nav, self._doc_files, config, page)
            context = config.plugins.on_page_context(context, page=page, config=config, nav=self.nav)
            return self.env.get_template(template).render(context)
        finally:
            config._current_page, page.active, page.content = None, False, None


class ModelPage(Page):
    """MkDocs' page, for the pages made from the model: one without Markdown (listings; items whose HTML the render
    cache holds) gets what a converter makes of empty text, without building a converter for it (a fifth of a
    millisecond a page, tens of thousands of pages)."""

    def render(self, config, files) -> None:
        if self.markdown is None or self.markdown.strip():
            return super().render(config, files)
        self.content, self.toc, self._title_from_render = "", get_toc([]), None
        self.present_anchor_ids, self.links_to_anchors = set(), {}


def page_file(config, view) -> File:
    """The MkDocs file of a model-made page: generated content, outside the nav, items at their own URL."""
    generated = File.generated(config, view.src_uri, content=view.markdown, inclusion=InclusionLevel.NOT_IN_NAV)
    if "item" in view.data:
        generated.dest_uri = f"{view.data['item'].url}index.html"
    return generated


def _plain(value) -> str:
    """Text as written (a value escaped by an earlier pass of the live preview is unescaped again)."""
    return value.unescape() if isinstance(value, Markup) else str(value)


def _escape_toc(toc) -> None:
    for anchor in toc or []:
        anchor.title = safe_text(anchor.title)
        _escape_toc(anchor.children)


def _file_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB".replace(".", ",")
    return f"{max(1, round(size / 1024))} KB"
