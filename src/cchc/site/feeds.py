"""RSS 2.0 and Atom feeds from the model, made with feedgen (and mended where feedgen 1.0.0 errs).

Feeds: /rss.xml and /atom.xml (site), /chu-de/<slug>/rss.xml, /don-vi/<slug>/rss.xml (with sub-units),
/phat-thanh/rss.xml (radio: text to read on air, audio enclosures — the recording, else the automatic
reading —, podcast tags), /phat-thanh/ban-tin/rss.xml (bulletins: a day's or week's items in one MP3).
Each item's GUID is FEED_ID + its path: it depends on the slug alone, so edits to title, body, topics or
date keep it. A feed without items dates itself from FEED_ID's year, so it never changes on a rebuild.
"""

from __future__ import annotations

import html as htmllib
import re
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from pathlib import Path
from typing import Callable

import lxml.html
import lxml.html.defs
import mutagen
from feedgen.entry import FeedEntry
from feedgen.feed import FeedGenerator
from lxml import etree

from ..content.corpus import Corpus
from ..content.dates import format_date
from ..content.dates import vietnam_time as aware  # feedgen raises on naive datetimes
from ..content.model import NewsItem, RadioSettings
from ..radio.broadcast import SYNTHETIC, Broadcast
from ..radio.script import Bulletin, reading

LIMIT = 50
ARCHIVE = "cong-cu"  # merged portals' feeds and forwarding pages live under cong-cu/<code>/
ATOM_NS = "http://www.w3.org/2005/Atom"
ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"
AUDIO_TYPES = {".mp3": "audio/mpeg", ".m4a": "audio/mp4", ".ogg": "audio/ogg"}
# XML 1.0 forbids these; a stray one pasted from Word would make the whole feed unreadable.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    return _NOT_XML.sub("", text)


@dataclass(frozen=True)
class FeedSettings:
    site_url: str  # with trailing slash
    site_name: str
    description: str
    feed_id: str  # e.g. "tag:cchc.example.gov.vn,2024:" — set once, never changed
    publisher: str
    image: str = ""  # site-relative path of a square PNG/JPEG cover for podcast apps
    radio: RadioSettings = RadioSettings()

    def url(self, path: str) -> str:
        return self.site_url + path

    @property
    def epoch(self) -> datetime:
        """The date of feeds without items: 1 January of FEED_ID's year (fixed, as FEED_ID is)."""
        year = re.search(r",(\d{4})", self.feed_id)
        return datetime(int(year.group(1)) if year else 2024, 1, 1)


@dataclass(frozen=True)
class Feed:
    path: str  # where it is written, relative to the site root
    title: str
    description: str
    page: str  # the HTML page the feed mirrors
    kind: str = "rss"  # rss | atom | radio | bulletin


