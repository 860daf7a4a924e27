"""Pages made from the model as MkDocs files and pages, and what every page's titles go through for the theme."""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path

import markdown
import mkdocs.structure.pages as engine_pages
from markupsafe import escape
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from ..content.loader import NEWS_DIR
from ..content.publishing import clean_svg, refusal
from ..content.safety import plain, safe_text


class ModelPage(Page):
    """MkDocs' page, for the pages made from the model: one without Markdown (listings; items whose HTML the render
    cache holds) gets what a converter makes of empty text, without building a converter for it (a fifth of a
    millisecond a page, tens of thousands of pages)."""

    def render(self, config, files) -> None:
        if self.markdown is None or self.markdown.strip():
            with _CONVERTER.lent():
                return super().render(config, files)
        self.content, self.toc, self._title_from_render = "", get_toc([]), None
        self.present_anchor_ids, self.links_to_anchors = frozenset(), None  # none, and nothing held per page


class _KeptConverter:
    """MkDocs builds Python-Markdown's converter anew for each page (a fifth of a millisecond: a second of a build of
    5,000 items); Python-Markdown documents reset() for converting many texts with one. While a model page renders,
    the engine's page module is lent this stand-in for the markdown package: Markdown() gives the converter kept
    for the same extensions, reset, to the thread that lent it (any other thread gets a new one), and MkDocs
    registers its processors for the page on it, each replacing the last page's of the same name. One thread at a
    time lends it: another thread rendering meanwhile renders as MkDocs does."""

    def __init__(self) -> None:
        self._kept: tuple | None = None  # (extensions, their settings, the converter)
        self._owner: int | None = None
        self._lending = threading.Lock()

    @contextlib.contextmanager
    def lent(self):
        if not self._lending.acquire(blocking=False):
            yield  # another thread has it: this page renders as MkDocs does
            return
        given, engine_pages.markdown, self._owner = engine_pages.markdown, self, threading.get_ident()
        try:
            yield
        finally:
            engine_pages.markdown, self._owner = given, None
            self._lending.release()

    def Markdown(self, *, extensions, extension_configs):  # noqa: N802 (the package's name for it)
        if threading.get_ident() != self._owner:
            return markdown.Markdown(extensions=extensions, extension_configs=extension_configs)
        kept = self._kept
        if kept is None or kept[0] is not extensions or kept[1] != extension_configs:
            kept = self._kept = (extensions, extension_configs,
                                 markdown.Markdown(extensions=extensions, extension_configs=extension_configs))
        else:
            kept[2].reset()
        return kept[2]

    def __getattr__(self, name: str):
        return getattr(markdown, name)  # the rest of the package, as it is


_CONVERTER = _KeptConverter()


def page_file(config, view) -> File:
    """The MkDocs file of a model-made page: generated content, outside the nav, items at their own URL."""
    generated = File.generated(config, view.src_uri, content=view.markdown, inclusion=InclusionLevel.NOT_IN_NAV)
    if "item" in view.data:
        generated.dest_uri = f"{view.data['item'].url}index.html"
    return generated


def model_files(files: Files, config, views: dict) -> Files:
    """The site's files: staff files the publishing policy refuses stop the build (the loader has reported them:
    this is the backstop), SVG images are published sanitised, and news items' sources give way to the pages the
    model makes (items, listings, plans…)."""
    docs_dir = Path(config.docs_dir)
    refused, folders = [], {}
    for file in list(files):
        if file.src_uri.startswith(NEWS_DIR + "/") and file.is_documentation_page():
            # staff source: replaced below by its model page, or dropped if unpublished (the loader read it, never
            # through a link, and reported any link): not checked against the publishing policy here
            files.remove(file)
            continue
        if file.abs_src_path is None or not Path(file.abs_src_path).is_relative_to(docs_dir):
            if file.src_uri.endswith(".map"):
                files.remove(file)  # the theme's source maps: a developer's aid, not published
            continue  # the theme's own files (overrides/, Material)
        if file.inclusion.is_excluded():
            continue  # never published (hidden files: MkDocs' own rule)
        if why := refusal(docs_dir, file.src_uri, folders):
            files.remove(file)
            refused.append(f"docs/{file.src_uri}: {why[0]} — {why[1]}")
        elif file.src_uri.lower().endswith(".svg"):
            files.remove(file)
            try:
                files.append(File.generated(config, file.src_uri, content=clean_svg(file.content_bytes)))
            except ValueError:
                refused.append(f"docs/{file.src_uri}: ảnh SVG không đọc được — xuất lại ảnh dưới dạng SVG thường hoặc PNG")
    if refused:
        raise PluginError("\n".join(refused))
    taken = set(files.src_uris)  # the staff's pages: no path parsed per model page (get_file_from_path)
    for view in views.values():
        if view.src_uri in taken:
            raise PluginError(f"docs/{view.src_uri}: trùng đường dẫn với trang do hệ thống tạo — đổi tên hoặc xóa tệp này")
        files.append(page_file(config, view))
    return files


def escape_for_theme(page) -> None:
    """A page's title, description, author and table of contents escaped for the theme's templates, which print
    them as they are."""
    title = page.meta.get("title")
    page.meta["title"] = escape(plain(title)) if title else safe_text(page.title or "")
    for key in ("description", "author"):
        if key in page.meta:
            page.meta[key] = escape(plain(page.meta[key]))
    _escape_toc(page.toc)


def _escape_toc(toc) -> None:
    for anchor in toc or []:
        anchor.title = safe_text(anchor.title)
        _escape_toc(anchor.children)
