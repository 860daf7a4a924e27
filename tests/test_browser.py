"""Search, navigation and feed discovery in a real browser: Playwright driving Debian's chromium."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from cchc.site.build import build_site
from conftest import Served, screenshot

OUTPUT = Path(__file__).resolve().parents[1] / "test-output" / "screenshots"
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(scope="module")
def search_site(tmp_path_factory):
    """A small site whose expected search results are known, one item stored as NFD."""
    import shutil

    from conftest import ROOT, Project
    root = tmp_path_factory.mktemp("search") / "project"
    root.mkdir()
    shutil.copy(ROOT / "mkdocs.yml", root)
    shutil.copytree(ROOT / "overrides", root / "overrides")
    shutil.copytree(ROOT / "plans", root / "plans", ignore=shutil.ignore_patterns("*.md"))
    shutil.copytree(ROOT / "docs" / "assets", root / "docs" / "assets")
    shutil.copy(ROOT / "docs" / "gioi-thieu.md", root / "docs")
    project = Project(root)
    project.item("co-dau", title="Cải cách thủ tục hành chính ở xã", body="Người dân khen cải cách thủ tục hành chính.")
    project.item("khong-dau", title="Ban tin cai cach thu tuc", body="Bai viet go khong dau ve cai cach thu tuc.")
    project.item("dvc", title="Dịch vụ công trực tuyến mức độ 4", topics="[dich-vu-cong-truc-tuyen]",
                 body="Nộp hồ sơ qua dịch vụ công trực tuyến.")
    project.item("duong-day-nong", title=unicodedata.normalize("NFD", "Đường dây nóng tiếp nhận phản ánh"),
                 body=unicodedata.normalize("NFD", "Gọi đường dây nóng khi bị gây khó khăn."))
    project.item("dat-dai", title="Hướng dẫn thủ tục đất đai", topics="[huong-dan-tthc]", body="Cấp đổi giấy chứng nhận quyền sử dụng đất đai.")
    project.item("ban-nhap", title="Bản nháp dịch vụ công trực tuyến", draft="true")
    site = root / "site"
    assert build_site(root, site).ok
    served = Served(site)
    yield served
    served.server.shutdown()


def search(page, base: str, query: str) -> list[str]:
    page.goto(base + "tim-kiem/")
    page.wait_for_selector("#cchc-search[data-ready]", state="attached")
    page.fill("#cchc-q", query)
    page.click(".cchc-search button[type=submit]")
    page.wait_for_function("() => /^(Tìm thấy|Không tìm thấy)/.test(document.getElementById('cchc-status').textContent)")
    return [href.strip("/").split("/")[-1] for href in
            page.eval_on_selector_all(".cchc-result__title a", "els => els.map(e => e.getAttribute('href'))")]


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("query, first", [
    ("cai cach thu tuc", None),  # both the accented and the unaccented item, checked below
    ("cải cách thủ tục", "co-dau"),  # an accented query ranks the exact-accent match first
    ("dich vu cong truc tuyen", "dvc"),
    ("duong day nong", "duong-day-nong"),  # "d" finds "đ"; the item was written in NFD
    (unicodedata.normalize("NFD", "đường dây nóng"), "duong-day-nong"),  # an NFD query too
    ("dat dai", "dat-dai"),
])
def test_search_finds_vietnamese_with_or_without_diacritics(browser, search_site, viewport, query, first):
    page = browser.new_page(viewport=VIEWPORTS[viewport])
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    found = search(page, search_site.url, query)
    if first:
        assert found[0] == first, found
    else:
        assert {"co-dau", "khong-dau"} <= set(found[:2]), found
    assert "ban-nhap" not in found
    assert errors == []
    OUTPUT.mkdir(parents=True, exist_ok=True)
    screenshot(page, OUTPUT / f"search-{viewport}-{first or 'cai-cach'}.png")
    page.close()


def test_results_show_title_date_unit_topics_and_a_highlighted_excerpt(browser, search_site):
    page = browser.new_page()
    search(page, search_site.url, "dat dai")
    result = page.locator(".cchc-result").first
    assert result.locator(".cchc-result__title").text_content() == "Hướng dẫn thủ tục đất đai"
    assert result.locator(".cchc-meta").text_content() == "15/03/2024 · Huyện Hải Hậu · Tin"
    assert result.locator(".cchc-result__topics").text_content() == "Chủ đề: Hướng dẫn thực hiện thủ tục hành chính"
    assert "đất" in result.locator(".cchc-result__excerpt mark").first.text_content().lower()
    page.close()


def test_filters_narrow_results_by_topic_and_type(browser, search_site):
    page = browser.new_page()
    page.goto(search_site.url + "tim-kiem/?q=thu+tuc")
    page.wait_for_function("() => /^Tìm thấy/.test(document.getElementById('cchc-status').textContent)")
    before = page.locator(".cchc-result").count()
    page.click(".cchc-search__more summary")  # the filters are folded away until asked for
    page.select_option("select[data-filter='chủ đề']", "Hướng dẫn thực hiện thủ tục hành chính")
    page.wait_for_function(f"() => document.querySelectorAll('.cchc-result').length < {before}")
    assert [t.strip() for t in page.locator(".cchc-result__title").all_text_contents()] == ["Hướng dẫn thủ tục đất đai"]
    assert "chủ+đề" in page.url or "ch%E1%BB%A7" in page.url  # the filter is in the address, to share
    page.close()


@pytest.fixture(scope="module")
def sample_served(sample):
    served = Served(sample[0])
    yield served
    served.server.shutdown()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_navigation_home_topic_item_unit_with_feeds_and_no_console_errors(browser, sample_served, viewport):
    page = browser.new_page(viewport=VIEWPORTS[viewport])
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page.goto(sample_served.url)
    screenshot(page, OUTPUT / f"home-{viewport}.png")
    assert page.locator("link[rel~=alternate][type='application/rss+xml']").count() >= 1
    page.click("a.cchc-chip >> text=Cải cách thủ tục hành chính")
    assert page.url.endswith("/chu-de/thu-tuc-hanh-chinh/")
    assert page.locator("link[rel~=alternate][href='rss.xml']").count() == 1  # this topic's own feed
    screenshot(page, OUTPUT / f"topic-{viewport}.png")
    title = page.locator(".cchc-list__title a").first.text_content()
    page.locator(".cchc-list__title a").first.click()
    assert page.locator("h1").first.text_content() == title
    screenshot(page, OUTPUT / f"item-{viewport}.png")
    page.locator(".cchc-item__head .cchc-meta a").first.click()
    assert "/don-vi/" in page.url and page.locator("link[rel~=alternate][href='rss.xml']").count() == 1
    screenshot(page, OUTPUT / f"unit-{viewport}.png")
    for url in ("ke-hoach/ben-tre-2021/", "tien-do/", "rss/"):
        page.goto(sample_served.url + url)
        screenshot(page, OUTPUT / f"{url.split('/')[0]}-{viewport}.png")
    assert errors == []
    page.close()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_station_reaches_a_bulletin_from_the_radio_page_and_both_players_play(browser, sample_served, viewport):
    """From /rss/ to /phat-thanh/ to the newest bulletin and its first item: each player loads its MP3 and
    knows its length (the browser decodes what the build wrote)."""
    page = browser.new_page(viewport=VIEWPORTS[viewport])
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(sample_served.url + "rss/")
    page.locator(".md-content").get_by_role("link", name="Phát thanh", exact=True).click()
    assert page.url.endswith("/phat-thanh/")
    page.locator(".cchc-bulletins a").first.click()
    assert "/phat-thanh/ban-tin/" in page.url
    screenshot(page, OUTPUT / f"ban-tin-{viewport}.png")
    duration = "() => new Promise(done => { const a = document.querySelector('audio'); a.onloadedmetadata = () => " \
               "done(a.duration); a.onerror = () => done(-1); a.preload = 'auto'; a.load(); })"
    bulletin = page.evaluate(duration)
    page.locator("main ol a").first.click()
    assert "bản đọc tự động" in page.locator(".cchc-audio figcaption").text_content()
    screenshot(page, OUTPUT / f"ban-doc-{viewport}.png")
    reading = page.evaluate(duration)
    assert 1 < reading < bulletin  # the bulletin holds the item's reading and an opening and closing
    assert errors == []
    page.close()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_provinces_progress_table_sorts_and_filters_and_works_as_plain_html(browser, sample_served, viewport):
    """On a phone each row is a block of its own (cchc.css): a row filtered out must still disappear."""
    page = browser.new_page(viewport=VIEWPORTS[viewport])
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(sample_served.url + "tien-do/2021/")
    # rows shown (not filtered out), by their text: a row off a phone's screen is not laid out (content-visibility)
    units = lambda: [t.strip() for t in page.locator(".cchc-overview tbody tr:visible th").all_text_contents()]  # noqa: E731
    assert units() == ["Tỉnh Bến Tre", "Xã Sơn Kim 1"]  # lagging first, as the plain HTML has it
    if viewport == "desktop":  # a phone shows no column heads: each cell names its column
        page.get_by_role("button", name="Bài gần nhất").click()
        assert units() == ["Tỉnh Bến Tre", "Xã Sơn Kim 1"]  # 14/09 before 20/09
        assert page.locator("th[aria-sort=ascending]").inner_text().startswith("Bài gần nhất")
        page.get_by_role("button", name="Bài gần nhất").click()
        assert units() == ["Xã Sơn Kim 1", "Tỉnh Bến Tre"]
        assert not page.get_by_label("Sắp xếp").is_visible()  # the heads sort
    else:  # a list chooses the order instead
        page.get_by_label("Sắp xếp").select_option(label="Bài gần nhất: giảm dần")
        assert units() == ["Xã Sơn Kim 1", "Tỉnh Bến Tre"]
        page.get_by_label("Sắp xếp").select_option(label="Đơn vị: A → Z")
        assert units() == ["Tỉnh Bến Tre", "Xã Sơn Kim 1"]
        page.get_by_label("Sắp xếp").select_option(label="Bài gần nhất: giảm dần")
        page.get_by_label("Sắp xếp").select_option(label="Đơn vị chậm trước")
        assert units() == ["Tỉnh Bến Tre", "Xã Sơn Kim 1"]  # the table's own order back
    page.get_by_label("Lọc theo tên đơn vị").fill("son kim")  # without diacritics
    assert units() == ["Xã Sơn Kim 1"] and "1/2" in page.get_by_role("status").inner_text()
    page.get_by_label("Lọc theo tên đơn vị").fill("")
    page.get_by_label("Chỉ đơn vị chậm").check()
    assert len(units()) == 2  # both lag in 2021
    screenshot(page, OUTPUT / f"tien-do-2021-{viewport}.png")
    no_script = browser.new_page(java_script_enabled=False)
    no_script.goto(sample_served.url + "tien-do/2021/")
    assert no_script.locator(".cchc-overview tbody tr").count() == 2 and no_script.locator(".cchc-overview__tools").count() == 0
    assert errors == []
    page.close()
    no_script.close()
