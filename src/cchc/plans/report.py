"""Periodic reports (Quý I, 6 tháng, 9 tháng, năm) as Markdown and as a Word file laid out per
Nghị định 30/2020/NĐ-CP, Appendix I, from the same checker results as the site.

Periods: calendar by default (Quý I = 01/01–31/03, 6 tháng = 01/01–30/06, 9 tháng = 01/01–30/09,
năm = 01/01–31/12); with rule "bo-noi-vu", the Ministry of Home Affairs' data cut-offs: from 15/12 of
the previous year to 14/03, 14/06, 14/09 or 14/12.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from ..content.corpus import Corpus
from ..content.dates import format_date, month_end
from ..content.model import REPORT_PERIODS, Plan
from .check import STATUS_VI, PlanCheck, check_plan
from .check_output import cell as md_cell
from .check_output import quota

PERIOD_END_MONTH = {"q1": 3, "6m": 6, "9m": 9, "year": 12}
RULES = {"calendar": "theo năm dương lịch", "bo-noi-vu": "theo thời điểm chốt số liệu của Bộ Nội vụ"}
FONT = "Times New Roman"


@dataclass(frozen=True)
class ReportWindow:
    period: str  # q1 | 6m | 9m | year
    year: int
    start: date
    end: date
    rule: str

    @property
    def label(self) -> str:
        return f"{REPORT_PERIODS[self.period]} năm {self.year}" if self.period != "year" else f"năm {self.year}"


def report_window(period: str, year: int, rule: str = "calendar") -> ReportWindow:
    month = PERIOD_END_MONTH[period]
    if rule == "bo-noi-vu":
        return ReportWindow(period, year, date(year - 1, 12, 15), date(year, month, 14), rule)
    return ReportWindow(period, year, date(year, 1, 1), month_end(year, month), rule)


@dataclass
class Report:
    plan: Plan
    window: ReportWindow
    check: PlanCheck
    issued: date
    number: str = ""

    @property
    def counted(self) -> tuple[date, date]:
        """The days whose items the report counts: its period clipped to the plan's period."""
        return max(self.window.start, self.plan.start), min(self.window.end, self.plan.end)

    @property
    def window_text(self) -> str:
        """The period and, when the plan's period cuts it, the days actually counted."""
        w, (start, end) = self.window, self.counted
        text = f"từ ngày {format_date(w.start)} đến ngày {format_date(w.end)}, {RULES[w.rule]}"
        if (start, end) != (w.start, w.end):
            text += (f"; chỉ tính bài đăng trong thời gian thực hiện kế hoạch: từ ngày {format_date(start)} "
                     f"đến ngày {format_date(end)}")
        return text

    @property
    def title(self) -> str:
        return f"Kết quả thực hiện {self.plan.title[0].lower()}{self.plan.title[1:]} ({self.window.label})"


def make_report(corpus: Corpus, plan: Plan, period: str, *, rule: str = "calendar", year: int | None = None,
                issued: date | None = None, number: str = "") -> Report:
    window = report_window(period, year or plan.end.year, rule)
    check = check_plan(corpus, plan, window.end, since=window.start)  # clipped to the plan's period there
    return Report(plan, window, check, issued or window.end, number)


def report_stem(report: Report) -> str:
    """File name without suffix, by plan, period, year and rule, so two reports of one period never collide:
    ben-tre-2021-6m-2021-calendar, ben-tre-2021-6m-2021-bo-noi-vu."""
    return f"{report.plan.id}-{report.window.period}-{report.window.year}-{report.window.rule}"


# -- Markdown ---------------------------------------------------------------------------------

