"""Periodic reports: exact period boundaries, content from the checker, and the Nghị định 30/2020 layout."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt

from cchc.plans.check import check_plan
from cchc.content.loader import load_corpus
from cchc.plans.report import date_line, make_report, report_window, to_docx, to_markdown
from conftest import ROOT, SAMPLE_NOW, copy_sample
from test_check import PLAN


def test_calendar_periods_and_the_ministry_cut_offs():
    assert (report_window("q1", 2024).start, report_window("q1", 2024).end) == (date(2024, 1, 1), date(2024, 3, 31))
    assert report_window("6m", 2024).end == date(2024, 6, 30) and report_window("9m", 2024).end == date(2024, 9, 30)
    assert report_window("year", 2024).end == date(2024, 12, 31)
    ministry = [report_window(p, 2024, "bo-noi-vu") for p in ("q1", "6m", "9m", "year")]
    assert {w.start for w in ministry} == {date(2023, 12, 15)}
    assert [w.end for w in ministry] == [date(2024, 3, 14), date(2024, 6, 14), date(2024, 9, 14), date(2024, 12, 14)]


@pytest.mark.parametrize("day, expected", [
    (date(2024, 7, 5), "Ninh Thuận, ngày 05 tháng 7 năm 2024"),
    (date(2024, 1, 15), "Ninh Thuận, ngày 15 tháng 01 năm 2024"),
    (date(2024, 2, 9), "Ninh Thuận, ngày 09 tháng 02 năm 2024"),
    (date(2024, 12, 31), "Ninh Thuận, ngày 31 tháng 12 năm 2024"),
])
def test_date_line_puts_a_zero_before_days_under_10_and_months_1_and_2(day, expected):
    assert date_line("Ninh Thuận", day) == expected


def test_the_ministry_rule_window_is_clipped_to_the_plan_period_and_stated(project):
    project.write("plans/thu-nghiem-2024.md", PLAN)
    project.item("cuoi-nam-truoc", date="20/12/2023 09:00")
    project.item("dau-nam", date="10/01/2024 09:00")
    project.item("sau-chot-so-lieu", date="20/03/2024 09:00")
    corpus, _ = project.load()
    plan = corpus.plans["thu-nghiem-2024"]
    calendar = make_report(corpus, plan, "q1")
    ministry = make_report(corpus, plan, "q1", rule="bo-noi-vu")
    assert sorted(i.slug for i in calendar.check.items) == ["dau-nam", "sau-chot-so-lieu"]
    # the plan starts 01/01/2024: its 2023 item is not the plan's, whatever the rule (check agrees)
    assert sorted(i.slug for i in ministry.check.items) == ["dau-nam"]
    assert "cuoi-nam-truoc" not in {i.slug for i in check_plan(corpus, plan, date(2024, 3, 14)).items}
    text = to_markdown(ministry, corpus)
    assert ("Kỳ báo cáo: số liệu từ ngày 15/12/2023 đến ngày 14/03/2024, theo thời điểm chốt số liệu của Bộ Nội vụ; "
            "chỉ tính bài đăng trong thời gian thực hiện kế hoạch: từ ngày 01/01/2024 đến ngày 14/03/2024.") in text
    assert "chỉ tính bài" not in to_markdown(calendar, corpus)  # the calendar quarter lies inside the plan


def test_the_ministry_rule_counts_from_15_december_when_the_plan_has_begun(project):
    project.write("plans/thu-nghiem-2024.md", PLAN.replace("start: 01/01/2024", "start: 01/12/2023"))
    project.item("cuoi-nam-truoc", date="20/12/2023 09:00")
    project.item("dau-thang-12", date="05/12/2023 09:00")
    corpus, _ = project.load()
    ministry = make_report(corpus, corpus.plans["thu-nghiem-2024"], "q1", year=2024, rule="bo-noi-vu")
    assert [i.slug for i in ministry.check.items] == ["cuoi-nam-truoc"]


@pytest.fixture(scope="module")
def ninh_thuan(tmp_path_factory):
    corpus, _ = load_corpus(ROOT)
    report = make_report(corpus, corpus.plans["ninh-thuan-2024"], "6m", issued=date(2024, 7, 5), number="05")
    path = to_docx(report, corpus, tmp_path_factory.mktemp("bc") / "bc.docx", "https://cchc.example.gov.vn/")
    return report, corpus, Document(str(path))


# Ninh Thuận's plan has 28 mandated contents; by 30/06/2024 the sample has no item for these six (read off the plan's
# topics and the sample's items by hand), so the report must say 22/28 and list exactly these under IV.
NINH_THUAN_UNCOVERED_6M = ["II.5.c", "II.6.d", "II.7", "II.8.a", "II.8.c", "II.8.d"]


def item_dates() -> dict[str, date]:
    """Each sample item's URL and its date, read from its file (not through the loader the report uses)."""
    found = {}
    for path in (ROOT / "docs" / "tin-tuc").rglob("*.md"):
        text = path.read_text(encoding="utf-8")
        day = re.search(r"^date:\s*[\"']?(\d{1,2})/(\d{1,2})/(\d{4})", text, re.M)
        slug = re.search(r"^slug:\s*(\S+)", text, re.M)
        if day:
            found[f"/tin-tuc/{slug.group(1) if slug else path.stem}/"] = date(*map(int, reversed(day.groups())))
    return found


