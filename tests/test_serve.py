"""`cchc serve` in a real browser: an edit shows on the pages it changes, and only those reload."""

from __future__ import annotations

import re
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from conftest import Server, copy_sample


@pytest.fixture
def served(tmp_path):
    root = copy_sample(tmp_path / "project")
    server = Server(root)
    yield root, server
    assert server.stop() == 0, "\n".join(server.lines)


def set_field(path: Path, field: str, value: str) -> None:
    text = re.sub(rf"^{field}: .*$", f"{field}: {value}", path.read_text(encoding="utf-8"), count=1, flags=re.M)
    path.write_text(text, encoding="utf-8")


def test_an_edit_reloads_the_pages_showing_it_and_only_those(browser, served):
    root, server = served
    item = root / "docs" / "tin-tuc" / "2024" / "tri-hai-guong-sang-kien-mot-cua.md"
    assert item.is_file()
    context = browser.new_context()
    edited, other = context.new_page(), context.new_page()
    edited.goto(server.url + "tin-tuc/tri-hai-guong-sang-kien-mot-cua/")
    other.goto(server.url + "gioi-thieu/")
    for page in (edited, other):
        page.evaluate("() => window.notReloaded = true")

    mark = len(server.lines)
    set_field(item, "title", "Phiếu hẹn bằng tin nhắn, tiêu đề vừa sửa")
    edited.wait_for_function("() => document.querySelector('h1')?.textContent.includes('tiêu đề vừa sửa')", timeout=15000)
    assert "Đã cập nhật" in server.wait_for("Đã cập nhật", after=mark)  # the partial path, not a full build
    assert not any("Xây dựng xong" in line for line in server.lines[mark:])
    # Listings show it too: its month's archive (dated 19/07/2024), and exactly one page of the news listing
    listing = context.new_page()
    listing.goto(server.url + "luu-tru/2024/07/")
    month = listing.locator("main").inner_text()
    assert "Phiếu hẹn bằng tin nhắn, tiêu đề vừa sửa" in month and 'Sáng kiến "phiếu hẹn' not in month
    shown, url = [], server.url + "tin-tuc/"
    while url:
        listing.goto(url)
        text = listing.locator("main").inner_text()
        assert 'Sáng kiến "phiếu hẹn' not in text, url  # the old title is gone everywhere
        if "Phiếu hẹn bằng tin nhắn, tiêu đề vừa sửa" in text:
            shown.append(url)
        following = listing.locator("a[rel=next]")
        url = urllib.parse.urljoin(url, following.first.get_attribute("href")) if following.count() else None
    assert len(shown) == 1, shown
    assert other.evaluate("() => window.notReloaded === true")  # its page did not change: not reloaded

    # A bad edit: the terminal says what and where; the browser keeps the last good page.
    edited.evaluate("() => window.notReloaded = true")
    mark = len(server.lines)
    set_field(item, "date", "31/02/2024")
    line = server.wait_for("31/02/2024", after=mark)
    assert "tri-hai-guong-sang-kien-mot-cua.md" in line
    server.wait_for("bản xây dựng tốt gần nhất", after=mark)
    # every open page says so, without reloading: a banner names the file and the line (validate's words)
    for page in (edited, other):
        banner = page.locator("#cchc-preview-problems")
        banner.wait_for(timeout=15000)
        assert "tri-hai-guong-sang-kien-mot-cua.md:" in banner.inner_text() and "31/02/2024" in banner.inner_text()
        assert banner.get_attribute("role") == "alert"
    assert edited.evaluate("() => window.notReloaded === true")
    assert "tiêu đề vừa sửa" in edited.locator("h1").inner_text()
    set_field(item, "date", "19/07/2024 10:30")  # fixed (and an hour later than before the bad edit)
    edited.wait_for_function("() => window.notReloaded !== true", timeout=15000)
    assert "19/07/2024" in edited.locator("main").inner_text()
    other.locator("#cchc-preview-problems").wait_for(state="detached", timeout=15000)  # fixed: the banner goes

    # The search index follows, in the background.
    server.wait_for("chỉ mục tìm kiếm", after=mark)
    search = context.new_page()
    search.goto(server.url + "tim-kiem/?q=" + "tiêu đề vừa sửa")
    search.wait_for_selector(".cchc-result, [data-ready]", timeout=15000)
    search.wait_for_function("() => document.querySelector('main')?.innerText.includes('tiêu đề vừa sửa')", timeout=15000)

    # Hostile edits never stop the preview: each is named with its file, the last good build stays served.
    good = item.read_text(encoding="utf-8")
    bomb = "\n".join(["a0: &a0 [x, x, x, x, x, x, x, x, x]"] +
                     [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 10)])
    for text, words in [(good.replace("---\n", "---\n" + bomb + "\n", 1), "quá nhiều giá trị"),
                        (re.sub(r"^date: .*$", "date: 9999-12-31 23:00Z", good, count=1, flags=re.M), "năm 9999"),
                        (good.replace("---\n", "---\nx: " + "[" * 100_000 + "]" * 100_000 + "\n", 1), "lồng nhau quá sâu"),
                        (good + "\x07" * 10, "ký tự điều khiển")]:
        mark = len(server.lines)
        item.write_text(text, encoding="utf-8")
        assert "tri-hai-guong-sang-kien-mot-cua.md" in server.wait_for(words, after=mark)
        server.wait_for("bản xây dựng tốt gần nhất", after=mark)
        assert urllib.request.urlopen(server.url + "tin-tuc/tri-hai-guong-sang-kien-mot-cua/", timeout=30).status == 200
    assert not any("Traceback" in line for line in server.lines)
    item.write_text(good, encoding="utf-8")

    # Anything but an item (here a vocabulary) rebuilds everything, and every page reloads.
    mark = len(server.lines)
    vocab = root / "plans" / "chu-de.yml"
    vocab.write_text(vocab.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    server.wait_for("Xây dựng xong", after=mark)
    other.wait_for_function("() => window.notReloaded !== true", timeout=15000)
    context.close()


def test_the_search_index_waits_for_the_update_in_progress(tmp_path, monkeypatch):
    """The index after edits (a low-priority process) never starts while an update runs: it would take the processor
    from the pages being written. It starts once the update is over and the edits have paused."""
    import time

    from conftest import SAMPLE_NOW

    from cchc.preview import serve

    monkeypatch.setenv("CCHC_NOW", SAMPLE_NOW)
    monkeypatch.setattr(serve, "INDEX_QUIET", 0.2)
    preview = serve.Preview(copy_sample(tmp_path / "project"))
    assert preview.full_build()
    with preview.building:  # as on_change holds it during an update
        preview.index_wanted.set()
        assert preview.index_waiting.wait(20)  # the edits' pause is over and the index asks for the processor…
        assert preview.indexer is None  # …but does not get it while the update holds it
    deadline = time.monotonic() + 20
    while preview.indexer is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert preview.indexer is not None
    preview.indexer.wait()
