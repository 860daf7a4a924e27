"""The plan format's stated rules: messages on plan fields, counting rules, the full-text warnings, the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date

import pytest

from cchc.plans.check import BEHIND, COUNTED, ON_TRACK, check_plan
from conftest import ROOT, messages

HEAD = """---
id: thu-2024
title: Kế hoạch thử
issuer: {issuer}
level: huyen
period:
  start: 01/01/2024
  end: {end}
"""


def plan(body: str, issuer: str = "hai-hau", end: str = "31/12/2024", text: str = "Toàn văn.") -> str:
    return HEAD.format(issuer=issuer, end=end) + body + "---\n\n" + text + "\n"


def problems_of(project, text: str) -> list[str]:
    project.write("plans/thu-2024.md", text.encode())  # as bytes: written exactly, whitespace-only lines kept
    _, problems = project.load()
    return messages(problems)


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.split("\n"), 1) if needle in line)


# -- messages on plan fields ----------------------------------------------------------------------

def test_a_missing_lead_is_named_once_at_its_target_with_where_to_add_it(project):
    text = plan("targets:\n  - ref: PL.2\n    product: Tin bài\n    count: 3\n    cadence: hằng tháng\n    channels: [bao-in]\n")
    (message,) = problems_of(project, text)
    assert message.startswith(f"plans/thu-2024.md:{line_of(text, 'ref: PL.2')}: thiếu cơ quan chủ trì (lead)")
    assert "(lead) (lead)" not in message and "vào chỉ tiêu bắt đầu ở dòng" in message


def test_a_list_where_one_unit_is_expected_is_said_plainly_without_a_python_list(project):
    text = plan("").replace("issuer: hai-hau", "issuer: [hai-hau, nam-dinh]")
    found = problems_of(project, text)
    assert any(f":{line_of(text, 'issuer:')}: chỉ ghi một đơn vị ở đây" in m for m in found), found
    assert not any("['" in m for m in found)


def first_suggestion(message: str) -> str:
    return message.split("có phải ý bạn là")[1].split('"')[1]


def test_suggestions_prefer_the_plans_own_province_and_issuer(project):
    nam_dinh = plan("tasks:\n  - unit: Sở Nội vụ\n    text: Theo dõi\n")
    (message,) = problems_of(project, nam_dinh)
    assert first_suggestion(message) == "so-noi-vu-nam-dinh"
    ben_tre = plan("tasks:\n  - unit: Sở Nội vụ\n    text: Theo dõi\n", issuer="ben-tre").replace("level: huyen", "level: tinh")
    (message,) = problems_of(project, ben_tre)
    assert first_suggestion(message) == "so-noi-vu-ben-tre" and "nam-dinh" not in message
    district = plan("tasks:\n  - unit: Phòng Nội vụ\n    text: Theo dõi\n")
    (message,) = problems_of(project, district)
    assert first_suggestion(message) == "phong-noi-vu-hai-hau" and "huong-son" not in message


def test_a_broad_topic_is_not_matched_to_one_narrow_entry(project):
    text = plan("content:\n  - ref: II.1\n    text: Chung\n    topics: [cải cách hành chính]\n")
    (message,) = problems_of(project, text)
    assert f":{line_of(text, 'topics:')}:" in message
    assert "một trong:" in message  # several candidates, ranked, not "par-index" alone
    assert not message.split("—")[1].strip().startswith('có phải ý bạn là "par-index"')


def test_a_bad_period_end_is_reported_once_and_the_other_fields_are_still_checked(project):
    text = plan("content:\n  - ref: A\n    text: X\n    topics: [khong-co-chu-de]\ntargets:\n  - ref: T\n    product: P\n"
                "    lead: hai-hau\n    channels: [bao-in]\n", end="35/12/2024")
    found = problems_of(project, text)
    assert any(m.startswith(f"plans/thu-2024.md:{line_of(text, 'end: 35')}:") and "35/12/2024" in m for m in found)
    assert any("khong-co-chu-de" in m for m in found)  # listed in the same run
    assert len(found) == 2, found  # the target without dates is not blamed


def test_a_duplicate_plan_id_points_at_the_id_line(project):
    text = plan("")
    project.write("plans/zz-ban-sao.md", text.replace("id: thu-2024\ntitle: Kế hoạch thử", "title: Kế hoạch thử\nid: thu-2024"))
    found = problems_of(project, text)
    assert found == ['plans/zz-ban-sao.md:3: mã kế hoạch "thu-2024" trùng với plans/thu-2024.md — đổi dòng id: thành mã khác']


def test_an_unknown_plan_on_an_item_points_at_its_plan_line(project):
    project.item("tin", plan="khong-co")
    _, problems = project.load()
    (message,) = messages(problems)
    assert message.startswith("docs/tin-tuc/tin.md:7:") and 'kế hoạch "khong-co"' in message


# -- counting rules -------------------------------------------------------------------------------

TARGETS = """targets:
  - ref: KHONG-SO
    product: Tin trên cổng, không nêu số
    cadence: hằng tháng
    lead: [phong-vhtt-hai-hau, ttvhtt-hai-hau]
    partners: phong-noi-vu-hai-hau
    channels: [cong-thong-tin]
  - ref: CONG-TINH
    product: Bài trên Cổng thông tin điện tử tỉnh
    count: 2
    cadence: hằng năm
    lead: nam-dinh
    channels: [cong-thong-tin-tinh]