def test_report_markdown_has_summary_tables_uncovered_items_and_items_by_topic(ninh_thuan):
    report, corpus, _ = ninh_thuan
    text = to_markdown(report, corpus, "https://cchc.example.gov.vn/")
    assert f"- Nội dung tuyên truyền bắt buộc đã có bài: {28 - len(NINH_THUAN_UNCOVERED_6M)}/28." in text
    uncovered = text.split("## IV. Nội dung chưa có bài")[1].split("## V.")[0]
    assert re.findall(r"^- (II\.[\w.]+):", uncovered, re.M) == NINH_THUAN_UNCOVERED_6M
    assert "- II.8.d: Duy trì, mở rộng hệ thống quản lý chất lượng" in uncovered
    by_topic = text.split("## V.")[1]
    assert "### Cơ chế một cửa, một cửa liên thông" in by_topic
    assert "(https://cchc.example.gov.vn/tin-tuc/trung-tam-phuc-vu-hanh-chinh-cong-ninh-thuan-mot-cua/)" in by_topic
    listed = set(re.findall(r"\(https://cchc\.example\.gov\.vn(/tin-tuc/[^)]+/)\)", by_topic))
    dates = item_dates()
    assert listed and listed <= dates.keys()  # items only (never a bulletin or another page)
    outside = {url: dates[url] for url in listed if not date(2024, 1, 1) <= dates[url] <= date(2024, 6, 30)}
    assert not outside  # the six months' items only


def test_docx_page_is_a4_portrait_with_the_decree_margins(ninh_thuan):
    section = ninh_thuan[2].sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(1) and abs(section.page_height - Mm(297)) < Mm(1)
    assert Mm(20) <= section.top_margin <= Mm(25) and Mm(20) <= section.bottom_margin <= Mm(25)
    assert Mm(30) <= section.left_margin <= Mm(35) and Mm(15) <= section.right_margin <= Mm(20)


def test_docx_text_is_times_new_roman_and_black(ninh_thuan):
    doc = ninh_thuan[2]
    assert doc.styles["Normal"].font.name == "Times New Roman"
    for paragraph in doc.paragraphs:
        for run in paragraph.runs:
            assert run.font.name == "Times New Roman" and str(run.font.color.rgb) == "000000"


def _runs(cell):
    return [(p.text, p.runs[0]) for p in cell.paragraphs if p.runs and p.text]


