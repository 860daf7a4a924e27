"""Material's navigation (sidebar and tabs), and the blocks of its base that read nothing of a page but its depth,
rendered once for all the pages that share them.

Pages outside the navigation (items, later listing pages, topic pages: most of a site) mark no entry of it
active, so the two partials differ between them only by their links, which are relative to the page. They are
rendered once for each distinct set of those links and reused: a third of a page's template time. Pages in the
navigation (an entry active) are rendered as usual.

The blocks (overrides/main.html hands them to `shell_once` with `base_url` as their key): the configuration the
theme's script reads, the scripts and the style sheets; and the small partials of the frame (logo, palette switch,
"back to top", copyright…: DEPTH_PARTIALS), by `base_url` too. Their links are relative to the page, the same for every page
as deep; the byte-for-byte comparison with a build without any of this (tests/test_build.py) guards the assumption.

The header (TITLE_PARTIALS) shows the page's title besides links: rendered once per set of links as the navigation,
with a marker standing for the title, which each page's own title then replaces.

A news item's row in lists (item_rows: cchc/partials/item-row.html) is rendered once per item, its links with a
marker for the way to the site's root that each page puts in (templates.py): an item is listed on ten pages or so.
"""

from __future__ import annotations

import functools

import jinja2
from markupsafe import Markup

from mkdocs.utils import normalize_url

from .templates import place_row, render_row

PARTIALS = ("partials/nav.html", "partials/tabs.html")
# Partials of the page's frame that read the configuration, the translations and (for links) the page's depth only:
# one rendering per depth. Those a theme lacks are left alone.
DEPTH_PARTIALS = ("partials/logo.html", "partials/palette.html", "partials/search.html", "partials/top.html",
                  "partials/copyright.html", "partials/social.html")
# Partials of the frame that read of the page its title and its place only (the header): rendered once for each set
# of links, as the navigation, with a marker for the title, then given each page's title. A marker any filter, cut
# or escaping would change: a partial that changes it, or reads more of the page, is rendered as usual.
TITLE_PARTIALS = ("partials/header.html",)
_MARK = "\x00" + "Tiêu đề <&> " * 24
_TITLE, _META_TITLE = _MARK + "1\x00", _MARK + "2\x00"  # page.title, page.meta.title
_TITLE_READS = {"title", "meta", "url"}  # url: its links, which the key holds


