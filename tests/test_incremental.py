"""Warm builds reuse what did not change (finished pages, each document's search terms) and still give,
byte for byte, the site a cold build of the same files gives."""

from __future__ import annotations

import gzip
import json
import shutil
import time
from pathlib import Path

import pytest

from cchc.site.build import build_site
from cchc.stores.keyed import KeyedStore

from conftest import SAMPLE_NOW, copy_sample

ITEM = "docs/tin-tuc/2023/hoi-thi-tim-hieu-cchc-hai-hau.md"  # has an image, topics, a plan


def tree(folder: Path) -> dict[str, bytes]:
    """What a build made, less what it kept of the site it replaced on purpose (site/history.py): audio no feed
    carries any more, and the date a changed feed was changed (a fresh build gives the newest item's date)."""
    from cchc.site.history import FEEDS, LEDGER, _STAMP

    ledger = folder / LEDGER
    kept = set(json.loads(ledger.read_text(encoding="utf-8"))) | {LEDGER} if ledger.is_file() else set()
    found = {}
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder).as_posix()
        if p.is_file() and rel not in kept:
            found[rel] = _STAMP.sub(b"", p.read_bytes(), count=1) if p.name in FEEDS else p.read_bytes()
    return found


def differences(a: dict[str, bytes], b: dict[str, bytes]) -> list[str]:
    return sorted(set(a) ^ set(b)) + [name for name in a.keys() & b.keys() if a[name] != b[name]]


@pytest.fixture
def root(tmp_path, monkeypatch):
    monkeypatch.setenv("CCHC_NOW", SAMPLE_NOW)
    return copy_sample(tmp_path / "mau")


def build(root: Path, site: Path) -> dict:
    result = build_site(root, site)
    assert result.ok, result.messages
    return result.timings


def cold(root: Path, site: Path) -> dict[str, bytes]:
    """A build of the same files with every cache of earlier builds removed (audio kept: it is slow to make)."""
    for kept in (root / "build" / "cache").iterdir():
        if kept.name != "audio":
            shutil.rmtree(kept) if kept.is_dir() else kept.unlink()
    timings = build(root, site)
    assert timings["pages_cached"] == 0
    return tree(site)


def test_nothing_changed_renders_no_page_and_gives_the_same_bytes(root, tmp_path):
    first = build(root, tmp_path / "a")
    assert first["pages_cached"] == 0 and first["pages"] > 250
    again = build(root, tmp_path / "b")
    assert again["pages_cached"] == again["pages"] == first["pages"]
    assert differences(tree(tmp_path / "a"), tree(tmp_path / "b")) == []


def test_a_cache_that_cannot_be_written_builds_the_same_site_without_it(root, tmp_path):
    """Pages are written in the site and kept as a second link: where build/cache/pages cannot hold them (here a
    file in its way), every page is still written, the same bytes as a build with the cache, and none is kept."""
    assert build(root, tmp_path / "a")["pages_cached"] == 0
    with_cache = tree(tmp_path / "a")
    shutil.rmtree(root / "build" / "cache" / "pages")
    (root / "build" / "cache" / "pages").write_text("không phải thư mục")
    timings = build(root, tmp_path / "b")
    assert timings["pages_cached"] == 0 and timings["pages"] > 250
    assert differences(with_cache, tree(tmp_path / "b")) == []
    assert build(root, tmp_path / "c")["pages_cached"] == 0


def test_edits_additions_and_deletions_give_a_cold_builds_bytes(root, tmp_path):
    build(root, tmp_path / "a")
    item = root / ITEM
    item.write_text(item.read_text(encoding="utf-8").replace("Sôi nổi hội thi", "Hội thi sôi nổi"), encoding="utf-8")
    added = item.with_name("hoi-thi-lan-hai.md")
    added.write_text(item.read_text(encoding="utf-8").replace("19/05/2023 16:00", "20/05/2023 09:00")
                     .replace("Hội thi sôi nổi hội thi", "Vòng hai hội thi"), encoding="utf-8")
    gone = sorted((root / "docs/tin-tuc/2024").glob("*.md"))[0]
    gone.unlink()
    warm = build(root, tmp_path / "warm")
    assert 0 < warm["pages_cached"] < warm["pages"] - 5  # the edited items, their listings, neighbours: rendered
    warm_files = tree(tmp_path / "warm")
    assert "Hội thi sôi nổi" in warm_files["tin-tuc/hoi-thi-tim-hieu-cchc-hai-hau/index.html"].decode()
    assert any(name.startswith("tim-kiem/du-lieu/s/") for name in warm_files)
    assert differences(warm_files, cold(root, tmp_path / "cold")) == []


