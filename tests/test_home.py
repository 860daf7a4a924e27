"""The home page as a news front page, and the site settings (mkdocs.yml `extra:`) that shape it."""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html
import pytest

from cchc.site.build import build_site
from cchc.plans.check import check_plan
from cchc.content.dates import end_of_day, parse_datetime
from conftest import SAMPLE_NOW, messages


def page(site: Path, url: str = ""):
    return lxml.html.fromstring((site / url / "index.html").read_text(encoding="utf-8"))


def q(node, selector: str) -> list:
    """The elements matching a simple CSS selector: descendant parts of tag, .class and [attr="value"]."""
    xpath = "."
    for part in selector.split():
        tag, cls, attr, value = re.fullmatch(r'(\w*)(?:\.([\w-]+))?(?:\[([\w-]+)(?:="([^"]*)")?\])?', part).groups()
        xpath += "//" + (tag or "*")
        if cls:
            xpath += f"[contains(concat(' ', normalize-space(@class), ' '), ' {cls} ')]"
        if attr:
            xpath += f'[@{attr}="{value}"]' if value is not None else f"[@{attr}]"
    return node.xpath(xpath)


def sections(tree) -> dict[str, list[str]]:
    """Home sections by title: the item URLs they list, in order."""
    found = {}
    for section in q(tree, ".cchc-sections section"):
        found[q(section, "h2")[0].text_content()] = [a.get("href") for a in q(section, ".cchc-headlines a")]
    return found


def test_the_lead_is_the_newest_item_with_an_image_and_the_latest_follow(sample):
    site, corpus = sample
    published = corpus.published(parse_datetime(SAMPLE_NOW))
    tree = page(site)
    expected = next(i for i in published[:5] if i.image)
    lead = q(tree, ".cchc-front__lead")[0]
    assert q(lead, "h2 a")[0].get("href").endswith(expected.url)
    image = q(lead, "img")[0]
    assert image.get("src").endswith(expected.image) and image.get("alt") == expected.image_alt
    assert int(image.get("width")) > 0 and int(image.get("height")) > 0 and image.get("loading") != "lazy"
    assert expected.teaser in lead.text_content()
    latest = [a.get("href") for a in q(tree, ".cchc-front__latest .cchc-headlines a")]
    assert latest and all(href.endswith(i.url) for href, i in zip(latest, [i for i in published if i is not expected]))


def test_sections_list_the_newest_items_of_their_types_and_topics_in_the_configured_order(sample):
    site, corpus = sample
    published = corpus.published(parse_datetime(SAMPLE_NOW))
    shown = sections(page(site))
    configured = corpus.settings.home
    assert list(shown) == [s.title for s in configured] and len(configured) >= 3
    for section in configured:
        topics = {t for slug in section.topics for t in corpus.topic_subtree(slug)}
        wanted = [i for i in published if (not section.types or i.type in section.types)
                  and (not topics or topics.intersection(i.topics))][:section.count]
        assert wanted, section.title  # the sample has items for every configured section
        assert [h.split("tin-tuc/")[1] for h in shown[section.title]] == [i.url.split("tin-tuc/")[1] for i in wanted]


def test_a_section_leads_to_the_listing_of_its_type_or_topic(sample):
    site, corpus = sample
    tree = page(site)
    more = {q(s, "h2")[0].text_content(): q(s, ".cchc-front__more")[0].get("href")
            for s in q(tree, ".cchc-sections section")}
    assert more["Văn bản chỉ đạo"].endswith("the-loai/van-ban/")
    assert more["Mô hình hay, cách làm sáng tạo"].endswith("chu-de/dien-hinh-tien-tien/")
    assert more["Phóng sự, câu chuyện truyền thanh"].endswith("tin-tuc/")  # several types: all news
    listing = page(site, "the-loai/van-ban")
    listed = [a.get("href") for a in q(listing, ".cchc-list__title a")]
    assert listed and len(listed) == sum(1 for i in corpus.published(corpus.now) if i.type == "van-ban" and i.date.year < 2027)
    item = page(site, "tin-tuc/ben-tre-ban-hanh-ke-hoach-105-kh-ubnd")
    assert any(a.get("href").endswith("the-loai/van-ban/") for a in q(item, ".cchc-item__head a"))


def test_links_and_hotline_come_from_mkdocs_yml(sample):
    site, corpus = sample
    tree = page(site)
    links = {q(a, "strong")[0].text_content(): a.get("href") for a in q(tree, ".cchc-links a")}
    for link in corpus.settings.links:
        assert links[link.name] == link.url
    hotline = corpus.settings.hotline
    assert links[hotline.name] == "tel:0200000000"
    assert "0200 000 000" in q(tree, f'.cchc-links a[href="{hotline.url}"]')[0].text_content()


