"""`cchc gop-cong`: a second small portal (Trà Vinh's CCHC section) merged into a copy of the sample. Nothing lost
(counts and checksums), old feed IDs kept, every old address forwarded — in the built site and in chromium."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from cchc.site.build import build_site
from cchc.content.loader import load_corpus
from conftest import ROOT, SAMPLE_NOW, TINY_JPEG, Served, copy_sample

OLD_SITE = "https://cchc.travinh.example.gov.vn/"
OLD_FEED_ID = "tag:cchc.travinh.example.gov.vn,2020:"

UNITS = """
tra-vinh:
  name: Tỉnh Trà Vinh
  kind: tinh
  body: Ủy ban nhân dân tỉnh Trà Vinh
  place: Trà Vinh
so-noi-vu-tra-vinh:
  name: Sở Nội vụ tỉnh Trà Vinh
  kind: so-nganh
  parent: tra-vinh
so-noi-vu-vinh-long:
  name: Sở Nội vụ tỉnh Vĩnh Long
  kind: so-nganh
  parent: tra-vinh
"""
PLAN = """---
id: tra-vinh-2024
number: 35/KH-UBND
title: Kế hoạch thông tin, tuyên truyền cải cách hành chính tỉnh Trà Vinh năm 2024
issuer: tra-vinh
level: tinh
issued: 20/01/2024
period:
  start: 01/01/2024
  end: 31/12/2024
content:
  - ref: II.1
    text: Cải cách thủ tục hành chính, cơ chế một cửa.
    topics: [mot-cua]
tasks:
  - unit: so-noi-vu-tra-vinh
    text: Tổng hợp, báo cáo kết quả tuyên truyền.
reports: [6m, year]
---

## I. MỤC ĐÍCH