tasks:
  - unit: [phong-vhtt-hai-hau, ttvhtt-hai-hau]
    text: Cùng thực hiện chuyên mục
"""


@pytest.fixture
def counted(project):
    project.write("plans/thu-2024.md", plan(TARGETS))
    project.item("cong-tinh", date="10/01/2024", channel="cong-thong-tin-tinh")
    project.item("trang-don-vi", date="12/03/2024", channel="trang-thong-tin-don-vi")
    project.item("cong-chung", date="20/03/2024")
    corpus, problems = project.load()
    assert not problems, problems.report()
    return corpus


def test_joint_leads_and_joint_task_units_are_kept(counted):
    p = counted.plans["thu-2024"]
    assert p.targets[0].leads == ("phong-vhtt-hai-hau", "ttvhtt-hai-hau") and p.targets[0].partners == ("phong-noi-vu-hai-hau",)
    assert p.tasks[0].units == ("phong-vhtt-hai-hau", "ttvhtt-hai-hau")


def test_a_target_without_a_count_only_says_how_many_and_lists_empty_months(counted):
    progress = check_plan(counted, counted.plans["thu-2024"], date(2024, 4, 30)).progress[0]
    assert progress.status == COUNTED and progress.status_text == "Đã có 3 bài" and progress.due is None
    assert progress.empty_months == [(2024, 2), (2024, 4)]
    empty = check_plan(counted, counted.plans["thu-2024"], date(2023, 12, 31))
    assert all(p.status not in (ON_TRACK, BEHIND) for p in empty.progress if p.target.count is None)


def test_a_narrowed_channel_counts_only_its_outlet_and_the_parent_counts_all(counted):
    result = check_plan(counted, counted.plans["thu-2024"], date(2024, 12, 31))
    everything, province_portal = result.progress
    assert {i.slug for i in everything.items} == {"cong-tinh", "trang-don-vi", "cong-chung"}
    assert [i.slug for i in province_portal.items] == ["cong-tinh"] and province_portal.status == BEHIND


def test_a_count_needs_a_cadence(project):
    text = plan("targets:\n  - ref: T\n    product: P\n    count: 24\n    lead: hai-hau\n    channels: [bao-in]\n")
    (message,) = problems_of(project, text)
    assert f":{line_of(text, 'count: 24')}: chỉ tiêu có số lượng 24 nhưng chưa ghi chu kỳ (cadence)" in message


def test_target_windows_outside_the_plan_are_refused_and_overlaps_warned(project):
    outside = plan("targets:\n  - ref: T\n    product: P\n    cadence: một lần\n    start: Tháng 01/2025\n"
                   "    end: Tháng 02/2025\n    lead: hai-hau\n    channels: [bao-in]\n")
    (message,) = problems_of(project, outside)
    assert "nằm ngoài thời gian thực hiện kế hoạch" in message and "[cảnh báo]" not in message
    overlap = outside.replace("Tháng 01/2025", "Tháng 12/2023")
    (message,) = problems_of(project, overlap)
    assert "[cảnh báo]" in message and "chỉ bài đăng trong thời gian thực hiện kế hoạch được tính" in message
    project.item("truoc-ke-hoach", date="15/12/2023", channel="bao-in")
    project.item("trong-ke-hoach", date="15/01/2024", channel="bao-in")
    corpus, _ = project.load()
    target = corpus.plans["thu-2024"].targets[0]
    assert target.start == date(2024, 1, 1)  # clipped
    progress = check_plan(corpus, corpus.plans["thu-2024"], date(2024, 12, 31)).progress[0]
    assert [i.slug for i in progress.items] == ["trong-ke-hoach"]


# -- full text that would render wrong ------------------------------------------------------------

PASTED = """I. MỤC ĐÍCH, YÊU CẦU

1. Mục đích

- Nâng cao nhận thức.

2. Yêu cầu:
- Thường xuyên, liên tục.
   \n
