"""The one content model shared by the site, the feeds, the checker and the reports."""

from __future__ import annotations

import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property


def pack_text(text: str) -> bytes:
    return zlib.compress(text.encode("utf-8", "surrogatepass"), 1) if text else b""


def unpack_text(packed: bytes) -> str:
    return zlib.decompress(packed).decode("utf-8", "surrogatepass") if packed else ""


@dataclass(frozen=True)
class Term:
    """An entry of a vocabulary (topic, unit, channel, item type), referenced by slug."""

    slug: str
    name: str
    description: str = ""
    parent: str | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Topic(Term):
    """Chủ đề: what an item is about, and what a plan mandates."""


@dataclass(frozen=True)
class Unit(Term):
    """Cơ quan, đơn vị, địa bàn: province > district > commune, agencies, press, officials, groups."""

    kind: str = ""
    body: str = ""  # the issuing body's name where it differs, e.g. "Ủy ban nhân dân tỉnh Bến Tre"
    authority: str = ""  # the parent body printed above it in official documents
    place: str = ""  # place name on the date line of its documents
    # Lifetime (the 2025 reorganisation): first and last day, the unit it was merged into, the legal basis.
    start: date | None = None
    until: date | None = None
    successor: str | None = None
    basis: str = ""

    def alive(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.until is None or day <= self.until)


@dataclass(frozen=True)
class Channel(Term):
    """Hình thức / kênh: where an item was published or aired."""


@dataclass(frozen=True)
class ItemType(Term):
    """Thể loại: tin, bài, phóng sự, hỏi đáp, văn bản…"""


@dataclass(frozen=True)
class LegalDocument:
    """The directive or legal document a 'văn bản' item publishes."""

    number: str
    issuer: str
    issued: date
    effective: date | None
    file: str  # path under docs/


@dataclass
class NewsItem:
    path: str  # source path relative to the project root, for messages
    src_uri: str  # path relative to docs/
    slug: str
    title: str
    date: datetime
    summary: str = ""  # the lead (sa-pô) as the staff wrote it
    excerpt: str = ""  # the body's first paragraph, for listings when there is no summary
    updated: datetime | None = None
    topics: tuple[str, ...] = ()
    unit: str = ""
    type: str = ""
    channel: str = ""
    author: str = ""
    image: str = ""
    image_alt: str = ""
    audio: str = ""
    draft: bool = False
    plans: tuple[str, ...] = ()
    plans_line: int = 1  # where `plan:` is written, for messages
    guid: str = ""  # the feed ID it had on another portal before a merge (feeds keep it, so no reader sees it twice)
    document: LegalDocument | None = None
    packed_body: bytes = b""  # its Markdown, compressed (pack_text): 20,000 items' text at a fraction of its size
    body_line: int = 1
    links_pages: bool = False  # does the body link to other pages by file ([…](other.md))?

    @property
    def body(self) -> str:
        return unpack_text(self.packed_body)

    @property
    def teaser(self) -> str:
        return self.summary or self.excerpt

    @property
    def url(self) -> str:
        """Site-relative URL; it depends on the slug alone, so it never moves once published."""
        return f"tin-tuc/{self.slug}/"

    def is_published(self, at: datetime) -> bool:
        """The one rule: not a draft, and its publish time has come."""
        return not self.draft and self.date <= at


@dataclass(frozen=True)
class BasedOn:
    """A document the plan is based on (căn cứ)."""

    text: str
    number: str = ""
    date: date | None = None


@dataclass(frozen=True)
class MandatedItem:
    """A content item the plan mandates (nội dung tuyên truyền), e.g. II.1.c."""

    ref: str
    text: str
    topics: tuple[str, ...]


@dataclass(frozen=True)
class Task:
    """What the plan asks of one unit, or of several jointly (nhiệm vụ)."""

    units: tuple[str, ...]
    ref: str
    text: str


@dataclass(frozen=True)
class Target:
    """A quantitative target (chỉ tiêu), as a row of the Bến Tre appendix."""

    ref: str
    product: str
    count: int | None  # None: unlimited or not quantified
    unlimited: bool
    cadence: str  # a slug of CADENCES; "" only when there is no count
    start: date
    end: date
    leads: tuple[str, ...]  # one unit, or several leading jointly
    partners: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    units: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    note: str = ""

    @property
    def cadence_name(self) -> str:
        return CADENCES.get(self.cadence, "Không nêu chu kỳ")


