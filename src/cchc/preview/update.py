"""The preview's partial rebuild: after an edit of news items, render again only the pages that changed.

After a full build the MkDocs session (config, files, nav, Jinja environment, our plugin with its model)
is kept. When only files under docs/tin-tuc/ changed, the plugin reloads the corpus (the item cache parses
just the edited files) and derives every page's View again. Each View is fingerprinted — its template,
title, Markdown and data, with every news item in it standing for a digest of the item's fields — and only
pages whose fingerprint changed go through MkDocs' page pipeline again; pages that appear or go away are
added or deleted, and feeds likewise. Listings, related items, counts and plan progress are all View data,
so they follow an edit. Templates must therefore read only their View and the vocabularies. Anything
else (vocabularies, plans, templates, media, mkdocs.yml) takes a full build.

Uses MkDocs 1.6's build steps (`_populate_page`, `_build_page`, `_build_theme_template`), which are not public
API: the version is pinned, and tests compare a partial rebuild with a full build of the same files.
"""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs.commands.build import _build_page, _build_theme_template, _populate_page
from mkdocs.structure.files import InclusionLevel
from mkdocs.structure.pages import Page

from ..content.loader import NEWS_DIR, Loader
from ..content.problems import ERROR
from ..content.text import links_to_pages
from ..site.build import Collect
from ..site.fingerprint import fingerprints, item_digests
from ..site.pages import ModelPage, page_file
from ..site.views import View
from ..stores.helper import Helper


@dataclass
class Update:
    ok: bool
    messages: list[str] = field(default_factory=list)
    pages: int = 0  # pages written or deleted
    feeds: int = 0
    search_changed: bool = False  # the search index should be rebuilt
    helped: int = 0  # later pages a forked helper rendered (stores/helper.py)
    first_seconds: float = 0.0  # until the pages a reader is likely looking at were written
    seconds: float = 0.0
    stopped: bool = False  # a newer save came once the edited pages were shown: the rest is left to its update


def only_items(paths: set[str], docs_dir: Path) -> bool:
    """May these changed paths be handled by a partial rebuild? Only Markdown under docs/tin-tuc/."""
    news = docs_dir.resolve() / NEWS_DIR
    return bool(paths) and all(p.endswith(".md") and Path(p).resolve().is_relative_to(news) for p in paths)