class FeedBuilder:
    def __init__(self, corpus: Corpus, settings: FeedSettings, docs_dir: Path, now: datetime,
                 html_of: Callable[[NewsItem], str], glossary: dict[str, str],
                 broadcast: Broadcast | None = None, site_dir: Path | None = None) -> None:
        self.corpus, self.settings, self.docs_dir, self.now = corpus, settings, docs_dir, now
        self.html_of, self.glossary = html_of, glossary
        self.broadcast, self.site_dir = broadcast, site_dir  # automatic readings are written into site_dir
        self.published = corpus.published(now)
        # what is new here: a merged portal's items are history (archives, topic and unit pages, search), never
        # announced by this portal's feeds; each keeps its place in its own portal's archive feeds
        self.current = [i for i in self.published if not i.merged_from]
        self._entries: dict[str, FeedEntry] = {}

    def forget(self) -> None:
        """Let go of the entries made so far (each holds its item's HTML)."""
        self._entries.clear()

    def guid(self, item: NewsItem) -> str:
        return item.guid or f"{self.settings.feed_id}{item.url}"

    # -- what is published ------------------------------------------------------------------------

    def catalogue(self, by_topic: dict[str, list[NewsItem]], by_unit: dict[str, list[NewsItem]]) -> list[tuple[Feed, list[NewsItem]]]:
        """Every feed with its items (newest first, at most LIMIT), in the order the /rss/ page lists them."""
        s, c, items = self.settings, self.corpus, self.current
        feeds = [
            (Feed("rss.xml", s.site_name, s.description, ""), items),
            (Feed("atom.xml", s.site_name, s.description, "", "atom"), items),
            (Feed("phat-thanh/rss.xml", f"{s.site_name} — bản tin phát thanh",
                  "Toàn văn tin, bài để đọc trên sóng truyền thanh, mỗi tin kèm tệp âm thanh: bản ghi âm của đài, "
                  "hoặc bản đọc tự động.", "phat-thanh/", "radio"), items),
        ]
        for slug, topic in c.topics.items():
            feeds.append((Feed(f"chu-de/{slug}/rss.xml", f"{s.site_name} — {topic.name}", topic.description or topic.name,
                               f"chu-de/{slug}/"), self._published(by_topic.get(slug, []))))
        for slug, unit in c.units.items():
            about = f"Tin, bài của {unit.name} và các đơn vị trực thuộc."
            if unit.until and unit.successor in c.units:  # the feed stays; its readers learn where news goes on
                about += (f" Đơn vị đã thôi hoạt động sau ngày {format_date(unit.until)}; tin mới ở nguồn tin của "
                          f"{c.units[unit.successor].name}: {s.site_url}don-vi/{unit.successor}/rss.xml")
            feeds.append((Feed(f"don-vi/{slug}/rss.xml", f"{s.site_name} — {unit.name}", about, f"don-vi/{slug}/"),
                          self._published(by_unit.get(slug, []))))
        return [(feed, feed_items[:LIMIT]) for feed, feed_items in feeds] + self.archive_feeds()

    def archive_feeds(self) -> list[tuple[Feed, list[NewsItem]]]:
        """Each merged portal's feeds at cong-cu/<code>/<old path>: the items each carried there, with their old
        GUIDs (its readers see nothing new); its bulletin feed carries none (no bulletin is remade)."""
        s, by_slug, found = self.settings, {i.slug: i for i in self.published if i.merged_from}, []
        for portal in self.corpus.portals.values():
            about = (f"Lưu trữ nguồn tin của {portal.name} ({portal.site_url}), đã gộp vào {s.site_name}. Tin mới: "
                     f"{s.url('rss.xml')}")
            for archived in portal.feeds:
                kind = "atom" if archived.path.endswith("atom.xml") else "radio" if archived.path == "phat-thanh/rss.xml" else "rss"
                items = [by_slug[slug] for slug in archived.slugs if slug in by_slug]
                found.append((Feed(f"{ARCHIVE}/{portal.code}/{archived.path}", archived.title, about, "", kind), items))
        return found

    def bulletin_feed(self, bulletins: list[Bulletin]) -> tuple[Feed, list[NewsItem]]:
        """/phat-thanh/ban-tin/rss.xml: one episode a bulletin; its items are those of every bulletin."""
        s, weekly = self.settings, self.settings.radio.bulletin == "tuan"
        return (Feed("phat-thanh/ban-tin/rss.xml", f"{s.site_name} — bản tin {'tuần' if weekly else 'hằng ngày'}",
                     f"Mỗi {'tuần' if weekly else 'ngày'} có tin một chương trình: các tin, bài ghép thành một tệp MP3 "
                     "có lời mở đầu, lời kết và mục lục từng tin, để đài truyền thanh phát nguyên chương trình.",
                     "phat-thanh/", "bulletin"), [i for b in bulletins for i in b.items])

    def _published(self, items: list[NewsItem]) -> list[NewsItem]:
        """The newest LIMIT published ones of this portal: no need to look further down the list."""
        return list(islice((i for i in items if i.is_published(self.now) and not i.merged_from), LIMIT))

    def render(self, feed: Feed, items: list[NewsItem]) -> bytes:
        fg = self._generator(feed, items)
        if feed.kind == "bulletin":
            for bulletin in self.broadcast.bulletins if self.broadcast else []:
                fg.add_entry(self._bulletin_entry(bulletin), order="append")
        if feed.kind == "atom":
            return self._mend_atom(fg.atom_str(pretty=False), items)
        return self._mend_rss(fg.rss_str(pretty=False))

    # -- feedgen ----------------------------------------------------------------------------------

    def _generator(self, feed: Feed, items: list[NewsItem]) -> FeedGenerator:
        s = self.settings
        fg = FeedGenerator()
        fg.load_extension("dc")
        podcast = feed.kind in ("radio", "bulletin")
        if podcast:
            fg.load_extension("podcast")
        fg.id(f"{s.feed_id}{feed.path}")
        fg.title(xml_text(feed.title))
        # RSS readers render a description as HTML: a topic's or unit's description is text, so it is escaped
        fg.description(xml_text(feed.description if feed.kind == "atom" else htmllib.escape(feed.description, quote=False)))
        fg.link(href=s.url(feed.path), rel="self")
        fg.link(href=s.url(feed.page), rel="alternate")  # last: feedgen uses the last link as RSS <link>
        fg.language("vi")
        fg.author(name=s.publisher)
        fg.generator("Chuyên mục CCHC")
        newest = max((aware(i.updated or i.date) for i in items), default=aware(s.epoch))
        fg.lastBuildDate(newest)
        fg.updated(newest)
        if s.image:
            fg.image(url=s.url(s.image), title=xml_text(feed.title), link=s.url(feed.page))
        if podcast:
            fg.podcast.itunes_category("Government")
            fg.podcast.itunes_explicit("no")  # written as "false" by _mend_rss (Apple's current values)
            fg.podcast.itunes_author(s.publisher)
            fg.podcast.itunes_summary(xml_text(feed.description))
            if s.image:
                fg.podcast.itunes_image(s.url(s.image))
            if s.radio.owner_email:
                fg.podcast.itunes_owner(name=xml_text(s.radio.owner_name or s.publisher), email=s.radio.owner_email)
        if feed.kind == "bulletin":
            return fg
        for item in items:
            fg.add_entry(self._radio_entry(item) if feed.kind == "radio" else self._entry(item), order="append")
        return fg

    def _entry(self, item: NewsItem) -> FeedEntry:
        """One entry per item, shared by every feed it appears in."""
        if item.slug not in self._entries:
            fe = FeedEntry()
            fe.load_extension("dc")
            self._fill(fe, item)
            fe.content(xml_text(absolute_links(self.html_of(item), self.settings.url(item.url))), type="html")
            self._entries[item.slug] = fe
        return self._entries[item.slug]

    def _radio_entry(self, item: NewsItem) -> FeedEntry:
        fe = FeedEntry()
        fe.load_extension("dc")
        fe.load_extension("podcast")
        self._fill(fe, item)
        # Titles and descriptions as written (a podcast app lists them); the script a station reads on air, in
        # speech form (title, then every paragraph: abbreviations, codes, numbers in words), in content:encoded.
        html = self.html_of(item)
        read = self.broadcast.reading(item, html) if self.broadcast else reading(item, html, self.glossary)
        fe.title(xml_text(item.title))
        description = xml_text(item.teaser or item.title)
        fe.content("".join(f"<p>{htmllib.escape(xml_text(p))}</p>" for p in (read.title, *read.paragraphs)), type="html")
        fe.podcast.itunes_explicit("no")
        if item.audio and (seconds := audio_seconds(self.docs_dir / item.audio)):
            fe.podcast.itunes_duration(seconds)
        elif self.broadcast and (audio := self.broadcast.item_audio(item, self.site_dir)):
            fe.enclosure(self.settings.url(audio.path), str(audio.size), "audio/mpeg")
            fe.podcast.itunes_duration(max(1, round(audio.seconds)))
            fe.category(term=SYNTHETIC, scheme=self.settings.url("phat-thanh/"))
            description += f" ({SYNTHETIC}.)"
        fe.description(htmllib.escape(xml_text(description), quote=False))
        return fe

    def _bulletin_entry(self, bulletin: Bulletin) -> FeedEntry:
        s, link = self.settings, self.settings.url(bulletin.url)
        audio = self.broadcast.bulletin_audio(bulletin, self.site_dir)
        fe = FeedEntry()
        fe.load_extension("dc")
        fe.load_extension("podcast")
        fe.id(f"{s.feed_id}{bulletin.url}")
        fe.guid(f"{s.feed_id}{bulletin.url}", permalink=False)
        fe.title(xml_text(bulletin.title))
        fe.link(href=link, rel="alternate")
        newest = max(aware(i.updated or i.date) for i in bulletin.items)
        fe.published(max(aware(i.date) for i in bulletin.items))
        fe.updated(newest)
        titles = [xml_text(i.title) for i in bulletin.items]
        fe.description(htmllib.escape(f"{len(titles)} tin: " + "; ".join(titles) + ".", quote=False))
        fe.content("<ol>" + "".join(f'<li><a href="{htmllib.escape(s.url(i.url))}">{htmllib.escape(t)}</a></li>'
                                    for i, t in zip(bulletin.items, titles)) + "</ol>", type="html")
        fe.author(name=xml_text(s.publisher))
        fe.enclosure(s.url(audio.path), str(audio.size), "audio/mpeg")
        fe.podcast.itunes_duration(max(1, round(audio.seconds)))
        fe.podcast.itunes_explicit("no")
        return fe

    def _fill(self, fe: FeedEntry, item: NewsItem) -> None:
        c, link = self.corpus, self.settings.url(item.url)
        fe.id(self.guid(item))
        fe.guid(self.guid(item), permalink=False)
        fe.title(xml_text(item.title))
        fe.link(href=link, rel="alternate")
        fe.published(aware(item.date))
        fe.updated(aware(item.updated or item.date))
        fe.description(htmllib.escape(xml_text(item.teaser or item.title), quote=False))  # RSS readers read it as HTML
        unit = c.units[item.unit].name
        fe.author(name=xml_text(unit))
        fe.dc.dc_creator(xml_text(f"{item.author} ({unit})" if item.author else unit))
        for slug in item.topics:
            fe.category(term=xml_text(c.topics[slug].name), scheme=self.settings.url("chu-de/"))
        if item.audio:
            file = self.docs_dir / item.audio
            fe.enclosure(self.settings.url(item.audio), str(file.stat().st_size),
                         AUDIO_TYPES.get(file.suffix.lower(), "audio/mpeg"))

    # -- mending feedgen 1.0.0 --------------------------------------------------------------------

    def _mend_rss(self, xml: bytes) -> bytes:
        """itunes:explicit: feedgen writes only yes/no/clean; Apple's spec says true/false. Character data as
        the RSS profile recommends."""
        out = xml
        if ITUNES_NS.encode() in xml:  # a podcast: parsed and written again (the same serialiser as feedgen's)
            root = etree.fromstring(xml)
            for explicit in root.iter(f"{{{ITUNES_NS}}}explicit"):
                explicit.text = "true" if explicit.text == "yes" else "false"
            out = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
        # The RSS Best Practices Profile: "&", "<" and ">" as hexadecimal references, which the most readers
        # take as text in plain-text elements (titles); the same characters to any XML parser.
        return out.replace(b"&amp;", b"&#x26;").replace(b"&lt;", b"&#x3C;").replace(b"&gt;", b"&#x3E;")

    def _mend_atom(self, xml: bytes, items: list[NewsItem]) -> bytes:
        """feedgen drops rel/type/length of Atom entry links (its issue #135): write them ourselves."""
        root = etree.fromstring(xml)
        by_id = {self.guid(i): i for i in items}
        for entry in root.iter(f"{{{ATOM_NS}}}entry"):
            item = by_id[entry.findtext(f"{{{ATOM_NS}}}id")]
            for link in entry.findall(f"{{{ATOM_NS}}}link"):
                entry.remove(link)
            etree.SubElement(entry, f"{{{ATOM_NS}}}link", rel="alternate", type="text/html",
                             href=self.settings.url(item.url))
            if item.audio:
                file = self.docs_dir / item.audio
                etree.SubElement(entry, f"{{{ATOM_NS}}}link", rel="enclosure",
                                 type=AUDIO_TYPES.get(file.suffix.lower(), "audio/mpeg"),
                                 length=str(file.stat().st_size), href=self.settings.url(item.audio))
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


