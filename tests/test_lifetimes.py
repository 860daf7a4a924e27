"""Units with a lifetime (the 2025 reorganisation): history stays true, new work goes to the successor."""

from __future__ import annotations

import re
from datetime import date

import lxml.html

from cchc.search.documents import LINEAGE, document
from conftest import ROOT, messages


def test_the_sample_records_the_2025_reorganisation_with_its_legal_basis(sample):
    _, corpus = sample
    u = corpus.units
    for old, new in (("ninh-thuan", "khanh-hoa"), ("ben-tre", "vinh-long"), ("nam-dinh", "ninh-binh")):
        assert (u[old].until, u[old].successor) == (date(2025, 6, 30), new)
        assert "202/2025/QH15" in u[old].basis
        assert u[new].alive(date(2026, 1, 1)) and not u[old].alive(date(2025, 7, 1))
    assert all(unit.until and unit.until <= date(2025, 6, 30) for unit in u.values() if unit.kind == "huyen")
    assert "72/2025/QH15" in u["hai-hau"].basis
    assert u["son-kim-1"].alive(date(2026, 1, 1))  # kept in 2025 (a border commune), now directly under the province
    assert [p.slug for p in corpus.predecessors("vinh-long")] == ["ben-tre"]  # its agencies come through Bến Tre
    assert corpus.lineage("vinh-long") >= {"vinh-long", "ben-tre", "so-noi-vu-ben-tre", "xa-tan-thach"}


def test_an_item_after_its_unit_ended_is_refused_and_the_successor_named(project):
    project.item("truoc", date="30/06/2025 17:00", unit="ninh-thuan")
    project.item("sau", date="01/07/2025 08:00", unit="so-noi-vu-ninh-thuan")
    project.item("moi", date="01/07/2025 08:00", unit="so-noi-vu-khanh-hoa")
    _, problems = project.load()
    found = messages(problems)
    assert len(found) == 1, found
    assert found[0].startswith("docs/tin-tuc/sau.md:5:")  # the unit line
    assert "đã thôi hoạt động sau ngày 30/06/2025" in found[0] and "202/2025/QH15" in found[0]
    assert "so-noi-vu-khanh-hoa (Sở Nội vụ tỉnh Khánh Hòa)" in found[0]


def test_an_item_before_its_unit_began_is_refused(project):
    units = (ROOT / "plans" / "don-vi.yml").read_text(encoding="utf-8")
    project.write("plans/don-vi.yml", units + "xa-moi:\n  name: Xã Mới\n  kind: xa\n  parent: ha-tinh\n  from: 01/07/2025\n")
    project.item("cu", date="15/03/2024 08:30", unit="xa-moi")
    project.item("moi", date="15/03/2026 08:30", unit="xa-moi")
    _, problems = project.load()
    (found,) = messages(problems)
    assert found.startswith("docs/tin-tuc/cu.md:5:") and "chỉ bắt đầu hoạt động từ 01/07/2025" in found


def test_a_plan_issued_by_a_unit_that_no_longer_existed_is_refused(project):
    plan = (ROOT / "plans" / "ninh-thuan-2024.md").read_text(encoding="utf-8")
    plan = re.sub(r"^issued: .*$", "issued: 05/09/2025", plan, count=1, flags=re.M)
    path = project.write("plans/ninh-thuan-2024.md", plan)
    _, problems = project.load()
    found = [m for m in messages(problems) if "thôi hoạt động" in m]
    line = next(n for n, text in enumerate(path.read_text(encoding="utf-8").split("\n"), 1) if text.startswith("issuer:"))
    assert found and found[0].startswith(f"plans/ninh-thuan-2024.md:{line}:"), found
    assert "kế hoạch ban hành ngày 05/09/2025" in found[0] and "khanh-hoa (Tỉnh Khánh Hòa)" in found[0]