def test_docx_heading_has_issuing_body_number_motto_and_date_line(ninh_thuan):
    heading = ninh_thuan[2].tables[0].rows[0].cells
    left, right = _runs(heading[0]), _runs(heading[1])
    assert [t for t, _ in left] == ["ỦY BAN NHÂN DÂN", "TỈNH NINH THUẬN", "Số: 05/BC-UBND"]
    assert left[0][1].bold and left[1][1].bold and left[0][1].font.size in (Pt(12), Pt(13))
    assert not left[2][1].bold and left[2][1].font.size == Pt(13)
    (motto, motto_run), (slogan, slogan_run), (place, place_run) = right
    assert motto == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" and motto_run.bold and motto_run.font.size in (Pt(12), Pt(13))
    assert slogan == "Độc lập - Tự do - Hạnh phúc" and slogan_run.bold and slogan_run.underline
    assert slogan_run.font.size in (Pt(13), Pt(14))
    assert place == "Ninh Thuận, ngày 05 tháng 7 năm 2024" and place_run.italic


def test_docx_parent_body_is_regular_above_the_bold_issuing_body(tmp_path):
    corpus, _ = load_corpus(ROOT)
    report = make_report(corpus, corpus.plans["hai-hau-2023"], "year", issued=date(2023, 12, 20))
    doc = Document(str(to_docx(report, corpus, tmp_path / "hh.docx")))
    left = _runs(doc.tables[0].rows[0].cells[0])
    assert [t for t, _ in left][:3] == ["ỦY BAN NHÂN DÂN TỈNH NAM ĐỊNH", "ỦY BAN NHÂN DÂN", "HUYỆN HẢI HẬU"]
    assert not left[0][1].bold and left[1][1].bold
    assert left[3][0] == "Số:       /BC-UBND"  # number unknown: a blank to fill in


def test_docx_title_and_body_paragraphs(ninh_thuan):
    paragraphs = ninh_thuan[2].paragraphs
    title = next(p for p in paragraphs if p.text == "BÁO CÁO")
    assert title.runs[0].bold and title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    summary = paragraphs[paragraphs.index(title) + 1]
    assert summary.text.startswith("Kết quả thực hiện kế hoạch thông tin") and summary.runs[0].bold
    body = [p for p in paragraphs if p.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY]
    assert len(body) >= 8
    for p in body:
        assert p.runs[0].font.size in (Pt(13), Pt(14))
    assert abs(body[0].paragraph_format.first_line_indent - Mm(10)) < Mm(1)


def test_docx_page_numbers_top_centre_from_page_two(ninh_thuan):
    section = ninh_thuan[2].sections[0]
    assert section.different_first_page_header_footer
    header = section.header.paragraphs[0]
    assert header.alignment == WD_ALIGN_PARAGRAPH.CENTER and "PAGE" in header._p.xml
    assert not "".join(p.text for p in section.first_page_header.paragraphs).strip()


def test_docx_signature_and_recipients(ninh_thuan):
    report, corpus, doc = ninh_thuan
    left, right = doc.tables[-1].rows[0].cells
    recipients = _runs(left)
    assert recipients[0][0] == "Nơi nhận:" and recipients[0][1].bold and recipients[0][1].italic
    assert recipients[0][1].font.size == Pt(12)
    assert all(run.font.size == Pt(11) for _, run in recipients[1:])
    assert recipients[1][0] == "- Bộ Nội vụ (b/c);" and recipients[-1][0] == "- Lưu: VT, TCD. QMT."
    signer = [t for t, _ in _runs(right)]
    assert signer == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Trần Quốc Nam"]


def test_docx_tables_carry_every_mandated_item_and_target(ninh_thuan):
    report, _, doc = ninh_thuan
    content, targets = doc.tables[1], doc.tables[2]
    assert len(content.rows) == 1 + len(report.plan.content)
    assert len(targets.rows) == 1 + len(report.plan.targets)
    assert content.rows[1].cells[0].text == "II.1.a"


