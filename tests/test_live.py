"""The preview's partial rebuild gives exactly the site a full build of the same files gives."""

from __future__ import annotations

import dataclasses
import filecmp
import re
from pathlib import Path

import pytest

from cchc.site.build import build_into
from cchc.preview.update import LiveSite, only_items

from conftest import SAMPLE_NOW, copy_sample


def tree(site: Path) -> set[str]:
    """Files of a built site, but the search index (rebuilt apart, in the background) and gzip copies."""
    return {p.relative_to(site).as_posix() for p in site.rglob("*")
            if p.is_file() and not p.relative_to(site).as_posix().startswith("tim-kiem/du-lieu/") and p.suffix != ".gz"}


def differences(a: Path, b: Path) -> list[str]:
    files_a, files_b = tree(a), tree(b)
    odd = [f"chỉ ở {a.name}: {f}" for f in sorted(files_a - files_b)] + [f"chỉ ở {b.name}: {f}" for f in sorted(files_b - files_a)]
    return odd + [f"khác: {f}" for f in sorted(files_a & files_b) if not filecmp.cmp(a / f, b / f, shallow=False)]


@pytest.fixture
def live(tmp_path, monkeypatch):
    """A copy of the sample project, built once for preview (drafts shown) and kept live."""
    monkeypatch.setenv("CCHC_NOW", SAMPLE_NOW)
    root = copy_sample(tmp_path / "project")
    result, config = build_into(root, tmp_path / "live", strict=False, drafts=True)
    assert result.ok, result.messages
    return root, LiveSite(config)


def full_build(root: Path, site: Path) -> Path:
    result, _ = build_into(root, site, strict=False, drafts=True)
    assert result.ok, result.messages
    return site


def edit(path: Path, field: str, value: str) -> None:
    text = path.read_text(encoding="utf-8")
    text, count = re.subn(rf"^{field}: .*$", f"{field}: {value}", text, count=1, flags=re.M)
    if not count:
        text = text.replace("---\n", f"---\n{field}: {value}\n", 1)
    path.write_text(text, encoding="utf-8")


def items(root: Path) -> list[Path]:
    return sorted((root / "docs" / "tin-tuc").rglob("*.md"))


def test_title_edit_rewrites_only_the_pages_that_show_it_and_matches_a_full_build(live, tmp_path):
    root, site = live
    item = items(root)[5]
    edit(item, "title", "Tiêu đề đã sửa trong lúc xem trước")
    published: list = []
    load = site.plugin.load
    site.plugin.load = lambda *args, **kwargs: published.append("load") or load(*args, **kwargs)
    update = site.update(published.append, {str(item)})
    assert update.ok and update.search_changed
    url = next(v.data["item"].url for v in site.plugin.site.views.values()
               if "item" in v.data and v.data["item"].path.endswith(item.name))
    # the item's own page is written and announced first, from its file alone, before the site is even loaded
    assert published[:2] == [{url}, "load"]
    assert all(url not in urls for urls in published[2:])  # the update's own View was the same: not written again
    # The item, its listings (news, topics, units, archive), neighbours showing it as related, feeds…
    assert 3 <= update.pages < 40, update.pages
    assert update.feeds >= 3
    news = [site.site_dir / "tin-tuc" / "index.html", *(site.site_dir / "tin-tuc" / "trang").rglob("index.html")]
    assert any("Tiêu đề đã sửa trong lúc xem trước" in page.read_text(encoding="utf-8") for page in news)
    assert differences(site.site_dir, full_build(root, tmp_path / "full")) == []


def test_moves_additions_deletions_and_drafts_match_a_full_build(live, tmp_path):
    root, site = live
    files = items(root)
    edit(files[0], "date", "2026-06-29 07:00")  # an old item becomes the newest: every listing page shifts
    edit(files[0], "unit", "ha-tinh")  # (a unit that still exists in 2026)
    edit(files[1], "slug", "duong-dan-moi-cua-bai")  # its URL changes: the old page must go
    edit(files[2], "draft", "true")
    edit(files[3], "topics", "[dien-hinh-tien-tien, chuyen-doi-so]")
    files[4].unlink()
    new = root / "docs" / "tin-tuc" / "2026" / "bai-moi-trong-luc-xem-truoc.md"
    new.parent.mkdir(exist_ok=True)
    new.write_text("---\ntitle: Bài mới trong lúc xem trước\ndate: 20/06/2026\ntopics: [mot-cua]\nunit: son-kim-1\n---\n\n"
                   "Nội dung [xem giới thiệu](../../gioi-thieu.md).\n", encoding="utf-8")
    loads: list = []
    load = site.plugin.load
    site.plugin.load = lambda *args, **kwargs: loads.append("load") or load(*args, **kwargs)
    update = site.update(loads.append, {str(f) for f in [*files, new]})
    assert update.ok
    assert loads[0] == "load"  # no edit kept its item in place: nothing is shown before the site is loaded
    assert update.helped > 0  # later listing pages were shared with a forked helper, and still match
    assert not (site.site_dir / "tin-tuc" / files[4].stem).exists()
    assert (site.site_dir / "tin-tuc" / "duong-dan-moi-cua-bai" / "index.html").is_file()
    assert differences(site.site_dir, full_build(root, tmp_path / "full")) == []


