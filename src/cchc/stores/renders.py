"""Rendered Markdown of news items, kept between builds: an unchanged item is not rendered again.

The key covers everything the HTML depends on: the Markdown, where the page is read from and written
to (relative links are rewritten against both), and the Markdown configuration. Items that link to
other .md pages are never cached, since those links depend on other pages' URLs.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import markdown
import mkdocs
from mkdocs.structure.toc import TableOfContents, get_toc

from ..content.text import links_to_pages
from .keyed import KeyedStore

VERSION = "1"


def toc_tokens(toc: TableOfContents) -> list[dict]:
    def token(link) -> dict:
        return {"level": link.level, "id": link.id, "name": link.title, "children": [token(c) for c in link.children]}
    return [token(link) for link in toc]


class RenderCache:
    def __init__(self, root: Path, config) -> None:
        self.store = KeyedStore(root / "build" / "cache" / "html.sqlite", replaces=root / "build" / "cache" / "html")
        settings = json.dumps([config["markdown_extensions"], config["mdx_configs"], mkdocs.__version__,
                               markdown.__version__, VERSION], sort_keys=True, default=str)
        self.settings = hashlib.sha256(settings.encode()).hexdigest()
        self.hits = self.misses = 0

    def key(self, text: str, src_uri: str, url: str) -> str | None:
        if links_to_pages(text):
            return None
        return hashlib.sha256(f"{self.settings}\0{src_uri}\0{url}\0{text}".encode()).hexdigest()

    def get(self, key: str) -> tuple[str, TableOfContents] | None:
        try:
            html, tokens = json.loads(self.store.get(key) or b"")
        except ValueError:
            self.misses += 1
            return None
        self.hits += 1
        return html, get_toc(tokens)

    def put(self, key: str, html: str, toc: TableOfContents) -> None:
        self.store.put(key, json.dumps([html, toc_tokens(toc)], ensure_ascii=False).encode("utf-8"))
