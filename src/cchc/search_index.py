"""The search index: Pagefind's own indexer over the built item and plan pages.

Only pages marked `data-pagefind-body` are indexed — published items and plans (the templates leave
drafts unmarked); listings, topic and unit pages are not, and the glob keeps Pagefind from even reading
them. Metadata and filters come from a hidden block in the same templates, filled from the model.
Pagefind folds Vietnamese diacritics but keeps "đ" apart from "d"; the search page fills that gap on the
query side (overrides/assets/javascripts/cchc-search.js).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

GLOB = "{tin-tuc,ke-hoach}/**/*.html"


class SearchIndexError(RuntimeError):
    pass


def write_index(site_dir: Path) -> None:
    command = [sys.executable, "-m", "pagefind", "--site", str(site_dir), "--glob", GLOB,
               "--force-language", "vi", "--silent"]
    run = subprocess.run(command, capture_output=True, text=True)
    if run.returncode != 0:
        raise SearchIndexError(f"Pagefind không tạo được chỉ mục tìm kiếm: {run.stderr.strip() or run.stdout.strip()}")


def filters_for(corpus, item) -> dict[str, list[str]]:
    """Filter values of an item: its topics with their parents, its unit with the units above it."""
    topics = []
    for slug in item.topics:
        while slug and corpus.topics[slug].name not in topics:
            topics.append(corpus.topics[slug].name)
            slug = corpus.topics[slug].parent or ""
    return {"chủ đề": topics, "đơn vị": [corpus.units[u].name for u in corpus.unit_ancestors(item.unit)],
            "năm": [str(item.date.year)], "thể loại": [corpus.types[item.type].name]}


def plan_filters(corpus, plan) -> dict[str, list[str]]:
    return {"đơn vị": [corpus.units[u].name for u in corpus.unit_ancestors(plan.issuer)],
            "năm": [str(plan.start.year)], "thể loại": ["Kế hoạch"]}
