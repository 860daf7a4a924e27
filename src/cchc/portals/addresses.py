"""Every address the old portal answered, where each lives after the merge, and the old server's maps.

The old addresses are the old site's own: every page its views make (home, items, topics, units and their
pages 2, 3…, types, archives by year and month, plans, progress, radio, feeds page, search), every feed its
catalogue writes, every file it published (images, audio, documents) and its own pages. Each goes to its new
page: an item to its (maybe renamed) address, a unit to the unit it was mapped to, a page the merged site no
longer has (a bulletin of an old day, page 9 of a shorter listing) to the nearest page above it, a feed to
its archive feed at cong-cu/<mã>/<same path>, a file to where it was copied.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from ..content.corpus import Corpus
from ..content.merged import FOLDER
from ..radio.script import bulletins
from ..site.feeds import Feed, FeedBuilder, FeedSettings
from ..site.views import SiteViews

EXTRA_PAGES = ("phat-thanh/", "rss/")  # pages the radio and feeds catalogue adds to the views


def page_url(src_uri: str) -> str:
    """The address of a view (as MkDocs with directory URLs makes it)."""
    if src_uri == "index.md":
        return ""
    if src_uri.endswith("/index.md"):
        return src_uri[: -len("index.md")]
    return src_uri[: -len(".md")] + "/"


def site_pages(corpus: Corpus, now: datetime, per_page: int) -> set[str]:
    views = SiteViews(corpus, now, per_page=per_page)
    return {v.data["item"].url if "item" in v.data else page_url(src) for src, v in views.views.items()} | set(EXTRA_PAGES)


def old_catalogue(corpus: Corpus, now: datetime, settings: FeedSettings, per_page: int
                  ) -> tuple[list[tuple[Feed, list]], list[str]]:
    """The old portal's feeds with the items each carried (its bulletin feed too), and its bulletin pages."""
    views = SiteViews(corpus, now, per_page=per_page)
    builder = FeedBuilder(corpus, settings, Path("."), now, lambda item: "", corpus.glossary)
    feeds = builder.catalogue(views.by_topic, views.by_unit)
    radio = next(items for feed, items in feeds if feed.path == "phat-thanh/rss.xml")
    made = bulletins(radio, builder.current, corpus.settings.radio.bulletin)
    feeds.append((Feed("phat-thanh/ban-tin/rss.xml", f"{settings.site_name} — bản tin", "", "phat-thanh/"), []))
    return feeds, [b.url for b in made]


def new_address(old: str, pages: set[str], units: dict[str, str]) -> str:
    """A page's address on the merged site: the same (units renamed), else the nearest page above it."""
    parts = old.split("/")
    if len(parts) > 2 and parts[0] == "don-vi" and parts[1] in units:
        parts[1] = units[parts[1]]
    candidate = "/".join(parts)
    while candidate and candidate not in pages:
        candidate = re.sub(r"(^|/)[^/]+/$", r"\1", candidate)
        candidate = re.sub(r"(^|/)trang/$", r"\1", candidate)
    return candidate


def nginx_map(code: str, old_site: str, new_site: str, addresses: dict[str, str]) -> str:
    """Exact locations for the old server: each old page in its three forms (with and without the final
    slash, and index.html), each file as it is; anything else under the old path to the new home."""
    base = re.sub(r"^https?://[^/]+", "", old_site)
    lines = [f"# Máy chủ nginx của cổng cũ \"{code}\" ({old_site}): mỗi địa chỉ cũ chuyển một lần (301) tới trang",
             "# mới của nó ở cổng đã gộp. Dán (hoặc include) vào khối server { } của cổng cũ, thay các location cũ",
             "# của chuyên mục; kiểm tra `nginx -t` rồi `systemctl reload nginx`. Tệp do cchc gop-cong ghi."]
    for old, new in sorted(addresses.items()):
        for form in _forms(base + old):
            lines.append(f"location = {form} {{ return 301 {new_site}{new}; }}")
    lines.append(f"location {base} {{ return 301 {new_site}; }}")
    return "\n".join(lines) + "\n"


def apache_map(code: str, old_site: str, new_site: str, addresses: dict[str, str]) -> str:
    """RedirectMatch lines for the old server's .htaccess (mod_alias): anchored, so no rule is a prefix of
    another's address, and the catch-all for the old path last (mod_alias takes the first that matches)."""
    base = re.sub(r"^https?://[^/]+", "", old_site)
    lines = [f"# Máy chủ Apache của cổng cũ \"{code}\" ({old_site}): mỗi địa chỉ cũ chuyển một lần (301) tới trang",
             f"# mới của nó. Đặt tệp này làm .htaccess ở thư mục {base} của cổng cũ (cần mod_alias và AllowOverride",
             "# FileInfo), hoặc chép các dòng vào cấu hình máy chủ. Tệp do cchc gop-cong ghi."]
    for old, new in sorted(addresses.items()):
        full = base + old
        if full.endswith("/"):
            pattern = "^" + re.escape(full.rstrip("/")) + r"(?:/|/index\.html)?$"
        else:
            pattern = "^" + re.escape(full) + "$"
        lines.append(f'RedirectMatch 301 "{pattern}" "{new_site}{new}"')
    lines.append(f'RedirectMatch 301 "^{re.escape(base)}" "{new_site}"')
    return "\n".join(lines) + "\n"


def _forms(full: str) -> list[str]:
    if not full.endswith("/"):
        return [full]
    stem = full.rstrip("/")
    return [f"{stem}/", f"{stem}/index.html"] + ([stem] if stem else [])


def archive_path(code: str, feed_path: str) -> str:
    return f"{FOLDER}/{code}/{feed_path}"


def free_slug(slug: str, code: str, taken: set[str]) -> str:
    """The README's rule: an address taken here becomes <slug>-<mã>, then <slug>-<mã>-2, -3…"""
    if slug not in taken:
        return slug
    candidate, n = f"{slug}-{code}", 1
    while candidate in taken:
        n += 1
        candidate = f"{slug}-{code}-{n}"
    return candidate
