"""Accessibility (WCAG 2.1 AA via axe-core), no third-party requests, skip link and print, in Chromium."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import PAGE_TYPES, VIEWPORTS, Served, screenshot, settle

AXE = Path(__file__).resolve().parents[1] / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = Path(__file__).resolve().parents[1] / "test-output" / "screenshots"  # kept for a person to look at
PAGES = PAGE_TYPES
# and 320 px: a phone at 400 % zoom (WCAG 1.4.10), where a header or a table once overflowed
SIZES = {**VIEWPORTS, "320": {"width": 320, "height": 720}}


@pytest.fixture(scope="module")
def site(sample):
    served = Served(sample[0])
    yield served
    served.server.shutdown()


@pytest.mark.parametrize("viewport", SIZES)
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("kind", PAGES)
def test_no_wcag_21_aa_violations(browser, site, kind, scheme, viewport):
    assert AXE.is_file(), "axe-core is installed by `make test` (npm ci)"
    page = browser.new_page(color_scheme=scheme, viewport=SIZES[viewport], bypass_csp=True)  # axe is injected inline
    page.goto(site.url + PAGES[kind])
    settle(page)
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate("""async () => (await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}))
        .violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(' | '))""")
    SHOTS.mkdir(parents=True, exist_ok=True)  # after axe: a full-page shot resizes the page and may restart transitions
    screenshot(page, SHOTS / f"{kind}-{viewport}-{scheme}.png")
    assert violations == []
    page.close()


@pytest.mark.parametrize("kind", PAGES)
def test_no_request_leaves_the_site(browser, site, kind):
    page = browser.new_page()
    hosts = []
    page.on("request", lambda request: hosts.append(urlsplit(request.url).hostname))
    page.goto(site.url + PAGES[kind])
    page.wait_for_load_state("networkidle")
    assert hosts and set(hosts) == {"127.0.0.1"}
    page.close()


def test_the_first_tab_reaches_a_skip_link_to_the_content(browser, site):
    page = browser.new_page()
    page.goto(site.url + PAGES["unit"])
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Chuyển đến nội dung chính"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "cchc-noi-dung"
    page.close()


@pytest.mark.parametrize("kind", ["item", "plan"])
def test_print_hides_navigation_and_search_and_shows_url_and_date(browser, site, kind):
    page = browser.new_page()
    page.goto(site.url + PAGES[kind])
    page.emulate_media(media="print")
    for selector in (".md-header", ".md-tabs", ".md-sidebar--primary", ".cchc-searchbar", ".md-footer"):
        assert page.eval_on_selector(selector, "e => getComputedStyle(e).display") == "none", selector
    printed = page.locator(".cchc-print-only").inner_text()
    assert printed == f"Địa chỉ: https://cchc.example.gov.vn/{PAGES[kind]}"
    if kind == "item":
        assert page.locator(".cchc-item__head time").first.is_visible()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
    page.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_note_under_an_automatic_reading_has_enough_contrast(browser, site, scheme):
    """The note under every reading's player (97 pages once at 2.9:1): axe on an item with a reading, 320 px wide
    too (WCAG 1.4.10), in both palettes."""
    for width in (1280, 320):
        page = browser.new_page(color_scheme=scheme, viewport={"width": width, "height": 800}, bypass_csp=True)
        page.goto(site.url + "tin-tuc/tri-hai-guong-sang-kien-mot-cua/")
        settle(page)
        assert page.locator(".cchc-audio small").count() == 1
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate("""async () => (await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}))
            .violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(' | '))""")
        screenshot(page, SHOTS / f"item-reading-{width}-{scheme}.png")
        assert violations == [], (width, violations)
        page.close()
