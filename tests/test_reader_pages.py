"""What a reader sees, in chromium: unique ids, images that show, Vietnamese words, no sitemap fetch,
keyboard on phone and desktop, and print on A4 (no blank page, nothing cut off)."""

from __future__ import annotations

import io
import re

import lxml.html
import pytest
from pypdf import PdfReader

from cchc.site.build import build_site
from conftest import PAGE_TYPES, VIEWPORTS, Served

PAGES = PAGE_TYPES
DESKTOP, PHONE = VIEWPORTS["desktop"], VIEWPORTS["phone"]
# A4 with the print stylesheet's margins (18 mm + 14 mm) in CSS pixels (96 per inch).
A4_CONTENT_PX = round((210 - 18 - 14) / 25.4 * 96)
ENGLISH = re.compile(r"\b(Tabs|logo|Not found|Skip to content|Back to top|Search|Initializing search|Type to start"
                     r"|RSS feed|Contributors|Metadata|Previous|Next|Menu|Close)\b")


@pytest.fixture(scope="module")
def site(sample):
    served = Served(sample[0])
    yield served
    served.server.shutdown()


def test_every_built_page_has_unique_ids(sample):
    site, _ = sample
    pages = list(site.rglob("*.html"))
    assert len(pages) > 150
    for path in pages:
        ids = lxml.html.fromstring(path.read_bytes()).xpath("//@id")
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        assert not repeated, f"{path.relative_to(site)}: {repeated}"


def test_staff_ids_never_take_the_themes_and_the_table_of_contents_follows(project):
    project.item("trung-id", title="Bài có tiêu đề trùng mã", body=(
        "## Nội dung {#cchc-noi-dung}\n\nMột.\n\n## Menu {#__drawer}\n\nHai.\n\n## Tiêu đề\n\nBa.\n\n"
        "## Lặp {#tieu-de}\n\nBốn.\n\n## Căn cứ\n\nNăm.\n"))
    assert build_site(project.root, project.root / "site").ok
    html = (project.root / "site/tin-tuc/trung-id/index.html").read_text(encoding="utf-8")
    tree = lxml.html.fromstring(html)
    ids = tree.xpath("//@id")
    assert len(ids) == len(set(ids))
    assert len(tree.xpath("//*[@id='__drawer']")) == 1 and tree.xpath("//*[@id='__drawer']")[0].tag == "input"
    assert tree.xpath("//*[@id='cchc-noi-dung']")[0].tag == "span"  # still the skip link's target
    headings = {h.text_content().strip(): h.get("id") for h in tree.xpath("//article//h2")}
    toc = {a.text_content().strip(): a.get("href") for a in tree.xpath("//nav[contains(@class,'md-nav--secondary')]//a")}
    for title, anchor in headings.items():
        assert toc[title] == f"#{anchor}", title


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
@pytest.mark.parametrize("kind", ["item-image", "home"])
def test_images_show_at_a_sensible_size(browser, site, kind, viewport):
    page = browser.new_page(viewport=DESKTOP if viewport == "desktop" else PHONE)
    page.goto(site.url + PAGES[kind])
    page.wait_for_load_state("networkidle")
    sizes = page.eval_on_selector_all("article img", "imgs => imgs.map(i => [i.getAttribute('src'), i.clientWidth, i.clientHeight])")
    assert sizes, "the page shows an image"
    for src, width, height in sizes:
        assert width >= 150 and height >= 80, (src, width, height)
        assert width <= page.viewport_size["width"], (src, width)
    page.close()