def test_a_template_change_renders_every_page_again(root, tmp_path):
    build(root, tmp_path / "a")
    template = root / "overrides/cchc/item.html"
    template.write_text(template.read_text(encoding="utf-8").replace(
        '<figure class="cchc-figure">', '<figure class="cchc-figure cchc-mau-moi">'), encoding="utf-8")
    warm = build(root, tmp_path / "warm")
    page = (tmp_path / "warm/tin-tuc/hoi-thi-tim-hieu-cchc-hai-hau/index.html").read_text(encoding="utf-8")
    assert 'class="cchc-figure cchc-mau-moi"' in page and warm["pages_cached"] == 0


def test_an_image_replaced_under_the_same_name_reaches_the_pages_that_show_its_size(root, tmp_path):
    build(root, tmp_path / "a")
    image = root / "docs/anh/2023/hoi-thi-hai-hau.svg"
    image.write_text(image.read_text(encoding="utf-8").replace('viewBox="0 0 640 360"', 'viewBox="0 0 800 450"'),
                     encoding="utf-8")
    warm = build(root, tmp_path / "warm")
    page = (tmp_path / "warm/tin-tuc/hoi-thi-tim-hieu-cchc-hai-hau/index.html").read_text(encoding="utf-8")
    assert 'width="800" height="450"' in page
    assert 0 < warm["pages_cached"] < warm["pages"]
    assert differences(tree(tmp_path / "warm"), cold(root, tmp_path / "cold")) == []


def test_an_image_in_an_items_text_replaced_under_the_same_name_gets_its_new_size(project, tmp_path):
    """An item's HTML is kept between builds (the render cache) with its images' sizes: an image the text shows,
    replaced under the same name, is measured again and the item's page says its new size."""
    svg = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}"><rect width="5" height="5"/></svg>'
    project.write("docs/anh/so-do.svg", svg.format(640, 360))
    project.item("so-do", body="Sơ đồ quy trình:\n\n![Sơ đồ quy trình một cửa](../anh/so-do.svg)")
    first = build(project.root, tmp_path / "a")
    page = tmp_path / "a/tin-tuc/so-do/index.html"
    assert 'width="640" height="360"' in page.read_text(encoding="utf-8") and first["pages_cached"] == 0
    project.write("docs/anh/so-do.svg", svg.format(800, 450))
    build(project.root, tmp_path / "b")
    assert 'width="800" height="450"' in (tmp_path / "b/tin-tuc/so-do/index.html").read_text(encoding="utf-8")


def test_an_id_a_template_takes_later_is_given_up_by_an_items_kept_html(project, tmp_path):
    """Staff content never takes an id the templates use (page_ids.py): when a template comes to use one that an
    item's heading had, the item's kept HTML is not reused as it was, and the heading gives the id up."""
    project.item("lich-tiep", body="## Lịch tiếp công dân\n\nThứ năm hằng tuần.")
    build(project.root, tmp_path / "a")
    assert 'id="lich-tiep-cong-dan"' in (tmp_path / "a/tin-tuc/lich-tiep/index.html").read_text(encoding="utf-8")
    template = project.root / "overrides/main.html"
    template.write_text(template.read_text(encoding="utf-8") + '\n{# <div id="lich-tiep-cong-dan"></div> #}\n',
                        encoding="utf-8")
    build(project.root, tmp_path / "b")
    page = (tmp_path / "b/tin-tuc/lich-tiep/index.html").read_text(encoding="utf-8")
    assert 'id="lich-tiep-cong-dan"' not in page and "Lịch tiếp công dân</h2>" in page


def test_the_search_terms_of_an_unchanged_item_are_not_made_again(root, tmp_path, monkeypatch):
    build(root, tmp_path / "a")
    kept = KeyedStore(root / "build/cache/search/terms.sqlite").keys()
    assert len(kept) > 60
    item = root / ITEM
    item.write_text(item.read_text(encoding="utf-8").replace("12 đội", "14 đội"), encoding="utf-8")
    build(root, tmp_path / "b")
    now = KeyedStore(root / "build/cache/search/terms.sqlite").keys()
    assert len(kept - now) == 1 and len(now - kept) == 1  # the edited item's terms, made again; the old removed


