"""What the radio publishes besides feed text: an automatic reading of every radio item without a recorded
MP3 ("Bản đọc tự động"), and bulletins joining a day's (or week's) items into one MP3 with chapters.

The plugin asks for each reading while pages are built (`read`, from the page's own HTML), so synthesis
runs in the background; the feeds collect the files (`item_audio`, `bulletin_audio`), which writes them.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import replace
from pathlib import Path

from ..content.item_cache import signature
from ..content.model import NewsItem, RadioSettings
from ..stores.keyed import KeyedFiles, link
from .script import Bulletin, Reading, bulletins, reading
from .speech import speak
from .voice import FORMAT, Audio, Readings, Tags, VoiceError, write_mp3

SYNTHETIC = "Bản đọc tự động"


def recorded_mp3(item: NewsItem) -> bool:
    return bool(item.audio) and item.audio.lower().endswith(".mp3")


class Broadcast:
    def __init__(self, settings: RadioSettings, cache_dir: Path, docs_dir: Path, site_name: str, publisher: str,
                 glossary: dict[str, str]) -> None:
        self.settings, self.docs_dir = settings, docs_dir
        self.site_name, self.publisher, self.glossary = site_name, publisher, glossary
        self.readings = Readings(settings.voice, cache_dir)
        self.keys: dict[str, str] = {}  # item URL -> key of its reading (kept across the preview's updates)
        self.bulletins: list[Bulletin] = []
        self.read_here: set[str] = set()  # URLs of items that need a reading
        self._radio_items: list[NewsItem] = []
        self._written: dict[str, Audio] = {}  # site path -> what was written there by this process
        self._digests: dict[tuple, str] = {}  # (recording, its size and time) -> digest of its bytes
        # MP3s as published (readings with their tags, bulletins), kept finished and linked into each site: a day's
        # bulletins are megabytes, written once, not at every build
        self.finished = KeyedFiles(cache_dir / "published", ".mp3")
        self._seconds: dict[str, float] | None = None  # key of a finished MP3 -> its seconds (seconds.json)
        self._used: set[str] = set()
        self._scripts: dict[str, tuple[NewsItem, str, Reading]] = {}  # item URL -> the item, its HTML, its reading

    def plan(self, radio_items: list[NewsItem], published: list[NewsItem], archived: list[NewsItem] = ()) -> None:
        """Which items are read (the radio feed's and the merged portals' radio feeds', unless a recording covers
        them) and the bulletins (of this portal's radio feed only)."""
        enabled = self.readings.enabled
        made = bulletins(radio_items, published, self.settings.bulletin) if enabled else []
        self.bulletins = [replace(b, version=self._version(b)) for b in made]
        self._radio_items = list(radio_items) + list(archived)
        self.read_here = {i.url for i in self._radio_items if enabled and not recorded_mp3(i)}

    def _version(self, bulletin: Bulletin) -> str:
        """What the bulletin's audio is made of, without making it: the voice, the words around the items, and
        each item's own text and recording (a replaced recording is a new programme)."""
        digest = hashlib.sha256(repr((FORMAT, self.settings.voice, self.site_name, self.publisher,
                                      sorted(self.glossary.items()), Bulletin.CLOSING)).encode())
        for item in bulletin.items:
            recording = self._recording_digest(item.audio) if item.audio else ""
            digest.update(repr((item.url, item.title, item.summary, item.date, item.audio, recording)).encode())
            digest.update(item.packed_body)
        return digest.hexdigest()[:10]

    def _recording_digest(self, audio: str) -> str:
        """A recording by its bytes (a file's time differs from one checkout to the next), read once per version
        of the file."""
        file = self.docs_dir / audio
        known = (audio, signature(file))
        if known not in self._digests:
            try:
                self._digests[known] = hashlib.sha256(file.read_bytes()).hexdigest()
            except OSError:
                self._digests[known] = ""
        return self._digests[known]

    def shows_reading(self, item: NewsItem) -> bool:
        """Does the item's page and radio entry carry the automatic reading? (Any recording wins.)"""
        return item.url in self.read_here and not item.audio

    def read(self, item: NewsItem, html: str) -> str:
        """Start the reading of an item from its page's HTML; the site path of its MP3 ("" if none)."""
        if item.url not in self.read_here:
            return ""
        self.keys[item.url] = self.readings.request(self.reading(item, html).script)
        return self.path(item) if self.shows_reading(item) else ""

    def reading(self, item: NewsItem, html: str) -> Reading:
        """The item as read on air (script.py), made once for the item and its HTML: asked by read() while pages
        are built, then by the radio feed's entry at the build's end (3 ms an item)."""
        kept = self._scripts.get(item.url)
        if kept is not None and kept[0] is item and kept[1] == html:
            return kept[2]
        made = reading(item, html, self.glossary)
        self._scripts[item.url] = (item, html, made)
        return made

    def path(self, item: NewsItem) -> str:
        return f"{item.url}ban-doc-{self.keys[item.url][:12]}.mp3"

    def item_audio(self, item: NewsItem, site_dir: Path) -> Audio | None:
        if not self.shows_reading(item) or item.url not in self.keys:
            return None
        path = self.path(item)
        if path not in self._written or not (site_dir / path).is_file():
            seconds = self._publish(site_dir / path, [(item.title, self.keys[item.url])],
                                    Tags(item.title, self.publisher, f"{self.site_name} — bản tin phát thanh", SYNTHETIC))
            self._written[path] = Audio(path, (site_dir / path).stat().st_size, seconds)
        return self._written[path]

    def bulletin_audio(self, bulletin: Bulletin, site_dir: Path) -> Audio:
        """The bulletin's MP3: a spoken opening, each item (its recording if MP3, else its reading), a closing."""
        opening = speak(bulletin.opening(self.site_name), self.glossary)
        closing = speak(Bulletin.CLOSING, self.glossary)
        parts = [("Mở đầu", self.readings.request(opening))]
        for item in bulletin.items:
            parts.append((item.title, self.readings.recorded(self.docs_dir / item.audio) if recorded_mp3(item)
                          else self.keys[item.url]))
        parts.append(("Kết thúc", self.readings.request(closing)))
        seconds = self._publish(site_dir / bulletin.audio, parts,
                                Tags(bulletin.title, self.publisher, f"{self.site_name} — bản tin phát thanh", SYNTHETIC))
        audio = Audio(bulletin.audio, (site_dir / bulletin.audio).stat().st_size, seconds)
        self._written[bulletin.audio] = audio
        return audio

    def prune(self, site_dir: Path) -> list[str]:
        """Remove the MP3s this process wrote that no page or feed carries any more (the preview, after an
        edit: an item's old reading, a bulletin gone); their folders too when left empty. Paths removed."""
        current = {b.audio for b in self.bulletins} | {
            self.path(i) for i in self._radio_items if self.shows_reading(i) and i.url in self.keys}
        gone = sorted(set(self._written) - current)
        for path in gone:
            del self._written[path]
            file = site_dir / path
            file.unlink(missing_ok=True)
            try:
                file.parent.rmdir()
            except OSError:
                pass  # the folder still holds its page
        return gone

    def _publish(self, target: Path, parts: list[tuple[str, str]], tags: Tags) -> float:
        """The MP3 of these readings (title, key), in order, with these tags, placed at target; its seconds. A
        site's file is a hard link to the finished one in the cache, never written in place."""
        key = hashlib.sha256(repr((FORMAT, tags, parts)).encode()).hexdigest()[:32]
        self._used.add(key)
        known = self._known()
        if key in known:
            try:
                link(self.finished.path(key), target)
                return known[key]
            except OSError:
                pass  # removed meanwhile (another build's prune): made again
        segments = [(title, self._frames(reading, title)) for title, reading in parts]
        target.unlink(missing_ok=True)  # never written into: it may be a link to a kept one
        known[key] = write_mp3(target, segments, tags)
        self.finished.adopt(key, target)  # kept as pages are: a second link (a read-only cache: nothing)
        return known[key]

    def _known(self) -> dict[str, float]:
        if self._seconds is None:
            try:
                kept = json.loads((self.finished.folder / "seconds.json").read_text(encoding="utf-8"))
                self._seconds = {k: float(v) for k, v in kept.items()} if isinstance(kept, dict) else {}
            except (OSError, ValueError, TypeError, AttributeError):
                self._seconds = {}
        return self._seconds

    def keep_finished(self) -> None:
        """After a whole build: the finished MP3s it published stay in the cache, with their seconds; the rest go."""
        known = {k: v for k, v in self._known().items() if k in self._used}
        if not known and not self.finished.folder.is_dir():
            return  # no radio here
        self.finished.prune(set(known))
        try:
            self.finished.folder.mkdir(parents=True, exist_ok=True)
            tmp = self.finished.folder / f"seconds.json.tmp{os.getpid()}"
            tmp.write_text(json.dumps(known, sort_keys=True), encoding="utf-8")
            os.replace(tmp, self.finished.folder / "seconds.json")
        except OSError:
            pass
        self._used.clear()

    def _frames(self, key: str, title: str) -> bytes:
        try:
            return self.readings.frames(key)
        except VoiceError as exc:
            raise VoiceError(f'"{title}": {exc}') from None

    @property
    def counts(self) -> tuple[int, int]:
        """(readings found in the cache, readings made) since the start."""
        return self.readings.hits, self.readings.misses