def test_an_image_without_a_size_is_reported(project):
    project.write("docs/anh/khong-co-kich-thuoc.svg", '<svg xmlns="http://www.w3.org/2000/svg"><rect width="5" height="5"/></svg>')
    project.write("docs/anh/hong.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 8)
    project.item("anh", image="anh/khong-co-kich-thuoc.svg", image_alt="Ảnh", body="![Ảnh hỏng](../anh/hong.png)")
    _, problems = project.load()
    found = [(p.path, p.line, p.message) for p in problems.warnings]
    assert any(path.endswith("anh.md") and line == 7 and "không có kích thước" in m for path, line, m in found), found
    assert any(path.endswith("anh.md") and "không đọc được kích thước" in m for path, line, m in found), found


@pytest.mark.parametrize("kind", PAGES)
def test_words_are_vietnamese_and_no_page_fetches_a_sitemap(browser, site, kind):
    page = browser.new_page(viewport=DESKTOP)
    requested = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(site.url + PAGES[kind])
    page.wait_for_load_state("networkidle")
    words = page.evaluate("""() => [document.body.innerText, ...[...document.querySelectorAll('[aria-label],[alt],[title],[placeholder]')]
        .flatMap(e => ['aria-label', 'alt', 'title', 'placeholder'].map(a => e.getAttribute(a) || ''))].join('\\n')""")
    assert not ENGLISH.findall(words)
    assert page.evaluate("document.documentElement.lang") == "vi"
    assert not [url for url in requested if "sitemap" in url]
    page.close()


def test_no_stub_sitemaps_beside_the_feeds(sample):
    site, _ = sample
    assert [p.relative_to(site).as_posix() for p in site.rglob("sitemap.xml*")] == ["sitemap.xml", "sitemap.xml.gz"]


def test_the_404_page_is_vietnamese_with_search_and_sections(browser, site):
    page = browser.new_page(viewport=PHONE)
    page.goto(site.url + "404.html")
    assert "Không tìm thấy trang" in page.locator("h1").inner_text()
    page.fill("main input[type=search]", "dat dai")
    page.keyboard.press("Enter")
    page.wait_for_url("**/tim-kiem/?q=dat+dai")
    page.go_back()
    assert page.locator("main a[href*='tin-tuc/']").count() and page.locator("main a[href*='ke-hoach/']").count()
    page.close()


# -- keyboard ---------------------------------------------------------------------------------------

# What a focused element looks like: compared with the same element once the focus has moved on. An input that is
# drawn by its label (Material's palette toggle) shows its focus on the label.
_LOOK = """(e) => { const shown = e.matches('input.md-option') ? e.nextElementSibling : e, s = getComputedStyle(shown);
    return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow, s.textDecorationLine, s.color,
            s.backgroundColor, s.borderTopColor, s.borderBottomColor, s.opacity].join('|'); }"""


def tab_walk(page, steps: int) -> list[dict]:
    """Press Tab `steps` times; what had the focus each time, whether a person could see it, and whether it looked
    different while focused than after the focus moved on (`marked`: its focus is shown)."""
    seen = []
    page.evaluate("() => { window.__cchcPrev = null; }")
    for _ in range(steps + 1):
        page.keyboard.press("Tab")
        previous, current = page.evaluate("""(look) => { look = eval(look);
            const e = document.activeElement, r = e.getBoundingClientRect();
            let v = true; for (let n = e; n; n = n.parentElement) { const c = getComputedStyle(n);
              if (c.visibility === 'hidden' || c.display === 'none') v = false; }
            const before = window.__cchcPrev && look(window.__cchcPrev[0]) !== window.__cchcPrev[1];
            window.__cchcPrev = [e, look(e)];
            return [before, {tag: e.tagName, id: e.id, text: (e.innerText || e.value || e.getAttribute('aria-label') || '').trim().slice(0, 40),
                    cls: typeof e.className === 'string' ? e.className : '', href: e.getAttribute('href'),
                    visible: v && r.width > 0 && r.height > 0 && r.right > 0 && r.left < innerWidth}]; }""", _LOOK)
        if seen:
            seen[-1]["marked"] = previous
        seen.append(current)
    return seen[:steps]


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_every_tab_stop_is_visible_and_shows_focus(browser, site, viewport):
    page = browser.new_page(viewport=DESKTOP if viewport == "desktop" else PHONE)
    page.goto(site.url + PAGES["item"])
    stops = tab_walk(page, 25)
    hidden = [s for s in stops if not s["visible"] and s["tag"] != "BODY" and "md-option" not in s["cls"]]
    assert not hidden, hidden
    assert sum(s["tag"] == "A" for s in stops) >= 10  # the walk crosses links: the skip link, header, navigation, content
    unmarked = [s for s in stops if s["tag"] != "BODY" and not s["marked"]]
    assert not unmarked, unmarked  # links included: each looks different while it has the focus
    page.close()


def test_phone_menu_opens_from_the_keyboard_and_closed_menu_takes_no_tab_stop(browser, site):
    page = browser.new_page(viewport=PHONE)
    page.goto(site.url + PAGES["item"])
    stops = tab_walk(page, 6)
    assert any(s["tag"] == "LABEL" and s["text"] == "Mở danh mục trang" for s in stops), stops
    assert not any(s["cls"].startswith("md-nav__link") for s in stops)  # the closed drawer's links
    page.focus(".md-header label[for='__drawer']")
    page.keyboard.press("Enter")
    assert page.evaluate("document.getElementById('__drawer').checked")
    assert page.get_attribute(".md-header label[for='__drawer']", "aria-expanded") == "true"
    assert page.evaluate("document.activeElement.closest('.md-sidebar--primary') !== null")  # focus moved in
    page.wait_for_function("""() => { const r = document.querySelector('.md-sidebar--primary').getBoundingClientRect();
        return r.left >= 0 && !document.getAnimations().some(a => a.playState === 'running'); }""")  # slid in
    opened = tab_walk(page, 4)
    assert any("md-nav__link" in s["cls"] and s["visible"] for s in opened), opened
    page.keyboard.press("Escape")
    assert not page.evaluate("document.getElementById('__drawer').checked")
    page.keyboard.press("Space")  # focus is back on the menu button, which answers Space as well
    assert page.evaluate("document.getElementById('__drawer').checked")
    page.close()


def test_the_colour_scheme_toggle_answers_space(browser, site):
    page = browser.new_page(viewport=DESKTOP, color_scheme="light")
    page.goto(site.url)
    before = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
    page.evaluate("() => document.querySelector('[data-md-component=palette] label:not([hidden])').previousElementSibling.focus()")
    page.keyboard.press("Space")
    after = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
    assert (before, after) == ("default", "slate")
    page.keyboard.press("Space")
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "default"
    page.close()


def test_search_results_are_a_few_tabs_after_the_search_box(browser, site):
    page = browser.new_page(viewport=DESKTOP)
    page.goto(site.url + "tim-kiem/")
    page.wait_for_selector("#cchc-search[data-ready]", state="attached")
    page.fill("#cchc-q", "dat dai")
    page.keyboard.press("Enter")
    page.wait_for_selector(".cchc-result__title a")
    # the results the search asked for are all shown (not the first ones, shown while typing) once it says so
    page.wait_for_function("() => document.activeElement?.id === 'cchc-status'")
    title = page.locator(".cchc-result__title a").first.inner_text().strip()[:40]
    stops = tab_walk(page, 4)
    first = next((i for i, s in enumerate(stops, 1) if s["tag"] == "A" and s["text"] == title and s["visible"]), None)
    assert first is not None and first <= 3, stops
    page.close()


# -- print ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["item", "item-image", "plan", "progress"])
def test_print_on_a4_has_no_blank_page_and_nothing_cut_off(browser, site, kind):
    page = browser.new_page(viewport={"width": A4_CONTENT_PX, "height": 1000})
    page.goto(site.url + PAGES[kind])
    page.wait_for_load_state("networkidle")
    page.emulate_media(media="print")
    overflow = page.evaluate("""() => [...document.querySelectorAll('article *')].filter(e => {
        const r = e.getBoundingClientRect(); return r.width && (r.right > innerWidth + 1 || r.left < -1); })
        .map(e => e.tagName + ' ' + (e.innerText || '').slice(0, 30) + ' ' + Math.round(e.getBoundingClientRect().right))""")
    assert overflow == [], overflow[:5]
    smallest = page.evaluate("() => Math.min(...[...document.querySelectorAll('article td, article th, article p')].map(e => parseFloat(getComputedStyle(e).fontSize)))")
    assert smallest >= 10  # 7.5 pt: legible on paper
    pdf = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True)))
    texts = [p.extract_text().strip() for p in pdf.pages]
    assert all(texts), [i for i, t in enumerate(texts) if not t]
    assert pdf.pages[0].mediabox.width == pytest.approx(595, abs=2)  # A4 portrait, in points
    if kind.startswith("item"):
        assert len(texts) == 1
    # no page ends with a table's title or head row, its rows on the next page
    heads = page.evaluate("() => [...document.querySelectorAll('article caption, article thead th, article thead tr')]"
                          ".map(e => e.innerText.replace(/\\s+/g, ' ').trim()).filter(Boolean)")
    for n, text in enumerate(texts[:-1]):
        last = [" ".join(line.split()) for line in text.split("\n") if line.strip() and not line.strip().isdigit()][-2:]
        assert not any(head.startswith(line) for line in last for head in heads), (n, last)
    page.close()