# What lxml's make_links_absolute may rewrite: its own list of link attributes, style (url()), and the tags it reads
# links in. A fragment with none is returned as it is, not parsed and written again (most items: 0.2 s of 5,000
# items' feeds). Looked for at each "=" (str.find, then the name before it): a regular expression trying the names
# at every character took longer than lxml itself on Vietnamese text.
_LINK_ATTRIBUTES = frozenset(lxml.html.defs.link_attrs) | {"style"}
_LINK_TAGS = re.compile(r"<\s*(?:style|meta|param|object)\b", re.I)


def _may_link(html: str) -> bool:
    if _LINK_TAGS.search(html):
        return True
    at = html.find("=")
    while at != -1:
        end = at
        while end and html[end - 1].isspace():
            end -= 1
        start = end
        while start and (html[start - 1].isalnum() or html[start - 1] in ":-_"):
            start -= 1
        if html[start:end].lower() in _LINK_ATTRIBUTES:
            return True
        at = html.find("=", at + 1)
    return False


def absolute_links(html: str, base: str) -> str:
    """Relative href/src made absolute against the item's own URL, for readers off the site."""
    if not _may_link(html):
        return html
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    root.make_links_absolute(base, resolve_base_href=False)
    inner = lxml.html.tostring(root, encoding="unicode")
    return inner[len("<div>"):-len("</div>")]


def audio_seconds(file: Path) -> int:
    """Whole seconds of an audio file (MP3, M4A, Ogg), 0 when unreadable."""
    try:
        audio = mutagen.File(file)
    except (mutagen.MutagenError, OSError):
        return 0
    return max(1, round(audio.info.length)) if audio is not None else 0
