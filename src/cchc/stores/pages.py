"""Finished pages kept between builds: a page whose every input is unchanged is not rendered again.

A page's key covers what its template can read: the page itself (URL, title, front matter, its HTML after
Markdown, table of contents), its View (fingerprint.py: items by digest), the navigation, and, for all
pages at once, mkdocs.yml, every file under plans/ and overrides/, our own code and the versions of the
libraries that render. A hit skips the template (the page is given an empty one).

Pages are stored as the files they are, in build/cache/pages/ (pages-xem-truoc/ for the preview), and the site's file is a hard link to the
stored one: a page reused costs a directory entry, not a write. on_post_page then hands MkDocs an empty
output, which MkDocs does not write. A page rendered is written in the site and kept as a second link to it, by a
thread while the next ones render (the helper's pages, by the helper itself). Since site and cache share these
files, nothing may write into a site file in place: the preview (after the build) removes a page's file before
MkDocs writes its new one. Entries no build used are removed at the end of a full build.
"""

from __future__ import annotations

import hashlib
import json
import platform
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from .. import engine
from .helper import Helper
from .keyed import KeyedFiles, library_versions, link, make_folder, new_file, tree_digest
from .renders import toc_tokens

VERSION = "1"
TEMPLATE = "cchc-trang-co-san.html"  # the empty template a cached page is given
_LIBRARIES = ("mkdocs", "properdocs", "mkdocs-material", "jinja2", "markdown", "markupsafe", "pymdown-extensions")


def nav_digest(nav) -> bytes:
    """Titles and URLs of the whole navigation (every page shows it)."""
    def walk(items) -> list:
        return [(type(i).__name__, str(i.title), getattr(i, "url", None), walk(getattr(i, "children", None) or []))
                for i in items]
    return hashlib.blake2b(repr(walk(nav.items)).encode(), digest_size=16).digest()


