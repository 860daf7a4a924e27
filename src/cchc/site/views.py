"""The site's pages, derived from the model: home, items, topic/unit/plan pages, archive, listings.

Each View is one page: where it lives (src_uri, as if it were a file under docs/), which template
draws it, its Markdown body (if any) and the data the template needs. Every index here is built in
one pass over the items, so the site stays linear in their number.
"""

from __future__ import annotations

import heapq
import itertools
import os
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from ..content.corpus import Corpus
from ..content.dates import end_of_day
from ..content.text import fold
from ..content.model import HomeSection, NewsItem, Plan
from ..plans.check import KeptChecks, PlanCheck, topic_month_grid
from ..plans.overview import overview, years_of

LEAD_WINDOW = 5  # the home page leads with the newest of this many items that has an image
LATEST_COUNT = 6  # headlines beside the lead
RECENT_PLANS = 2  # plans shown on the home page when none is current
RELATED_COUNT = 5
RELATED_WINDOW = 12  # neighbours in date looked at per shared topic


@dataclass
class Pager:
    number: int
    count: int
    urls: list[str]  # site-relative URL of every page of the listing

    @property
    def prev_url(self) -> str | None:
        return self.urls[self.number - 2] if self.number > 1 else None

    @property
    def next_url(self) -> str | None:
        return self.urls[self.number] if self.number < self.count else None

    def window(self, radius: int = 2) -> list[int | None]:
        """Page numbers to show: first, last, and those near the current one; None is a gap."""
        shown = sorted({1, self.count, *range(max(1, self.number - radius), min(self.count, self.number + radius) + 1)})
        result: list[int | None] = []
        for n in shown:
            if result and n - (result[-1] or 0) > 1:
                result.append(None)
            result.append(n)
        return result


@dataclass
class View:
    src_uri: str
    title: str
    template: str
    markdown: str = ""
    searchable: bool = False
    items: list[NewsItem] = field(default_factory=list)
    pager: Pager | None = None
    data: dict[str, Any] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)  # page front matter the theme reads (e.g. `hide`)