def test_plans_show_their_progress_as_the_checker_counts_it(sample):
    site, corpus = sample
    tree = page(site)
    heading = q(tree, ".cchc-front__plans h2")[0].text_content()
    assert heading == "Kế hoạch đang thực hiện"  # in mid-2026 only the sample 2026 plan of Vĩnh Long runs
    cards = q(tree, ".cchc-plan-card")
    now = parse_datetime(SAMPLE_NOW)
    shown = [corpus.plans["vinh-long-2026"]]
    assert [p for p in corpus.plans.values() if p.is_current(now)] == shown
    assert [q(c, "h3 a")[0].get("href").removeprefix("./") for c in cards] == [p.url for p in shown]
    for card, plan in zip(cards, shown):
        check = check_plan(corpus, plan, min(now, end_of_day(plan.end)))
        covered = sum(1 for c in check.coverage if c.status == "covered")
        bar = q(card, "progress")[0]
        assert (bar.get("value"), bar.get("max")) == (str(covered), str(len(check.coverage)))
        behind = sum(1 for p in check.progress if p.status == "behind")
        text = " ".join(card.text_content().split())
        assert (f"{behind} chậm tiến độ" in text) if behind else ("không chỉ tiêu nào chậm" in text)


def test_a_current_plan_is_shown_as_current(project, tmp_path, monkeypatch):
    project.write("plans/ke-hoach.md", (Path(__file__).parents[1] / "plans" / "hai-hau-2023.md").read_text(encoding="utf-8"))
    project.item("tin-2023", date="15/03/2023 08:30")
    monkeypatch.setenv("CCHC_NOW", "2023-06-30 12:00")
    assert build_site(project.root, tmp_path / "site").ok
    tree = page(tmp_path / "site")
    assert q(tree, ".cchc-front__plans h2")[0].text_content() == "Kế hoạch đang thực hiện"
    assert "đã kết thúc" not in q(tree, ".cchc-plan-card")[0].text_content()


def test_an_empty_site_has_a_home_page_that_says_so(project, tmp_path):
    assert build_site(project.root, tmp_path / "site").ok
    tree = page(tmp_path / "site")
    assert not q(tree, ".cchc-front__lead")
    assert "Chưa có bài nào." in tree.text_content() and "Chưa có kế hoạch nào." in tree.text_content()


EXTRA = """\
site_name: Thử
theme:
  name: material
markdown_extensions:
  - pymdownx.emoji:
      emoji_index: !!python/name:material.extensions.emoji.twemoji
extra:
{extra}
"""


def settings_problems(project, extra: str) -> list[str]:
    project.write("mkdocs.yml", EXTRA.format(extra=extra))
    corpus, problems = project.load()
    return [m for m in messages(problems) if m.startswith("mkdocs.yml")], corpus


@pytest.mark.parametrize("extra, line, words", [  # the first line of extra's value is line 8
    ("  links:\n    - name: Dịch vụ công\n      url: dichvucong.gov.vn\n", 10, ["không phải địa chỉ trang web", "https://"]),
    ("  links:\n    - url: https://dichvucong.gov.vn/\n", 9, ["thiếu tên liên kết"]),
    ("  links:\n    - Dịch vụ công\n", 9, ["mỗi liên kết phải là một nhóm"]),
    ("  portal:\n    name: Cổng\n    url: javascript:alert(1)\n", 10, ["không phải địa chỉ trang web"]),
    ("  portal: https://example.gov.vn/\n", 8, ["phải có hai dòng name: và url:"]),
    ("  hotline:\n    phone: gọi 0275 ngay\n", 9, ["số điện thoại", "không hợp lệ"]),
    ("  home:\n    - title: Văn bản\n      types: [van-bn]\n", 10, ['thể loại "van-bn"', 'có phải ý bạn là "van-ban"']),
    ("  home:\n    - title: Mô hình\n      topics: [mo hinh hay x]\n", 10, ['chủ đề "mo hinh hay x"']),
    ("  home:\n    - title: Văn bản\n", 9, ['mục trang chủ "Văn bản" chưa chọn bài nào', "types:"]),
    ("  home:\n    - title: Văn bản\n      types: [van-ban]\n      count: 100\n", 11, ['số bài "100"', "từ 1 đến 12"]),
    ("  home:\n    - types: [van-ban]\n", 9, ["thiếu tên mục (title)"]),
    ("  home:\n    - title: Văn bản\n      type: [van-ban]\n", 10, ['trường "type" không được dùng', '"types"']),
    ("  links: [\n", 8, ["lỗi cú pháp YAML", "chưa được đóng"]),
    ("  editor:\n    backend: github\n    repo: a/b\n    base_url: https://git.x.vn\n", 9, ['"github" không được hỗ trợ', "gitea"]),
    ("  editor:\n    backend: gitea\n    repo: chuyen-muc\n    base_url: https://git.x.vn\n", 10, ["chủ-sở-hữu/tên-kho"]),
    ("  editor:\n    backend: gitlab\n    repo: a/b\n    base_url: http://git.x.vn\n", 11, ["https://"]),
    ("  editor:\n    backend: gitea\n    repo: a/b\n    base_url: https://git.x.vn\n    workflow: true\n", 12,
     ["quy trình duyệt", "backend: forgejo", "branch: ban-nhap"]),
    ("  editor:\n    backend: gitlab\n    base_url: https://git.x.vn\n", 9, ["thiếu kho nội dung (repo)", "mục editor:"]),
])
def test_each_settings_mistake_names_its_line_in_mkdocs_yml(project, extra, line, words):
    found, _ = settings_problems(project, extra)
    assert found, extra
    assert found[0].startswith(f"mkdocs.yml:{line}:"), found
    for word in words:
        assert word in found[0], found