def to_markdown(report: Report, corpus: Corpus, site_url: str = "") -> str:
    r, c = report, report.check
    covered = [x for x in c.coverage if x.items]
    lines = ["# BÁO CÁO", "", f"**{r.title}**", "",
             f"Kỳ báo cáo: số liệu {r.window_text}.", "",
             "## I. Tóm tắt", "",
             f"- Số tin, bài được tính trong kỳ: {len(c.items)}.",
             f"- Nội dung tuyên truyền bắt buộc đã có bài: {len(covered)}/{len(c.coverage)}.",
             f"- Chỉ tiêu ({len(c.progress)}): {c.target_summary()}.", "",
             "## II. Kết quả theo nội dung tuyên truyền", "",
             "| Mục | Nội dung | Số bài | Bài gần nhất | Tình trạng |", "|---|---|---|---|---|"]
    lines += [f"| {x.mandated.ref} | {md_cell(x.mandated.text)} | {len(x.items)} | {format_date(x.latest)} | {STATUS_VI[x.status]} |"
              for x in c.coverage]
    lines += ["", "## III. Kết quả thực hiện chỉ tiêu", ""]
    if c.progress:
        lines += ["| Chỉ tiêu | Sản phẩm | Đã có | Phải có đến hết kỳ | Tổng | Chu kỳ | Tình trạng |", "|---|---|---|---|---|---|---|"]
        lines += [f"| {p.target.ref} | {md_cell(p.target.product)} | {p.done} | {'' if p.due is None else p.due} | "
                  f"{quota(p)} | {p.target.cadence_name} | {p.status_text} |" for p in c.progress]
    else:
        lines.append("Kế hoạch không đặt chỉ tiêu định lượng.")
    lines += ["", "## IV. Nội dung chưa có bài", ""]
    lines += [f"- {x.mandated.ref}: {x.mandated.text}" for x in c.coverage if not x.items] or ["Không có."]
    lines += ["", "## V. Danh sách tin, bài theo chủ đề", ""]
    for name, items in items_by_topic(report, corpus):
        lines += [f"### {name}", ""]
        lines += [f"- {format_date(i.date)} — [{i.title}]({site_url}{i.url})" for i in items]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


OTHER_ITEMS = "Tin, bài khác được tính cho kế hoạch"


def items_by_topic(report: Report, corpus: Corpus):
    """(topic name, items): every item the report counts, listed once — under the most specific mandated topic
    it is about (an item on "một cửa" under "một cửa", not again under "thủ tục hành chính"), the rest last."""
    topics = list(dict.fromkeys(t for m in report.plan.content for t in m.topics))
    subtrees = {t: corpus.topic_subtree(t) for t in topics}
    groups: dict[str | None, list] = {t: [] for t in topics}
    groups[None] = []
    for item in report.check.items:
        matching = [t for t in topics if subtrees[t].intersection(item.topics)]
        groups[min(matching, key=lambda t: len(subtrees[t])) if matching else None].append(item)
    for topic, items in groups.items():
        if items:
            yield (corpus.topics[topic].name if topic else OTHER_ITEMS), sorted(items, key=lambda i: i.date)


# -- Word, Nghị định 30/2020/NĐ-CP ---------------------------------------------------------------