def test_a_bad_edit_changes_nothing_and_its_fix_is_shown(live, tmp_path):
    root, site = live
    before = full_build(root, tmp_path / "before")
    item = items(root)[7]
    good = item.read_text(encoding="utf-8")
    edit(item, "date", "31/02/2026")
    update = site.update(paths={str(item)})
    assert not update.ok
    assert "31/02/2026" in update.messages[0] and item.name in update.messages[0]
    assert differences(site.site_dir, before) == []
    item.write_text(good + "\nĐoạn thêm sau khi sửa lỗi.\n", encoding="utf-8")
    assert site.update(paths={str(item)}).ok
    assert differences(site.site_dir, full_build(root, tmp_path / "after")) == []


def test_only_item_markdown_takes_the_partial_path(tmp_path):
    docs = tmp_path / "docs"
    assert only_items({str(docs / "tin-tuc" / "2024" / "a.md")}, docs)
    assert not only_items({str(docs / "tin-tuc" / "2024" / "a.mp3")}, docs)
    assert not only_items({str(docs / "gioi-thieu.md")}, docs)
    assert not only_items({str(tmp_path / "plans" / "chu-de.yml")}, docs)
    assert not only_items(set(), docs)


def test_a_file_saved_during_the_first_build_is_still_picked_up(tmp_path, monkeypatch):
    monkeypatch.setenv("CCHC_NOW", SAMPLE_NOW)
    root = copy_sample(tmp_path / "project")
    result, config = build_into(root, tmp_path / "live", strict=False, drafts=True)
    assert result.ok
    edit(items(root)[9], "title", "Sửa trong lúc đang xây dựng lần đầu")  # before the preview keeps the build
    site = LiveSite(config)
    assert site.update().pages > 0
    assert differences(site.site_dir, full_build(root, tmp_path / "full")) == []


def test_deleting_a_radio_item_that_lets_an_older_one_into_a_bulletin_matches_a_full_build(live, tmp_path):
    """The radio feed keeps its newest items: deleting one lets an older item in, whose page (not otherwise
    changed) must ask for its reading before the bulletins carrying it are written (was a KeyError)."""
    root, site = live
    radio = [v.data["item"] for v in site.plugin.site.views.values() if "reading" in v.data]
    bulletined = {i.url for b in site.plugin.broadcast.bulletins for i in b.items}
    gone = next(f for f in items(root) if f.name == "can-bo-son-kim-1-hop-khong-giay-to.md")
    assert any(i.path.endswith(gone.name) for i in radio) and bulletined
    gone.unlink()
    update = site.update()
    assert update.ok, update.messages
    assert {i.url for b in site.plugin.broadcast.bulletins for i in b.items} - bulletined  # an item came in
    assert differences(site.site_dir, full_build(root, tmp_path / "full")) == []


def test_a_first_look_unlike_the_update_is_written_again(live, tmp_path):
    """The page shown from the edited file alone is checked against the update's own View: one that differs (here
    made to, by hand) is rendered again, so the site still ends as a full build makes it."""
    root, site = live
    item = items(root)[5]
    edit(item, "title", "Tiêu đề sửa, xem trước")
    first_look = site._first_look

    def unlike(paths):
        pages = first_look(paths)
        for src, view in site.looked.items():
            site.looked[src] = site.plugin.site.views[src] = dataclasses.replace(view, title="Tiêu đề khác")
        return pages

    site._first_look = unlike
    published: list[set[str]] = []
    assert site.update(published.append, {str(item)}).ok
    url = site.plugin.site.views[next(iter(site.plugin.site.views.keys() & {item.relative_to(root / "docs").as_posix()}))].data["item"].url
    assert sum(url in urls for urls in published) == 2  # first look, then the update's own
    assert differences(site.site_dir, full_build(root, tmp_path / "full")) == []


@pytest.mark.parametrize("asked", [1, 2, 3, 4, 6, 17])
def test_an_update_stopped_by_a_newer_save_is_finished_by_the_next(live, tmp_path, asked):
    """Once the edited page is shown, a newer save stops the update at its next step (on the `asked`-th question:
    before the load, after it, after the fingerprints, among the first pages, after them); the next update, of
    another edit, leaves the site as a full build makes it, and asks for the search index again."""
    root, site = live
    first, second = items(root)[5], items(root)[11]
    edit(first, "title", "Sửa lần một, trang khác chưa kịp theo")
    questions: list[int] = []

    def pending() -> bool:
        questions.append(1)
        return len(questions) >= asked

    published: list[set[str]] = []
    update = site.update(published.append, {str(first)}, pending)
    assert update.ok and update.stopped == (len(questions) >= asked)
    assert "Sửa lần một" in (site.site_dir / published[0].pop().removesuffix("/") / "index.html").read_text(encoding="utf-8")
    edit(second, "title", "Sửa lần hai, sau khi lần một dừng")
    update = site.update(paths={str(second)})
    assert update.ok and not update.stopped and update.search_changed
    assert differences(site.site_dir, full_build(root, tmp_path / "full")) == []


def test_an_update_that_moves_an_item_is_never_stopped(live, tmp_path):
    root, site = live
    item = items(root)[5]
    edit(item, "date", "2026-06-29 07:00")  # its listings and related items change: nothing is shown before them
    update = site.update(paths={str(item)}, pending=lambda: True)
    assert update.ok and not update.stopped
    assert differences(site.site_dir, full_build(root, tmp_path / "full")) == []
