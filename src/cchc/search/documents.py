"""What the search index holds of each published item and plan: fields to search, metadata to show, filters."""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterator

from ..content.text import fold
from .terms import shard_count

_TAG = re.compile(r"<[^>]+>")


def plain_text(fragment: str) -> str:
    """The text of an HTML fragment, its whitespace runs one space (str.split's whitespace is re's \\s: the same)."""
    return " ".join(html.unescape(_TAG.sub(" ", fragment)).split())


LINEAGE = " (gồm đơn vị trước sáp nhập)"


def unit_filters(corpus, unit: str) -> list[str]:
    """The unit and those above it; and, as separate choices a reader makes on purpose, the units that took
    them over ("Tỉnh Vĩnh Long (gồm đơn vị trước sáp nhập)" finds Bến Tre's archive too)."""
    own = [corpus.units[u].name for u in corpus.unit_ancestors(unit)]
    return own + [corpus.units[u].name + LINEAGE for u in corpus.heirs(unit)]


def tags(corpus, topics: list[str], unit: str, kind: str) -> str:
    """What an item is tagged with, as words a reader types: its topics with their aliases and the topics above
    them, its unit with its aliases, the units above it and those it was merged into, its type. Searched as a
    field of its own, so "tinh gian bien che" finds what is tagged so and "Bến Tre" what Bến Tre's units wrote."""
    names = [n for t in topics for a in corpus.topic_ancestors(t) for n in (corpus.topics[a].name, *corpus.topics[a].aliases)]
    if unit in corpus.units:
        names += [n for u in corpus.unit_ancestors(unit) for n in (corpus.units[u].name, *corpus.units[u].aliases)]
        names += [corpus.units[u].name for u in corpus.heirs(unit)]
    names.append(kind)
    return " | ".join(dict.fromkeys(n for n in names if n))


def document(corpus, item, text_html: str) -> dict:
    """What the index knows of a published item: fields to search, metadata to show, filter values. The body is
    its HTML, made plain text by build() (in the index process, off the build's core)."""
    topics = dict.fromkeys(corpus.topics[a].name for t in item.topics for a in corpus.topic_ancestors(t))
    number = item.document.number if item.document else ""
    return {"url": item.url, "date": item.date.strftime("%d/%m/%Y"), "sort": item.date.isoformat(),
            "title": item.title, "number": number, "summary": item.summary, "body": text_html,
            "unit": corpus.units[item.unit].name, "type": corpus.types[item.type].name,
            "topics": [corpus.topics[t].name for t in item.topics],
            "tags": tags(corpus, list(item.topics), item.unit, corpus.types[item.type].name),
            "filters": {"chủ đề": list(topics), "đơn vị": unit_filters(corpus, item.unit),
                        "năm": [str(item.date.year)], "thể loại": [corpus.types[item.type].name]}}


def plan_document(corpus, plan, text_html: str) -> dict:
    issuer = corpus.units[plan.issuer]
    start = plan.issued or plan.start
    return {"url": plan.url, "date": start.strftime("%d/%m/%Y"), "sort": start.isoformat(),
            "title": plan.title, "number": plan.number, "summary": "", "body": text_html,
            "unit": issuer.body or issuer.name, "type": "Kế hoạch", "topics": [],
            "tags": "",  # a plan is found by its own words (title, number, text), never by its issuer alone
            "filters": {"đơn vị": unit_filters(corpus, plan.issuer),
                        "năm": [str(plan.start.year)], "thể loại": ["Kế hoạch"]}}


def filter_options(documents: list[dict]) -> dict[str, list[tuple[str, int]]]:
    """For each filter, its values with their item counts (the search page lists them)."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for doc in documents:
        for name, values in doc["filters"].items():
            counts[name].update(values)
    return {name: sorted(c.items(), key=lambda vc: (fold(vc[0]), vc[0])) for name, c in counts.items()}


class SearchDocuments:
    """The documents of the published items and plans, made once per load. An item unchanged since the last load
    (the preview's item cache gives the very same object) keeps its digest and filter values."""

    def __init__(self) -> None:
        self._known: dict[int, tuple] = {}  # id(item or plan) -> (it, its order and filters, digest); holds it: ids stay unique
        self.urls: list[str] = []
        self._order: list[int] = []
        self._digests: list[bytes] = []

    def load(self, corpus, items: list, plans: list) -> dict:
        """Take this load's items and plans; what the search page shows of the index (filters, size, version)."""
        self.corpus, self.items, self.plans = corpus, items, plans
        self.urls = [i.url for i in items] + [p.url for p in plans]
        known, self._known = self._known, {}
        documents, digests = [], []
        for k, source in enumerate([*items, *plans]):
            hit = known.get(id(source))
            if hit is None or hit[0] is not source:
                doc = (document if k < len(items) else plan_document)(corpus, source, "")
                body = source.packed_body if k < len(items) else source.body.encode("utf-8", "surrogatepass")
                text = json.dumps(doc, ensure_ascii=False, sort_keys=True).encode() + b"\0" + body
                kept = {"sort": doc["sort"], "filters": doc["filters"]}  # what orders and counts: stream() makes it again
                hit = (source, kept, hashlib.blake2b(text, digest_size=16).digest())
            self._known[id(source)] = hit
            documents.append(hit[1])
            digests.append(hit[2])
        self._order = sorted(range(len(documents)), key=lambda k: documents[k]["sort"], reverse=True)
        self._digests = digests
        version = hashlib.blake2b(b"".join(digests), digest_size=8)  # changes with the index: browsers refetch it
        return {"filters": filter_options(documents), "docs": len(self.urls), "shards": shard_count(len(self.urls)),
                "version": version.hexdigest()}

    def digest(self, html_digest) -> bytes:
        """Of what stream() will send, in its order, before it is made: each document's own digest and that of its
        page's HTML (`html_digest(url)`)."""
        whole = hashlib.blake2b(digest_size=20)
        for k in self._order:
            whole.update(self._digests[k] + html_digest(self.urls[k]))
        return whole.digest()

    def stream(self, html_of) -> Iterator[dict]:
        """The same documents newest first (the index numbers them so), with their pages' HTML (`html_of(url)`),
        each made when asked for: the thread feeding the index process makes them while pages are written."""
        items, corpus = self.items, self.corpus
        sources = [*items, *self.plans]
        return ((document if k < len(items) else plan_document)(corpus, sources[k], html_of(sources[k].url))
                for k in self._order)
