"""The item cache: unchanged files are not re-read, and every change that matters is still seen."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

import cchc.content.loader
from cchc.content.dates import VN_TZ
from conftest import messages


@pytest.fixture
def reads(monkeypatch):
    """Counts the files the loader actually parses."""
    seen = []
    original = cchc.content.loader.read_document

    def counting(file, path, problems):
        seen.append(path)
        return original(file, path, problems)

    monkeypatch.setattr(cchc.content.loader, "read_document", counting)
    return seen


def test_a_second_load_reuses_unchanged_items(project, reads):
    project.item("a")
    project.item("b")
    first, _ = project.load()
    assert sorted(p for p in reads if "tin-tuc" in p) == ["docs/tin-tuc/a.md", "docs/tin-tuc/b.md"]
    reads.clear()
    second, _ = project.load()
    assert [p for p in reads if "tin-tuc" in p] == []
    assert [i.title for i in second.items] == [i.title for i in first.items]


def test_an_edited_file_is_read_again(project, reads):
    path = project.item("a", title="Cũ")
    project.load()
    reads.clear()
    path.write_text(path.read_text(encoding="utf-8").replace("title: Cũ", "title: Mới"), encoding="utf-8")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000))
    corpus, _ = project.load()
    assert reads == ["docs/tin-tuc/a.md"] and corpus.items[0].title == "Mới"


def test_problems_of_a_cached_file_are_reported_every_time(project, reads):
    project.item("hong", unit="khong-co")
    _, first = project.load()
    reads.clear()
    _, second = project.load()
    assert reads == [] and messages(second) == messages(first) and len(first) == 1


def test_a_deleted_image_is_reported_although_the_item_did_not_change(project):
    image = project.write("docs/anh/a.svg", "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 9'/>")
    project.item("co-anh", image="anh/a.svg", image_alt="Ảnh")
    assert not project.load()[1]
    image.unlink()
    _, problems = project.load()
    assert any('không tìm thấy tệp ảnh "anh/a.svg"' in m for m in messages(problems))


def test_a_vocabulary_change_revalidates_every_item(project, reads):
    project.item("a", topics="[chu-de-moi]")
    assert project.load()[1]
    vocab = project.root / "plans" / "chu-de.yml"
    vocab.write_text(vocab.read_text(encoding="utf-8") + "\nchu-de-moi:\n  name: Chủ đề mới\n", encoding="utf-8")
    reads.clear()
    corpus, problems = project.load()
    assert "docs/tin-tuc/a.md" in reads and not problems and corpus.items[0].topics == ("chu-de-moi",)


def test_a_removed_file_leaves_the_corpus(project):
    path = project.item("a")
    project.item("b")
    project.load()
    path.unlink()
    corpus, _ = project.load()
    assert [i.slug for i in corpus.items] == ["b"]


def test_many_new_items_are_read_by_two_processes_with_the_same_result(project, reads, monkeypatch):
    """A first (or cold) build shares the reading with a forked child; items, problems and their order are the
    ones a single process finds, and the next load reuses what the child read."""
    from conftest import ROOT

    count = cchc.content.loader.PARALLEL_FROM + 50
    project.write("plans/hai-hau-2023.md", (ROOT / "plans/hai-hau-2023.md").read_bytes())  # plans are read with them
    project.write("plans/hong.md", "---\nid: hong\ntitle: Kế hoạch hỏng\nissuer: khong-co\n---\nNội dung.\n")
    for n in range(count):
        bad = {7: {"date": "15/13/2024"}, 201: {"topics": "[khong-co]"}, 402: {"unit": "khong-co"}}.get(n, {})
        project.item(f"bai-{n:03d}", title=f"Bài số {n}", **bad)
    monkeypatch.setenv("CCHC_SEQUENTIAL", "1")
    alone, alone_problems = project.load()
    assert len(reads) >= count
    (project.root / "build" / "cache" / "items.pickle").unlink()
    reads.clear()
    monkeypatch.delenv("CCHC_SEQUENTIAL")
    shared, shared_problems = project.load()
    assert 0 < len([p for p in reads if "tin-tuc" in p]) < count  # the child read the others, from the back
    assert [repr(i) for i in shared.items] == [repr(i) for i in alone.items]
    assert {i.slug for i in alone.items} == {f"bai-{n:03d}" for n in range(count)} - {"bai-007", "bai-402"}  # refused
    assert messages(shared_problems) == messages(alone_problems) and len(messages(alone_problems)) == 5
    assert [m.split(":")[0] for m in messages(alone_problems)][:2] == ["plans/hong.md"] * 2  # plans first
    assert sorted(shared.plans) == sorted(alone.plans) and len(alone.plans) == 1
    assert [repr(p) for p in shared.plans.values()] == [repr(p) for p in alone.plans.values()]
    reads.clear()
    again, again_problems = project.load()
    assert [p for p in reads if "tin-tuc" in p] == [] and messages(again_problems) == messages(alone_problems)
    # read by the child or from the cache on disk, dates share the one Vietnam time zone, as parsed ones do (they
    # then compare without asking it for its offset: the preview sorts 20,000 items after every edit)
    for corpus in (alone, shared, again):
        assert all(i.date.tzinfo is VN_TZ for i in corpus.items)


def test_two_processes_sharing_a_list_from_both_ends_take_every_task_once():
    """content/forked.py Claims: the front takes 0, 1, 2… while the child takes from the back; each task is taken by
    exactly one side, the front's a run from 0 and the child's the rest."""
    import time

    from cchc.content.forked import Claims, Forked, can_fork

    if not can_fork():
        pytest.skip("one core or no fork: nothing is shared")
    claims = Claims(3000)

    def back() -> list[int]:
        taken = []
        while (k := claims.back()) is not None:
            taken.append(k)
            time.sleep(0.0001)
        return taken
    child = Forked(back)
    front = []
    for k in range(3000):
        if not claims.take(k):
            break
        front.append(k)
        time.sleep(0.0001)
    taken = child.result()
    assert front == list(range(len(front))) and 0 < len(front) < 3000
    assert sorted(taken) == list(range(len(front), 3000))


def test_the_kernel_is_asked_ahead_for_exactly_the_items_to_read_and_a_bad_path_is_left_to_the_reader(
        project, monkeypatch, tmp_path):
    """content/source.py prefetch: a cold load asks for every item it reads anew (before reading them), a warm one
    for none; a missing file, a folder or a link is skipped without a word (the reader reports each)."""
    from cchc.content.source import prefetch

    for n in range(3):
        project.item(f"bai-{n}", title=f"Bài {n}")
    asked: list[str] = []
    monkeypatch.setattr(cchc.content.loader, "prefetch", lambda files: asked.extend(str(f) for f in files))
    monkeypatch.setenv("CCHC_SEQUENTIAL", "1")
    corpus, _ = project.load()
    assert sorted(Path(f).name for f in asked) == [f"bai-{n}.md" for n in range(3)] and len(corpus.items) == 3
    asked.clear()
    project.load()
    assert asked == []
    target = tmp_path / "that.md"
    target.write_text("giữ nguyên", encoding="utf-8")
    (tmp_path / "link.md").symlink_to(target)
    prefetch([tmp_path / "khong-co.md", tmp_path, tmp_path / "link.md", target])
    assert target.read_text(encoding="utf-8") == "giữ nguyên"


def test_plans_are_cached_like_items_and_an_edited_plan_is_read_again(project, monkeypatch):
    """The preview reloads after every edit of an item: unchanged plans are not parsed again (nor their problems
    forgotten), an edited one is."""
    import cchc.content.plan_files

    reads, original = [], cchc.content.plan_files.read_document
    monkeypatch.setattr(cchc.content.plan_files, "read_document",
                        lambda file, path, problems: reads.append(path) or original(file, path, problems))
    from conftest import ROOT

    project.write("plans/hai-hau-2023.md", (ROOT / "plans/hai-hau-2023.md").read_bytes())
    project.write("plans/hong.md", "---\nid: hong\ntitle: Kế hoạch hỏng\nissuer: khong-co\n---\nNội dung.\n")
    first, first_problems = project.load()
    assert "plans/hong.md" in reads and len(reads) == len(list((project.root / "plans").glob("*.md"))) > 1
    reads.clear()
    second, second_problems = project.load()
    assert reads == [] and messages(second_problems) == messages(first_problems)
    assert any("plans/hong.md" in m for m in messages(second_problems))
    assert {k: p.title for k, p in second.plans.items()} == {k: p.title for k, p in first.plans.items()}
    plan = next(p for p in first.plans.values() if p.path != "plans/hong.md")
    file = project.root / plan.path
    file.write_text(file.read_text(encoding="utf-8").replace(plan.title, plan.title + " (sửa đổi)", 1), encoding="utf-8")
    third, _ = project.load()
    assert reads == [plan.path] and third.plans[plan.id].title == plan.title + " (sửa đổi)"


def test_the_builds_objects_stay_frozen_while_a_helper_lives_and_are_collected_after(tmp_path, monkeypatch):
    """A forked helper shares the build's memory until either side writes to it: a full collection in the build
    would write to every object it walks, so both collectors leave the build's objects alone (frozen) until the
    helper is gone, then the build's garbage is collected again. The helper's work is all done either way."""
    import gc

    from cchc.stores import helper

    monkeypatch.delenv("CCHC_SEQUENTIAL", raising=False)
    if not helper.enabled():
        pytest.skip("one core or no fork: no helper")
    gc.unfreeze()
    work = helper.Helper(40, "test")
    work.start(lambda k: (tmp_path / str(k)).write_text("x") and time.sleep(0.01))
    frozen_while_helping = gc.get_freeze_count()
    mine = [k for k in range(40) if work.mine(k)]
    assert work.finish()["helper_test"] == 40 - len(mine) > 0
    assert frozen_while_helping > 1000 and gc.get_freeze_count() == 0
    assert {p.name for p in tmp_path.iterdir()} == {str(k) for k in range(40) if k not in mine}


def test_the_render_cache_hands_back_html_packed_as_the_build_keeps_it_and_a_damaged_entry_is_a_miss(tmp_path):
    """stores/renders.py: an item's HTML is kept packed (content/safety.py pack) and comes back as those very bytes,
    put into the build's store without being unpacked and packed again; what it gives back is the Markup put in."""
    from markupsafe import Markup
    from mkdocs.structure.toc import get_toc

    from cchc.content.safety import SafeStore, pack
    from cchc.stores.renders import RenderCache

    cache = RenderCache(tmp_path, {"markdown_extensions": [], "mdx_configs": {}})
    html = Markup('<h2 id="mot-cua">Thủ tục một cửa</h2><p>Nội dung &amp; kết quả</p>')
    packed = pack(html)
    cache.put("k", packed, get_toc([{"level": 2, "id": "mot-cua", "name": "Thủ tục một cửa", "children": []}]))
    cache.store.flush()
    found, toc = cache.get("k")
    assert found == packed and [(link.id, link.title) for link in toc] == [("mot-cua", "Thủ tục một cửa")]
    kept = SafeStore()
    kept.put("tin-tuc/a/", found)
    assert kept.get("tin-tuc/a/") == html and isinstance(kept.get("tin-tuc/a/"), Markup)
    assert kept.digest("tin-tuc/a/") == pack(Markup(str(html))).digest and kept.packed("tin-tuc/a/") == packed.data
    cache.store.put("hong", b"\x01\x02")
    cache.store.flush()
    assert cache.get("hong") is None and cache.get("khong-co") is None
    with pytest.raises(TypeError):
        pack("<script>alert(1)</script>")


