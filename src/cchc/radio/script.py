"""Text for reading on air: plain paragraphs from an item's HTML, read out by speech.py (abbreviations in
full, document codes, dates, numbers in words), footnotes read as notes at the end; and bulletins, the
radio items of one day (or week) aired as one programme."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from itertools import groupby

import lxml.html

from ..content.dates import format_date
from ..content.model import READING_WORDS, NewsItem
from .speech import speak

_BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "dt", "dd"}
_DROPPED = {"table", "figure", "img", "audio", "video", "picture", "svg", "script", "style", "pre"}


def plain_paragraphs(html: str) -> list[str]:
    """Paragraph texts of the HTML, without tables, images or media; inline code kept as text; footnote marks
    and back-links dropped and the footnotes themselves last, as "Chú thích: …"."""
    if not html.strip():
        return []
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    for element in list(root.iter(*_DROPPED)):
        element.drop_tree()
    for element in list(root.find_class("footnote-ref")) + list(root.find_class("footnote-backref")):
        (element.getparent() if element.getparent() is not None and element.getparent().tag == "sup" else element).drop_tree()
    notes = []
    for box in list(root.find_class("footnote")):
        notes += [" ".join(li.text_content().split()) for li in box.iter("li")]
        box.drop_tree()
    paragraphs = []
    for element in root.iter(*_BLOCKS):
        if any(ancestor.tag in _BLOCKS for ancestor in element.iterancestors()):
            continue
        text = " ".join(element.text_content().split())
        if text:
            paragraphs.append(text)
    return paragraphs + [f"Chú thích: {note}" for note in notes if note]


INVITATION = "Mời quý vị đọc toàn văn trên cổng thông tin."


def radio_text(summary: str, html: str, glossary: dict[str, str], limit: int = READING_WORDS) -> list[str]:
    """What a station reads: the lead, then the body's paragraphs, every one read out (speech.speak); after
    `limit` spoken words (numbers said in words count as said), the rest is left to the portal (INVITATION),
    cut at a sentence's end where one is near."""
    kept, left = [], limit
    for paragraph in ([summary] if summary else []) + plain_paragraphs(html):
        said = speak(paragraph, glossary)
        words = said.split()
        if len(words) <= left:
            kept.append(said)
            left -= len(words)
            continue
        head = " ".join(words[:left])
        end = max(head.rfind(". "), head.rfind("? "), head.rfind("! "))
        head = head[:end + 1] if end > len(head) // 2 else head.rstrip(",;:") + "…"
        kept += [head, INVITATION] if left else [INVITATION]
        break
    return kept


@dataclass(frozen=True)
class Reading:
    """An item as read on air: each part read out, abbreviations in full at every use."""

    title: str
    description: str
    paragraphs: tuple[str, ...]

    @property
    def script(self) -> str:
        """What the voice reads: the title, then every paragraph, each ending as a sentence (a pause)."""
        return "\n\n".join(sentence(p) for p in (self.title, *self.paragraphs))


def reading(item: NewsItem, html: str, glossary: dict[str, str]) -> Reading:
    return Reading(speak(item.title, glossary), speak(item.teaser or item.title, glossary),
                   tuple(radio_text(item.summary, html, glossary)))


def sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text[-1] in ".!?…:;" else text + "."


@dataclass(frozen=True)
class Bulletin:
    """One programme: the radio items of a day (or of a week, Monday to Sunday), in the order they are aired."""

    start: date
    end: date
    items: tuple[NewsItem, ...]  # oldest first
    version: str = ""  # digest of what it says (broadcast.py): its audio's URL changes with its content

    @property
    def key(self) -> str:
        return self.start.isoformat()

    @property
    def url(self) -> str:
        """The bulletin's page, and its GUID: the day's, whatever is edited."""
        return f"phat-thanh/ban-tin/{self.key}/"

    @property
    def audio(self) -> str:
        """Its MP3: a new URL whenever the programme changes, so no listener's copy ever differs from the file
        at a URL they know."""
        return f"{self.url}ban-tin-{self.key}{'-' + self.version if self.version else ''}.mp3"

    @property
    def title(self) -> str:
        if self.start == self.end:
            return f"Bản tin ngày {format_date(self.start)}"
        return f"Bản tin tuần từ {format_date(self.start)} đến {format_date(self.end)}"

    def opening(self, site_name: str) -> str:
        when = (f"ngày {format_date(self.start)}" if self.start == self.end
                else f"tuần từ ngày {format_date(self.start)} đến ngày {format_date(self.end)}")
        return f"{sentence(site_name)} Bản tin cải cách hành chính {when}. Bản tin gồm {len(self.items)} tin."

    CLOSING = ("Bản tin cải cách hành chính đến đây là kết thúc. "
               "Cảm ơn quý vị và các bạn đã lắng nghe. Hẹn gặp lại trong bản tin sau.")


def bulletins(radio_items: list[NewsItem], published: list[NewsItem], period: str) -> list[Bulletin]:
    """Bulletins of the radio feed's items (newest first). The oldest period is left out when some of its
    items are older than the feed reaches, so every bulletin is whole."""
    def span(item: NewsItem) -> tuple[date, date]:
        day = item.date.date()
        if period == "tuan":
            monday = day - timedelta(days=day.weekday())
            return monday, monday + timedelta(days=6)
        return day, day

    result = [Bulletin(*when, tuple(reversed(list(items)))) for when, items in groupby(radio_items, key=span)]
    beyond = published[len(radio_items)] if len(published) > len(radio_items) else None
    if result and beyond is not None and span(beyond)[0] == result[-1].start:
        result.pop()
    return result
