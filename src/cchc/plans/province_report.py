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
from .check import BEHIND, DONE, ON_TRACK, check_plan
from .overview import UnitRow, overview
from .report import (ReportWindow, _body, _cell_text, _fonts, _heading_block, _layout_table, _page, _page_numbers, _para,
                     _section, _table, report_window)


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


def appendix_rows(report: ProvinceReport) -> list[list[str]]:
    return [[str(n), r.unit, f"{r.covered}/{r.mandated}", str(r.targets(BEHIND)),
             f"{r.targets(DONE)} / {r.targets(ON_TRACK)} / {len(r.check.progress)}", str(len(r.check.items)),
             format_date(r.latest) or "chưa có"] for n, r in enumerate(report.rows, 1)]


APPENDIX_HEAD = ["STT", "Đơn vị", "Nội dung có bài", "Chỉ tiêu chậm", "Xong / đúng tiến độ / tổng", "Số bài",
                 "Bài gần nhất"]


def to_markdown(report: ProvinceReport) -> str:
    lagging = [r for r in report.rows if r.lagging]
    out = [f"# {report.title}", "", f"Số liệu {report.window.label}, từ ngày {format_date(report.window.start)} đến ngày "
           f"{format_date(report.window.end)}: {len(report.rows)} đơn vị có kế hoạch, {len(lagging)} đơn vị chậm.", "",
           "| " + " | ".join(APPENDIX_HEAD) + " |", "|" + "---|" * len(APPENDIX_HEAD)]
    out += ["| " + " | ".join(c.replace("|", "/") for c in row) + " |" for row in appendix_rows(report)]
    return "\n".join(out) + "\n"


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
    _signature(doc)
    section = doc.add_section()  # the appendix: landscape, one row per unit
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    _para(doc, "PHỤ LỤC", bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc, f"Kết quả thực hiện kế hoạch của từng đơn vị ({w.label}); đơn vị chậm xếp trước", italic=True, size=14,
          align=WD_ALIGN_PARAGRAPH.CENTER, after=6)
    _table(doc, APPENDIX_HEAD, appendix_rows(report), [14, 80, 30, 25, 40, 20, 30])
    _page_numbers(doc)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(path)
    return path


def _signature(doc) -> None:
    doc.add_paragraph()
    left, right = _layout_table(doc, [80, 85])
    _cell_text(left, "Nơi nhận:", bold=True, italic=True, size=12, align=WD_ALIGN_PARAGRAPH.LEFT)
    for recipient in ("- Bộ Nội vụ;", "- Các đơn vị trong Phụ lục;", "- Lưu: VT, …"):
        _cell_text(left, recipient, size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    for line in ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "", "", "", ""):
        _cell_text(right, line, bold=True, size=14)