def test_report_command_writes_markdown_and_word(tmp_path):
    out = tmp_path / "bc"
    run = subprocess.run([sys.executable, "-m", "cchc.cli", "--root", str(ROOT), "report", "--plan", "ben-tre-2021",
                          "--period", "9m", "--out", str(out), "--date", "05/10/2021"], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert (out / "ben-tre-2021-9m-2021-calendar.docx").is_file()
    text = (out / "ben-tre-2021-9m-2021-calendar.md").read_text(encoding="utf-8")
    assert "Kỳ báo cáo: số liệu từ ngày 01/01/2021 đến ngày 30/09/2021, theo năm dương lịch." in text and "| PL.4 |" in text
    ministry = subprocess.run([sys.executable, "-m", "cchc.cli", "--root", str(ROOT), "report", "--plan", "ben-tre-2021",
                               "--period", "9m", "--rule", "bo-noi-vu", "--out", str(out)], capture_output=True, text=True)
    assert ministry.returncode == 0, ministry.stderr
    assert (out / "ben-tre-2021-9m-2021-bo-noi-vu.md").is_file() and (out / "ben-tre-2021-9m-2021-calendar.md").is_file()
    assert "từ ngày 15/12/2020 đến ngày 14/09/2021" in ministry.stderr
    bad = subprocess.run([sys.executable, "-m", "cchc.cli", "--root", str(ROOT), "report", "--plan", "khong-co",
                          "--period", "q1"], capture_output=True, text=True)
    assert bad.returncode == 2 and "Không có kế hoạch" in bad.stderr


def test_the_provinces_report_lists_every_unit_in_one_appendix_table_lagging_first(tmp_path):
    from docx import Document
    from docx.enum.section import WD_ORIENT
    root = copy_sample(tmp_path / "du-an")
    text = (root / "plans" / "son-kim-1-2021.md").read_text(encoding="utf-8")
    text = text.replace("id: son-kim-1-2021", "id: snv-ben-tre-2021").replace("issuer: son-kim-1", "issuer: so-noi-vu-ben-tre")
    (root / "plans" / "snv-ben-tre-2021.md").write_text(text.replace("level: xa\n", ""), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "cchc.cli", "--root", str(root), "--now", SAMPLE_NOW, "report", "--tong-hop",
                           "--don-vi", "ben-tre", "--period", "year", "--year", "2021"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    path = root / "bao-cao" / "tong-hop-ben-tre-year-2021-calendar.docx"
    doc = Document(path)
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "BÁO CÁO" in text and "2 đơn vị có kế hoạch" in text and "PHỤ LỤC" in text
    heading = "\n".join(c.text for c in doc.tables[0].rows[0].cells)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in heading and "TỈNH BẾN TRE" in heading
    appendix = doc.tables[-1]
    assert [c.text for c in appendix.rows[0].cells][:3] == ["STT", "Đơn vị", "Nội dung có bài"]
    units = [row.cells[1].text for row in appendix.rows[1:]]
    assert sorted(units) == ["Sở Nội vụ tỉnh Bến Tre", "Tỉnh Bến Tre"]
    def lag(row):  # mandated contents without an item + targets behind
        covered, mandated = map(int, row.cells[2].text.split("/"))
        return mandated - covered + int(row.cells[3].text)
    lags = [lag(row) for row in appendix.rows[1:]]
    assert lags == sorted(lags, reverse=True) and lags[0] > 0
    assert doc.sections[-1].orientation == WD_ORIENT.LANDSCAPE  # a wide table on a landscape page
    markdown = (root / "bao-cao" / "tong-hop-ben-tre-year-2021-calendar.md").read_text(encoding="utf-8")
    assert units[0] in markdown.split("\n| 1 |")[1].split("\n")[0]  # the same order in both files