class PageCache:
    BATCH = 32  # pages rendered here per wake of the writer

    def __init__(self, root: Path, config, drafts: bool, settings: object) -> None:
        """`settings`: the plugin's other choices that change pages. The preview (drafts shown) keeps its pages
        apart, so neither prunes the other's."""
        self.files = KeyedFiles(root / "build" / "cache" / ("pages-xem-truoc" if drafts else "pages"), ".html")
        digest = hashlib.blake2b(digest_size=16)
        # the engine in use (ProperDocs or MkDocs: both may be installed) renders the pages
        digest.update(repr([VERSION, platform.python_version(), engine(), library_versions(_LIBRARIES), drafts, settings]).encode())
        digest.update(Path(config.config_file_path).read_bytes())
        for folder in (root / "plans", Path(config.theme.custom_dir or root / "overrides"), Path(__file__).parents[1]):
            tree_digest(digest, folder)
        self.base = digest.digest()
        self.keys: dict[str, str] = {}  # page URL -> key, for pages to render and then store
        self.hits: dict[str, tuple[str, str]] = {}  # page URL -> (key, its template), for pages found
        self.misses: list = []  # the pages to render, in the build's order (shared with the helper)
        self._tasks: dict[str, tuple[int, str]] = {}  # page URL -> (its number in misses, its template)
        self.helper = Helper(0, "pages")
        self._extras: list[Callable[[], None]] = []
        self.timings: dict[str, float] = {}  # the helper's, for benchmarks/
        self._taken: dict[str, str] = {}  # page URL -> output, between on_page_context and on_post_page
        self._helped: set[str] = set()  # page URLs the helper rendered, stored and linked, between the same two
        self.used: set[str] = set()
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="cchc-page-cache")
        self._writes: list[Future] = []
        self._batch: list[tuple[str, bytes, Path]] = []  # pages rendered here, handed to the writer BATCH at a time
        self._pending = threading.BoundedSemaphore(4)  # batches in hand at most: memory stays flat
        self.active = False  # between plan() and finish(): a full build

    def key(self, page, content: bytes, view_digest: bytes, nav: bytes) -> str:
        parts = [self.base, nav, view_digest, page.url, page.file.dest_uri, str(page.title), page.canonical_url,
                 page.edit_url, json.dumps(page.meta, sort_keys=True, ensure_ascii=False, default=str),
                 json.dumps(toc_tokens(page.toc), ensure_ascii=False), content]
        digest = hashlib.blake2b(digest_size=20)
        for part in parts:
            digest.update(part if isinstance(part, bytes) else str(part).encode("utf-8", "surrogatepass"))
            digest.update(b"\x1f")
        return digest.hexdigest()

    def plan(self, pages, contents: Callable[[str], bytes], view_digests: dict[str, bytes], nav) -> None:
        """Before the templates: each page either found or to be rendered and stored; either way MkDocs is given
        the empty template, and take() renders the real one where needed. `contents`: a digest of the HTML of the
        page at a URL."""
        self.keys.clear()
        self.hits.clear()
        self.misses.clear()
        self._tasks.clear()
        self.active = True
        navigation = nav_digest(nav)
        stored = self.files.stored()
        for page in pages:
            key = self.key(page, contents(page.url), view_digests.get(page.file.src_uri, b""), navigation)
            self.used.add(key)
            template = page.meta.get("template", "main.html")
            if key in stored:
                self.hits[page.url] = (key, template)
            else:
                self.keys[page.url] = key
                self._tasks[page.url] = (len(self.misses), template)
                self.misses.append(page)
            page.meta["template"] = TEMPLATE

    def share(self, render: Callable[[object, str], str], extras: list[Callable[[], None]] = ()) -> None:
        """Fork the helper (helper.py): it renders pages from the back of the misses, `render(page, template)`,
        and stores them; take() finds them stored. `extras`, other work of the build's end, it does first; the
        build asks extra(j) for each, after the pages."""
        self._extras = list(extras)
        self.helper = Helper(len(self.misses) + len(self._extras), "pages")

        def work(k: int) -> None:
            if k >= len(self.misses):
                return self._extras[k - len(self.misses)]()
            page = self.misses[k]
            output = render(page, self._tasks[page.url][1])
            # placed in the site here, not by the build at its end (one core is idle then)
            self._store(self.keys[page.url], output.encode("utf-8", "xmlcharrefreplace"), Path(page.file.abs_dest_path))

        self.helper.start(work)

    def extra(self, j: int) -> bool:
        """Asked for j = 0, 1, 2… in order, once every page is done: does the build do extra j itself?"""
        return self.helper.mine(len(self.misses) + j)

    def take(self, page, context, env, content: Callable[[], str]) -> None:
        """on_page_context (every page has the empty template): renders the page's real template here, unless it
        was found, or the helper has rendered and stored it; a page found but gone meanwhile is rendered too."""
        hit = self.hits.get(page.url)
        if hit is not None:
            if self.files.path(hit[0]).is_file():
                return
            del self.hits[page.url]
            self.keys[page.url], template = hit
        else:
            k, template = self._tasks[page.url]
            if not self.helper.mine(k):  # done: the helper has placed it in the site (and kept it, if it could)
                self.keys.pop(page.url)
                self._helped.add(page.url)
                return
        page.content = content()
        self._taken[page.url] = env.get_template(template).render(context)

    def output(self, page, output: str) -> str:
        """on_post_page: during a full build, the page's file is linked to the stored one (stored first if it was
        rendered) and MkDocs is handed nothing to write; afterwards (the preview) the file is removed for MkDocs
        to write anew, so a stored page is never overwritten through its link."""
        dest = Path(page.file.abs_dest_path)
        if not self.active:
            dest.unlink(missing_ok=True)
            return output
        output = self._taken.pop(page.url, output)
        if page.url in self._helped:
            self._helped.discard(page.url)
            return ""
        hit = self.hits.pop(page.url, None)
        if hit is not None:
            make_folder(dest.parent)  # first: a page's folder is new in a new site
            link(self.files.path(hit[0]), dest)
            return ""
        key = self.keys.pop(page.url, None)
        if key is None:
            return output
        self._batch.append((key, output.encode("utf-8", "xmlcharrefreplace"), dest))  # as MkDocs writes it
        if len(self._batch) >= self.BATCH:
            self._hand_over()
        return ""

    def _hand_over(self) -> None:
        """The writer is woken once a batch, not once a page: waking a thread costs as much as writing a page."""
        batch, self._batch = self._batch, []
        self._pending.acquire()
        self._writes.append(self._writer.submit(self._put, batch))

    def _put(self, batch: list[tuple[str, bytes, Path]]) -> None:
        try:
            for key, data, dest in batch:
                self._store(key, data, dest)
        finally:
            self._pending.release()

    def _store(self, key: str, data: bytes, dest: Path) -> None:
        """The page written in the site, then kept as a link to it (a read-only checkout builds without the cache):
        three calls to the file system where a temporary file renamed and linked took six."""
        make_folder(dest.parent)
        new_file(dest, data)
        self.files.adopt(key, dest, data)

    def finish(self, prune: bool) -> None:
        """Wait for the stores; with `prune`, remove entries this build did not use (pages that changed or went)."""
        if self._batch:
            self._hand_over()
        for write in self._writes:
            write.result()
        self._writes.clear()
        if prune:
            self.timings = self.helper.finish()
        else:
            self.helper.stop()
        self._writer.shutdown(wait=True)  # one build, one writer: no thread outlives it
        self.active = False
        self.keys.clear()
        self.hits.clear()
        self.misses.clear()
        self._tasks.clear()
        self._taken.clear()
        self._helped.clear()
        self._extras.clear()
        if prune:
            self.files.prune(self.used)
        self.used.clear()