def test_the_same_documents_reuse_the_whole_search_index(root, tmp_path):
    build(root, tmp_path / "a")
    build(root, tmp_path / "b")
    kept = list((root / "build/cache/search/index").iterdir())
    assert len(kept) == 1
    for site in ("a", "b"):  # both builds' index files are the kept ones (links): the second made none
        for name in ("chi-muc.json", "tu-vung.dat", "d/0.dat", "s/0.dat"):
            assert (tmp_path / site / "tim-kiem/du-lieu" / name).samefile(kept[0] / name)
    item = root / ITEM
    item.write_text(item.read_text(encoding="utf-8").replace("12 đội", "14 đội"), encoding="utf-8")
    build(root, tmp_path / "c")
    now = list((root / "build/cache/search/index").iterdir())
    assert len(now) == 1 and now != kept  # indexed again, and only the latest index kept
    assert not (tmp_path / "c/tim-kiem/du-lieu/tu-vung.dat").samefile(tmp_path / "b/tim-kiem/du-lieu/tu-vung.dat")
    # each unchanged document's own file is the one made before (linked); only the edited one is new
    before, after = (sorted((tmp_path / site / "tim-kiem/du-lieu/d").iterdir()) for site in ("b", "c"))
    assert [p.name for p in before] == [p.name for p in after] and len(after) > 60
    made = [p for p, q in zip(after, before) if not p.samefile(q)]
    assert len(made) == 1 and b"14 \xc4\x91\xe1\xbb\x99i" in gzip.decompress(made[0].read_bytes())
    assert not any(p.name.startswith(".") for p in (tmp_path / "c/tim-kiem/du-lieu").rglob("*"))


def test_the_replaced_site_is_removed_after_the_new_one_is_in_place(root, tmp_path):
    site = tmp_path / "site"
    build(root, site)
    marker = site / "tin-tuc" / "cu.txt"
    marker.write_text("bản cũ", encoding="utf-8")
    build(root, site)
    assert not marker.exists() and (site / "index.html").is_file()
    deadline = time.monotonic() + 30
    while list(tmp_path.glob(".site.cu-*")) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert list(tmp_path.glob(".site.cu-*")) == []


def test_the_preview_never_writes_into_a_stored_page(root, tmp_path):
    """Site pages are links to stored ones: the preview's rewrite of a page must leave the stored page as it was."""
    from cchc.site.build import build_into
    from cchc.preview.update import LiveSite

    result, config = build_into(root, tmp_path / "live", strict=False, drafts=True)
    assert result.ok
    live = LiveSite(config)
    item = root / ITEM
    original = item.read_text(encoding="utf-8")
    item.write_text(original.replace("Sôi nổi hội thi", "Bản sửa tạm"), encoding="utf-8")
    assert live.update().ok
    shown = (tmp_path / "live/tin-tuc/hoi-thi-tim-hieu-cchc-hai-hau/index.html").read_text(encoding="utf-8")
    assert "Bản sửa tạm" in shown
    item.write_text(original, encoding="utf-8")  # back as it was: the page stored before the edit is used again
    result, _ = build_into(root, tmp_path / "again", strict=False, drafts=True)
    assert result.ok and result.timings["pages_cached"] == result.timings["pages"]
    page = (tmp_path / "again/tin-tuc/hoi-thi-tim-hieu-cchc-hai-hau/index.html").read_text(encoding="utf-8")
    assert "Bản sửa tạm" not in page and "Sôi nổi hội thi" in page


def test_a_damaged_manifest_of_the_kept_index_only_costs_the_reuse(root, tmp_path):
    build(root, tmp_path / "a")
    kept = next((root / "build/cache/search/index").iterdir())
    for damaged in ('{"code": 1, "documents": [1]}', "[1, 2", '"x"'):
        (kept / ".documents.json").write_text(damaged, encoding="utf-8")
        item = root / ITEM
        item.write_text(item.read_text(encoding="utf-8") + "\nThêm một dòng.\n", encoding="utf-8")
        build(root, tmp_path / "b")
        kept = next((root / "build/cache/search/index").iterdir())
    assert differences(tree(tmp_path / "b"), cold(root, tmp_path / "cold")) == []


def test_the_search_files_of_unchanged_items_are_linked_from_the_kept_index_after_an_edit(root, tmp_path):
    """An edit shifts no unchanged item's search file: the next index links each from the kept one (the same file,
    not a copy), writes the edited item's anew, and the whole equals a cold build's."""
    build(root, tmp_path / "a")
    folder = "tim-kiem/du-lieu/d"
    before = {f.stat().st_ino for f in (tmp_path / "a" / folder).iterdir()}
    item = root / ITEM
    item.write_text(item.read_text(encoding="utf-8") + "\nThêm một dòng.\n", encoding="utf-8")
    build(root, tmp_path / "b")
    after = [f.stat().st_ino for f in (tmp_path / "b" / folder).iterdir()]
    assert len(after) > 50 and sum(ino not in before for ino in after) == 1  # only the edited item's file is new
    assert differences(tree(tmp_path / "b"), cold(root, tmp_path / "cold")) == []
