"""Digests of what each page and feed shows, to tell which ones an edit changed without rendering them.

A View is pickled with every news item in it replaced by a digest of the item's fields, and every vocabulary
term or plan by its key (those change only with files under plans/, which every cache keys on as a whole).
Digests are the same in every process: the live preview compares them after an edit, and the page cache
(stores/pages.py) between builds.
"""

from __future__ import annotations

import hashlib
import io
import pickle
from dataclasses import fields
from pathlib import Path

from ..content.model import NewsItem, Plan, Term
from ..content.text import links_to_pages
from .views import Pager

_ITEM_FIELDS = [f.name for f in fields(NewsItem)]
_ITEM_DATA = {"item", "related", "document_size", "audio_size", "reading"}  # what an item's page View holds


class _Fingerprinter(pickle.Pickler):
    """Pickles a View with each news item replaced by its digest and each vocabulary term or plan by its key."""

    def __init__(self, out: io.BytesIO, digests: dict[int, bytes], lists: dict[int, bytes]) -> None:
        super().__init__(out, protocol=pickle.HIGHEST_PROTOCOL)
        self.digests, self.lists = digests, lists

    def reducer_override(self, obj):  # not called for str, int, list, dict…: cheaper than persistent_id
        if isinstance(obj, NewsItem):
            return bytes, (self.digests[id(obj)],)
        if isinstance(obj, Term):  # vocabularies and plans do not change without a full build
            return str, (f"{type(obj).__name__}:{obj.slug}",)
        if isinstance(obj, Plan):
            return str, (f"Plan:{obj.id}",)
        if isinstance(obj, Pager):
            return tuple, (_pager(obj, self.lists),)
        return NotImplemented


def _pager(pager: Pager, lists: dict[int, bytes]) -> tuple:
    """A pager as its number, count and the URLs of its listing's pages, digested once per listing (`lists`)."""
    urls = lists.get(id(pager.urls))
    if urls is None:
        urls = lists[id(pager.urls)] = hashlib.blake2b(repr(pager.urls).encode(), digest_size=16).digest()
    return pager.number, pager.count, urls


def _item_digest(item: NewsItem, docs_dir: Path | None) -> bytes:
    values = tuple(getattr(item, name) for name in _ITEM_FIELDS)
    if item.image and docs_dir is not None:  # pages show its width and height, read from the file
        try:
            stat = (docs_dir / item.image).stat()
            values += (stat.st_size, stat.st_mtime_ns)
        except OSError:
            values += (None,)
    return hashlib.blake2b(pickle.dumps(values, protocol=pickle.HIGHEST_PROTOCOL), digest_size=16).digest()


def item_digests(items: list[NewsItem], known: dict[int, tuple[NewsItem, bytes]],
                 docs_dir: Path | None = None) -> dict[int, tuple[NewsItem, bytes]]:
    """Digest of each item by id(); `known` are those of the last update (the item cache, kept in memory,
    returns the very same object for an unchanged file, and items are never changed after loading)."""
    result = {}
    for item in items:
        hit = known.get(id(item))
        result[id(item)] = hit if hit is not None and hit[0] is item else (item, _item_digest(item, docs_dir))
    return result


def fingerprints(plugin, known: dict[int, tuple[NewsItem, bytes]]) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """Digest of every page (by src_uri) and every feed (by path) the plugin's model makes."""
    digests = {key: digest for key, (_, digest) in known.items()}
    views = plugin.site.views
    # Links between pages ([…](other.md)) are rewritten to URLs: such pages change when any URL does.
    page_map = hashlib.blake2b(repr(sorted((v.src_uri, v.data["item"].url) for v in views.values()
                                           if "item" in v.data)).encode()).digest()

    lists: dict[int, bytes] = {}  # id(a listing's URLs) -> their digest, while the views hold them
    shared: dict[int, bytes] = {}  # id(a listing's data) -> its digest, likewise

    def digest(obj, salt: bytes = b"") -> bytes:
        out = io.BytesIO()
        _Fingerprinter(out, digests, lists).dump(obj)
        return hashlib.blake2b(out.getvalue() + salt, digest_size=16).digest()

    pages = {}
    for src, v in views.items():
        salt = page_map if (v.data["item"].links_pages if "item" in v.data else links_to_pages(v.markdown)) else b""
        if "item" in v.data and v.data.keys() <= _ITEM_DATA and not v.items and not v.meta:
            # An item's own page (two thirds of a site): its data are items and plain values, digested as such
            # without the pickler's call per object. Its Markdown is its body: in the item's digest.
            d = v.data
            plain = (v.title, v.template, v.searchable, sorted(d), digests[id(d["item"])],
                     [digests[id(r)] for r in d.get("related", ())], d.get("document_size"), d.get("audio_size"),
                     d.get("reading"))
            pages[src] = hashlib.blake2b(pickle.dumps(plain, protocol=pickle.HIGHEST_PROTOCOL) + salt,
                                         digest_size=16).digest()
            continue
        if v.pager is not None and not v.meta and not v.data.keys() & _ITEM_DATA:
            # A listing's page (a third of a site): its items by digest, its pager and data (shared by the
            # listing's pages: pickled once) as digests.
            data = shared.get(id(v.data))
            if data is None:
                data = shared[id(v.data)] = digest(v.data)
            plain = (v.title, v.template, v.markdown, v.searchable, [digests[id(i)] for i in v.items], data,
                     _pager(v.pager, lists))
            pages[src] = hashlib.blake2b(pickle.dumps(plain, protocol=pickle.HIGHEST_PROTOCOL) + salt,
                                         digest_size=16).digest()
            continue
        markdown = "" if "item" in v.data else v.markdown
        pages[src] = digest((v.title, v.template, markdown, v.searchable, v.items, v.pager, v.data, v.meta), salt)
    feeds = {feed.path: digest((feed, items), page_map if any(i.links_pages for i in items) else b"")
             for feed, items in plugin.catalogue}  # a feed carries its items' HTML, links included
    return pages, feeds