Nơi nhận:
- Như trên;
- Lưu: VT.
"""


def test_pasted_text_that_would_render_wrong_is_warned_with_its_line(project):
    text = plan("", text=PASTED + "\nĐoạn kết\na) mục a\n")
    found = problems_of(project, text)
    first = line_of(text, "I. MỤC ĐÍCH")
    by_line = {int(m.split(":")[1]) - first: m for m in found}
    assert 'dấu gạch đầu dòng sẽ hiện thành số "2."' in by_line[4]  # "- " joins the list "1. Mục đích" opened
    assert 'số thứ tự "2." sẽ bị đánh lại thành "3."' in by_line[6] and "### 2." in by_line[6]
    assert 'dấu gạch đầu dòng sẽ hiện thành số "4."' in by_line[7]
    assert "dòng trống có dấu cách" in by_line[8]
    assert "sẽ bị nối vào đoạn văn phía trên" in by_line[11] and "sẽ bị nối vào đoạn văn phía trên" in by_line[12]
    assert "sẽ bị nối vào đoạn văn phía trên" in by_line[15]  # "a) …" right under a paragraph
    assert sorted(by_line) == [4, 6, 7, 8, 11, 12, 15] and all("[cảnh báo]" in m for m in found)


def test_text_laid_out_as_markdown_wants_is_not_warned(project):
    fine = ("**I. MỤC ĐÍCH**\n\n**1. Mục đích**\n\n- Một.\n- Hai.\n\n**2. Yêu cầu**\n\n1. Thứ nhất\n2. Thứ hai\n\n"
            "a) Điểm a.\n\nb) Điểm b.\n\n| STT | Nội dung |\n|---|---|\n| 1 | X |\n\n**Nơi nhận:**\n\n- Như trên;\n- Lưu: VT.\n")
    assert problems_of(project, plan("", text=fine)) == []


def test_the_sample_plans_full_texts_render_as_they_read():
    from cchc.content.loader import load_corpus
    _, problems = load_corpus(ROOT)
    assert not problems, problems.report()


# -- the command line -----------------------------------------------------------------------------

def cchc(*args: str, root=ROOT, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cchc.cli", "--root", str(root), *args], capture_output=True, text=True, **kwargs)


@pytest.mark.parametrize("args, expected", [
    (["validate", "--bogus"], "không hiểu tham số: --bogus"),
    (["check", "--plan"], "--plan cần một giá trị đi kèm"),
    (["report", "--plan", "ben-tre-2021", "--period", "q5"], 'không có lựa chọn "q5" — chọn một trong:'),
    (["report", "--plan", "ben-tre-2021"], "thiếu tham số bắt buộc: --period"),
    (["report", "--plan", "ben-tre-2021", "--period", "q1", "--year", "hai"], '"hai" không phải là số'),
    (["khong-co-lenh"], 'không có lựa chọn "khong-co-lenh"'),
])
def test_command_line_mistakes_are_explained_in_vietnamese(args, expected):
    out = cchc(*args)
    assert out.returncode == 2 and expected in out.stderr, out.stderr
    assert "Cách dùng:" in out.stderr and "--help" in out.stderr
    assert "error" not in out.stderr and "usage" not in out.stderr and "argument" not in out.stderr


def test_help_is_vietnamese():
    out = cchc("check", "--help")
    assert out.returncode == 0 and "Cách dùng: cchc check" in out.stdout and "tùy chọn" in out.stdout
    assert "show this help" not in out.stdout and "options" not in out.stdout
    assert "nhap-ke-hoach" in cchc("--help").stdout


def test_now_is_accepted_before_or_after_the_command_as_the_readme_shows():
    after = cchc("validate", "--now", "30/06/2024")
    before = subprocess.run([sys.executable, "-m", "cchc.cli", "--now", "30/06/2024", "--root", str(ROOT), "validate"],
                            capture_output=True, text=True)
    assert after.returncode == before.returncode == 0 and after.stderr == before.stderr


def test_a_closed_pipe_ends_quietly():
    shell = subprocess.run(f"{sys.executable} -m cchc.cli --root {ROOT} check --now 30/06/2024 | head -n 1",
                           shell=True, capture_output=True, text=True)
    assert shell.stdout.count("\n") == 1 and "Traceback" not in shell.stderr and "BrokenPipe" not in shell.stderr


def test_json_is_printed_even_when_the_content_is_broken(project):
    project.item("hong", unit="khong-co")
    out = cchc("check", "--format", "json", root=project.root)
    assert out.returncode == 2
    data = json.loads(out.stdout)
    assert data["ok"] is False and data["plans"] == []
    assert data["problems"][0]["path"] == "docs/tin-tuc/hong.md" and data["problems"][0]["line"] == 5
    unknown = json.loads(cchc("check", "--plan", "khong-co", "--format", "json").stdout)
    assert 'Không có kế hoạch "khong-co"' in unknown["problems"][0]["message"]
    bad_date = cchc("check", "--as-of", "31.13.2024", "--format", "json")
    assert bad_date.returncode == 2 and json.loads(bad_date.stdout)["problems"][0]["path"] == "--as-of"
