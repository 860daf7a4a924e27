"""The plan checker on a hand-made plan whose expected counts are known, boundaries included."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import date

import pytest

from cchc.plans.check import BEHIND, COVERED, DONE, NOT_MEASURED, NOT_STARTED, ON_TRACK, UNCOVERED, check_plan

PLAN = """
---
id: thu-nghiem-2024
title: Kế hoạch thử nghiệm quý I năm 2024
issuer: hai-hau
level: huyen
period:
  start: 01/01/2024
  end: 31/03/2024
content:
  - ref: A
    text: Thủ tục hành chính
    topics: [thu-tuc-hanh-chinh]
  - ref: B
    text: Tài chính công
    topics: [tai-chinh-cong]
targets:
  - ref: T1
    product: Chuyên mục phát thanh hằng tháng
    count: 3
    cadence: hằng tháng
    lead: ttvhtt-hai-hau
    channels: [phat-thanh]
  - ref: T2
    product: Hội nghị trong tháng 3
    count: 1
    cadence: một lần
    start: Tháng 03/2024
    end: Tháng 03/2024
    lead: hai-hau
    channels: [hoi-nghi]
  - ref: T3
    product: Hợp đồng với báo, đài
    lead: hai-hau
---

Toàn văn.
"""


@pytest.fixture
def planned(project):
    project.write("plans/thu-nghiem-2024.md", PLAN)
    item = project.item
    item("trong-ky", date="10/01/2024 09:00", topics="[mot-cua]", channel="phat-thanh")  # child topic, sub-unit of scope
    item("ngay-cuoi", date="31/03/2024 23:59", unit="xa-hai-minh", channel="hoi-nghi")  # last minute of the period
    item("sau-mot-phut", date="01/04/2024 00:00", channel="phat-thanh")  # one minute after
    item("ban-nhap", date="15/01/2024", draft="true", channel="phat-thanh")
    item("ngoai-pham-vi", date="20/01/2024", unit="ninh-thuan")  # other province, no plan link
    item("ngoai-pham-vi-co-lien-ket", date="21/01/2024", unit="ninh-thuan", plan="thu-nghiem-2024")
    item("truoc-ky", date="31/12/2023 23:59", channel="phat-thanh")
    return project


def run(project, as_of):
    corpus, problems = project.load()
    assert not problems.errors, problems.report()
    return check_plan(corpus, corpus.plans["thu-nghiem-2024"], as_of)


def test_items_counted_respect_period_scope_drafts_and_plan_links(planned):
    result = run(planned, date(2024, 4, 30))
    assert sorted(i.slug for i in result.items) == ["ngay-cuoi", "ngoai-pham-vi-co-lien-ket", "trong-ky"]


def test_future_items_as_of_a_date_do_not_count(planned):
    result = run(planned, date(2024, 3, 31))
    assert "ngay-cuoi" in {i.slug for i in result.items}  # 23:59 on the as-of day still counts
    earlier = run(planned, date(2024, 3, 30))
    assert "ngay-cuoi" not in {i.slug for i in earlier.items}


def test_a_child_topic_covers_its_parent_and_an_uncovered_item_is_reported(planned):
    result = run(planned, date(2024, 4, 30))
    a, b = result.coverage
    assert a.status == COVERED and {i.slug for i in a.items} == {"trong-ky", "ngay-cuoi", "ngoai-pham-vi-co-lien-ket"}
    assert a.latest.date() == date(2024, 3, 31)
    assert b.status == UNCOVERED and b.items == [] and not result.ok


def test_monthly_target_is_due_pro_rata_and_lists_empty_months(planned):
    t1 = run(planned, date(2024, 2, 29)).progress[0]
    assert (t1.done, t1.due, t1.status) == (1, 2, BEHIND)
    assert t1.empty_months == [(2024, 2)]
    mid_january = run(planned, date(2024, 1, 15)).progress[0]
    assert (mid_january.done, mid_january.due, mid_january.status) == (1, 0, ON_TRACK)


def test_one_off_target_is_not_started_then_done_on_its_last_day(planned):
    assert run(planned, date(2024, 2, 1)).progress[1].status == NOT_STARTED
    t2 = run(planned, date(2024, 3, 31)).progress[1]
    assert (t2.done, t2.due, t2.status) == (1, 1, DONE)


def test_a_target_without_filters_is_listed_as_not_measured(planned):
    assert run(planned, date(2024, 3, 31)).progress[2].status == NOT_MEASURED


def test_check_command_json_schema_and_exit_codes(planned):
    base = [sys.executable, "-m", "cchc.cli", "--root", str(planned.root), "check", "--plan", "thu-nghiem-2024"]
    out = subprocess.run(base + ["--as-of", "31/03/2024", "--format", "json"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["schema"] == "cchc-check/2" and data["ok"] is False
    (plan,) = data["plans"]
    assert [c["status"] for c in plan["content"]] == ["covered", "uncovered"]
    assert plan["targets"][0] | {"items": None} == {
        "ref": "T1", "product": "Chuyên mục phát thanh hằng tháng", "count": 3, "unlimited": False,
        "cadence": "hang-thang", "start": "2024-01-01", "end": "2024-03-31", "leads": ["ttvhtt-hai-hau"],
        "done": 1, "due": 3, "status": "behind", "status_text": "Chậm tiến độ", "empty_months": ["2024-02", "2024-03"], "items": None}
    strict = subprocess.run(base + ["--as-of", "31/03/2024", "--strict"], capture_output=True, text=True)
    assert strict.returncode == 1 and "Chưa có bài" in strict.stdout
    markdown = subprocess.run(base + ["--as-of", "31/03/2024", "--format", "markdown"], capture_output=True, text=True)
    assert "| B | Tài chính công | 0 |  | ✘ Chưa có bài |" in markdown.stdout
    bad = subprocess.run(base + ["--as-of", "31.03.2024"], capture_output=True, text=True)
    assert bad.returncode == 2 and "không đúng định dạng" in bad.stderr
    planned.item("hong", unit="khong-co")
    invalid = subprocess.run(base, capture_output=True, text=True)
    assert invalid.returncode == 2 and "docs/tin-tuc/hong.md:5" in invalid.stderr


def test_before_its_first_day_a_plan_is_not_yet_due_and_a_report_lists_each_counted_item_once(sample):
    """A check dated before the plan starts says "Chưa đến thời gian", never "Chưa có bài"; a report's list of
    items holds exactly the items it counts, each once (an item on a sub-topic is listed under that one only)."""
    from cchc.plans.check import STATUS_VI
    from cchc.plans.report import items_by_topic, make_report
    _, corpus = sample
    plan = corpus.plans["ninh-thuan-2024"]
    early = check_plan(corpus, plan, date(2023, 12, 1))
    assert {c.status for c in early.coverage} == {NOT_STARTED} and early.ok
    assert {STATUS_VI[c.status] for c in early.coverage} == {"Chưa đến thời gian"}
    for plan in corpus.plans.values():
        report = make_report(corpus, plan, "year")
        listed = [i for _, items in items_by_topic(report, corpus) for i in items]
        assert len(listed) == len({id(i) for i in listed}) == len(report.check.items), plan.id
        assert report.check.target_summary().count(" ") >= 1
        assert sum(int(n) for n in re.findall(r"(\d+) ", report.check.target_summary())) == len(report.check.progress)


def test_the_provinces_overview_is_one_row_per_unit_lagging_first_as_table_json_and_markdown(tmp_path):
    import json as _json
    import subprocess as _sp
    import sys as _sys
    from conftest import ROOT as _ROOT, SAMPLE_NOW as _NOW

    def run(*extra):
        done = _sp.run([_sys.executable, "-m", "cchc.cli", "--root", str(_ROOT), "--now", _NOW, "check", "--tong-hop", *extra],
                       capture_output=True, text=True, timeout=300)
        assert done.returncode in (0, 1), done.stderr
        return done
    data = _json.loads(run("--nam", "2021", "--format", "json").stdout)
    assert data["schema"] == "cchc-tong-hop/1" and data["year"] == 2021 and data["units"] == len(data["rows"]) == 2
    assert [r["unit"] for r in data["rows"]] == ["ben-tre", "son-kim-1"]
    assert [r["lagging"] for r in data["rows"]] == sorted((r["lagging"] for r in data["rows"]), reverse=True)
    first = data["rows"][0]
    assert first["lagging"] == first["content_mandated"] - first["content_covered"] + first["targets_behind"] > 0
    assert first["url"] == "/ke-hoach/ben-tre-2021/"
    table = run("--nam", "2021").stdout
    assert "TỔNG HỢP TIẾN ĐỘ NĂM 2021: 2 đơn vị có kế hoạch" in table
    assert table.index("Tỉnh Bến Tre") < table.index("Xã Sơn Kim 1")
    markdown = run("--nam", "2021", "--format", "markdown").stdout
    assert "| 1 | Tỉnh Bến Tre |" in markdown and "| 2 | Xã Sơn Kim 1 |" in markdown
    assert run("--nam", "2021", "--strict").returncode == 1  # a unit lags: CI can fail on it


def test_the_generated_province_is_vinh_longs_real_communes_each_with_two_plans(tmp_path):
    """scripts/make_corpus.py --xa: Vĩnh Long's 124 communes and wards since 01/07/2025 (the resolution's list, kept
    in scripts/data/), a plan for the rest of 2025 and for 2026 each; the project validates clean, and the province's
    overview of each year has one row per unit that has a plan then."""
    from conftest import ROOT, SAMPLE_NOW

    sys.path.insert(0, str(ROOT / "scripts"))
    from make_corpus import province_units, write_corpus

    units = province_units(124)
    assert len({slug for slug, _ in units}) == 124
    assert sum(name.startswith("Phường ") for _, name in units) == 19 and sum(name.startswith("Xã ") for _, name in units) == 105
    assert {"Phường Long Châu", "Xã Long Hồ", "Phường Bến Tre", "Phường Trà Vinh"} <= {name for _, name in units}
    root = write_corpus(60, tmp_path / "tinh", communes=124)

    def cchc(*args):
        return subprocess.run([sys.executable, "-m", "cchc.cli", "--root", str(root), "--now", SAMPLE_NOW, *args],
                              capture_output=True, text=True, timeout=300)
    validated = cchc("validate")
    assert validated.returncode == 0, validated.stderr[-2000:]
    for year, rows in ((2025, 124), (2026, 125)):  # 2026: the province's own plan too
        data = json.loads(cchc("check", "--tong-hop", "--nam", str(year), "--format", "json").stdout)
        assert data["units"] == len(data["rows"]) == rows, year
        assert {"phuong-long-chau", "xa-long-ho"} <= {r["unit"] for r in data["rows"]}


def test_a_plans_window_of_items_is_what_filtering_every_item_gives():
    """Each plan's check takes its year's items by bisection over the dates: the same items, in the same order,
    as testing every item (items newest first, as loaded; many on one day)."""
    from dataclasses import replace
    from datetime import datetime, timedelta

    from conftest import ROOT, SAMPLE_NOW
    from cchc.content.corpus import Corpus
    from cchc.content.dates import parse_datetime
    from cchc.content.loader import load_corpus

    now = parse_datetime(SAMPLE_NOW)
    loaded, _ = load_corpus(ROOT, now)
    same_day = [replace(item, slug=f"{item.slug}-{k}", date=loaded.items[0].date) for k, item in enumerate(loaded.items[:5])]
    mixed = loaded.items + same_day
    mixed.sort(key=lambda i: (i.date, i.slug), reverse=True)  # the loader's order
    for corpus in (loaded, Corpus(items=mixed, now=now)):
        moments = sorted({i.date for i in corpus.items})
        for first, last in [(moments[0], moments[-1]), (moments[len(moments) // 3], moments[-2]),
                            (moments[-1], moments[-1]), (moments[0] - timedelta(days=9), moments[0] - timedelta(days=1)),
                            (datetime.combine(moments[1].date(), datetime.min.time(), moments[1].tzinfo), moments[-1])]:
            expected = [i for i in corpus.published(now) if first <= i.date <= last]
            assert corpus.published_between(now, first, last) == expected
        assert corpus.published_between(now, moments[0], moments[-1])  # not empty: the test compares something
