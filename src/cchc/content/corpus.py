"""The corpus: everything loaded from one project, and the questions the site, feeds, checker and reports ask of it
(published items, a topic's or unit's subtree, a unit's predecessors and heirs)."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property

from .model import Channel, ItemType, MergedPortal, NewsItem, Plan, SiteSettings, Term, Topic, Unit
from .text import lookup_key
from .vocab import SPELLED


@dataclass
class Corpus:
    """Everything loaded from one project: vocabularies, plans, news items and the site's settings."""

    topics: dict[str, Topic] = field(default_factory=dict)
    units: dict[str, Unit] = field(default_factory=dict)
    channels: dict[str, Channel] = field(default_factory=dict)
    types: dict[str, ItemType] = field(default_factory=dict)
    plans: dict[str, Plan] = field(default_factory=dict)
    items: list[NewsItem] = field(default_factory=list)  # every valid item, newest first
    glossary: dict[str, str] = field(default_factory=dict)  # abbreviations spelled out on air
    synonyms: list[list[str]] = field(default_factory=list)  # phrases search takes for one another
    settings: SiteSettings = field(default_factory=SiteSettings)
    portals: dict[str, MergedPortal] = field(default_factory=dict)  # portals merged into this one, by code
    now: datetime | None = None
    _published: dict = field(default_factory=dict, repr=False, compare=False)  # items -> those publishable, by date

    def equivalents(self) -> list[list[str]]:
        """What search takes for one another: each abbreviation and its words, and each group of synonyms."""
        spelled = lookup_key(SPELLED)  # "PCI: đọc từng chữ" says how to read it, not what it means
        return [[short, full] for short, full in self.glossary.items() if lookup_key(full) != spelled] + self.synonyms

    def published(self, at: datetime | None = None) -> list[NewsItem]:
        """The items published at `at` (now by default), newest first."""
        oldest_first, dates = self._by_date()
        return oldest_first[:bisect_right(dates, at or self.now)][::-1]

    def published_between(self, at: datetime, first: datetime, last: datetime) -> list[NewsItem]:
        """published(at) dated first..last, newest first, found by bisection (each plan's check asks, for a year of
        a corpus that spans many)."""
        oldest_first, dates = self._by_date()
        return oldest_first[bisect_left(dates, first):bisect_right(dates, min(last, at))][::-1]

    def _by_date(self) -> tuple[list[NewsItem], list[datetime]]:
        """The items that are published once their time comes (NewsItem.is_published), oldest first, and their
        dates: what is published at a moment is the part dated up to it, found by bisection, one pass per corpus
        whatever the moments asked (each finished plan is checked at its own last day)."""
        key = (id(self.items), len(self.items))
        if key not in self._published:
            # items of one date in the reverse of their order here (the slices are read backwards): already so for
            # the loader's items (newest first), then sorted in one pass
            oldest_first = sorted((i for i in reversed(self.items) if i.publishable), key=lambda item: item.date)
            self._published.clear()
            self._published[key] = oldest_first, [item.date for item in oldest_first]
        return self._published[key]

    @cached_property
    def _topic_children(self) -> dict[str, list[str]]:
        return _children(self.topics)

    @cached_property
    def _unit_children(self) -> dict[str, list[str]]:
        """Under each unit, every unit that has ever been under it (a commune under its district, then under
        its province after 1/7/2025): a subtree is what the unit answers for over time."""
        children: dict[str, list[str]] = defaultdict(list)
        for unit in self.units.values():
            for parent in dict.fromkeys(unit.parents):
                children[parent].append(unit.slug)
        return children

    @cached_property
    def _channel_children(self) -> dict[str, list[str]]:
        return _children(self.channels)

    def channel_subtree(self, slug: str) -> set[str]:
        """A channel and the outlets under it: "cổng thông tin" includes the province portal and department sites."""
        return _subtree(slug, self._channel_children)

    def topic_subtree(self, slug: str) -> set[str]:
        """A topic and all its descendants: an item about 'một cửa' is about 'thủ tục hành chính'."""
        return _subtree(slug, self._topic_children)

    def unit_subtree(self, slug: str) -> set[str]:
        """A unit and all units under it: a district's items include its communes'."""
        return _subtree(slug, self._unit_children)

    def unit_ancestors(self, slug: str, day: date | None = None) -> list[str]:
        """A unit and the units above it on `day` (None: as the vocabulary writes `parent:`), nearest first."""
        if day is None:
            return _ancestors(slug, self.units)
        chain: list[str] = []
        while slug and slug in self.units and slug not in chain:
            chain.append(slug)
            slug = self.units[slug].parent_on(day) or ""
        return chain

    def near_units(self, issuer: str) -> dict[str, float]:
        """Units to suggest first for a plan of `issuer`: its own units, then its province's (bonus per slug)."""
        if issuer not in self.units:
            return {}
        near = dict.fromkeys(self.unit_subtree(self.unit_ancestors(issuer)[-1]), 0.2)
        near.update(dict.fromkeys(self.unit_subtree(issuer), 0.3))
        return near

    def topic_ancestors(self, slug: str) -> list[str]:
        """A topic and its parents, nearest first."""
        return _ancestors(slug, self.topics)

    def topic_roots(self) -> list[Topic]:
        return [t for t in self.topics.values() if not t.parent]

    def unit_roots(self) -> list[Unit]:
        return [u for u in self.units.values() if not u.parent]

    def topic_children(self, slug: str) -> list[Topic]:
        return [self.topics[s] for s in self._topic_children.get(slug, [])]

    def unit_children(self, slug: str) -> list[Unit]:
        return [self.units[s] for s in self._unit_children.get(slug, [])]

    @cached_property
    def _predecessors(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = defaultdict(list)
        for unit in self.units.values():
            if unit.successor:
                found[unit.successor].append(unit.slug)
        return found

    def predecessors(self, slug: str) -> list[Unit]:
        """The units merged into this one (Bến Tre and Trà Vinh into Vĩnh Long), by the day they ended; a
        unit whose parent was merged into the same one is reached through that parent, not listed here."""
        direct = [self.units[s] for s in self._predecessors.get(slug, [])]
        top = [u for u in direct if not (u.parent in self.units and self.units[u.parent].successor == slug)]
        return sorted(top, key=lambda u: (u.until or date.max, u.name))

    def lineage(self, slug: str) -> set[str]:
        """A unit, every unit merged into it (and into those, back in time) and all their sub-units."""
        found, todo = set(), [slug]
        while todo:
            current = todo.pop()
            if current not in found:
                found.add(current)
                todo += self._predecessors.get(current, [])
        return {s for unit in found for s in self.unit_subtree(unit)}

    def heirs(self, slug: str) -> list[str]:
        """The units that took over this unit or one above it (through every later merge), nearest first."""
        found: list[str] = []
        todo = [self.units[a].successor for a in self.unit_ancestors(slug) if self.units[a].successor]
        while todo:
            current = todo.pop(0)
            if current in self.units and current not in found:
                found.append(current)
                todo += [self.units[a].successor for a in self.unit_ancestors(current) if self.units[a].successor]
        return found



def _children(terms: dict[str, Term]) -> dict[str, list[str]]:
    children: dict[str, list[str]] = defaultdict(list)
    for term in terms.values():
        if term.parent:
            children[term.parent].append(term.slug)
    return children


def _ancestors(slug: str, terms: dict[str, Term]) -> list[str]:
    chain: list[str] = []
    while slug and slug in terms and slug not in chain:
        chain.append(slug)
        slug = terms[slug].parent or ""
    return chain


def _subtree(slug: str, children: dict[str, list[str]]) -> set[str]:
    seen, stack = set(), [slug]
    while stack:
        current = stack.pop()
        if current not in seen:
            seen.add(current)
            stack.extend(children.get(current, []))
    return seen