class LiveSite:
    """A finished MkDocs build kept in memory, updated in place after edits of news items."""

    def __init__(self, config) -> None:
        self.config = config
        self.plugin = config.plugins["cchc"]
        self.site_dir, self.docs_dir = Path(config.site_dir), Path(config.docs_dir)
        self.cache = self.plugin.item_cache  # in memory: an edit re-reads only the edited file
        self.items = self.plugin.digests  # of the very item objects the cache holds (made in on_env)
        self.pages, self.feeds = self.plugin.fingerprints  # what the files on disk show
        self.search_urls = list(self.plugin.search_urls)
        self.looked: dict[str, View] = {}  # src_uri -> the View an edited item's page was first shown with
        self.search_stale = False  # an update stopped after writing pages: the next one rebuilds the index
        self._doc_files: list | None = None  # MkDocs' documentation pages, until the set of files changes

    def update(self, publish: Callable[[set[str]], None] = lambda urls: None, paths: set[str] | None = None,
               pending: Callable[[], bool] = lambda: False) -> Update:
        """Bring the site in line with the files. Pages a reader is likely looking at (the edited items'
        own pages, first pages of listings, everything not paginated) are written first and handed to
        `publish` (site-relative URLs) so the preview can reload them; later listing pages, other items'
        pages (their related items), the sitemap and the feeds follow, and are published too.
        `paths`, the files saved, lets the edited items' own pages be shown before anything else (_first_look);
        once they are, `pending` (has a newer save come?) is asked between steps: if so, the update stops and
        leaves the rest to the next one (the pages it did not write still differ from that one's Views)."""
        started = time.monotonic()
        plugin, config, files = self.plugin, self.config, self.plugin.files
        collect = Collect()
        logger = logging.getLogger("mkdocs")
        logger.addHandler(collect)
        collecting = gc.isenabled()
        gc.disable()  # until the pages a reader is looking at are written: the update makes objects, not garbage
        try:
            looked = self._first_look(paths or set())
            if looked:
                self._render(looked)
                publish({p.url for p in looked})

            def yields() -> bool:  # the edited pages are shown: a newer save goes first
                return bool(looked) and pending()

            if yields():
                return self._stop(started, looked)
            problems = plugin.load(config, self.cache, search=False)
            plugin.nav_memo.clear()
            if problems.blocking(plugin.strict):
                return Update(False, [problems.report()])
            if problems:
                collect.messages.append(problems.report())
            known = {digest for _, digest in self.items.values()}
            self.items = item_digests(plugin.corpus.items, self.items, self.docs_dir)
            views = plugin.site.views
            edited, seen = self._edited(known)  # shown before the rest is even compared
            self._render(edited)
            if edited:
                publish({p.url for p in edited})
            if yields():
                return self._stop(started, looked + edited, collect.messages)
            plugin.load_search()
            pages, feeds = fingerprints(plugin, self.items)
            if yields():
                return self._stop(started, looked + edited, collect.messages)
            gone = [files.get_file_from_path(src) for src in self.pages if src not in pages]
            published = {file.url for file in gone}
            for file in gone:
                self._delete(file)
            moved = bool(gone)  # the set of pages changed: the sitemap follows
            todo: list[Page] = []
            done = {p.file.src_uri for p in edited + seen}
            for src, digest in pages.items():
                if self.pages.get(src) == digest or src in done:
                    continue
                file, fresh = files.src_uris.get(src), page_file(config, views[src])
                if file is None or file.dest_uri != fresh.dest_uri:
                    if file is not None:
                        published.add(file.url)
                        self._delete(file)
                    files.append(fresh)
                    self._doc_files = None
                    ModelPage(None, fresh, config)
                    file, moved = fresh, True
                else:
                    file.content_string = views[src].markdown
                todo.append(file.page)
            if moved:  # keep the order a full build gives (the sitemap lists pages in it)
                todo += edited + seen  # rendered again: a link in them may lead to a page that moved
                for file in [files.src_uris[src] for src in views]:  # src_uris: no path parsing per page
                    files.remove(file)
                    files.append(file)
                self._doc_files = None
                # staff pages (not made from the model) may link to an item that moved
                todo += [f.page for f in files.documentation_pages() if f.page and f.src_uri not in views
                         and links_to_pages(f.content_string)]
            first, later = [], []
            for page in todo:
                view = views.get(page.file.src_uri)
                if view and "item" in view.data:  # an unchanged item's page changes only in its related items
                    late = self.items[id(view.data["item"])][1] in known
                else:  # second and later pages of a listing
                    late = bool(view and view.pager and view.pager.number > 1)
                (later if late else first).append(page)
            built = self._render(first, stop=None if moved else yields)  # moved: the sitemap must follow
            publish(published | {p.url for p in first[:built]})
            if built < len(first) or (not moved and yields()):
                return self._stop(started, looked + edited + first[:built], collect.messages, pages)
            if collecting:
                gc.enable()
            update = Update(True, collect.messages, len({id(p) for p in todo + edited + seen}) + len(gone),
                            first_seconds=time.monotonic() - started)
            stale = [(feed, items) for feed, items in plugin.catalogue if self.feeds.get(feed.path) != feeds[feed.path]]

            def meanwhile() -> None:  # while a helper renders later pages: the sitemap and the feeds
                if moved:
                    for template in config.theme.static_templates:
                        _build_theme_template(template, plugin.env, files, config, plugin.nav)
                plugin.write_feeds(self.site_dir, stale)
                for path in set(self.feeds) - set(feeds):
                    (self.site_dir / path).unlink(missing_ok=True)
                plugin.broadcast.prune(self.site_dir)  # readings and bulletins no feed carries any more

            update.helped = self._render_shared(later, meanwhile)
            if later or stale:
                publish({p.url for p in later} | {feed.path for feed, _ in stale})
            update.feeds = len(stale)
            update.search_changed = self.search_stale or plugin.search_urls != self.search_urls or any(
                views[p.file.src_uri].searchable for p in todo + edited + seen if p.file.src_uri in views)
            self.pages, self.feeds, self.search_urls, self.search_stale = pages, feeds, list(plugin.search_urls), False
            update.seconds = time.monotonic() - started
            return update
        finally:
            logger.removeHandler(collect)
            if collecting:
                gc.enable()

    def _first_look(self, paths: set[str]) -> list[Page]:
        """Before the site is loaded again: the own pages of the edited items, made from their files alone, when
        every file saved was an item's and still is, with no error, in the same place (NewsItem.placement: its
        related items and every listing keep their items). _edited compares them with the update's own Views."""
        plugin, views = self.plugin, {}
        loader = Loader(Path(self.config.config_file_path).parent, plugin.now)
        for path in sorted(paths):
            file = Path(path).resolve()
            before = self.cache.entries.get(loader.rel(file))
            old = before.item if before else None
            view = plugin.site.views.get(old.src_uri) if old else None
            page = getattr(plugin.files.src_uris.get(old.src_uri), "page", None) if old else None
            if view is None or page is None or view.data.get("item") is not old or not file.is_file():
                return []
            entry = loader.reread(plugin.corpus, file, self.cache)
            if (new := entry.item) is None or new.placement() != old.placement() or any(
                    problem.level == ERROR for problem in entry.problems):
                return []
            fresh = plugin.site.item_view(new, view.data["related"])  # the same neighbours: the same related items
            fresh.data = {**view.data, **fresh.data}  # what the feeds added (its reading) stays
            views[old.src_uri] = fresh
        for src, view in views.items():
            plugin.site.views[src] = view
            plugin.files.src_uris[src].content_string = view.markdown
        self.looked.update(views)  # kept until an update compares them: a stopped one may not have
        return [plugin.files.src_uris[src].page for src in views]

    def _stop(self, started: float, written: list[Page], messages: list[str] | None = None,
              pages: dict[str, bytes] | None = None) -> Update:
        """A newer save came: the pages written are recorded as they are now (with `pages`, the fingerprints of
        this update's Views), every other page keeps what it shows, so the next update renders it if it differs."""
        if pages is not None:  # no page came or went (an update that moves pages is never stopped there)
            done = {page.file.src_uri for page in written}
            kept = {src: digest if src in done else self.pages.get(src) for src, digest in pages.items()}
            self.pages = {src: digest for src, digest in kept.items() if digest is not None}
        self.search_stale = True
        seconds = time.monotonic() - started
        return Update(True, messages or [], len(written), first_seconds=seconds, seconds=seconds, stopped=True)

    def _edited(self, known: set[bytes]) -> tuple[list[Page], list[Page]]:
        """The own pages of the items an edit changed (their digests are new), where they stay at their address:
        what the staff member is looking at, rendered before the other pages' fingerprints are even computed.
        Those shown already by _first_look with the very same View come second: not rendered again."""
        views, files, found, seen = self.plugin.site.views, self.plugin.files, [], []
        looked, self.looked = self.looked, {}
        if views.keys() != self.pages.keys():
            return [], []  # pages come or go: a link in the edited ones may lead to them, rendered in the usual order
        for item in self.plugin.site.visible:
            if self.items[id(item)][1] in known or (view := views.get(item.src_uri)) is None:
                continue
            file = files.src_uris.get(item.src_uri)
            if file is not None and file.page is not None and file.dest_uri == page_file(self.config, view).dest_uri:
                file.content_string = view.markdown
                (seen if looked.get(item.src_uri) == view else found).append(file.page)
        return found, seen

    def _render(self, pages: list[Page], stop: Callable[[], bool] | None = None) -> int:
        """MkDocs' own two steps for each page, in this process: Markdown (with our plugin's hooks), then the
        template. `stop` is asked before each template: at the first True the pages left are not written.
        Returns how many pages were written, from the front of the list."""
        for page in pages:
            _populate_page(page, self.config, self.plugin.files)
        for n, page in enumerate(pages):
            if stop is not None and stop():
                return n
            self._build(page)
        return len(pages)

    def _render_shared(self, pages: list[Page], meanwhile: Callable[[], None]) -> int:
        """Every page rendered, a forked helper (stores/helper.py) taking pages from the back of the list, except
        pages with an automatic reading (made by this process's threads); `meanwhile` runs once this process's
        pages have their Markdown (so their readings are asked for) and before their templates. Returns how many
        pages the helper rendered."""
        views = self.plugin.site.views
        kept = ["reading" in getattr(views.get(p.file.src_uri), "data", {}) for p in pages]
        own = [page for page, mine in zip(pages, kept) if mine]
        shared = [page for page, mine in zip(pages, kept) if not mine]

        def one(page: Page) -> None:
            _populate_page(page, self.config, self.plugin.files)
            self._build(page)

        self._listed()  # before the fork: the helper lists no files of its own
        work = Helper(len(shared), "preview")
        work.start(lambda k: one(shared[k]))
        for page in own:  # Markdown first: it asks for the readings the feeds and bulletins written next carry
            _populate_page(page, self.config, self.plugin.files)
        meanwhile()
        for page in own:
            self._build(page)
        for k, page in enumerate(shared):
            if work.mine(k):
                one(page)
        return int(work.finish()["helper_preview"])

    def _build(self, page: Page) -> None:
        _build_page(page, self.config, self._listed(), self.plugin.nav, self.plugin.env)

    def _listed(self) -> list:
        if self._doc_files is None:  # 30,000 files at 20,000 items: listed again only when they change
            self._doc_files = self.plugin.files.documentation_pages(inclusion=InclusionLevel.is_included)
        return self._doc_files

    def save(self) -> None:
        """Write the item cache to disk (on leaving the preview), so the next start reads only what changed."""
        self.cache.save()
        self.plugin.renders.store.flush()

    def _delete(self, file) -> None:
        if file is None:
            return
        self.plugin.files.remove(file)
        self._doc_files = None
        path = Path(file.abs_dest_path)
        path.unlink(missing_ok=True)
        try:
            path.parent.rmdir()  # an item's own folder, now empty
        except OSError:
            pass