CADENCES = {
    "hang-thang": "Hằng tháng",
    "hang-quy": "Hằng quý",
    "hang-nam": "Cả năm",
    "thuong-xuyen": "Thường xuyên",
    "mot-lan": "Một lần",
}

REPORT_PERIODS = {"q1": "Quý I", "6m": "6 tháng", "9m": "9 tháng", "year": "Năm"}

LEVELS = {"tinh": "Cấp tỉnh", "huyen": "Cấp huyện", "xa": "Cấp xã"}


@dataclass
class Plan:
    id: str
    id_line: int
    path: str
    title: str
    issuer: str
    level: str
    issued: date | None
    start: date
    end: date
    number: str = ""
    scope: str = ""
    purposes: tuple[str, ...] = ()  # mục đích, yêu cầu
    based_on: tuple[BasedOn, ...] = ()
    content: tuple[MandatedItem, ...] = ()
    channels: tuple[str, ...] = ()
    tasks: tuple[Task, ...] = ()
    targets: tuple[Target, ...] = ()
    indicators: tuple[str, ...] = ()
    reports: tuple[str, ...] = ()
    signer: str = ""
    signer_title: str = ""
    recipients: tuple[str, ...] = ()
    source: str = ""
    body: str = ""

    @property
    def url(self) -> str:
        return f"ke-hoach/{self.id}/"

    def is_current(self, at: datetime) -> bool:
        return self.start <= at.date() <= self.end


@dataclass(frozen=True)
class Link:
    """A link readers look for (the public services portal, the hotline as a tel: address)."""

    name: str
    url: str
    note: str = ""


@dataclass(frozen=True)
class HomeSection:
    """A block of the home page: the newest items of some types, topics or units (sub-topics and sub-units
    included), e.g. "Văn bản chỉ đạo" = type van-ban. An item matches every filter the section sets."""

    title: str
    types: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    units: tuple[str, ...] = ()
    count: int = 4


@dataclass(frozen=True)
class EditorSettings:
    """The province's git server the editing room (/quan-tri/) saves to."""

    backend: str  # "gitea" (Gitea and Forgejo) or "gitlab"
    repo: str  # owner/name
    base_url: str  # https://git.example.gov.vn
    api_root: str
    app_id: str = ""  # the OAuth application's client ID
    branch: str = "main"
    workflow: bool = False  # Decap's editorial workflow: draft -> in review -> ready (GitLab)


@dataclass(frozen=True)
class VoiceSettings:
    """The offline speech engine that reads radio items without a recording (voice.py)."""

    engine: str = "espeak-ng"  # "espeak-ng" (Debian's, installs with the project), "piper", or "" (off)
    voice: str = "vi"  # espeak-ng: vi (northern), vi-vn-x-central, vi-vn-x-south
    speed: int = 150  # words per minute (espeak-ng)
    model: str = ""  # piper: the voice file (.onnx) on this machine
    command: str = "piper"  # piper: its program


@dataclass(frozen=True)
class RadioSettings:
    """mkdocs.yml `extra.radio`: who answers for the podcast feeds, the voice, how bulletins are cut."""

    owner_name: str = ""
    owner_email: str = ""
    voice: VoiceSettings = field(default_factory=VoiceSettings)
    bulletin: str = "ngay"  # "ngay": one bulletin a day; "tuan": one a week (Monday to Sunday)


@dataclass(frozen=True)
class SiteSettings:
    """What mkdocs.yml `extra:` says about the site beyond MkDocs' own settings."""

    portal: Link | None = None
    links: tuple[Link, ...] = ()
    hotline: Link | None = None
    home: tuple[HomeSection, ...] = ()
    editor: EditorSettings | None = None
    radio: RadioSettings = field(default_factory=RadioSettings)