def test_lifetime_mistakes_in_the_vocabulary_are_named_at_their_lines(project):
    project.write("plans/don-vi.yml", """
        tinh-a:
          name: Tỉnh A
          kind: tinh
        huyen-b:
          name: Huyện B
          kind: huyen
          parent: tinh-a
        xa-c:
          name: Xã C
          kind: xa
          successor: tinh-z
          until: 30/06/2025
        xa-d:
          name: Xã D
          kind: xa
          successor: tinh-a
        xa-e:
          name: Xã E
          kind: xa
          from: 01/07/2025
          until: 30/06/2025
        xa-f:
          name: Xã F
          kind: xa
          until: 31/02/2025
    """)
    _, problems = project.load()
    found = [m for m in messages(problems) if m.startswith("plans/don-vi.yml")]
    expected = [(4, "là đơn vị cấp huyện: cấp huyện kết thúc hoạt động từ 01/07/2025"),
                (11, 'đơn vị kế thừa "tinh-z" của "xa-c" không có trong danh mục'),
                (16, "có đơn vị kế thừa nhưng chưa có ngày kết thúc (until)"),
                (21, "kết thúc (30/06/2025) trước khi bắt đầu (01/07/2025)"),
                (25, "until của \"xa-f\"")]
    for line, words in expected:
        assert any(m.startswith(f"plans/don-vi.yml:{line}:") and words in m for m in found), (line, words, found)