class SiteViews:
    """All pages of one build. `visible` are the items shown: published ones, plus drafts in preview."""

    def __init__(self, corpus: Corpus, now: datetime, *, drafts: bool = False, per_page: int = 20,
                 docs_dir: Path | None = None, previous: SiteViews | None = None) -> None:
        self.corpus, self.now, self.per_page, self.docs_dir = corpus, now, per_page, docs_dir
        self.visible = [i for i in corpus.items if i.is_published(now) or (drafts and i.draft)]
        self.by_src = {item.src_uri: item for item in self.visible}
        self.by_topic: dict[str, list[NewsItem]] = defaultdict(list)
        self.by_unit: dict[str, list[NewsItem]] = defaultdict(list)
        self.by_month: dict[tuple[int, int], list[NewsItem]] = defaultdict(list)
        self.by_type: dict[str, list[NewsItem]] = defaultdict(list)
        for item in self.visible:  # newest first, so every list below is too
            self.by_type[item.type].append(item)
            for topic in dict.fromkeys(a for t in item.topics for a in corpus.topic_ancestors(t)):  # ordered: stable across runs
                self.by_topic[topic].append(item)
            for unit in corpus.unit_ancestors(item.unit, item.date.date()):  # the tree as it was that day
                self.by_unit[unit].append(item)
            self.by_month[(item.date.year, item.date.month)].append(item)
        self.views: dict[str, View] = {}
        self._stamps: dict[int, float] = {}  # for related items
        self._positions: dict[str, dict[int, int]] = {}  # topic -> id(item) -> its place in the topic's listing
        # Related items of the previous build of the same process (the live preview): reused for an item that is
        # the very same object with the very same date-neighbours (_near_changes). Keeping `previous.visible` alive
        # keeps those ids from being reused by new objects.
        self._related: dict[int, list[NewsItem]] = {}
        self._old_related = previous._related if previous else {}
        self._old_visible = previous.visible if previous else []
        self._changed = self._near_changes(previous.by_topic) if previous else None
        self.checks = KeptChecks(previous.checks if previous else None)  # each plan's check
        self._by_own_unit: dict[str, list[NewsItem]] | None = None  # for lineages (_of_units)
        self._order: dict[int, int] = {}
        self._build()
        # needed while building only: the preview keeps the views (20,000 items: tens of MB)
        self._stamps, self._positions, self._old_related, self._old_visible, self._changed = {}, {}, {}, [], None
        self._by_own_unit, self._order = None, {}
        self.checks.done()

    def add(self, view: View) -> None:
        self.views[view.src_uri] = view

    def listing(self, base: str, title: str, items: list[NewsItem], *, markdown: str = "", **data: Any) -> None:
        """A paginated listing: base/index.md, then base/trang/2.md, …"""
        chunks = [items[i:i + self.per_page] for i in range(0, len(items), self.per_page)] or [[]]
        srcs = [f"{base}index.md"] + [f"{base}trang/{n}.md" for n in range(2, len(chunks) + 1)]
        urls = [base] + [f"{base}trang/{n}/" for n in range(2, len(chunks) + 1)]
        for number, (src, chunk) in enumerate(zip(srcs, chunks), start=1):
            page_title = title if number == 1 else f"{title} (trang {number})"
            self.add(View(src, page_title, "cchc/listing.html", markdown if number == 1 else "", False, chunk,
                          Pager(number, len(chunks), urls), data))  # one dict, nothing changes it: fingerprinted once

    # -- the site map -----------------------------------------------------------------------------

    def _build(self) -> None:
        c = self.corpus
        current = [p for p in c.plans.values() if p.is_current(self.now)]
        topic_counts = {slug: len(items) for slug, items in self.by_topic.items()}
        unit_counts = {slug: len(items) for slug, items in self.by_unit.items()}
        checks = {}
        for plan in sorted(c.plans.values(), key=lambda p: (p.start, p.id), reverse=True):
            checks[plan.id] = self.checks.check(c, plan, min(self.now, end_of_day(plan.end)))  # a finished plan: its final state
        self.add(View("index.md", "Trang chủ", "cchc/home.html", data=self.front_page(current, checks),
                      meta={"hide": ["navigation", "toc"]}))
        self.listing("tin-tuc/", "Tin tức cải cách hành chính", self.visible)
        self.add(View("the-loai/index.md", "Thể loại", "cchc/terms.html", data={
            "kind": "types", "counts": {slug: len(items) for slug, items in self.by_type.items()}}))
        for kind in c.types.values():
            self.listing(f"the-loai/{kind.slug}/", kind.name, self.by_type.get(kind.slug, []),
                         markdown=kind.description, kind="type", term=kind)
        self.add(View("chu-de/index.md", "Chủ đề", "cchc/terms.html", data={"kind": "topics", "counts": topic_counts}))
        for topic in c.topics.values():
            self.listing(f"chu-de/{topic.slug}/", f"Chủ đề: {topic.name}", self.by_topic.get(topic.slug, []),
                         markdown=topic.description, kind="topic", term=topic, children=c.topic_children(topic.slug))
        self.add(View("don-vi/index.md", "Đơn vị", "cchc/terms.html", data={"kind": "units", "counts": unit_counts}))
        for unit in c.units.values():
            before = c.predecessors(unit.slug)
            lifetime = {"successor": c.units.get(unit.successor or ""), "predecessors": before}
            self.listing(f"don-vi/{unit.slug}/", unit.name, self.by_unit.get(unit.slug, []),
                         markdown=unit.description, kind="unit", term=unit, children=c.unit_children(unit.slug),
                         chain=list(reversed(c.unit_ancestors(unit.slug)))[:-1], **lifetime)
            if before:  # one click away, never by default: the unit's items with those of the units merged into it
                lineage = c.lineage(unit.slug)
                self.listing(f"don-vi/{unit.slug}/ca-don-vi-cu/", f"{unit.name} và các đơn vị trước sáp nhập",
                             self._of_units(lineage), kind="unit", term=unit, lineage=True,
                             chain=[unit.slug], **lifetime)
        self.add(View("ke-hoach/index.md", "Kế hoạch thông tin, tuyên truyền", "cchc/plans.html", data={
            "plans": sorted(c.plans.values(), key=lambda p: (p.start, p.id), reverse=True),
            "current": sorted(p.id for p in current)}))
        for check in checks.values():
            months, grid = topic_month_grid(c, check)
            self.add(View(f"ke-hoach/{check.plan.id}/index.md", check.plan.title, "cchc/plan.html", check.plan.body, True,
                          data={"plan": check.plan, "check": check, "months": months, "grid": grid},
                          meta={"hide": ["toc"]}))  # the page's own contents list (cchc/plan.html) covers it all
        years = years_of(list(checks.values()))  # the province's view: every unit with a plan, a table a year
        chosen = self.now.year if self.now.year in years else (years[0] if years else self.now.year)
        for year in years:
            self.add(View(f"tien-do/{year}/index.md", f"Tiến độ thực hiện kế hoạch năm {year}", "cchc/progress.html",
                          data={"year": year, "years": years, "rows": overview(c, list(checks.values()), year)}))
        self.add(View("tien-do/index.md", "Tiến độ thực hiện kế hoạch", "cchc/progress.html",
                      data={"year": chosen, "years": years, "rows": overview(c, list(checks.values()), chosen)}))
        self.add(View("luu-tru/index.md", "Lưu trữ", "cchc/archive.html", data={"years": self.years()}))
        self.add(View("tim-kiem/index.md", "Tìm kiếm", "cchc/search.html", data={  # offered beside the results
            "topics": [(t, " ".join(fold(n) for n in (t.name, *t.aliases))) for t in c.topics.values()],
            "hotline": c.settings.hotline}))
        for year, months in self.years():
            items = [i for m, _ in months for i in self.by_month[(year, m)]]
            self.listing(f"luu-tru/{year}/", f"Lưu trữ năm {year}", items, year=year, months=months)
            for month, _ in months:
                self.listing(f"luu-tru/{year}/{month:02d}/", f"Lưu trữ tháng {month:02d}/{year}",
                             self.by_month[(year, month)], year=year, months=months)
        # the items' own pages last: a build reads pages in this order while a helper reads items from the end
        # (stores/helper.py), so the two meet with no other page left after them for the build alone
        for item in self.visible:
            self.add(self.item_view(item, self.related(item)))

    def item_view(self, item: NewsItem, related: list[NewsItem]) -> View:
        """An item's own page (its Markdown is item.body); also made by the preview from an edited file alone."""
        return View(item.src_uri, item.title, "cchc/item.html", "", True, data={
            "item": item, "related": related, "document_size": self.file_size(item.document.file if item.document else ""),
            "audio_size": self.file_size(item.audio)})

    def _of_units(self, units: set[str]) -> list[NewsItem]:
        """The visible items of these units (not of units under them), in their order: a province's communes have
        lineages of their own, each a scan of every item before."""
        if self._by_own_unit is None:
            self._by_own_unit = defaultdict(list)
            for item in self.visible:
                self._by_own_unit[item.unit].append(item)
            self._order = {id(item): n for n, item in enumerate(self.visible)}
        found = itertools.chain.from_iterable(self._by_own_unit.get(u, ()) for u in units)
        return sorted(found, key=lambda item: self._order[id(item)])

    def front_page(self, current: list[Plan], checks: dict[str, PlanCheck]) -> dict[str, Any]:
        """The home page: a lead item with its image, the latest headlines, the sections set in mkdocs.yml,
        and the current plans with their progress (the latest finished ones when none is current)."""
        # what is new: a merged portal's items are history (in archives, topics, units, search), never here
        items = list(itertools.islice((i for i in self.visible if not i.merged_from), LEAD_WINDOW + LATEST_COUNT + 1))
        settings = self.corpus.settings
        lead = next((i for i in items[:LEAD_WINDOW] if i.image), items[0] if items else None)
        plans = sorted(current, key=lambda p: (p.start, p.id), reverse=True) or sorted(
            (p for p in self.corpus.plans.values() if p.start <= self.now.date()),
            key=lambda p: (p.end, p.id), reverse=True)[:RECENT_PLANS]
        return {
            "lead": lead, "latest": [i for i in items[:LATEST_COUNT + 1] if i is not lead][:LATEST_COUNT],
            "sections": [(s, self.section_items(s), _section_url(s)) for s in settings.home],
            "plans": [checks[p.id] for p in plans], "plans_current": bool(current),
            "links": settings.links, "hotline": settings.hotline, "portal": settings.portal,
            "topics": [(t, n) for t in self.corpus.topic_roots() if (n := len(self.by_topic.get(t.slug, [])))],
        }

    def section_items(self, section: HomeSection) -> list[NewsItem]:
        """The newest visible items of a home-page section."""
        newest_first = lambda i: (i.date, i.slug)  # noqa: E731 (the order of corpus.items)
        pool = heapq.merge(*(self.by_type.get(t, []) for t in section.types), key=newest_first, reverse=True) \
            if section.types else self.visible
        topics = {s for t in section.topics for s in self.corpus.topic_subtree(t)}
        units = {s for u in section.units for s in self.corpus.unit_subtree(u)}
        matching = (i for i in pool if not i.merged_from and (not topics or topics.intersection(i.topics))
                    and (not units or i.unit in units))
        return list(itertools.islice(matching, section.count))

    def add_radio_pages(self, bulletins: list, voiced: bool) -> None:
        """/phat-thanh/: the radio feeds and the bulletins; /phat-thanh/ban-tin/<date>/: one bulletin."""
        self.add(View("phat-thanh/index.md", "Phát thanh", "cchc/radio.html",
                      data={"bulletins": bulletins, "voiced": voiced, "radio": True}))
        for bulletin in bulletins:
            self.add(View(f"{bulletin.url}index.md", bulletin.title, "cchc/bulletin.html",
                          data={"bulletin": bulletin, "radio": True}))

    def add_feeds_page(self, feeds: list) -> None:
        """/rss/: every feed with its URL and what it carries, and how to subscribe."""
        self.add(View("rss/index.md", "Nhận tin RSS", "cchc/feeds.html", data={"feeds": feeds, "radio": True}))

    def years(self) -> list[tuple[int, list[tuple[int, int]]]]:
        """[(year, [(month, count), …]), …], newest first."""
        years: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for (year, month), items in sorted(self.by_month.items(), reverse=True):
            years[year].append((month, len(items)))
        return sorted(years.items(), reverse=True)

    def related(self, item: NewsItem) -> list[NewsItem]:
        """Items sharing most topics, nearest in date first; looks only at date-neighbours per topic."""
        key = id(item)
        if self._changed is not None and key not in self._changed and (old := self._old_related.get(key)) is not None:
            self._related[key] = old
            return old
        stamps, scores = self._stamps, {}  # id(item) -> its time as a number, as needed
        if (stamp := stamps.get(key)) is None:
            stamp = stamps[key] = item.date.timestamp()
        for topic in item.topics:
            for other in self._window(topic, key):
                if other is item:
                    continue
                score = scores.get(id(other))
                if score is None:  # [shared topics (+1 if same unit), distance in time, the item]
                    if (when := stamps.get(id(other))) is None:
                        when = stamps[id(other)] = other.date.timestamp()
                    scores[id(other)] = [1 + (other.unit == item.unit), abs(when - stamp), other]
                else:
                    score[0] += 1
        ranked = sorted((-shared, gap, other.slug, k) for k, (shared, gap, other) in scores.items())
        result = self._related[key] = [scores[k][2] for *_, k in ranked[:RELATED_COUNT]]
        return result

    def _window(self, topic: str, key: int) -> list[NewsItem]:
        """The items just before and after the item with this id in the topic's listing."""
        positions = self._positions.get(topic)
        if positions is None:  # per topic, when first needed: a preview's update needs the edited items' only
            positions = self._positions[topic] = {id(i): n for n, i in enumerate(self.by_topic[topic])}
        pos = positions[key]
        return self.by_topic[topic][max(0, pos - RELATED_WINDOW): pos + RELATED_WINDOW + 1]

    def _near_changes(self, before: dict[str, list[NewsItem]]) -> set[int]:
        """The ids of the items whose date-neighbours in some topic may differ from the previous build's: per topic,
        those within RELATED_WINDOW of the part between the listings' common beginning and common end. Every other
        item has the very same neighbours (the same objects), so the same related items."""
        changed: set[int] = set()
        for topic, items in self.by_topic.items():
            ids, old = list(map(id, items)), list(map(id, before.get(topic, ())))
            if ids == old:
                continue
            same = min(len(ids), len(old))
            head = next((k for k, (a, b) in enumerate(zip(ids, old)) if a != b), same)
            tail = next((k for k, (a, b) in enumerate(zip(reversed(ids), reversed(old))) if a != b), same)
            tail = min(tail, same - head)  # the common end does not overlap the common beginning
            changed.update(ids[max(0, head - RELATED_WINDOW):len(ids) - tail + RELATED_WINDOW])
        return changed

    def file_size(self, rel: str) -> int:
        if not rel or self.docs_dir is None:
            return 0
        try:
            return os.stat(os.path.join(self.docs_dir, rel)).st_size  # no Path per item: 20,000 items
        except OSError:
            return 0


def _section_url(section: HomeSection) -> str:
    """Where "xem tất cả" of a home section leads: the listing of its one type, topic or unit, else all news."""
    chosen = [("the-loai/", section.types), ("chu-de/", section.topics), ("don-vi/", section.units)]
    used = [(prefix, slugs) for prefix, slugs in chosen if slugs]
    if len(used) == 1 and len(used[0][1]) == 1:
        return f"{used[0][0]}{used[0][1][0]}/"
    return "tin-tuc/"