@dataclass
class Corpus:
    """Everything loaded from one project: vocabularies, plans, news items and the site's settings."""

    topics: dict[str, Topic] = field(default_factory=dict)
    units: dict[str, Unit] = field(default_factory=dict)
    channels: dict[str, Channel] = field(default_factory=dict)
    types: dict[str, ItemType] = field(default_factory=dict)
    plans: dict[str, Plan] = field(default_factory=dict)
    items: list[NewsItem] = field(default_factory=list)  # every valid item, newest first
    glossary: dict[str, str] = field(default_factory=dict)  # abbreviations spelled out on air
    settings: SiteSettings = field(default_factory=SiteSettings)
    now: datetime | None = None
    _published: dict = field(default_factory=dict, repr=False, compare=False)  # (moment, items) -> published

    def published(self, at: datetime | None = None) -> list[NewsItem]:
        at = at or self.now
        key = (at, id(self.items), len(self.items))  # the site, feeds, index and each plan's check ask again
        if key not in self._published:
            self._published[key] = [item for item in self.items if item.is_published(at)]
        return list(self._published[key])

    @cached_property
    def _topic_children(self) -> dict[str, list[str]]:
        return _children(self.topics)

    @cached_property
    def _unit_children(self) -> dict[str, list[str]]:
        return _children(self.units)

    @cached_property
    def _channel_children(self) -> dict[str, list[str]]:
        return _children(self.channels)

    def channel_subtree(self, slug: str) -> set[str]:
        """A channel and the outlets under it: "cổng thông tin" includes the province portal and department sites."""
        return _subtree(slug, self._channel_children)

    def topic_subtree(self, slug: str) -> set[str]:
        """A topic and all its descendants: an item about 'một cửa' is about 'thủ tục hành chính'."""
        return _subtree(slug, self._topic_children)

    def unit_subtree(self, slug: str) -> set[str]:
        """A unit and all units under it: a district's items include its communes'."""
        return _subtree(slug, self._unit_children)

    def unit_ancestors(self, slug: str) -> list[str]:
        """A unit and the units above it, nearest first."""
        return _ancestors(slug, self.units)

    def near_units(self, issuer: str) -> dict[str, float]:
        """Units to suggest first for a plan of `issuer`: its own units, then its province's (bonus per slug)."""
        if issuer not in self.units:
            return {}
        near = dict.fromkeys(self.unit_subtree(self.unit_ancestors(issuer)[-1]), 0.2)
        near.update(dict.fromkeys(self.unit_subtree(issuer), 0.3))
        return near

    def topic_ancestors(self, slug: str) -> list[str]:
        """A topic and its parents, nearest first."""
        return _ancestors(slug, self.topics)

    def topic_roots(self) -> list[Topic]:
        return [t for t in self.topics.values() if not t.parent]

    def unit_roots(self) -> list[Unit]:
        return [u for u in self.units.values() if not u.parent]

    def topic_children(self, slug: str) -> list[Topic]:
        return [self.topics[s] for s in self._topic_children.get(slug, [])]

    def unit_children(self, slug: str) -> list[Unit]:
        return [self.units[s] for s in self._unit_children.get(slug, [])]

    @cached_property
    def _predecessors(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = defaultdict(list)
        for unit in self.units.values():
            if unit.successor:
                found[unit.successor].append(unit.slug)
        return found

    def predecessors(self, slug: str) -> list[Unit]:
        """The units merged into this one (Bến Tre and Trà Vinh into Vĩnh Long), by the day they ended; a
        unit whose parent was merged into the same one is reached through that parent, not listed here."""
        direct = [self.units[s] for s in self._predecessors.get(slug, [])]
        top = [u for u in direct if not (u.parent in self.units and self.units[u.parent].successor == slug)]
        return sorted(top, key=lambda u: (u.until or date.max, u.name))

    def lineage(self, slug: str) -> set[str]:
        """A unit, every unit merged into it (and into those, back in time) and all their sub-units."""
        found, todo = set(), [slug]
        while todo:
            current = todo.pop()
            if current not in found:
                found.add(current)
                todo += self._predecessors.get(current, [])
        return {s for unit in found for s in self.unit_subtree(unit)}

    def heirs(self, slug: str) -> list[str]:
        """The units that took over this unit or one above it (through every later merge), nearest first."""
        found: list[str] = []
        todo = [self.units[a].successor for a in self.unit_ancestors(slug) if self.units[a].successor]
        while todo:
            current = todo.pop(0)
            if current in self.units and current not in found:
                found.append(current)
                todo += [self.units[a].successor for a in self.unit_ancestors(current) if self.units[a].successor]
        return found



def _children(terms: dict[str, Term]) -> dict[str, list[str]]:
    children: dict[str, list[str]] = defaultdict(list)
    for term in terms.values():
        if term.parent:
            children[term.parent].append(term.slug)
    return children


def _ancestors(slug: str, terms: dict[str, Term]) -> list[str]:
    chain: list[str] = []
    while slug and slug in terms and slug not in chain:
        chain.append(slug)
        slug = terms[slug].parent or ""
    return chain


def _subtree(slug: str, children: dict[str, list[str]]) -> set[str]:
    seen, stack = set(), [slug]
    while stack:
        current = stack.pop()
        if current not in seen:
            seen.add(current)
            stack.extend(children.get(current, []))
    return seen