def test_no_public_page_shows_a_repository_path_or_raw_bold_marks(sample):
    """What readers see is the text, not our repository ("shared/seeds/…") nor Markdown that did not render."""
    site, _ = sample
    shown = []
    for page in site.rglob("*.html"):
        if "quan-tri" in page.parts:
            continue
        text = lxml.html.fromstring(page.read_bytes()).text_content()
        if "shared/seeds" in text or "**" in text:
            shown.append(page.relative_to(site).as_posix())
    assert shown == []


@pytest.mark.parametrize("body, lines", [
    ("**TM. ỦY BAN NHÂN DÂN\n\nCHỦ TỊCH**\n\nTrần Quốc Nam", [1, 3]),   # bold across a blank line, as Word pastes it
    ("Đoạn có **chữ đậm chưa đóng.\n\nĐoạn sau.", [1]),
    ("**Đậm** đúng, `**mã**` và \\*\\* không tính.\n\n**KẾ HOẠCH  \nTHÔNG TIN**", []),
])
def test_bold_left_open_in_a_paragraph_is_a_warning_at_its_line(project, body, lines):
    project.item("dam", body=body)
    _, problems = project.load()
    found = sorted(p.line for p in problems.warnings if "chữ đậm" in p.message)
    first = next(n for n, row in enumerate((project.root / "docs/tin-tuc/dam.md").read_text(encoding="utf-8").split("\n"), 1)
                 if row.startswith(body.split("\n")[0][:8]))
    assert found == [first + n - 1 for n in lines], [str(p) for p in problems.items]


