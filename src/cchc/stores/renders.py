"""Rendered Markdown of news items, kept between builds: an unchanged item is not rendered again.

The key covers everything the HTML depends on: the Markdown, where the page is read from and written
to (relative links are rewritten against both), the files it names as they are (an image's width and height
are read from it), the Markdown configuration, the ids the templates take, and the code and sanitiser that
made it: what is kept is the sanitised HTML packed as the build keeps it (content/safety.py PackedHtml), handed
back as it was, never decompressed to be packed again (an item rendered by the Markdown helper, one found). Items that link to other .md pages
are never cached, since those links depend on other pages' URLs.
"""

from __future__ import annotations

import hashlib
import json
import struct
from pathlib import Path

import markdown
import mkdocs
from mkdocs.structure.toc import TableOfContents, get_toc

from ..content.safety import PackedHtml
from ..content.text import links_to_pages
from .keyed import KeyedStore, library_versions, tree_digest

VERSION = "2"  # of the entries' form: bump when it changes
_HEAD = struct.Struct("<16sI")  # the HTML's digest, the length of the table of contents (JSON)


def toc_tokens(toc: TableOfContents) -> list[dict]:
    def token(link) -> dict:
        return {"level": link.level, "id": link.id, "name": link.title, "children": [token(c) for c in link.children]}
    return [token(link) for link in toc]


class RenderCache:
    def __init__(self, root: Path, config, template_ids: frozenset[str] = frozenset()) -> None:
        self.store = KeyedStore(root / "build" / "cache" / "html.sqlite", replaces=root / "build" / "cache" / "html")
        settings = json.dumps([config["markdown_extensions"], config["mdx_configs"], mkdocs.__version__,
                               markdown.__version__, library_versions(["nh3"]), sorted(template_ids), VERSION],
                              sort_keys=True, default=str)
        digest = hashlib.sha256(settings.encode())
        tree_digest(digest, Path(__file__).parents[1])  # this package's code: the HTML's steps and its sanitiser
        self.settings = digest.hexdigest()
        self.hits = self.misses = 0

    def key(self, text: str, src_uri: str, url: str, files: str = "") -> str | None:
        """`files`: what the files the text names were when it was checked (their sizes and times)."""
        if links_to_pages(text):
            return None
        return hashlib.sha256(f"{self.settings}\0{src_uri}\0{url}\0{files}\0{text}".encode()).hexdigest()

    def get(self, key: str) -> tuple[PackedHtml, TableOfContents] | None:
        data = self.store.get(key) or b""
        try:
            digest, size = _HEAD.unpack_from(data)
            tokens = json.loads(data[_HEAD.size:_HEAD.size + size])
        except (struct.error, ValueError):
            self.misses += 1
            return None
        self.hits += 1
        return PackedHtml(data[_HEAD.size + size:], digest), get_toc(tokens)

    def put(self, key: str, html: PackedHtml, toc: TableOfContents) -> None:
        tokens = json.dumps(toc_tokens(toc), ensure_ascii=False).encode("utf-8")
        self.store.put(key, _HEAD.pack(html.digest, len(tokens)) + tokens + html.data)
