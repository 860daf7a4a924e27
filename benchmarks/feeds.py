"""Feed generation against the whole build, on the same synthetic corpus, side by side.

    .venv/bin/python benchmarks/feeds.py [N ...] [--repeat R]     (default: 1000 5000, R=1)

Prints, per corpus size: median full build time, median feed time, the feeds' share of the build
(target: under 10 % at 5,000 items), and the number of feed files written.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from make_corpus import write_corpus  # noqa: E402
from mkdocs.commands.build import build  # noqa: E402
from mkdocs.config import load_config  # noqa: E402


def one_build(project: Path, site: Path) -> tuple[float, float, int]:
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(site))
    started = time.monotonic()
    build(config)
    total = time.monotonic() - started
    plugin = config.plugins["cchc"]
    return total, plugin.timings["feeds"], len(plugin.catalogue)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("sizes", nargs="*", type=int, default=[1000, 5000])
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    os.environ.setdefault("CCHC_NOW", "2026-06-30 12:00")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            project = write_corpus(n, Path(tmp) / f"corpus-{n}")
            runs = [one_build(project, Path(tmp) / f"site-{n}-{r}") for r in range(args.repeat)]
            total = statistics.median(r[0] for r in runs)
            feeds = statistics.median(r[1] for r in runs)
            rows.append((n, total, feeds, feeds / total, runs[0][2]))
    print(f"{'items':>7} {'build s':>9} {'feeds s':>9} {'feeds/build':>12} {'feed files':>11}")
    for n, total, feeds, share, files in rows:
        print(f"{n:>7} {total:>9.2f} {feeds:>9.2f} {share:>11.1%} {files:>11}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