def test_a_helper_asked_in_any_order_leaves_each_task_to_one_side_done_when_the_build_passes(tmp_path, monkeypatch):
    """stores/helper.py: the build asks for tasks in its own order (the Markdown helper's list: every other item,
    then the rest backwards); each task is done by exactly one side, and one the helper took is done by the time
    the build is told so."""
    from cchc.stores.helper import Helper, enabled

    monkeypatch.delenv("CCHC_SEQUENTIAL", raising=False)
    if not enabled():
        pytest.skip("one core or no fork: no helper")
    count = 300
    tasks = list(range(count))[0::2] + list(range(count))[1::2][::-1]  # as _share_markdown numbers the items
    position = {task: n for n, task in enumerate(tasks)}
    helper = Helper(count, "essai")
    helper.start(lambda k: time.sleep(0.0005) or (tmp_path / f"{k}.helper").write_text("x"))
    built = []
    for n in range(count):  # the items in the build's order
        task = position[n]
        if helper.mine(task):
            built.append(task)
            time.sleep(0.0005)
        else:
            assert (tmp_path / f"{task}.helper").exists()
    done = helper.finish()["helper_essai"]
    helped = {int(p.stem) for p in tmp_path.glob("*.helper")}
    assert helped.isdisjoint(built) and helped | set(built) == set(range(count)) and done == len(helped) > 0 < len(built)