Nâng cao nhận thức về cải cách hành chính.
"""


def item(title: str, date: str, unit: str, extra: str = "") -> str:
    return (f"---\ntitle: {title}\ndate: {date}\ntopics: [mot-cua]\nunit: {unit}\nplan: tra-vinh-2024\n{extra}---\n\n"
            f"Nội dung của bài \"{title}\", đăng trên cổng Trà Vinh.\n")


@pytest.fixture
def portals(tmp_path):
    ours = copy_sample(tmp_path / "vinh-long")
    theirs = tmp_path / "tra-vinh"
    (theirs / "plans").mkdir(parents=True)
    for name in ("chu-de.yml", "kenh.yml", "the-loai.yml", "viet-tat.yml"):
        shutil.copy(ROOT / "plans" / name, theirs / "plans" / name)
    (theirs / "plans" / "don-vi.yml").write_text(UNITS.lstrip(), encoding="utf-8")
    (theirs / "plans" / "tra-vinh-2024.md").write_text(PLAN, encoding="utf-8")
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    config = re.sub(r"^site_url: .*$", f"site_url: {OLD_SITE}", config, count=1, flags=re.M)
    config = re.sub(r'feed_id: "[^"]*"', f'feed_id: "{OLD_FEED_ID}"', config)
    (theirs / "mkdocs.yml").write_text(config, encoding="utf-8")
    shutil.copytree(ROOT / "overrides", theirs / "overrides")
    news = theirs / "docs" / "tin-tuc" / "2024"
    news.mkdir(parents=True)
    # the same address as one of ours: the merged one becomes /tin-tuc/tri-hai-guong-sang-kien-mot-cua-tra-vinh/
    (news / "tri-hai-guong-sang-kien-mot-cua.md").write_text(item("Một cửa Trà Vinh nhận hồ sơ qua bưu điện", "12/03/2024 08:00",
                                                                  "so-noi-vu-tra-vinh"), encoding="utf-8")
    (news / "tra-vinh-hoi-nghi-cchc.md").write_text(item(
        "Trà Vinh tổng kết cải cách hành chính", "20/06/2024 09:00", "tra-vinh",
        "image: anh/2024/trung-tam-hcc-ninh-thuan.svg\nimage_alt: Hội trường (ảnh minh họa)\n"), encoding="utf-8")
    (news / "tra-vinh-anh-mot-cua.md").write_text(item(
        "Bộ phận một cửa tỉnh Trà Vinh", "21/06/2024 09:00", "so-noi-vu-tra-vinh",
        "image: anh/2024/mot-cua-tra-vinh.jpg\nimage_alt: Quầy một cửa\n"), encoding="utf-8")
    (theirs / "docs" / "anh" / "2024").mkdir(parents=True)
    # the same path as our own SVG, other content: moved to anh/tra-vinh/2024/
    (theirs / "docs" / "anh" / "2024" / "trung-tam-hcc-ninh-thuan.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" fill="#06c"/></svg>',
        encoding="utf-8")
    (theirs / "docs" / "anh" / "2024" / "mot-cua-tra-vinh.jpg").write_bytes(TINY_JPEG)
    return ours, theirs


def gop(ours: Path, theirs: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cchc.cli", "--root", str(ours), "--now", SAMPLE_NOW, "gop-cong",
                           str(theirs), "--ma", "tra-vinh"], capture_output=True, text=True, timeout=300)


def files(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in folder.rglob("*") if p.is_file() and "build" not in p.relative_to(folder).parts}


def test_the_first_run_drafts_the_unit_mapping_and_changes_nothing_else(portals):
    ours, theirs = portals
    before = files(ours)
    done = gop(ours, theirs)
    assert done.returncode == 1 and "plans/gop-tra-vinh.yml" in done.stdout and "Chưa có gì được gộp" in done.stdout
    mapping = (ours / "plans" / "gop-tra-vinh.yml").read_text(encoding="utf-8")
    assert "  tra-vinh: them" in mapping and "  so-noi-vu-tra-vinh: them" in mapping
    assert "  so-noi-vu-vinh-long: so-noi-vu-vinh-long  # cùng mã, cùng tên" in mapping
    after = files(ours)
    assert {k: v for k, v in after.items() if k != "plans/gop-tra-vinh.yml"} == before


def test_a_merge_loses_nothing_keeps_feed_ids_and_forwards_every_old_address(portals, tmp_path):
    ours, theirs = portals
    ours_before = load_corpus(ours)[0]
    theirs_before = load_corpus(theirs)[0]
    their_media = {p.relative_to(theirs / "docs").as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                   for p in (theirs / "docs" / "anh").rglob("*") if p.is_file()}
    assert gop(ours, theirs).returncode == 1  # drafts the mapping (accepted as suggested)
    done = gop(ours, theirs)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Sổ gộp cổng \"tra-vinh\"" in done.stdout and re.search(r"bài\s+3\s+[\d.]+\s+3", done.stdout)

    merged, problems = load_corpus(ours)
    assert not problems.errors
    assert len(merged.items) == len(ours_before.items) + len(theirs_before.items)
    assert set(merged.plans) == set(ours_before.plans) | {"tra-vinh-2024"}
    by_title = {i.title: i for i in merged.items}
    moved = by_title["Một cửa Trà Vinh nhận hồ sơ qua bưu điện"]
    assert moved.slug == "tri-hai-guong-sang-kien-mot-cua-tra-vinh"  # the README's rule for a taken address
    assert moved.guid == f"{OLD_FEED_ID}tin-tuc/tri-hai-guong-sang-kien-mot-cua/"
    assert by_title["Sáng kiến \"phiếu hẹn bằng tin nhắn\" của công chức xã Tri Hải"].slug == "tri-hai-guong-sang-kien-mot-cua"
    assert merged.units["so-noi-vu-tra-vinh"].name == "Sở Nội vụ tỉnh Trà Vinh"
    # every media file arrived byte for byte; the one whose path was taken moved, and its item points there
    for rel, digest in their_media.items():
        here = ours / "docs" / (rel if rel != "anh/2024/trung-tam-hcc-ninh-thuan.svg" else "anh/tra-vinh/2024/trung-tam-hcc-ninh-thuan.svg")
        assert hashlib.sha256(here.read_bytes()).hexdigest() == digest, rel
    assert by_title["Trà Vinh tổng kết cải cách hành chính"].image == "anh/tra-vinh/2024/trung-tam-hcc-ninh-thuan.svg"
    assert (ROOT / "docs" / "anh" / "2024" / "trung-tam-hcc-ninh-thuan.svg").read_bytes() == \
        (ours / "docs" / "anh" / "2024" / "trung-tam-hcc-ninh-thuan.svg").read_bytes()  # ours untouched
    for item in theirs_before.items:  # bodies unchanged
        copy = next(i for i in merged.items if i.title == item.title)
        assert copy.body == item.body

    import os
    os.environ["CCHC_NOW"] = SAMPLE_NOW
    try:
        result = build_site(ours, tmp_path / "site")
    finally:
        os.environ.pop("CCHC_NOW")
    assert result.ok, result.messages
    site = tmp_path / "site"
    feed = (site / "rss.xml").read_text(encoding="utf-8")
    assert f"<guid isPermaLink=\"false\">{OLD_FEED_ID}tin-tuc/tri-hai-guong-sang-kien-mot-cua/</guid>" in feed
    table = yaml.safe_load((ours / "plans" / "cong-cu" / "tra-vinh.yml").read_text(encoding="utf-8"))
    assert table["site_url"] == OLD_SITE
    for old, new in table["dia_chi"].items():
        old, new = ("" if old == "/" else old), ("" if new == "/" else new)
        forward = site / "cong-cu" / "tra-vinh" / old
        if old.endswith(".xml"):
            assert forward.read_bytes() == (site / new).read_bytes(), old
            continue
        page = (forward / "index.html").read_text(encoding="utf-8")
        assert f'<link rel="canonical" href="https://cchc.example.gov.vn/{new}">' in page, old
        assert "<script" not in page
        refresh = re.search(r'content="0; url=([^"]*)"', page).group(1)
        assert (forward / refresh / "index.html").resolve() == (site / new / "index.html").resolve(), old
    assert table["dia_chi"]["tin-tuc/tri-hai-guong-sang-kien-mot-cua/"] == "tin-tuc/tri-hai-guong-sang-kien-mot-cua-tra-vinh/"
    nginx = (ours / "deploy" / "chuyen-huong" / "tra-vinh.nginx.conf").read_text(encoding="utf-8")
    assert ("location = /tin-tuc/tri-hai-guong-sang-kien-mot-cua/ { return 301 "
            "https://cchc.example.gov.vn/tin-tuc/tri-hai-guong-sang-kien-mot-cua-tra-vinh/; }") in nginx
    apache = (ours / "deploy" / "chuyen-huong" / "tra-vinh.htaccess").read_text(encoding="utf-8")
    assert "Redirect 301 /rss.xml https://cchc.example.gov.vn/don-vi/tra-vinh/rss.xml" in apache


def test_a_merge_that_would_break_the_content_changes_nothing(portals):
    ours, theirs = portals
    assert gop(ours, theirs).returncode == 1
    mapping = ours / "plans" / "gop-tra-vinh.yml"
    mapping.write_text(mapping.read_text(encoding="utf-8").replace("tra-vinh: them", "tra-vinh: khong-co"), encoding="utf-8")
    before = files(ours)
    done = gop(ours, theirs)
    assert done.returncode == 1 and '"khong-co" không có trong plans/don-vi.yml' in done.stderr
    assert files(ours) == before and "Traceback" not in done.stderr


def test_following_an_old_address_in_a_browser_lands_on_the_item(portals, tmp_path, browser):
    ours, theirs = portals
    gop(ours, theirs)
    assert gop(ours, theirs).returncode == 0
    import os
    os.environ["CCHC_NOW"] = SAMPLE_NOW
    try:
        assert build_site(ours, tmp_path / "site").ok
    finally:
        os.environ.pop("CCHC_NOW")
    served = Served(tmp_path / "site")
    page = browser.new_page(java_script_enabled=False)  # a meta refresh needs no script
    page.goto(served.url + "cong-cu/tra-vinh/tin-tuc/tri-hai-guong-sang-kien-mot-cua/")
    page.wait_for_url(re.compile(r".*/tin-tuc/tri-hai-guong-sang-kien-mot-cua-tra-vinh/$"))
    assert page.locator("h1").inner_text() == "Một cửa Trà Vinh nhận hồ sơ qua bưu điện"
    page.close()
    served.server.shutdown()


def test_a_redirect_table_cannot_write_or_read_outside_the_site(project, tmp_path):
    project.write("plans/cong-cu/xau.yml", """
        ma: xau
        site_url: https://cu.example.gov.vn/
        dia_chi:
          ../../ngoai/: gioi-thieu/
          tin-tuc/a/: ../../../etc/passwd
          "tin-tuc/\\"><script>alert(1)</script>/": gioi-thieu/
          gioi-thieu-cu/: gioi-thieu/
    """)
    import os
    os.environ["CCHC_NOW"] = SAMPLE_NOW
    try:
        result = build_site(project.root, tmp_path / "site")
    finally:
        os.environ.pop("CCHC_NOW")
    assert not result.ok  # a table with refused lines stops the build, naming each line
    text = "\n".join(result.messages)
    assert "../../ngoai/" in text and "../../../etc/passwd" in text and "Traceback" not in text
    assert not (tmp_path / "ngoai").exists() and not (tmp_path / "site").exists()
    good = project.root / "plans" / "cong-cu" / "xau.yml"
    good.write_text("ma: xau\nsite_url: https://cu.example.gov.vn/\ndia_chi:\n  gioi-thieu-cu/: gioi-thieu/\n", encoding="utf-8")
    os.environ["CCHC_NOW"] = SAMPLE_NOW
    try:
        assert build_site(project.root, tmp_path / "site").ok
    finally:
        os.environ.pop("CCHC_NOW")
    page = (tmp_path / "site" / "cong-cu" / "xau" / "gioi-thieu-cu" / "index.html").read_text(encoding="utf-8")
    assert 'content="0; url=../../../gioi-thieu/"' in page and "<script" not in page
