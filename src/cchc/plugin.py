"""The mkdocs plugin: our only extension point into MkDocs/Material. Hooks stay thin.

on_config loads and validates the corpus (before MkDocs cleans site/, so a bad build never
touches the published site); on_files swaps staff files for model-made pages; the page hooks hand
each template its view.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel

from . import dates
from .loader import NEWS_DIR, load_corpus
from .model import CADENCES, LEVELS, REPORT_PERIODS
from .safety import sanitize
from .views import SiteViews

log = logging.getLogger("mkdocs.plugins.cchc")


class CchcConfig(base.Config):
    per_page = c.Type(int, default=20)
    drafts = c.Type(bool, default=False)  # show drafts, marked as such (preview only)
    strict = c.Type(bool, default=True)  # warnings stop the build too


class CchcPlugin(BasePlugin[CchcConfig]):
    def on_config(self, config):
        root = Path(config.config_file_path).parent
        self.now = dates.now()
        drafts = self.config.drafts or os.environ.get("CCHC_DRAFTS") == "1"
        strict = self.config.strict and os.environ.get("CCHC_STRICT") != "0"
        self.corpus, problems = load_corpus(root, self.now)
        if problems.blocking(strict):
            raise PluginError(problems.report())
        if problems:
            log.warning(problems.report())
        self.site = SiteViews(self.corpus, self.now, drafts=drafts, per_page=self.config.per_page,
                              docs_dir=Path(config.docs_dir))
        return config

    def on_files(self, files: Files, config) -> Files:
        for file in list(files):
            if file.src_uri.startswith(NEWS_DIR + "/") and file.is_documentation_page():
                files.remove(file)  # staff source: replaced below by its model page, or dropped if unpublished
        for view in self.site.views.values():
            if files.get_file_from_path(view.src_uri):
                raise PluginError(f"docs/{view.src_uri}: trùng đường dẫn với trang do hệ thống tạo — đổi tên hoặc xóa tệp này")
            generated = File.generated(config, view.src_uri, content=view.markdown,
                                       inclusion=InclusionLevel.NOT_IN_NAV)
            if "item" in view.data:
                generated.dest_uri = f"{view.data['item'].url}index.html"
            files.append(generated)
        return files

    def on_page_markdown(self, markdown, page, config, files):
        view = self.site.views.get(page.file.src_uri)
        if view:
            page.meta.update(title=view.title, template=view.template)
            if not view.searchable:
                page.meta["search"] = {"exclude": True}
        return markdown

    def on_page_content(self, html, page, config, files):
        view = self.site.views.get(page.file.src_uri)
        return sanitize(html) if view and view.searchable else html

    def on_page_context(self, context, page, config, nav):
        context["view"] = self.site.views.get(page.file.src_uri)
        context["corpus"] = self.corpus
        context["site_views"] = self.site
        return context

    @event_priority(-10)
    def on_env(self, env, config, files):
        env.filters.update(ngay=dates.format_date, ngay_gio=dates.format_datetime, kich_thuoc=_file_size)
        env.globals.update(CADENCES=CADENCES, LEVELS=LEVELS, REPORT_PERIODS=REPORT_PERIODS)
        return env


def _file_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB".replace(".", ",")
    return f"{max(1, round(size / 1024))} KB"