def test_valid_settings_load_and_other_tags_of_mkdocs_yml_are_left_to_mkdocs(project):
    found, corpus = settings_problems(project, "  hotline:\n    phone: '+84 275 3822 123'\n  home:\n"
                                                "    - title: Tin Hải Hậu\n      units: [hai-hau]\n      count: 3\n")
    assert found == []
    assert corpus.settings.hotline.url == "tel:+842753822123"
    (section,) = corpus.settings.home
    assert (section.title, section.units, section.count) == ("Tin Hải Hậu", ("hai-hau",), 3)


def test_editor_settings_name_the_git_server_and_its_api(project):
    found, corpus = settings_problems(project, "  editor:\n    backend: gitlab\n    repo: so-noi-vu/cchc\n"
                                                "    base_url: https://git.tinh.gov.vn/\n    app_id: abc\n    workflow: true\n")
    assert found == []
    editor = corpus.settings.editor
    assert (editor.backend, editor.repo, editor.base_url, editor.api_root, editor.app_id, editor.branch, editor.workflow) == (
        "gitlab", "so-noi-vu/cchc", "https://git.tinh.gov.vn", "https://git.tinh.gov.vn/api/v4", "abc", "main", True)


def test_the_home_page_of_the_sample_has_no_id_twice_and_names_every_region(sample):
    html = (sample[0] / "index.html").read_text(encoding="utf-8")
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    tree = lxml.html.fromstring(html)
    for region in q(tree, "section[aria-labelledby]") + q(tree, "article[aria-labelledby]"):
        assert tree.get_element_by_id(region.get("aria-labelledby")).text_content().strip()


def test_settings_text_is_escaped_on_the_home_page(project, tmp_path):
    project.write("mkdocs.yml", (Path(__file__).parents[1] / "mkdocs.yml").read_text(encoding="utf-8").replace(
        "    - name: Cổng Dịch vụ công quốc gia\n      url: https://dichvucong.gov.vn/",
        "    - name: <script>alert(1)</script>\n      url: 'https://dichvucong.gov.vn/\"onmouseover=\"alert(2)'").replace(
        "    - title: Hỏi đáp", "    - title: <img src=x onerror=alert(3)>"))
    assert build_site(project.root, tmp_path / "site").ok
    html = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html
    assert '"onmouseover="' not in html and "<img src=x" not in html
    tree = lxml.html.fromstring(html)
    assert not [e for e in tree.iter() if isinstance(e.tag, str) and any(a.startswith("on") for a in e.attrib)]


def test_an_item_listed_on_pages_of_every_depth_links_to_its_page_and_unit_from_each(sample):
    """A row is rendered once per item and placed on each page with that page's way to the root (nav_memo.py):
    from the listing of all news, a topic, a month of the archive and their later pages, the row's title and unit
    lead to the item's and the unit's pages."""
    import posixpath

    site, corpus = sample
    found: dict[str, set[str]] = {}
    for html in site.rglob("index.html"):
        url = html.parent.relative_to(site).as_posix() + "/" if html.parent != site else ""
        for row in q(lxml.html.fromstring(html.read_bytes()), ".cchc-list__item"):
            title, unit = q(row, ".cchc-list__title a")[0].get("href"), q(row, ".cchc-meta a")[0].get("href")
            resolved = posixpath.normpath(posixpath.join(url, title)) + "/"
            item = next(i for i in corpus.items if i.url == resolved)
            assert (site / resolved / "index.html").is_file(), (url, title)
            assert posixpath.normpath(posixpath.join(url, unit)) + "/" == f"don-vi/{item.unit}/", (url, unit)
            found.setdefault(resolved, set()).add(url.count("/"))
    assert max(len(depths) for depths in found.values()) >= 3  # the same row at three depths or more
