"""The search index, built with Pagefind from the model: published items and plans only.

Listings, topic and unit pages are not indexed (readers search for news, not for lists), drafts and
future items never are. Pagefind folds Vietnamese diacritics but keeps "đ" apart from "d"; the search
page fills that gap on the query side (see overrides/assets/javascripts/cchc-search.js).
"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Callable

import lxml.html
from pagefind.index import IndexConfig, PagefindIndex

from .dates import format_date
from .model import Corpus, NewsItem, Plan

PLAN_TYPE = "Kế hoạch"


def text_of(html: str) -> str:
    if not html.strip():
        return ""
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    return " ".join(root.text_content().split())


def records(corpus: Corpus, items: list[NewsItem], html_of: Callable[[str], str]) -> list[dict]:
    """One Pagefind custom record per item and plan: content, display meta, filters, sort key."""
    out = []
    for item in items:
        unit = corpus.units[item.unit]
        topics = [corpus.topics[t].name for t in item.topics]
        ancestors = [corpus.units[u].name for u in corpus.unit_ancestors(item.unit)]
        topic_filters = sorted({corpus.topics[a].name for t in item.topics for a in _topic_chain(corpus, t)})
        out.append({
            "url": "/" + item.url,
            "content": " ".join(filter(None, [item.title, item.summary, text_of(html_of(item.url))])),
            "language": "vi",
            "meta": {"title": item.title, "date": format_date(item.date), "unit": unit.name,
                     "topics": ", ".join(topics), "type": corpus.types[item.type].name},
            "filters": {"chủ đề": topic_filters, "đơn vị": ancestors, "năm": [str(item.date.year)],
                        "thể loại": [corpus.types[item.type].name]},
            "sort": {"date": item.date.isoformat()},
        })
    for plan in corpus.plans.values():
        out.append(_plan_record(corpus, plan, html_of))
    return out


def _plan_record(corpus: Corpus, plan: Plan, html_of: Callable[[str], str]) -> dict:
    issuer = corpus.units[plan.issuer]
    return {
        "url": "/" + plan.url,
        "content": " ".join(filter(None, [plan.title, plan.number, text_of(html_of(plan.url))])),
        "language": "vi",
        "meta": {"title": plan.title, "date": format_date(plan.issued or plan.start), "unit": issuer.body or issuer.name,
                 "topics": "", "type": PLAN_TYPE},
        "filters": {"đơn vị": [corpus.units[u].name for u in corpus.unit_ancestors(plan.issuer)],
                    "năm": [str(plan.start.year)], "thể loại": [PLAN_TYPE]},
        "sort": {"date": plan.start.isoformat()},
    }


def _topic_chain(corpus: Corpus, slug: str):
    while slug:
        yield slug
        slug = corpus.topics[slug].parent or ""


def write_index(site_dir: Path, entries: list[dict]) -> None:
    async def run() -> None:
        config = IndexConfig(output_path=str(site_dir / "pagefind"), force_language="vi")
        async with PagefindIndex(config) as index:
            for entry in entries:
                await index.add_custom_record(**entry)

    # Pagefind's Python API is async; run it on its own thread so that callers that already run an
    # event loop (a test driving a browser, an async host embedding MkDocs) can build too.
    failure: list[BaseException] = []

    def worker() -> None:
        try:
            asyncio.run(run())
        except BaseException as exc:  # re-raised in the caller's thread
            failure.append(exc)

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    if failure:
        raise failure[0]
