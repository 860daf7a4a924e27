"""The one content model shared by the site, the feeds, the checker and the reports."""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from datetime import date, datetime


def pack_text(text: str) -> bytes:
    return zlib.compress(text.encode("utf-8", "surrogatepass"), 1) if text else b""


def unpack_text(packed: bytes) -> str:
    return zlib.decompress(packed).decode("utf-8", "surrogatepass") if packed else ""


READING_WORDS = 2000  # an automatic reading reads this many words of an item (about 13 minutes), then invites
# the listener to read the rest on the portal: a bulletin stays listenable and synthesis stays bounded

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
    later_parents: tuple[tuple[date, str], ...] = ()  # (from, parent): a new place in the tree, oldest first

    def alive(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.until is None or day <= self.until)

    def parent_on(self, day: date | None) -> str | None:
        """The unit above it on `day` (None: the latest), as `parent:` and `parent_from:` say."""
        current = self.parent
        for since, parent in self.later_parents:
            if day is None or since <= day:
                current = parent
        return current

    @property
    def parents(self) -> list[str]:
        """Every unit it has been under."""
        return [p for p in (self.parent, *(p for _, p in self.later_parents)) if p]


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


@dataclass(slots=True)  # no attribute dict each: 20,000 items, and none made when the item cache is pickled
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
    merged_from: str = ""  # the code of the portal it was merged from (plans/cong-cu/<code>.yml): history, never "new"
    document: LegalDocument | None = None
    packed_body: bytes = b""  # its Markdown, compressed (pack_text): 20,000 items' text at a fraction of its size
    body_line: int = 1
    links_pages: bool = False  # does the body link to other pages by file ([…](other.md))?

    @property
    def body(self) -> str:
        return unpack_text(self.packed_body)

    def placement(self) -> tuple:
        """What decides where the item is listed, next to which items, and in which feeds: an edit that keeps it
        changes no other page's choice of items (the preview shows such an edit first, preview/update.py)."""
        return (self.path, self.src_uri, self.slug, self.date, self.topics, self.unit, self.type, self.channel,
                self.draft, self.plans, self.guid, self.merged_from, self.audio, self.links_pages)

    @property
    def teaser(self) -> str:
        return self.summary or self.excerpt

    @property
    def url(self) -> str:
        """Site-relative URL; it depends on the slug alone, so it never moves once published."""
        return f"tin-tuc/{self.slug}/"

    @property
    def publishable(self) -> bool:
        """Published once its time comes: not a draft."""
        return not self.draft

    def is_published(self, at: datetime) -> bool:
        """The one rule: publishable, and its publish time has come (Corpus.published bisects by the time)."""
        return self.publishable and self.date <= at


@dataclass(frozen=True)
class ArchiveFeed:
    """A feed of a merged portal, kept at cong-cu/<code>/<path> with exactly the items it carried there."""

    path: str  # its path on the old portal: rss.xml, atom.xml, phat-thanh/rss.xml, don-vi/<slug>/rss.xml…
    title: str
    slugs: tuple[str, ...]  # the items (their slugs here), newest first


@dataclass(frozen=True)
class MergedPortal:
    """A portal merged into this one by `cchc gop-cong` (its ledger, plans/cong-cu/<code>.yml)."""

    code: str
    name: str
    site_url: str  # its old address, with trailing slash
    addresses: dict[str, str]  # old site-relative address -> address here
    feeds: tuple[ArchiveFeed, ...] = ()
    renamed: dict[str, str] = field(default_factory=dict)  # item slugs that had to change: old -> new


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

    backend: str  # "gitlab", "forgejo", "gitea", or ROOM: the office's own editing room (`cchc phong-bien-tap`)
    repo: str  # owner/name
    base_url: str  # https://git.example.gov.vn
    api_root: str
    app_id: str = ""  # the OAuth application's client ID
    branch: str = "main"
    workflow: bool = False  # Decap's editorial workflow: draft -> in review -> ready (GitLab, Forgejo, the room)
    accounts: tuple[tuple[str, str], ...] = ()  # the room's (account, WRITER or REVIEWER)


ROOM = "phong-bien-tap"  # extra.editor.backend of the office's own editing room
WRITER, REVIEWER = "viet", "duyet"  # the room's roles: a writer drafts and submits, a reviewer approves and publishes


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