def date_line(place: str, day: date) -> str:
    """'Ninh Thuận, ngày 05 tháng 7 năm 2024': a zero before days under 10 and before months 1 and 2."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place or '…'}, ngày {day.day:02d} tháng {month} năm {day.year}"


def to_docx(report: Report, corpus: Corpus, path: Path, site_url: str = "") -> Path:
    doc = Document()
    _page(doc)
    _fonts(doc)
    issuer = corpus.units[report.plan.issuer]
    _heading_block(doc, report, issuer)
    _para(doc, "BÁO CÁO", bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER, before=12)
    _para(doc, report.title, bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER, after=12)
    c, w = report.check, report.window
    covered = [x for x in c.coverage if x.items]
    _body(doc, f"Thực hiện {report.plan.title}{' số ' + report.plan.number if report.plan.number else ''}, "
               f"{issuer.body or issuer.name} báo cáo kết quả công tác thông tin, tuyên truyền cải cách hành chính "
               f"{w.label} (số liệu {report.window_text}) như sau:")
    _section(doc, "I. KẾT QUẢ CHUNG")
    _body(doc, f"Trong kỳ, có {len(c.items)} tin, bài về cải cách hành chính được đăng tải, phát sóng; "
               f"{len(covered)}/{len(c.coverage)} nội dung tuyên truyền bắt buộc của kế hoạch đã có bài.")
    _body(doc, f"Về chỉ tiêu ({len(c.progress)} chỉ tiêu): {c.target_summary()}.")
    _section(doc, "II. KẾT QUẢ THEO NỘI DUNG TUYÊN TRUYỀN")
    _table(doc, ["Mục", "Nội dung", "Số bài", "Bài gần nhất", "Tình trạng"],
           [[x.mandated.ref, x.mandated.text, str(len(x.items)), format_date(x.latest), STATUS_VI[x.status]] for x in c.coverage],
           [15, 80, 15, 25, 30])
    _section(doc, "III. KẾT QUẢ THỰC HIỆN CHỈ TIÊU")
    if c.progress:
        _table(doc, ["Chỉ tiêu", "Sản phẩm", "Đã có", "Phải có", "Tổng", "Tình trạng"],
               [[p.target.ref, p.target.product, str(p.done), "" if p.due is None else str(p.due), quota(p), p.status_text]
                for p in c.progress], [16, 70, 14, 16, 20, 29])
    else:
        _body(doc, "Kế hoạch không đặt chỉ tiêu định lượng.")
    _section(doc, "IV. NỘI DUNG CHƯA CÓ BÀI")
    missing = [x for x in c.coverage if not x.items]
    for x in missing or []:
        _body(doc, f"- {x.mandated.ref}: {x.mandated.text}")
    if not missing:
        _body(doc, "Tất cả nội dung tuyên truyền bắt buộc đã có bài.")
    _section(doc, "V. DANH SÁCH TIN, BÀI THEO CHỦ ĐỀ")
    for name, items in items_by_topic(report, corpus):
        _body(doc, name, bold=True)
        for i in items:  # left-aligned: justified lines with URLs stretch badly
            _para(doc, f"- {format_date(i.date)}: {i.title} ({site_url}{i.url})", size=14, after=3)
    _signature_block(doc, report)
    _page_numbers(doc)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(path)
    return path


def _page(doc) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(18)  # inside 30–35 and 15–20 mm after twip rounding
    section.header_distance = Mm(10)


def _fonts(doc) -> None:
    style = doc.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(14)
    style.font.color.rgb = RGBColor(0, 0, 0)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)
    style.paragraph_format.space_after = Pt(0)


def _run(paragraph, text: str, *, bold=False, italic=False, underline=False, size=14):
    run = paragraph.add_run(text)
    run.bold, run.italic, run.underline = bold, italic, underline
    run.font.size, run.font.name = Pt(size), FONT
    run.font.color.rgb = RGBColor(0, 0, 0)
    return run


def _para(container, text: str, *, bold=False, italic=False, underline=False, size=14,
          align=WD_ALIGN_PARAGRAPH.LEFT, before=0, after=0):
    paragraph = container.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_before, paragraph.paragraph_format.space_after = Pt(before), Pt(after)
    _run(paragraph, text, bold=bold, italic=italic, underline=underline, size=size)
    return paragraph


def _body(doc, text: str, *, bold=False, indent=True):
    """Body text: 14 pt, justified, first-line indent, 6 pt after."""
    paragraph = _para(doc, text, bold=bold, size=14, align=WD_ALIGN_PARAGRAPH.JUSTIFY, after=6)
    if indent:
        paragraph.paragraph_format.first_line_indent = Mm(10)
    return paragraph


def _section(doc, text: str):
    paragraph = _body(doc, text, bold=True)
    paragraph.paragraph_format.space_before = Pt(6)
    return paragraph


def _cell_text(cell, text: str, *, bold=False, italic=False, underline=False, size=13, align=WD_ALIGN_PARAGRAPH.CENTER):
    paragraph = cell.paragraphs[0] if not cell.paragraphs[0].text else cell.add_paragraph()
    paragraph.alignment = align
    _run(paragraph, text, bold=bold, italic=italic, underline=underline, size=size)
    return paragraph


def _heading_block(doc, report: Report, issuer) -> None:
    """Top: issuing body (left) and the national motto (right), then place and date."""
    left, right = _layout_table(doc, [70, 95])
    if issuer.authority:
        _cell_text(left, issuer.authority.upper(), size=13)
    for line in _body_lines(issuer.body or issuer.name):
        _cell_text(left, line, bold=True, size=13)
    number = report.number or "      "
    _cell_text(left, f"Số: {number}/BC-{_abbreviation(issuer)}", size=13)
    _cell_text(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12)
    _cell_text(right, "Độc lập - Tự do - Hạnh phúc", bold=True, underline=True, size=14)
    place = _cell_text(right, date_line(issuer.place, report.issued), italic=True, size=14)
    place.paragraph_format.space_before = Pt(6)


def _layout_table(doc, widths_mm: list[int]):
    """A borderless table with fixed column widths (Word and LibreOffice read the grid)."""
    table = doc.add_table(rows=1, cols=len(widths_mm))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, cell, width in zip(table.columns, table.rows[0].cells, widths_mm):
        column.width = cell.width = Mm(width)
    return table.rows[0].cells


def _body_lines(name: str) -> list[str]:
    """'Ủy ban nhân dân tỉnh Ninh Thuận' -> ['ỦY BAN NHÂN DÂN', 'TỈNH NINH THUẬN'], as headings are set."""
    prefix = "ủy ban nhân dân "
    if name.lower().startswith(prefix):
        return ["ỦY BAN NHÂN DÂN", name[len(prefix):].upper()]
    return [name.upper()]


def _abbreviation(unit) -> str:
    return "UBND" if unit.kind in ("tinh", "huyen", "xa") else "…"


def _table(doc, header: list[str], rows: list[list[str]], widths_mm: list[int]) -> None:
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.autofit = False
    for column, width in zip(table.columns, widths_mm):
        column.width = Mm(width)
    for cell, text, width in zip(table.rows[0].cells, header, widths_mm):
        cell.width = Mm(width)
        _cell_text(cell, text, bold=True, size=12)
    for row in rows:
        cells = table.add_row().cells
        for n, (cell, text) in enumerate(zip(cells, row)):
            cell.width = Mm(widths_mm[n])
            _cell_text(cell, text, size=12, align=WD_ALIGN_PARAGRAPH.LEFT if n == 1 else WD_ALIGN_PARAGRAPH.CENTER)
    doc.add_paragraph()


def _signature_block(doc, report: Report) -> None:
    """The plan's own recipients and signer."""
    recipients = [r for r in report.plan.recipients if not r.startswith("Lưu")]
    keep = next((r for r in report.plan.recipients if r.startswith("Lưu")), "Lưu: VT, …")
    titles = ["TM. ỦY BAN NHÂN DÂN"] + [t.strip() for t in report.plan.signer_title.replace("—", "–").split("–")
                                        if t.strip() and not t.strip().startswith("TM.")]
    signature_block(doc, recipients, keep, titles if len(titles) > 1 else titles + ["CHỦ TỊCH"], report.plan.signer)


def signature_block(doc, recipients: list[str], keep: str, titles: list[str], signer: str) -> None:
    """Bottom: 'Nơi nhận:' (left, bold italic 12 pt, recipients 11 pt) and the signer (right)."""
    doc.add_paragraph()
    left, right = _layout_table(doc, [80, 85])
    _cell_text(left, "Nơi nhận:", bold=True, italic=True, size=12, align=WD_ALIGN_PARAGRAPH.LEFT)
    for recipient in recipients:
        _cell_text(left, f"- {recipient.rstrip(';.')};", size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    _cell_text(left, f"- {keep.rstrip('.')}.", size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    for title in titles:
        _cell_text(right, title.upper(), bold=True, size=14)
    for _ in range(4):
        _cell_text(right, "", size=14)
    _cell_text(right, signer, bold=True, size=14)


def _page_numbers(doc) -> None:
    """Page number at top centre, from page 2 (the first page's header stays empty)."""
    section = doc.sections[0]
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = _run(paragraph, "", size=14)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            field = OxmlElement("w:fldChar")
            field.set(qn("w:fldCharType"), kind)
        else:
            field = OxmlElement("w:instrText")
            field.set(qn("xml:space"), "preserve")
            field.text = text
        run._r.append(field)
