"""One `cchc build` in its own process, printing JSON: wall time, stage timings, peak memory.

Memory: this process's peak resident size; with --memory, also the peak of the whole build's memory, sampled
every 0.1 s as the sum of the proportional set size (PSS) of this process and every process under it (the search
index, the forked helpers): pages a helper shares with the build are counted once, not once per process. The
sampling takes about a twentieth of a core (the kernel walks every page of every process), so timed runs go
without it.
The site folder may hold the previous build: as for `cchc build`, the new one is made beside it and swapped in.
"""
import json
import os
import re
import resource
import sys
import threading
import time
from pathlib import Path

os.environ.setdefault("CCHC_NOW", "2026-06-30 12:00")
from cchc.content import progress  # noqa: E402
from cchc.site.build import build_site  # noqa: E402


def tree(pid: int) -> list[int]:
    found = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            found += [p for child in task.read_text().split() for p in tree(int(child))]
        except OSError:
            pass
    return found


def pss_mb(pid: int) -> float:
    try:
        return int(re.search(r"^Pss:\s+(\d+)", Path(f"/proc/{pid}/smaps_rollup").read_text(), re.M).group(1)) / 1024
    except (OSError, AttributeError):
        return 0.0


peak = {"pss": 0.0}
done = threading.Event()


def sample() -> None:
    while not done.wait(0.1):
        peak["pss"] = max(peak["pss"], sum(pss_mb(p) for p in tree(os.getpid())))


if "--memory" in sys.argv[3:]:
    threading.Thread(target=sample, daemon=True).start()
started = time.monotonic()
with progress.shown("Đo xây dựng"):  # the stages as it goes, on standard error
    result = build_site(Path(sys.argv[1]), Path(sys.argv[2]))
wall = time.monotonic() - started
done.set()
if not result.ok:
    sys.exit("\n".join(result.messages))
print(json.dumps({
    "wall": wall,
    "stages": result.timings,
    "rss_self_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "rss_children_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    "pss_peak_mb": peak["pss"] if "--memory" in sys.argv[3:] else None,
}))
