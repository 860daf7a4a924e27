"""The mkdocs plugin: our only extension point into MkDocs/Material. Hooks stay thin and call into the site package.

on_config loads and validates the corpus (before MkDocs cleans site/, so a bad build never touches the published
site); on_files swaps staff files for model-made pages; the page hooks hand each template its view.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator
from pathlib import Path

from markupsafe import Markup, escape
from mkdocs.commands.build import _populate_page, get_context
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority

from ..content import dates, progress
from ..content.forked import Forked
from ..content.images import size_images
from ..content.item_cache import ItemCache
from ..content.loader import NEWS_DIR, load_corpus
from ..content.problems import Problems
from ..content.safety import SafeStore, pack, plain, safe_html
from ..search.background import BackgroundIndex
from ..search.documents import SearchDocuments
from ..search.index import SearchIndexError, write_index
from ..stores import helper
from ..stores.pages import TEMPLATE as CACHED_TEMPLATE
from ..stores.pages import PageCache
from ..stores.renders import RenderCache
from . import editor, inline_choice, redirects, syndication, templates
from .csp import htaccess
from .feeds import FeedBuilder
from .fingerprint import fingerprints, item_digests
from .nav_memo import NavMemo
from .page_ids import rename_toc, template_ids, unique_ids
from .pages import ModelPage, escape_for_theme, model_files
from .syndication import SHARED_FEEDS
from .views import SiteViews

log = logging.getLogger("mkdocs.plugins.cchc")


class CchcConfig(base.Config):
    per_page = c.Type(int, default=20)
    drafts = c.Type(bool, default=False)  # show drafts, marked as such (preview only)
    strict = c.Type(bool, default=True)  # warnings stop the build too
    feed_id = c.Type(str, default="")  # prefix of feed and item IDs; set once, never change it
    podcast_image = c.Type(str, default="")  # a square cover of the site's own for radio apps; else one is drawn


class CchcPlugin(BasePlugin[CchcConfig]):
    def on_config(self, config):
        started = time.monotonic()
        self._compiled = Forked(lambda: templates.compile_theme(config))  # by a child while the content is read
        if inline_choice.NAME not in config.markdown_extensions:
            config.markdown_extensions.append(inline_choice.NAME)  # each page through the inline patterns it can match
        self.timings: dict[str, float] = {"markdown": 0.0, "templates": 0.0}  # seconds per stage, for benchmarks/
        self.drafts = self.config.drafts or os.environ.get("CCHC_DRAFTS") == "1"
        self.strict = self.config.strict and os.environ.get("CCHC_STRICT") != "0"
        root = Path(config.config_file_path).parent
        # Site-relative URL -> a page's sanitised HTML, from Markdown until its template; kept after that for
        # items and plans (the feeds and the search index carry the same HTML)
        self.page_html = SafeStore()
        self.index: BackgroundIndex | None = None  # the search index being made in a second process
        # each document's search terms, and the last whole index (search/index.py write_index)
        self.search_cache = root / "build" / "cache" / "search"
        self.search = SearchDocuments()
        self.radio = getattr(self, "radio", None) or syndication.Radio()  # kept across loads, as its readings
        self.page_cache = PageCache(root, config, self.drafts, self.strict)
        self._cached: dict[str, str] = {}  # page URL -> cached HTML to use instead of rendering
        self._markdown_tasks: dict[str, int] = {}  # item's src_uri -> its task number (_share_markdown)
        self._markdown_only = False
        self.markdown_helper = helper.Helper(0, "markdown")
        self.nav_memo = NavMemo()  # installed in on_env
        self.template_ids = template_ids(Path(config.theme.custom_dir))  # staff content never takes these
        self.renders = RenderCache(root, config, self.template_ids)
        self.item_cache = ItemCache(root, root / "plans")  # kept: the preview's updates start from the same items
        progress.begin("đọc nội dung")
        # search documents and the item cache's file: after the Markdown helper forks (on_files) to convert items
        problems = self.load(config, self.item_cache, search=False)
        if hasattr(self, "corpus"):
            progress.end(f"{len(self.corpus.items)} bài, {len(self.corpus.plans)} kế hoạch")
        if problems.blocking(self.strict):
            self.item_cache.save()
            raise PluginError(problems.report())
        if problems.errors or problems.warnings:
            log.warning(problems.report())
        self.notes = problems.report() if problems else ""  # notes only: said by the build, never a warning
        if os.environ.get("CCHC_SEQUENTIAL") != "1":  # started on the core left idle: its documents come in on_env
            self.index = BackgroundIndex(Path(config.site_dir), None, self.corpus.equivalents(), self.search_cache)
        # Material's own templates print these as they are: hand them over escaped (our templates escape
        # everything else themselves). The copyright line may hold links, so it is sanitised HTML.
        config.site_name = escape(plain(config.site_name))
        config.site_description = escape(plain(config.site_description or ""))
        config.copyright = safe_html(plain(config.copyright or ""))
        self.timings["load"] = time.monotonic() - started
        return config

    def load(self, config, cache: ItemCache | None = None, search: bool = True) -> Problems:
        """Read the corpus and derive every page and feed from it; state is replaced only if nothing blocks. Called by
        on_config, and again by the live preview (preview/update.py) after each edit of an item."""
        now = dates.now()
        corpus, problems = load_corpus(Path(config.config_file_path).parent, now, cache)
        if problems.blocking(self.strict):
            return problems
        self.now, self.corpus = now, corpus
        self.site = SiteViews(corpus, now, drafts=self.drafts, per_page=self.config.per_page,
                              docs_dir=Path(config.docs_dir), previous=getattr(self, "site", None))
        settings = syndication.feed_settings(config, self.config.feed_id, self.config.podcast_image, corpus)
        self.broadcast = self.radio.broadcast_for(config, corpus, settings, self.drafts)
        self.feeds = FeedBuilder(corpus, settings, Path(config.docs_dir), now,
                                 lambda item: self.page_html.get(item.url, ""), corpus.glossary,
                                 self.broadcast, Path(config.site_dir))
        self.catalogue = syndication.catalogue(self.feeds, self.site, self.broadcast)
        if search:  # the preview asks for it once the edited pages are out
            self.load_search()
        return problems

    def load_search(self) -> None:
        """The documents of the search index, and what the search page shows of them."""
        found = self.search.load(self.corpus, self.corpus.published(self.now), list(self.corpus.plans.values()))
        self.search_urls = self.search.urls
        self.site.views["tim-kiem/index.md"].data.update(found)

    def search_stream(self, packed: bool = False) -> Iterator[dict]:
        """The index's documents newest first, with their pages' HTML (`packed`: as kept), made as they are asked for."""
        html = self.page_html
        return self.search.stream(html.packed if packed else lambda url: html.get(url, ""))

    def background_index(self, site_dir: Path, nice: int = 0) -> BackgroundIndex:
        """The search index made by a process of its own from search_stream(); kept in the cache and reused whole
        for the very same documents (their digest, known before any is made)."""
        return BackgroundIndex(site_dir, self.search_stream(packed=True), self.corpus.equivalents(), self.search_cache, nice,
                               digest=self.search.digest(self.page_html.digest))

    def on_files(self, files, config):
        self.files = model_files(files, config, self.site.views)
        self._share_markdown(config, self.files)
        self.item_cache.save()
        self.load_search()
        # Digests of what every page and feed shows (they read the model only): keys of the page cache (on_env),
        # and the preview's starting point
        self.digests = item_digests(self.corpus.items, {}, Path(config.docs_dir))
        self.fingerprints = fingerprints(self, self.digests)
        progress.begin("dựng trang", len(self.files.documentation_pages()))
        return self.files

    def on_nav(self, nav, config, files):
        self.nav = nav  # kept, with files and env, for the live preview's partial re-renders
        for file in files.documentation_pages():
            if file.page is not None and file.src_uri in self.site.views:
                file.page.__class__ = ModelPage  # made by MkDocs (with the navigation's titles): same fields
        return nav

    def _share_markdown(self, config, files) -> None:
        """Fork a helper (stores/helper.py) that renders news items' Markdown into the render cache while MkDocs
        makes the navigation and reads pages; on_page_markdown finds the helper's items there, taken up as it passes
        (every other item, the helper a step ahead: no stretch at the end where the build takes up hundreds alone).
        Forked as soon as the files are known: an item's Markdown needs them (its links), not the nav."""
        items = [f for f in files.documentation_pages() if "item" in getattr(self.site.views.get(f.src_uri), "data", {})]
        items = items[0::2] + items[1::2][::-1]  # the helper, from the back: every other item, a step ahead
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
        # the sitemap's <lastmod>: an item's own date (its update's, if any), else the build's "now" (CCHC_NOW), not
        # the day the build ran (MkDocs' default: every page changed every day, and builds of one commit differ)
        item = view.data.get("item") if view else None
        page.update_date = ((item.updated or item.date) if item else self.now).strftime("%Y-%m-%d")
        if view:
            page.meta.update(view.meta, title=view.title, template=view.template)
            if not view.searchable:
                page.meta["search"] = {"exclude": True}
            if "item" in view.data:
                if (task := self._markdown_tasks.get(page.file.src_uri)) is not None:
                    self.markdown_helper.mine(task)  # if the helper took it, it is in the render cache now
                files = self.item_cache.files_seen(view.data["item"].path)
                key = self.renders.key(markdown, page.file.src_uri, page.url, files)
                page.meta["cchc_render_key"] = key
                hit = self.renders.get(key) if key else None
                if hit:  # an unchanged item: skip Markdown, reuse its HTML and table of contents
                    self._cached[page.url], page.meta["cchc_toc"] = hit
                    markdown = ""
        self._render_started = time.monotonic()
        return markdown

    def on_page_content(self, html, page, config, files):
        """Every page's HTML is sanitised and marked safe here, the one place (an item's HTML kept by the render
        cache was, by the same code: its key says so); its title, description and table of contents are escaped
        for the theme's templates, which print them as they are."""
        self.timings["markdown"] += time.monotonic() - self._render_started
        view = self.site.views.get(page.file.src_uri)
        key = page.meta.pop("cchc_render_key", None)
        if page.url in self._cached:
            packed = self._cached.pop(page.url)  # sanitised when it was kept, and packed as page_html keeps it
            page.toc = page.meta.pop("cchc_toc")
            key = None
        else:
            html, renamed = unique_ids(html, self.template_ids)
            rename_toc(page.toc, renamed)
            packed = pack(safe_html(size_images(html, page.url, Path(config.docs_dir))))
        if key:
            self.renders.put(key, packed, page.toc)
        if self._markdown_only:
            return Markup()  # the Markdown helper's work is done: the build itself takes the page from here
        escape_for_theme(page)
        self.page_html.put(page.url, packed)
        if view and "item" in view.data:
            page.markdown = ""  # the item keeps it (compressed)
        if view and "reading" in view.data:  # synthesis starts now, in the background of the other pages
            page.meta["cchc_voice"] = self.broadcast.read(view.data["item"], self.page_html.get(page.url))
        return Markup()  # page.content is given back by on_page_context, just before its template

    @event_priority(-10)
    def on_env(self, env, config, files):
        self._config = config
        self.timings.update(self.markdown_helper.finish())  # every item's Markdown was asked for by now
        self._markdown_tasks, self.env = {}, env
        self.renders.store.flush()  # every page's Markdown is rendered now
        env.bytecode_cache = templates.CompiledTemplates(self._compiled.result({}))
        self.scripts = templates.prepare(env, config)
        self.nav_memo.install(env)
        templates.settle_globals(env)
        started = time.monotonic()
        pages = [f.page for f in files.documentation_pages() if f.page is not None]
        self.page_cache.plan(pages, self.page_html.digest, self.fingerprints[0], self.nav)
        self.timings.update(page_keys=time.monotonic() - started, pages=len(pages), pages_cached=len(self.page_cache.hits))
        self._doc_files = files.documentation_pages()
        # forked before the index's thread starts (readings' threads may run: the helper touches nothing of theirs)
        site_dir = Path(config.site_dir)
        self.page_cache.share(self._render_page, self._shared_work(site_dir))
        # Every page's HTML is known now (templates come next): the index's process (on_config) gets its documents.
        # CCHC_SEQUENTIAL=1 makes the index in on_post_build instead (tests compare the two, byte for byte).
        if self.index is not None:
            self.index.send(self.search_stream(packed=True), digest=self.search.digest(self.page_html.digest))
        return env

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

    def _render_page(self, page, template: str) -> str:
        """What MkDocs' _build_page makes of a page, without writing it: the helper's work (stores/pages.py share)."""
        config = self._config
        config._current_page, page.active = page, True
        try:
            context = get_context(self.nav, self._doc_files, config, page)
            context = config.plugins.on_page_context(context, page=page, config=config, nav=self.nav)
            return self.env.get_template(template).render(context)
        finally:
            config._current_page, page.active, page.content = None, False, None

    def on_post_page(self, output, page, config):
        page.content = None  # kept compressed in page_html if the feeds or the search index need it
        output = self.page_cache.output(page, output)
        self.timings["templates"] += time.monotonic() - self._template_started
        progress.advance()
        return output

    def on_post_build(self, config):
        """Feeds last: they need every item's HTML (the pages helper wrote those without readings, see on_env)."""
        started = time.monotonic()
        progress.begin("nguồn tin RSS/Atom")
        site_dir = Path(config.site_dir)
        for j, work in enumerate(self._shared_work(site_dir)):  # the pages helper has done them, unless it could not
            if self.page_cache.extra(j):
                work()
        self.write_feeds(site_dir, [entry for entry in self.catalogue if entry[0].kind not in SHARED_FEEDS])
        self.broadcast.keep_finished()
        self.timings["feeds"] = time.monotonic() - started
        hits, made = self.broadcast.counts
        self.timings.update(readings_cached=hits, readings_made=made)
        log.info(f"cchc: {len(self.catalogue)} nguồn tin RSS/Atom trong {self.timings['feeds']:.2f} giây "
                 f"(bản đọc tự động: {made} bản mới, {hits} bản có sẵn)")
        progress.end(f"{len(self.catalogue)} nguồn tin, bản đọc tự động: {made} bản mới, {hits} bản có sẵn")
        progress.begin("chỉ mục tìm kiếm")
        started = time.monotonic()
        try:
            if self.index is not None:  # made beside the templates since on_env
                self.timings.update(search=self.index.wait(), search_peak_mb=self.index.peak_mb)
                self.index = None
            else:
                write_index(site_dir, self.search_stream(), self.corpus.equivalents(), self.search_cache)
                self.timings["search"] = time.monotonic() - started
        except SearchIndexError as exc:
            raise PluginError(str(exc)) from None
        self.timings["search_wait"] = time.monotonic() - started
        self.page_cache.finish(prune=True)
        self.timings.update(self.page_cache.timings, nav_reused=self.nav_memo.reused,
                            shell_reused=self.nav_memo.shell_reused, rows_reused=self.nav_memo.rows_reused)
        self.renders.store.prune()
        log.info(f"cchc: chỉ mục tìm kiếm trong {self.timings['search']:.2f} giây")
        progress.end(f"{len(self.search_urls)} trang")
        (site_dir / ".htaccess").write_text(htaccess(self.scripts.seen), encoding="utf-8")
        root = Path(config.config_file_path).parent
        try:
            if warning := editor.publish(root, site_dir, self.corpus, self.now.year, self.drafts, NEWS_DIR):
                log.warning(warning)
        except editor.EditorMissing as exc:
            raise PluginError(str(exc)) from None
        missing = redirects.write(self.corpus.portals, site_dir, self.feeds.settings.site_url)
        if missing:
            raise PluginError("Địa chỉ cũ của cổng đã gộp không hợp lệ hoặc trỏ tới trang không có (plans/cong-cu/), "
                              "không trang chuyển tiếp nào được đăng cho các dòng này:\n  " + "\n  ".join(missing))

    def on_build_error(self, error, **kwargs) -> None:
        self._compiled.stop()
        self.markdown_helper.stop()
        self.page_cache.finish(prune=False)
        if self.index is not None:
            self.index.stop()
            self.index = None

    def _shared_work(self, site_dir: Path) -> list:
        """What the pages helper does first: the radio cover, the feeds without readings (this process's threads')."""
        return [lambda: syndication.write_radio_cover(self.feeds.settings, site_dir)] + [lambda entry=entry: self.write_feeds(
            site_dir, [entry], forget=False) for entry in self.catalogue if entry[0].kind in SHARED_FEEDS]

    def write_feeds(self, site_dir: Path, feeds, forget: bool = True) -> None:
        syndication.write_feeds(self.feeds, site_dir, feeds, forget)
