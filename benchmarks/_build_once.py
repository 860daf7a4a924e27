"""One build in its own process, printing JSON: wall time, stage timings, peak memory (self and children)."""
import json
import os
import resource
import sys
import time

os.environ.setdefault("CCHC_NOW", "2026-06-30 12:00")
from mkdocs.commands.build import build  # noqa: E402
from mkdocs.config import load_config  # noqa: E402

config = load_config(os.path.join(sys.argv[1], "mkdocs.yml"), site_dir=sys.argv[2])
started = time.monotonic()
build(config)
wall = time.monotonic() - started
plugin = config.plugins.get("cchc")
print(json.dumps({
    "wall": wall,
    "stages": getattr(plugin, "timings", {}),
    "rss_self_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "rss_children_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
}))
