"""A province at a glance: one row per unit with a plan in a year (the province's and every commune's), the ones
that lag first. The same rows make `cchc check --tong-hop` (table, JSON, Markdown) and the site's overview."""

from __future__ import annotations

import json
import textwrap
from dataclasses import dataclass
from datetime import datetime

from ..content.corpus import Corpus
from ..content.dates import format_date
from .check import BEHIND, COVERED, DONE, NOT_STARTED, ON_TRACK, PlanCheck
from .check_output import cell

SCHEMA = "cchc-tong-hop/1"


@dataclass
class UnitRow:
    check: PlanCheck
    unit: str  # the issuer's name (its code when the vocabulary has none)

    @property
    def mandated(self) -> int:
        return sum(c.status != NOT_STARTED for c in self.check.coverage)

    @property
    def covered(self) -> int:
        return sum(c.status == COVERED for c in self.check.coverage)

    def targets(self, status: str) -> int:
        return sum(p.status == status for p in self.check.progress)

    @property
    def latest(self) -> datetime | None:
        return max((i.date for i in self.check.items), default=None)

    @property
    def lagging(self) -> int:
        """How much lags: mandated contents without an item, plus targets behind (0: on track)."""
        return self.mandated - self.covered + self.targets(BEHIND)


def years_of(checks: list[PlanCheck]) -> list[int]:
    """Every year some plan runs in, newest first."""
    return sorted({y for c in checks for y in range(c.plan.start.year, c.plan.end.year + 1)}, reverse=True)


def overview(corpus: Corpus, checks: list[PlanCheck], year: int) -> list[UnitRow]:
    """The plans running in `year`, one row each, lagging first (most behind, then the longest silent)."""
    rows = [UnitRow(c, corpus.units[c.plan.issuer].name if c.plan.issuer in corpus.units else c.plan.issuer)
            for c in checks if c.plan.start.year <= year <= c.plan.end.year]
    never = datetime.min.replace(tzinfo=checks[0].as_of.tzinfo) if checks else None
    return sorted(rows, key=lambda r: (-r.lagging, r.latest or never, r.unit, r.check.plan.id))


def to_data(rows: list[UnitRow], year: int) -> dict:
    return {"schema": SCHEMA, "year": year, "as_of": rows[0].check.as_of.isoformat() if rows else None,
            "units": len(rows), "lagging": sum(r.lagging > 0 for r in rows),
            "rows": [{"unit": r.check.plan.issuer, "unit_name": r.unit, "plan": r.check.plan.id,
                      "title": r.check.plan.title, "content_covered": r.covered, "content_mandated": r.mandated,
                      "targets_done": r.targets(DONE), "targets_on_track": r.targets(ON_TRACK),
                      "targets_behind": r.targets(BEHIND), "targets": len(r.check.progress),
                      "latest": r.latest.isoformat() if r.latest else None, "lagging": r.lagging,
                      "url": "/" + r.check.plan.url} for r in rows]}


def to_json(rows: list[UnitRow], year: int) -> str:
    return json.dumps(to_data(rows, year), ensure_ascii=False, indent=2)


HEAD = ["STT", "Đơn vị", "Nội dung có bài", "Chỉ tiêu chậm", "Xong / đúng tiến độ / tổng", "Số bài", "Bài gần nhất"]


def table_rows(rows: list[UnitRow]) -> list[list[str]]:
    """The rows as the Markdown table and the report's appendix print them (HEAD's columns)."""
    return [[str(n), r.unit, f"{r.covered}/{r.mandated}", str(r.targets(BEHIND)),
             f"{r.targets(DONE)} / {r.targets(ON_TRACK)} / {len(r.check.progress)}", str(len(r.check.items)),
             format_date(r.latest) or "chưa có"] for n, r in enumerate(rows, 1)]


def markdown_table(rows: list[UnitRow]) -> list[str]:
    return (["| " + " | ".join(HEAD) + " |", "|" + "---|" * len(HEAD)]
            + ["| " + " | ".join(cell(c) for c in row) + " |" for row in table_rows(rows)])


def to_markdown(rows: list[UnitRow], year: int) -> str:
    lagging = sum(r.lagging > 0 for r in rows)
    return "\n".join([f"## Tổng hợp tiến độ năm {year}", "",
                      f"{len(rows)} đơn vị có kế hoạch; {lagging} đơn vị có nội dung chưa có bài hoặc chỉ tiêu chậm "
                      "(xếp trước).", "", *markdown_table(rows)]) + "\n"


def to_table(rows: list[UnitRow], year: int, width: int = 110) -> str:
    lagging = sum(r.lagging > 0 for r in rows)
    out = [f"TỔNG HỢP TIẾN ĐỘ NĂM {year}: {len(rows)} đơn vị có kế hoạch, {lagging} đơn vị chậm (xếp trước)",
           f"{'':2} {'Nội dung':>8}  {'Chỉ tiêu x/đ/c':>14}  {'Bài gần nhất':<12} Đơn vị (kế hoạch)", "-" * width]
    for r in rows:
        mark = "✘" if r.lagging else "✔"
        figures = f"{r.targets(DONE)}/{r.targets(ON_TRACK)}/{r.targets(BEHIND)}"
        line = f"{mark:2} {r.covered:>4}/{r.mandated:<3}  {figures:>14}  {format_date(r.latest) or 'chưa có':<12} "
        out.append(line + textwrap.shorten(f"{r.unit} ({r.check.plan.id})", width - len(line), placeholder="…"))
    return "\n".join(out)
