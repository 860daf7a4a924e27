"""The plan checker: which mandated topics have published items, and whether targets are on track.

Semantics, stated once:
- An item counts for a plan when it is published as of the as-of time, dated within the plan's
  period (both ends inclusive, whole days, Vietnam time), and either published by a unit in the plan's
  scope (its scope unit or any unit under it) or naming the plan explicitly (`plan:`).
- It covers a mandated content item when one of its topics is one of the item's topics or under one.
- It counts for a target when it is dated within the target's own window and matches every filter the
  target sets (channels, types, publishing units with their sub-units, topics with their sub-topics).
  A target with none of those filters cannot be measured from content and is listed as such.
  Every window (the plan's, a target's, a report's) is clipped to the plan's period: nothing dated
  outside the plan's period counts for it.
- Due so far, pro rata by cadence: monthly and continuous targets by completed months of the target's
  window, quarterly by completed quarters, yearly and one-off targets at the end of their window.
  A target without a count is only counted ("đã có N bài"), never on or behind schedule. Monthly
  targets list the elapsed months without an item, with or without a count.
- The as-of date means the end of that day (23:59:59, Vietnam time).
- A plan whose issuing unit ended before the plan did (merged in the 2025 reorganisation) is counted up to the
  unit's last day (`until`); a target not done by then is "Đơn vị đã sáp nhập", never behind: what is left
  passes to the successor's own plan, which counts its own items.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field
from datetime import date, datetime

from ..content.corpus import Corpus
from ..content.dates import VN_TZ, end_of_day, month_end, vietnam_time
from ..content.model import MandatedItem, NewsItem, Plan, Target

COVERED, UNCOVERED = "covered", "uncovered"
DONE, ON_TRACK, BEHIND, NOT_MEASURED, NOT_STARTED, COUNTED, MERGED = (
    "done", "on_track", "behind", "not_measured", "not_started", "counted", "merged")
STATUS_VI = {
    COVERED: "Đã có bài", UNCOVERED: "Chưa có bài",
    DONE: "Hoàn thành", ON_TRACK: "Đúng tiến độ", BEHIND: "Chậm tiến độ",
    NOT_MEASURED: "Không đo từ bài đăng", NOT_STARTED: "Chưa đến thời gian", COUNTED: "Không nêu số lượng",
    MERGED: "Đơn vị đã sáp nhập",
}
# every state a target can be in, as a summary names them (each target counted once)
SUMMARY_ORDER = [(DONE, "hoàn thành"), (ON_TRACK, "đúng tiến độ"), (BEHIND, "chậm tiến độ"),
                 (NOT_STARTED, "chưa đến thời gian"), (COUNTED, "không nêu số lượng"),
                 (NOT_MEASURED, "chưa đo được từ bài đăng"), (MERGED, "dừng vì đơn vị đã sáp nhập")]


@dataclass
class Coverage:
    mandated: MandatedItem
    items: list[NewsItem]
    started: bool = True  # False when checked before the plan's first day

    @property
    def status(self) -> str:
        return COVERED if self.items else UNCOVERED if self.started else NOT_STARTED

    @property
    def latest(self) -> datetime | None:
        return max((i.date for i in self.items), default=None)


@dataclass
class Progress:
    target: Target
    items: list[NewsItem]
    due: int | None  # how many should exist by as-of; None when not quantified
    status: str
    empty_months: list[tuple[int, int]] = field(default_factory=list)  # past months with nothing (monthly targets)

    @property
    def done(self) -> int:
        return len(self.items)

    @property
    def status_text(self) -> str:
        """The status as staff read it; a target without a count just says how many items it has."""
        return f"Đã có {self.done} bài" if self.status == COUNTED else STATUS_VI[self.status]


@dataclass
class PlanCheck:
    plan: Plan
    as_of: datetime
    items: list[NewsItem]  # every item that counts for the plan, newest first
    coverage: list[Coverage]
    progress: list[Progress]

    @property
    def ok(self) -> bool:
        return all(c.status in (COVERED, NOT_STARTED) for c in self.coverage) and all(
            p.status != BEHIND for p in self.progress)

    def target_summary(self) -> str:
        """"2 hoàn thành, 1 chậm tiến độ, …": every target accounted for, in one state each."""
        counts = [(sum(p.status == state for p in self.progress), words) for state, words in SUMMARY_ORDER]
        return ", ".join(f"{n} {words}" for n, words in counts if n) or "không có chỉ tiêu"


def as_of_moment(value: date | datetime) -> datetime:
    """A date means the whole day: everything published up to its last minute counts."""
    return vietnam_time(value) if isinstance(value, datetime) else end_of_day(value)


def check_plan(corpus: Corpus, plan: Plan, as_of: date | datetime, since: date | None = None) -> PlanCheck:
    """`since` narrows the counted items to a reporting window (never before the plan's start)."""
    moment = as_of_moment(as_of)
    scope = corpus.unit_subtree(plan.scope)
    issuer = corpus.units.get(plan.issuer)
    stop = issuer.until if issuer is not None and issuer.until and issuer.until < plan.end else None
    first, end = _day_start(plan.start), end_of_day(min(plan.end, stop or plan.end))
    scoped = [i for i in corpus.published_between(moment, first, end) if i.unit in scope or plan.id in i.plans]
    start = _day_start(max(since or plan.start, plan.start))
    items = [i for i in scoped if start <= i.date]
    coverage = []
    for mandated in plan.content:
        wanted = set().union(*(corpus.topic_subtree(t) for t in mandated.topics)) if mandated.topics else set()
        coverage.append(Coverage(mandated, [i for i in items if wanted.intersection(i.topics)], moment >= first))
    progress = [_progress(corpus, target, scoped, moment, stop) for target in plan.targets]
    return PlanCheck(plan, moment, items, coverage, progress)


class KeptChecks:
    """check_plan's results, kept from one load of the live preview to the next: a plan that is the very same
    object (plans are replaced only when their file or the vocabularies change) checked at the same moment over
    the very same published items of its period gives the same check, so only the plans an edit touches are
    checked again. `previous`'s objects stay alive while this one is used: their ids are not reused."""

    def __init__(self, previous: KeptChecks | None = None) -> None:
        self.kept: dict[str, tuple[Plan, datetime, list[NewsItem], PlanCheck]] = {}
        self._old = previous.kept if previous else {}

    def check(self, corpus: Corpus, plan: Plan, as_of: date | datetime) -> PlanCheck:
        moment = as_of_moment(as_of)
        period = corpus.published_between(moment, _day_start(plan.start), end_of_day(plan.end))
        old = self._old.get(plan.id)
        # the items themselves are compared (the same objects: one pointer each), never a hash that could collide
        same = old is not None and old[0] is plan and old[1] == moment and len(old[2]) == len(period) and all(
            map(operator.is_, old[2], period))
        result = old[3] if same else check_plan(corpus, plan, as_of)
        self.kept[plan.id] = (plan, moment, period, result)
        return result

    def done(self) -> None:
        """The load is over: the previous checks may go."""
        self._old = {}


def _progress(corpus: Corpus, target: Target, scoped: list[NewsItem], moment: datetime, stop: date | None = None) -> Progress:
    """A target's state as of `moment`; after the issuer's last day `stop`, its state on that day, and a target
    not done by then stops there (MERGED)."""
    ended = stop is not None and moment > end_of_day(stop)
    if ended:
        moment = end_of_day(stop)
    found = _measure(corpus, target, scoped, moment)
    if ended and target.end > stop and found.status != DONE and found.status != NOT_MEASURED:
        found.status = MERGED
    return found


def _measure(corpus: Corpus, target: Target, scoped: list[NewsItem], moment: datetime) -> Progress:
    if not (target.channels or target.types or target.units or target.topics):
        return Progress(target, [], None, NOT_MEASURED)
    channels = set().union(*(corpus.channel_subtree(c) for c in target.channels)) if target.channels else None
    units = set().union(*(corpus.unit_subtree(u) for u in target.units)) if target.units else None
    topics = set().union(*(corpus.topic_subtree(t) for t in target.topics)) if target.topics else None
    start, end = _day_start(target.start), end_of_day(target.end)
    items = [i for i in scoped if start <= i.date <= end
             and (channels is None or i.channel in channels)
             and (not target.types or i.type in target.types)
             and (units is None or i.unit in units)
             and (topics is None or topics.intersection(i.topics))]
    if moment < start:
        return Progress(target, items, 0, NOT_STARTED)
    months = _months(target.start, target.end)
    elapsed = [m for m in months if _month_over(m) <= moment]
    empty = []
    if target.cadence == "hang-thang":
        seen = {(i.date.year, i.date.month) for i in items}
        empty = [m for m in elapsed if m not in seen]
    if target.count is None:  # "không giới hạn" or "theo quy định": counted, never on or behind schedule
        return Progress(target, items, None, COUNTED, empty)
    if target.cadence in ("hang-thang", "thuong-xuyen"):
        due = target.count * len(elapsed) // len(months)
    elif target.cadence == "hang-quy":
        quarters = sorted({(y, (m - 1) // 3) for y, m in months})
        done_quarters = [q for q in quarters if all(_month_over(m) <= moment for m in months if (m[0], (m[1] - 1) // 3) == q)]
        due = target.count * len(done_quarters) // len(quarters)
    else:
        due = target.count if moment >= end else 0
    status = DONE if len(items) >= target.count else ON_TRACK if len(items) >= due else BEHIND
    return Progress(target, items, due, status, empty)


def _day_start(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=VN_TZ)


def _months(start: date, end: date) -> list[tuple[int, int]]:
    months, (year, month) = [], (start.year, start.month)
    while (year, month) <= (end.year, end.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _month_over(month: tuple[int, int]) -> datetime:
    """The last instant of the month: from then on the month counts as elapsed."""
    return end_of_day(month_end(*month))


@dataclass
class GridRow:
    topic: str
    counts: list[int]

    @property
    def total(self) -> int:
        return sum(self.counts)


def topic_month_grid(corpus: Corpus, result: PlanCheck) -> tuple[list[tuple[int, int]], list[GridRow]]:
    """Published counts per mandated topic (with its sub-topics) and month of the plan's period."""
    months = _months(result.plan.start, result.plan.end)
    index = {m: n for n, m in enumerate(months)}
    topics = list(dict.fromkeys(t for m in result.plan.content for t in m.topics))
    rows = []
    for topic in topics:
        subtree = corpus.topic_subtree(topic)
        counts = [0] * len(months)
        for item in result.items:
            if subtree.intersection(item.topics) and (item.date.year, item.date.month) in index:
                counts[index[(item.date.year, item.date.month)]] += 1
        rows.append(GridRow(topic, counts))
    return months, rows
