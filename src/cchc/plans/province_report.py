"""The province's report (`cchc report --tong-hop`): every unit's plan over one reporting period, in one Word file
set out as Decree 30 sets reports out, the per-unit results in one appendix table (lagging units first)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm

from ..content.corpus import Corpus
from ..content.dates import format_date
from ..content.model import Unit
from .check import BEHIND, check_plan
from .overview import HEAD, UnitRow, markdown_table, overview, table_rows
from .report import (ReportWindow, _body, _fonts, _heading_block, _page, _page_numbers, _para, _section, _table,
                     report_window, signature_block)


@dataclass
class ProvinceReport:
    unit: Unit  # who reports (the province, or its Sở Nội vụ)
    window: ReportWindow
    rows: list[UnitRow]
    issued: date
    number: str = ""

    @property
    def title(self) -> str:
        return (f"Kết quả thực hiện kế hoạch thông tin, tuyên truyền cải cách hành chính của các đơn vị "
                f"({self.window.label})")


def make_province_report(corpus: Corpus, unit: Unit, period: str, year: int, rule: str = "calendar",
                         issued: date | None = None, number: str = "") -> ProvinceReport:
    """Every plan of `unit` and of the units under it running in `year`, counted over the period's window."""
    window = report_window(period, year, rule)
    under = corpus.unit_subtree(unit.slug)
    plans = [p for p in corpus.plans.values() if p.issuer in under and p.start <= window.end and p.end >= window.start]
    checks = [check_plan(corpus, p, min(window.end, p.end), since=window.start) for p in plans]
    return ProvinceReport(unit, window, overview(corpus, checks, year), issued or window.end, number)


def busiest_province(corpus: Corpus, year: int) -> Unit | None:
    """The province (kind tinh) with most plans running in `year` under it, when no unit is named."""
    counts = {slug: sum(p.issuer in corpus.unit_subtree(slug) and p.start.year <= year <= p.end.year
                        for p in corpus.plans.values())
              for slug, unit in corpus.units.items() if unit.kind == "tinh"}
    best = max(counts, key=lambda slug: (counts[slug], slug), default=None)
    return corpus.units[best] if best and counts[best] else None


def report_stem(report: ProvinceReport) -> str:
    return f"tong-hop-{report.unit.slug}-{report.window.period}-{report.window.year}-{report.window.rule}"


def to_markdown(report: ProvinceReport) -> str:
    lagging = [r for r in report.rows if r.lagging]
    return "\n".join([f"# {report.title}", "", f"Số liệu {report.window.label}, từ ngày {format_date(report.window.start)} "
                      f"đến ngày {format_date(report.window.end)}: {len(report.rows)} đơn vị có kế hoạch, {len(lagging)} "
                      "đơn vị chậm.", "", *markdown_table(report.rows)]) + "\n"


def to_docx(report: ProvinceReport, path: Path) -> Path:
    doc = Document()
    _page(doc)
    _fonts(doc)
    _heading_block(doc, report, report.unit)
    _para(doc, "BÁO CÁO", bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER, before=12)
    _para(doc, report.title, bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER, after=12)
    rows, w = report.rows, report.window
    lagging = [r for r in rows if r.lagging]
    _section(doc, "I. KẾT QUẢ CHUNG")
    _body(doc, f"Trong {w.label} (số liệu từ ngày {format_date(w.start)} đến ngày {format_date(w.end)}), {len(rows)} "
               f"đơn vị có kế hoạch thông tin, tuyên truyền cải cách hành chính; tổng số {sum(len(r.check.items) for r in rows)} "
               f"tin, bài được tính cho các kế hoạch; {len(rows) - len(lagging)} đơn vị thực hiện đúng tiến độ, "
               f"{len(lagging)} đơn vị còn nội dung chưa có bài hoặc chỉ tiêu chậm.")
    _section(doc, "II. CÁC ĐƠN VỊ CHẬM TIẾN ĐỘ")
    for r in lagging:
        _body(doc, f"- {r.unit}: {r.mandated - r.covered} nội dung chưa có bài, {r.targets(BEHIND)} chỉ tiêu chậm; "
                   f"bài gần nhất: {format_date(r.latest) or 'chưa có'}.")
    if not lagging:
        _body(doc, "Không có đơn vị chậm tiến độ.")
    _body(doc, "(Kết quả của từng đơn vị tại Phụ lục kèm theo.)")
    signature_block(doc, ["Bộ Nội vụ", "Các đơn vị trong Phụ lục"], "Lưu: VT, …", ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"], "")
    section = doc.add_section()  # the appendix: landscape, one row per unit
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    _para(doc, "PHỤ LỤC", bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc, f"Kết quả thực hiện kế hoạch của từng đơn vị ({w.label}); đơn vị chậm xếp trước", italic=True, size=14,
          align=WD_ALIGN_PARAGRAPH.CENTER, after=6)
    _table(doc, HEAD, table_rows(report.rows), [14, 80, 30, 25, 40, 20, 30])
    _page_numbers(doc)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(path)
    return path
