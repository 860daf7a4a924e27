"""One `cchc build` in its own process, printing JSON: wall time, stage timings, peak memory (self and children).

The site folder may hold the previous build: as for `cchc build`, the new one is made beside it and swapped in.
"""
import json
import os
import resource
import sys
import time
from pathlib import Path

os.environ.setdefault("CCHC_NOW", "2026-06-30 12:00")
from cchc.build import build_site  # noqa: E402

started = time.monotonic()
result = build_site(Path(sys.argv[1]), Path(sys.argv[2]))
wall = time.monotonic() - started
if not result.ok:
    sys.exit("\n".join(result.messages))
print(json.dumps({
    "wall": wall,
    "stages": result.timings,
    "rss_self_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "rss_children_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
}))
