"""The search index: Pagefind's own indexer over the built item and plan pages.

Only pages marked `data-pagefind-body` are indexed — published items and plans (the templates leave
drafts unmarked); listings, topic and unit pages are not, and the glob keeps Pagefind from even reading
them. Metadata and filters come from a hidden block in the same templates, filled from the model.
Pagefind folds Vietnamese diacritics but keeps "đ" apart from "d"; the search page fills that gap on the
query side (overrides/assets/javascripts/cchc-search.js).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

# Pagefind holds a whole index in memory (about 1.2 GB for 5,000 items of 650 words), so pages are indexed
# in bundles of at most this many, one Pagefind run each; the search page merges them (mergeIndex).
BUNDLE_SIZE = 2000


class SearchIndexError(RuntimeError):
    pass


def bundle_dirs(count: int) -> list[str]:
    """Site-relative folders of the bundles for `count` pages: pagefind/, then pagefind-2/, pagefind-3/…"""
    bundles = -(-count // BUNDLE_SIZE)  # none for an empty site: Pagefind will not write an empty index
    return [f"pagefind{'' if n == 1 else f'-{n}'}/" for n in range(1, bundles + 1)]


def write_index(site_dir: Path, urls: list[str]) -> None:
    """Index the pages at these site-relative URLs (newest first), bundle by bundle. Each bundle is written
    beside its folder and swapped in when complete, so a reader never meets a half-written index."""
    wanted = bundle_dirs(len(urls))
    for bundle, start in zip(wanted, range(0, len(urls), BUNDLE_SIZE)):
        name = bundle.strip("/")
        staging = site_dir.parent / f".{site_dir.name}-{name}-staging"
        fresh, old = site_dir / f".{name}-new", site_dir / f".{name}-old"
        for folder in (staging, fresh, old):
            shutil.rmtree(folder, ignore_errors=True)
        try:
            for url in urls[start:start + BUNDLE_SIZE]:  # hard links: no copy of the pages
                target = staging / url / "index.html"
                target.parent.mkdir(parents=True, exist_ok=True)
                os.link(site_dir / url / "index.html", target)
            staging.mkdir(exist_ok=True)
            command = [sys.executable, "-m", "pagefind", "--site", str(staging), "--output-path", str(fresh),
                       "--force-language", "vi", "--silent"]
            run = subprocess.run(command, capture_output=True, text=True)
            if run.returncode != 0:
                raise SearchIndexError(f"Pagefind không tạo được chỉ mục tìm kiếm: {run.stderr.strip() or run.stdout.strip()}")
            if (site_dir / name).exists():
                (site_dir / name).rename(old)
            fresh.rename(site_dir / name)
        finally:
            for folder in (staging, fresh, old):
                shutil.rmtree(folder, ignore_errors=True)
    for folder in site_dir.glob("pagefind-*"):  # bundles of a larger site than this one
        if f"{folder.name}/" not in wanted:
            shutil.rmtree(folder, ignore_errors=True)


def main() -> int:
    """`python -m cchc.search_index SITE_DIR` with the URLs on standard input, one per line: the preview
    runs the index in its own process, at low priority, and stops it when a new edit arrives."""
    try:
        write_index(Path(sys.argv[1]), sys.stdin.read().splitlines())
    except (SearchIndexError, OSError) as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


def filters_for(corpus, item) -> dict[str, list[str]]:
    """Filter values of an item: its topics with their parents, its unit with the units above it."""
    topics = dict.fromkeys(corpus.topics[a].name for t in item.topics for a in corpus.topic_ancestors(t))
    return {"chủ đề": list(topics), "đơn vị": [corpus.units[u].name for u in corpus.unit_ancestors(item.unit)],
            "năm": [str(item.date.year)], "thể loại": [corpus.types[item.type].name]}


def plan_filters(corpus, plan) -> dict[str, list[str]]:
    return {"đơn vị": [corpus.units[u].name for u in corpus.unit_ancestors(plan.issuer)],
            "năm": [str(plan.start.year)], "thể loại": ["Kế hoạch"]}


if __name__ == "__main__":
    sys.exit(main())
