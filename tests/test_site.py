"""The sample site, built for real: pages from the model, drafts and future items absent, Vietnamese."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

from markupsafe import escape

def html(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


def search_urls(site: Path) -> set[str]:
    """URLs in the search index (one gzipped JSON file per item)."""
    return {"/" + json.loads(gzip.decompress(f.read_bytes()))["u"] for f in (site / "tim-kiem/du-lieu/d").iterdir()}


def all_html(site: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in site.rglob("*.html"))


def test_the_sample_has_at_least_60_published_items_over_the_four_plans(sample):
    site, corpus = sample
    published = corpus.published()
    assert len(published) >= 60
    for plan in corpus.plans.values():  # the four real plans, and the sample plan of 2026 (after the mergers)
        in_plan = [i for i in published if plan.id in i.plans]
        assert len(in_plan) >= (2 if plan.id == "vinh-long-2026" else 8), plan.id


def test_every_item_plan_topic_and_unit_has_its_page(sample):
    site, corpus = sample
    for item in corpus.published():
        assert str(escape(item.title)) in html(site, item.url)  # titles are escaped: '"' is &#34;
    for plan in corpus.plans.values():
        page = html(site, plan.url)
        assert str(escape(plan.title)) in page and "Toàn văn kế hoạch" in page
    for slug, topic in corpus.topics.items():
        assert str(escape(topic.name)) in html(site, f"chu-de/{slug}")
    for slug, unit in corpus.units.items():
        assert str(escape(unit.name)) in html(site, f"don-vi/{slug}")
    for url in ("", "tin-tuc", "chu-de", "don-vi", "ke-hoach", "luu-tru", "luu-tru/2021", "luu-tru/2021/03"):
        assert (site / url / "index.html").is_file(), url


def test_drafts_and_future_items_are_absent_everywhere(sample):
    site, corpus = sample
    hidden = [i for i in corpus.items if not i.is_published(corpus.now)]
    assert {i.slug for i in hidden} >= {"nhap-tong-ket-cchc-2024", "ke-hoach-tuyen-truyen-cchc-2027-sap-ban-hanh"}
    everything = all_html(site)
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    search = search_urls(site)
    for item in hidden:
        assert not (site / item.url).exists()
        assert item.title not in everything
        assert item.slug not in sitemap and "/" + item.url not in search


def test_pages_are_vietnamese_with_one_date_format(sample):
    site, corpus = sample
    for url in ("", "tin-tuc/bo-phan-mot-cua-son-kim-1-niem-yet-100-thu-tuc", "chu-de/mot-cua", "don-vi/hai-hau",
                "ke-hoach/ninh-thuan-2024", "luu-tru"):
        page = html(site, url)
        assert re.search(r'<html lang="vi"', page), url
    item = html(site, "tin-tuc/bo-phan-mot-cua-son-kim-1-niem-yet-100-thu-tuc")
    assert "10:15, 03/03/2021" in item
    assert "Tìm kiếm" in item  # Material's own labels in Vietnamese


def test_item_page_shows_topics_unit_media_and_related_items(sample):
    site, corpus = sample
    page = html(site, "tin-tuc/dai-ptth-chuyen-muc-cchc-thang-3")
    assert 'href="../../chu-de/dich-vu-cong-truc-tuyen/"' in page
    assert 'href="../../don-vi/dai-ptth-ben-tre/"' in page
    assert '<audio controls preload="none" src="../../media/2021/chuyen-muc-cchc-thang-3.mp3"' in page
    assert (site / "media/2021/chuyen-muc-cchc-thang-3.mp3").is_file()
    related = page.split('id="tin-lien-quan"')[1]
    assert related.count("<li>") == 5


def test_a_legal_document_item_offers_its_file_for_download(sample):
    site, _ = sample
    page = html(site, "tin-tuc/ben-tre-ban-hanh-ke-hoach-105-kh-ubnd")
    for text in ("Số, ký hiệu", "105/KH-UBND", "Cơ quan ban hành", "Ngày ban hành", "30/12/2020", "Ngày hiệu lực"):
        assert text in page
    assert 'href="../../van-ban/2021/ke-hoach-105-kh-ubnd-ben-tre.pdf" download' in page
    assert (site / "van-ban/2021/ke-hoach-105-kh-ubnd-ben-tre.pdf").read_bytes().startswith(b"%PDF")


def test_listings_are_paginated_and_the_navigation_does_not_list_items(sample):
    site, corpus = sample
    pages = -(-len(corpus.published()) // 20)
    assert (site / f"tin-tuc/trang/{pages}/index.html").is_file()
    assert not (site / f"tin-tuc/trang/{pages + 1}").exists()
    last = html(site, f"tin-tuc/trang/{pages}")
    assert 'rel="prev"' in last and 'aria-current="page"' in last
    home = html(site, "")
    nav = home.split('md-nav--primary')[1].split("</nav>")[0]
    assert "tin-tuc/" in nav and nav.count("md-nav__link") < 20
    assert not any(i.slug in nav for i in corpus.published())


def test_topic_page_includes_items_of_sub_topics(sample):
    site, corpus = sample
    page = html(site, "chu-de/thu-tuc-hanh-chinh")
    child_item = next(i for i in corpus.published() if "mot-cua" in i.topics and "thu-tuc-hanh-chinh" not in i.topics)
    listing = "".join(html(site, p.parent.relative_to(site).as_posix()) for p in (site / "chu-de/thu-tuc-hanh-chinh").rglob("index.html"))
    assert str(escape(child_item.title)) in listing
    assert "Chủ đề con" in page


def test_search_index_holds_exactly_the_published_items_and_the_plans(sample):
    site, corpus = sample
    expected = {"/" + i.url for i in corpus.published()} | {"/" + p.url for p in corpus.plans.values()}
    assert search_urls(site) == expected
    assert not (site / "search").exists()  # Material's lunr index is not built


def test_progress_dashboard_lists_every_unit_with_a_plan_a_year_lagging_first(sample):
    site, corpus = sample
    for plan in corpus.plans.values():  # every plan is in the table of each year it runs in, linked to its progress
        for year in range(plan.start.year, plan.end.year + 1):
            page = html(site, f"tien-do/{year}")
            assert f'href="../../ke-hoach/{plan.id}/#tien-do"' in page, (plan.id, year)
    page = html(site, "tien-do/2021")
    rows = re.findall(r'<tr data-lagging="(\d+)">\s*<th scope="row" data-label="Đơn vị"><a [^>]+>([^<]+)</a>', page)
    assert [name for _, name in rows] == ["Tỉnh Bến Tre", "Xã Sơn Kim 1"]  # the one lagging most first
    assert [int(n) for n, _ in rows] == sorted((int(n) for n, _ in rows), reverse=True) and int(rows[0][0]) > 0
    assert "chưa có bài" in page and "chậm tiến độ" in page  # words, not colour alone
    assert "<script src=\"http" not in page
    front = html(site, "tien-do")  # the current year's table, and every year linked
    assert "năm 2026" in front and all(f'href="{y}/"' in front for y in (2024, 2023, 2021, 2020))


def test_plan_page_has_progress_and_a_topics_by_months_grid(sample):
    site, corpus = sample
    page = html(site, "ke-hoach/ben-tre-2021")
    assert 'id="tien-do"' in page and "Số bài theo chủ đề và tháng" in page
    grid = page.split("Số bài theo chủ đề và tháng")[1].split("</table>")[0]
    assert grid.count('<th scope="col">') == 13 + 2  # topic, 13 months (the appendix starts 12/2020), total
    assert '<th scope="row"><a href="../../chu-de/mot-cua/">' in grid


def test_the_themes_source_maps_are_not_published(sample):
    site, _ = sample
    assert list(site.rglob("*.map")) == []
    assert list((site / "assets" / "javascripts").glob("bundle.*.min.js"))  # the scripts themselves are


def test_every_script_a_page_runs_is_fetched_from_its_head_before_the_page_is_read(sample):
    """A Content-Security-Policy in <meta> stops Chromium fetching ahead of the parser: the scripts at the end of
    the body are named as preloads in the head (province_view.py: 2.9 → 1.6 s for /tien-do/ on a slow phone)."""
    site, _ = sample
    for url in ("", "tien-do", "tin-tuc", "ke-hoach/ben-tre-2021", "chu-de/mot-cua"):
        page = html(site, url)
        head, body = page.split("</head>", 1)
        policy = head.index('http-equiv="Content-Security-Policy"')
        preloads = re.findall(r'<link rel="preload" as="script" href="([^"]+)">', head)
        assert min(head.index(f'href="{src}"') for src in preloads) > policy, url
        in_body = re.findall(r'<script\b[^>]*\ssrc="([^"]+)"', body)
        assert in_body and preloads == in_body, url  # the theme's bundle and ours, in their order
        assert re.search(r'<script src="[^"]*cchc\.js" defer>', body), url  # ours after the bundle, not blocking
    for url, script in (("tien-do", "cchc-bang.js"), ("tim-kiem", "cchc-search.js")):  # a page's own script
        head = html(site, url).split("</head>", 1)[0]
        assert re.search(rf'<script src="[^"]*{re.escape(script)}" defer>', head), url


def test_the_sitemap_dates_items_by_their_own_date_and_other_pages_by_the_builds_now(sample):
    """<lastmod> is an item's date (of its update, if any) and the build's "now" elsewhere: the same commit builds the
    same sitemap on any day, and a search engine is not told every page changed every day."""
    site, corpus = sample
    text = (site / "sitemap.xml").read_text(encoding="utf-8")
    lastmod = dict(re.findall(r"<loc>https?://[^/]+/([^<]*)</loc>\s*<lastmod>([^<]+)</lastmod>", text))
    items = [i for i in corpus.items if i.url in lastmod]
    assert len(items) >= 60
    assert all(lastmod[i.url] == (i.updated or i.date).strftime("%Y-%m-%d") for i in items)
    assert len({lastmod[i.url] for i in items}) > 20  # their own days, not one build day
    assert lastmod[""] == lastmod["tin-tuc/"] == "2026-06-30"  # SAMPLE_NOW


def test_the_theme_finds_each_of_its_words_as_materials_own_lookup_does():
    """overrides/partials/language.html hands `lang.t` to the build's table of words (site/templates.py
    theme_words): for every key of Material's English file and an unknown one, the word is the one Material's own
    partial gives with our custom words (ours, else Material's Vietnamese, else English, else the key)."""
    import jinja2
    import material

    from cchc.site.templates import theme_words

    theme = Path(material.__file__).parent / "templates"
    root = Path(__file__).resolve().parents[1]
    keys = re.findall(r'^\s*"([a-z][\w.]*)":', (theme / "partials/languages/en.html").read_text(encoding="utf-8"), re.M)
    page = "".join(f'{{{{ lang.t("{key}") }}}}\x1f' for key in [*keys, "khong.co.tu.nay"])
    found = {}
    for name, first in (("ours", {}), ("material", {"partials/language.html": (theme / "partials/language.html").read_text(encoding="utf-8")})):
        env = jinja2.Environment(loader=jinja2.ChoiceLoader([
            jinja2.DictLoader({**first, "page.html": '{% import "partials/language.html" as lang with context %}' + page}),
            jinja2.FileSystemLoader(root / "overrides"), jinja2.FileSystemLoader(theme)]))
        env.globals["theme_word"] = theme_words(env, "custom")
        found[name] = env.get_template("page.html").render(config={"theme": {"language": "custom"}}).split("\x1f")
    assert len(keys) > 40 and found["ours"] == found["material"]
    words = dict(zip([*keys, "khong.co.tu.nay"], found["ours"]))
    assert words["top"] == "Lên đầu trang" and words["khong.co.tu.nay"] == "khong.co.tu.nay"
    assert words["search.placeholder"] == "Tìm kiếm" and words["direction"] == "ltr"