class NavMemo:
    def __init__(self) -> None:
        self.kept: dict[tuple, str] = {}
        self.reused = 0  # pages given a kept rendering (timings)
        self.shell_reused = 0  # blocks given a kept rendering (timings)
        self._links: tuple = (None, [], [])  # the nav, its pages and links, their URLs
        self._folders: dict[tuple, tuple] = {}  # (partial, base_url, folder of the page) -> its key
        self._templates: dict[str, jinja2.Template] = {}  # TITLE_PARTIALS
        self._plain: set[str] = set()  # TITLE_PARTIALS found to read more than the title
        # id of a news item -> (the item, its row in lists as UTF-8: Vietnamese text is held as two bytes a letter in
        # a str, 20 MB of rows at 20,000 items in each of two processes)
        self._rows: dict[int, tuple[object, bytes]] = {}
        self.rows_reused = 0

    def install(self, env) -> None:
        """Wrap the partials' compiled templates (an include runs a template's root_render_func); a template
        Jinja compiles anew (its file changed) is simply not wrapped."""
        self.clear()
        env.globals["shell_once"] = self.once
        env.globals["item_rows"] = functools.partial(self.rows, env)
        for name in PARTIALS + DEPTH_PARTIALS + TITLE_PARTIALS:
            try:
                template = self._templates[name] = env.get_template(name)
            except jinja2.TemplateNotFound:
                continue
            render = getattr(template.root_render_func, "cchc_render", template.root_render_func)
            wrapped = functools.partial(self._render, name, render)
            wrapped.cchc_render = render
            template.root_render_func = wrapped

    def clear(self) -> None:
        """Forget what was rendered (the preview, after an edit: a title in the navigation may be the one edited)."""
        self.kept.clear()
        self._folders.clear()
        self._links = (None, [], [])
        self._plain.clear()
        self._rows.clear()

    def once(self, block: str, key: str, render) -> Markup:
        """A block of the base, rendered by `render` (the template's `super`) the first time its key is seen."""
        html = self.kept.get((block, key))
        if html is None:
            html = self.kept[(block, key)] = Markup(render())
        else:
            self.shell_reused += 1
        return html

    def rows(self, env, items, corpus, base_url: str) -> Markup:
        """A list's rows (templates.py), each rendered once per item: an item is listed on ten pages or so."""
        found = []
        for item in items:
            kept = self._rows.get(id(item))
            if kept is None or kept[0] is not item:  # the item is held: its id is no other's meanwhile
                kept = self._rows[id(item)] = (item, render_row(env, item, corpus).encode("utf-8", "surrogatepass"))
            else:
                self.rows_reused += 1
            found.append(kept[1])
        return place_row(b"".join(found).decode("utf-8", "surrogatepass"), base_url)

    def _render(self, name: str, render, context):
        if name in TITLE_PARTIALS:
            yield self._titled(name, render, context)
            return
        key = self._key(name, context)
        if key is None:
            yield from render(context)
            return
        html = self.kept.get(key)
        if html is None:
            html = self.kept[key] = "".join(render(context))
        elif name in DEPTH_PARTIALS:
            self.shell_reused += 1
        else:
            self.reused += 1
        yield html

    def _titled(self, name: str, render, context) -> str:
        page = context.get("page")
        meta = getattr(page, "meta", None)
        key = None if name in self._plain or not isinstance(meta, dict) or "title" not in meta else self._key(name, context)
        if key is None:
            return "".join(render(context))
        html = self.kept.get(key)
        if html is None:
            stand_in = _StandIn(page)
            html = "".join(render(self._templates[name].new_context({**context.get_all(), "page": stand_in}, shared=True)))
            if stand_in.read - _TITLE_READS or stand_in.meta.read - {"title"} or "\x00" in _unmarked(html):
                self._plain.add(name)  # it read more of the page, or did more to a title than print it
                return "".join(render(context))
            self.kept[key] = html
        else:
            self.shell_reused += 1
        return html.replace(_TITLE, str(page.title)).replace(_META_TITLE, str(meta["title"]))

    def _key(self, name: str, context) -> tuple | None:
        if name in DEPTH_PARTIALS:
            base_url = context.get("base_url")
            return None if base_url is None else (name, base_url)
        page, nav, config = context.get("page"), context.get("nav"), context.get("config")
        if page is None or nav is None or config is None or page.parent is not None:
            return None
        if self._links[0] is not nav:
            links = list(_links(nav.items))
            urls = [link.url for link in links] + [nav.homepage.url if nav.homepage else "",
                                                   config.extra.get("homepage") or "", config.theme.get("logo") or ""]
            self._links = (nav, links, [url for url in urls if url])
            self._folders.clear()
        _, links, urls = self._links
        if any(link is page for link in links):
            return None
        # A link's address relative to "a/b/c/" is the same from "a/b/d/" unless it leads under "a/b/c": the
        # addresses are worked out once per folder of pages (an item's siblings share them), not per page.
        url = page.url
        parent, stem = url[:url.rstrip("/").rfind("/") + 1], url[:-1]
        folder = (name, context.get("base_url"), parent) if url.endswith("/") and stem else None
        if folder is None or any(link.startswith(stem) for link in urls):
            return (name, context.get("base_url"), *(normalize_url(link, page) for link in urls))
        key = self._folders.get(folder)
        if key is None:
            key = self._folders[folder] = (name, context.get("base_url"), *(normalize_url(link, page) for link in urls))
        return key


def _links(items):
    """Every page and link of the navigation, sections opened."""
    for item in items:
        if getattr(item, "url", None) is not None:
            yield item
        yield from _links(getattr(item, "children", None) or ())


def _unmarked(html: str) -> str:
    return html.replace(_TITLE, "").replace(_META_TITLE, "")


class _StandIn:
    """The page as a title partial sees it: its title and the title of its metadata markers; whatever else it
    reads of the page is the page's own, and noted."""

    def __init__(self, page) -> None:
        self._page, self.read = page, set()
        self.title, self.meta = _TITLE, _MetaStandIn(page.meta)

    def __getattr__(self, name: str):
        self.read.add(name)
        return getattr(self._page, name)


class _MetaStandIn(dict):
    def __init__(self, meta: dict) -> None:
        super().__init__(meta)
        self["title"], self.read = _META_TITLE, set()

    def __getitem__(self, key):
        self.read.add(key)
        return super().__getitem__(key)

    def get(self, key, default=None):
        self.read.add(key)
        return super().get(key, default)