def test_an_items_image_shows_once_when_its_body_shows_it_too(sample):
    site, _ = sample
    page = (site / "tin-tuc/bo-phan-mot-cua-son-kim-1-niem-yet-100-thu-tuc/index.html").read_text(encoding="utf-8")
    article = lxml.html.fromstring(page).xpath("//article")[0]
    sources = [img.get("src") for img in article.iter("img") if "mot-cua-son-kim" in (img.get("src") or "")]
    assert len(sources) == 1, sources
    other = (site / "tin-tuc/ca-phe-doanh-nghiep-thang-3/index.html").read_text(encoding="utf-8")
    assert 'class="cchc-figure"' in other  # a lead image not in the body still shows


def test_the_home_offers_no_empty_topic_and_every_expander_is_a_plain_disclosure(sample):
    site, _ = sample
    home = lxml.html.fromstring((site / "index.html").read_bytes())
    counts = [a.text_content() for a in home.find_class("cchc-chip")]
    assert counts and not [c for c in counts if c.strip().endswith("(0)")], counts
    for page in site.rglob("*.html"):
        for details in lxml.html.fromstring(page.read_bytes()).iter("details"):
            assert "cchc-more" in (details.get("class") or ""), page  # not Material's note with its pencil icon


@pytest.mark.parametrize("plan", ["ben-tre-2021", "hai-hau-2023", "ninh-thuan-2024", "son-kim-1-2021"])
def test_a_plans_contents_list_every_section_of_the_page_on_one_level(browser, site, sample, plan):
    """The plan page's own list (the theme's side list hidden): its own sections, then the full text's parts
    numbered I., II.… whatever Markdown level each was typed at; every entry leads somewhere on the page."""
    page = browser.new_page(viewport=DESKTOP)
    page.goto(site.url + f"ke-hoach/{plan}/")
    entries = page.evaluate("""() => [...document.querySelectorAll('nav.cchc-toc a')].map(a => [a.textContent.trim(),
        a.getAttribute('href'), !!document.getElementById(a.getAttribute('href').slice(1)),
        a.closest('ul').parentElement.tagName])""")
    assert page.locator("nav.md-nav--secondary a:visible").count() == 0  # the theme's side list is hidden
    page.close()
    assert all(found for _, _, found, _ in entries), [e for e in entries if not e[2]]
    own = [title for title, _, _, parent in entries if parent == "NAV"]
    assert own[-2:] == ["Tiến độ thực hiện", "Toàn văn kế hoạch"] and "Nội dung tuyên truyền bắt buộc" in own
    parts = [title for title, _, _, parent in entries if parent == "LI"]
    text = sample[1].plans[plan].body
    romans = re.findall(r"^#+\s*\**\s*([IVX]+\.\s[^*\n]+?)\**\s*$", text, re.M)
    assert romans and parts == [" ".join(r.split()) for r in romans], parts


def test_plan_and_progress_tables_on_a_phone_squeeze_no_column_and_cut_none(browser, site):
    """At 320 px each row of a plan's or progress table is a block: every cell as wide as the text column and
    inside the screen, its column's name before it."""
    for kind, address, least in (("plan", PAGES["plan"], 20), ("progress", "tien-do/2021/", 8)):  # 2021: two units
        page = browser.new_page(viewport={"width": 320, "height": 800})
        page.goto(site.url + address)
        cells = page.evaluate("""() => [...document.querySelectorAll('.cchc-stack td')].map(td => {
            const r = td.getBoundingClientRect();
            return [Math.round(r.width), Math.round(r.right), getComputedStyle(td, '::before').content]; })""")
        page.close()
        assert len(cells) >= least, kind
        assert all(width >= 240 and right <= 320 for width, right, _ in cells), (kind, [c for c in cells if c[0] < 240 or c[1] > 320][:3])
        assert all(label not in ("none", "normal") for _, _, label in cells), kind
