"""What a new build keeps of the site it replaces, so that nothing changes under a listener or a feed reader:

- audio made again with the same bytes keeps its file time; audio a podcast client may still hold (a bulletin's or a reading's MP3 no feed carries any more: its programme
  changed, or it left the feed) stays published KEEP_DAYS days after it left, at the same URL, with the same
  bytes and time; phat-thanh/am-thanh-cu.json records since when;
- a feed whose items are all the same keeps its file, lastBuildDate included (a conditional request answers 304);
  a feed whose content changed gets the build's time as lastBuildDate / Atom updated: the time it last changed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from datetime import date, datetime
from email.utils import format_datetime
from pathlib import Path

from ..content.dates import vietnam_time as aware

KEEP_DAYS = 30
LEDGER = "phat-thanh/am-thanh-cu.json"
AUDIO = ("phat-thanh/ban-tin/*/*.mp3", "tin-tuc/*/ban-doc-*.mp3")
FEEDS = ("rss.xml", "atom.xml")
_STAMP = re.compile(rb"<lastBuildDate>[^<]*</lastBuildDate>|<updated>[^<]*</updated>")  # the first: the feed's own


def carry_over(old: Path, new: Path, now: datetime) -> None:
    """Bring into `new` (a finished build) what `old` (the site it replaces) published and must keep."""
    if old.is_dir():
        _keep_audio(old, new, now.date())
        _keep_feed_dates(old, new, now)


def _keep_audio(old: Path, new: Path, today: date) -> None:
    try:
        ledger = json.loads((old / LEDGER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        ledger = {}
    kept: dict[str, str] = {}
    for pattern in AUDIO:
        for file in old.glob(pattern):
            rel = file.relative_to(old).as_posix()
            if file.is_symlink():
                continue
            if (new / rel).exists():  # made again, the same: it keeps its time (a conditional request: 304)
                if (new / rel).stat().st_size == file.stat().st_size and (new / rel).read_bytes() == file.read_bytes():
                    os.utime(new / rel, ns=(file.stat().st_atime_ns, file.stat().st_mtime_ns))
                continue
            left = _day(ledger.get(rel) if isinstance(ledger, dict) else None) or today
            if (today - left).days >= KEEP_DAYS:
                continue
            target = new / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(file, target)  # the same bytes and time
            kept[rel] = left.isoformat()
    if kept:
        (new / LEDGER).write_text(json.dumps(dict(sorted(kept.items())), ensure_ascii=False, indent=1) + "\n",
                                  encoding="utf-8")


def _day(text: object) -> date | None:
    try:
        return date.fromisoformat(str(text))
    except ValueError:
        return None


def _keep_feed_dates(old: Path, new: Path, now: datetime) -> None:
    for feed in (f for f in new.rglob("*.xml") if f.name in FEEDS):
        before = old / feed.relative_to(new)
        if not before.is_file():
            continue
        fresh, previous = feed.read_bytes(), before.read_bytes()
        if _STAMP.sub(b"", fresh, count=1) == _STAMP.sub(b"", previous, count=1):
            shutil.copy2(before, feed)  # nothing new: the very file readers have
        else:
            stamp = (format_datetime(aware(now)) if feed.name == "rss.xml" else aware(now).isoformat()).encode()
            feed.write_bytes(_STAMP.sub(lambda m: re.sub(rb">[^<]*<", b">" + stamp + b"<", m[0]), fresh, count=1))