def test_unit_pages_show_the_lifetime_the_successor_and_the_predecessors(sample):
    site, _ = sample

    def text(url: str, cls: str) -> str:
        tree = lxml.html.parse(str(site / url / "index.html"))
        return " ".join(" ".join(n.text_content().split()) for n in tree.getroot().find_class(cls))

    old = text("don-vi/ninh-thuan", "cchc-lifetime")
    assert "Hoạt động đến hết ngày 30/06/2025" in old and "Từ 01/07/2025 thuộc Tỉnh Khánh Hòa" in old
    page = (site / "don-vi" / "ninh-thuan" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<a href="[./]*khanh-hoa/">Tỉnh Khánh Hòa</a>', page), re.findall(r'<a href="[^"]*khanh-hoa[^"]*">', page)
    assert "Trước sáp nhập: Tỉnh Bến Tre (đến 30/06/2025)" in text("don-vi/vinh-long", "cchc-predecessors")
    own = (site / "don-vi" / "vinh-long" / "index.html").read_text(encoding="utf-8")
    merged = (site / "don-vi" / "vinh-long" / "ca-don-vi-cu" / "index.html").read_text(encoding="utf-8")
    bt_item = "ben-tre-ban-hanh-ke-hoach-105-kh-ubnd"
    assert bt_item not in own and bt_item in merged  # the archive is one click away, not in by default
    assert "ca-don-vi-cu/" in own


def test_the_feed_of_a_dissolved_unit_stays_and_says_where_news_goes(sample):
    site, _ = sample
    feed = (site / "don-vi" / "ben-tre" / "rss.xml").read_text(encoding="utf-8")
    assert "Đơn vị đã thôi hoạt động sau ngày 30/06/2025" in feed and "don-vi/vinh-long/rss.xml" in feed
    assert feed.count("<item>") >= 5  # its archive is still there for its subscribers


def test_the_search_filter_offers_the_successor_with_its_predecessors_as_a_choice(sample):
    _, corpus = sample
    item = next(i for i in corpus.items if i.unit == "so-noi-vu-ben-tre")
    units = document(corpus, item, "")["filters"]["đơn vị"]
    assert "Tỉnh Bến Tre" in units and "Tỉnh Vĩnh Long" not in units
    assert "Tỉnh Vĩnh Long" + LINEAGE in units and "Sở Nội vụ tỉnh Vĩnh Long" + LINEAGE in units


def test_an_item_keeps_the_feed_id_it_had_on_its_former_portal(project, tmp_path):
    from cchc.site.build import build_site
    old_id = "tag:bentre.gov.vn,2019:tin-tuc/cai-cach-thu-tuc-2019/"
    project.item("cai-cach-thu-tuc-2019", date="15/03/2024 08:30", unit="ben-tre", guid=old_id)
    project.item("tin-moi", date="16/03/2024 08:30", unit="ben-tre")
    assert build_site(project.root, tmp_path / "site").ok
    feed = (tmp_path / "site" / "rss.xml").read_text(encoding="utf-8")
    assert f'<guid isPermaLink="false">{old_id}</guid>' in feed  # radio stations do not see it again as new
    assert re.search(r'<guid isPermaLink="false">tag:[^<]*tin-tuc/tin-moi/</guid>', feed)


def test_a_kept_feed_id_may_belong_to_one_item_only(project):
    project.item("a", guid="tag:bentre.gov.vn,2019:tin-tuc/a/")
    project.item("b", guid="tag:bentre.gov.vn,2019:tin-tuc/a/")
    _, problems = project.load()
    (found,) = messages(problems)
    assert found.startswith("docs/tin-tuc/b.md:1:") and "trùng với bài docs/tin-tuc/a.md" in found


def test_plans_on_both_sides_of_the_change_are_checked_and_reported(sample, tmp_path):
    import subprocess
    import sys

    from cchc.plans.check import check_plan
    from cchc.content.dates import end_of_day, parse_datetime
    _, corpus = sample
    now = parse_datetime("30/06/2026 12:00")
    new = check_plan(corpus, corpus.plans["vinh-long-2026"], now)
    assert corpus.plans["vinh-long-2026"].issuer == "vinh-long"
    counted = {i.unit for i in new.items}
    assert counted == {"so-noi-vu-vinh-long", "xa-long-ho"}  # the units of the new province, in its period
    old = corpus.plans["ben-tre-2021"]
    before = check_plan(corpus, old, end_of_day(old.end))
    assert before.items and all(corpus.units["ben-tre"].slug in corpus.unit_ancestors(i.unit) for i in before.items)
    for plan, period in (("vinh-long-2026", "6m"), ("ben-tre-2021", "year")):
        done = subprocess.run([sys.executable, "-m", "cchc.cli", "--root", str(ROOT), "--now", "30/06/2026 12:00",
                               "report", "--plan", plan, "--period", period, "--out", str(tmp_path)],
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
    assert len(list(tmp_path.glob("*.docx"))) == 2


def test_an_item_under_a_unit_whose_parent_ended_needs_a_new_parent_from_that_day(project):
    """Xã Tri Hải was under huyện Ninh Hải, which ended on 30/06/2025: an item of the commune after that is
    refused, naming the ended parent, until the vocabulary records the commune's new parent from 01/07/2025;
    then the item counts under the new parent, and the commune's older items under the old one."""
    project.item("truoc", date="10/03/2025 08:00", unit="xa-tri-hai")
    project.item("sau", date="10/03/2026 08:00", unit="xa-tri-hai")
    _, problems = project.load()
    (found,) = messages(problems)
    assert found.startswith("docs/tin-tuc/sau.md:5:") and '"Huyện Ninh Hải", cấp trên của "Xã Tri Hải"' in found
    assert "parent_from: {01/07/2025: <mã cấp trên mới>}" in found
    units = (ROOT / "plans" / "don-vi.yml").read_text(encoding="utf-8")
    units = units.replace("  body: Ủy ban nhân dân xã Tri Hải\n",
                          "  body: Ủy ban nhân dân xã Tri Hải\n  parent_from:\n    01/07/2025: khanh-hoa\n", 1)
    project.write("plans/don-vi.yml", units)
    corpus, problems = project.load()
    assert not messages(problems)
    from cchc.site.views import SiteViews
    from cchc.content.dates import parse_datetime
    views = SiteViews(corpus, parse_datetime("30/06/2026 12:00"))
    assert [i.slug for i in views.by_unit["khanh-hoa"]] == ["sau"]  # the tree as it was on each item's day
    assert [i.slug for i in views.by_unit["ninh-hai"]] == ["truoc"] and views.by_unit["ninh-thuan"][0].slug == "truoc"
    assert corpus.unit_subtree("khanh-hoa") >= {"xa-tri-hai"} and corpus.unit_subtree("ninh-hai") >= {"xa-tri-hai"}


def test_a_new_parent_that_did_not_exist_then_and_a_town_without_an_end_are_named(project):
    units = (ROOT / "plans" / "don-vi.yml").read_text(encoding="utf-8")
    units = units.replace("  body: Ủy ban nhân dân xã Tri Hải\n",
                          "  body: Ủy ban nhân dân xã Tri Hải\n  parent_from:\n    01/07/2025: ninh-thuan\n", 1)
    units += "tt-moi:\n  name: Thị trấn Phước Dân\n  kind: xa\n  parent: ninh-phuoc\n"
    path = project.write("plans/don-vi.yml", units)
    _, problems = project.load()
    found = messages(problems)
    lines = path.read_text(encoding="utf-8").split("\n")
    moved = next(n for n, text in enumerate(lines, 1) if text.startswith("  parent_from:") and n > lines.index("xa-tri-hai:"))
    town = next(n for n, text in enumerate(lines, 1) if text == "tt-moi:")
    assert any(m.startswith(f"plans/don-vi.yml:{moved}:") and '"Tỉnh Ninh Thuận" chưa hoặc không còn hoạt động vào ngày 01/07/2025' in m
               for m in found), found
    assert any(m.startswith(f"plans/don-vi.yml:{town}:") and "thị trấn kết thúc hoạt động từ 01/07/2025" in m
               for m in found), found


def test_the_sample_records_the_2025_changes_of_departments_and_towns(sample):
    _, corpus = sample
    u = corpus.units
    for province, heir in (("ben-tre", "vinh-long"), ("ninh-thuan", "khanh-hoa")):
        old, new = u[f"so-tttt-{province}"], u[f"so-khcn-{province}"]
        assert (old.until, old.successor) == (date(2025, 2, 28), new.slug) and "45/2025/NĐ-CP" in old.basis
        assert (new.start, new.until, new.successor) == (date(2025, 3, 1), date(2025, 6, 30), heir)
    for town in ("tt-yen-dinh", "tt-thinh-long"):
        assert u[town].until == date(2025, 6, 30) and "1674/NQ-UBTVQH15" in u[town].basis
    assert u["son-kim-1"].parent_on(date(2026, 1, 1)) == "ha-tinh" and u["son-kim-1"].parent_on(date(2024, 1, 1)) == "huong-son"


PREDECESSOR_PLAN = """---
id: ninh-thuan-2025
title: Kế hoạch thông tin, tuyên truyền cải cách hành chính tỉnh Ninh Thuận năm 2025
issuer: ninh-thuan
level: tinh
issued: 10/01/2025
period:
  start: 01/01/2025
  end: 31/12/2025
content:
  - ref: II.1
    text: Cơ chế một cửa.
    topics: [mot-cua]
targets:
  - ref: PL.1
    product: Tin, bài trên Cổng thông tin điện tử tỉnh
    count: 12
    cadence: hằng tháng
    lead: so-noi-vu-ninh-thuan
    channels: [cong-thong-tin]
  - ref: PL.2
    product: Một phóng sự tổng kết năm
    count: 1
    cadence: cả năm
    lead: so-noi-vu-ninh-thuan
    types: [phong-su]
reports: [6m, year]
---

Nội dung.
"""


def test_a_plan_of_a_unit_that_was_merged_counts_until_its_last_day_and_then_says_so(project):
    """Ninh Thuận's 2025 plan: its items until 30/06/2025 count; its targets not done then are "Đơn vị đã sáp
    nhập", never behind; an item of the successor after that day does not count for it, even naming it."""
    from cchc.plans.check import MERGED, check_plan
    from cchc.content.dates import end_of_day
    project.write("plans/ninh-thuan-2025.md", PREDECESSOR_PLAN)
    for month in range(1, 7):
        project.item(f"thang-{month}", date=f"10/{month:02d}/2025 08:00", unit="so-noi-vu-ninh-thuan", topics="[mot-cua]")
    project.item("sau", date="10/08/2025 08:00", unit="so-noi-vu-khanh-hoa", topics="[mot-cua]", plan="ninh-thuan-2025")
    corpus, problems = project.load()
    assert not messages(problems)
    june = check_plan(corpus, corpus.plans["ninh-thuan-2025"], date(2025, 6, 30))
    assert [p.status for p in june.progress] == ["on_track", "on_track"]  # before the merge: as any plan
    end = check_plan(corpus, corpus.plans["ninh-thuan-2025"], end_of_day(date(2025, 12, 31)))
    assert len(end.items) == 6 and "sau" not in {i.slug for i in end.items}
    assert [p.status for p in end.progress] == [MERGED, MERGED]
    assert [p.status_text for p in end.progress] == ["Đơn vị đã sáp nhập"] * 2
    assert end.target_summary() == "2 dừng vì đơn vị đã sáp nhập"
