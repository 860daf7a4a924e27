"""`cchc gop-cong` at a province's size: a 3,000-item portal under a sub-path, with drafts, future items, relative
pictures in bodies (one whose path is taken here by other bytes) and GUIDs of its own, merged into the sample —
killed while copying, then killed while moving in; what the next command finds is untouched, then wholly merged;
the merged site builds, every old address answers one redirect on nginx and Apache, the old feeds keep their
items."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, SAMPLE_NOW, copy_sample
from test_merge import NEW_SITE, OLD_FEED_ID, built, files, gop, guids, old_server  # noqa: F401 (a fixture)
from test_nginx import get

sys.path.insert(0, str(ROOT / "scripts"))
from make_corpus import write_corpus  # noqa: E402

OLD_SITE = "https://travinh.example.gov.vn/cchc/"
SIZE = 3000


def other_portal(folder: Path) -> Path:
    """make_corpus's project turned into another portal."""
    write_corpus(SIZE, folder)
    for plan in (folder / "plans").glob("*.md"):
        plan.unlink()  # the same plans as ours: a clash the merge refuses
    config = (folder / "mkdocs.yml").read_text(encoding="utf-8")
    config = re.sub(r"^site_url: .*$", f'site_url: "{OLD_SITE}"', config, count=1, flags=re.M)
    config = re.sub(r'feed_id: "[^"]*"', f"feed_id: '{OLD_FEED_ID}'", config)
    (folder / "mkdocs.yml").write_text(config, encoding="utf-8")
    (folder / "docs" / "anh" / "2024" / "trung-tam-hcc-ninh-thuan.svg").write_text(  # other bytes, same path
        '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" fill="#0a0"/></svg>',
        encoding="utf-8")
    for n, item in enumerate(sorted((folder / "docs" / "tin-tuc").rglob("*.md"))):
        front, body = item.read_text(encoding="utf-8").split("\n---\n", 1)
        front = re.sub(r"^audio: .*\n?", "", front, flags=re.M)  # the generator's short sample recordings
        if n % 100 == 1:
            front += "\ndraft: true"
        if n % 100 == 2:
            front = re.sub(r"^date: \S+", "date: 15/03/2027", front, flags=re.M)
            front = re.sub(r"^unit: \S+", "unit: so-noi-vu-vinh-long", front, flags=re.M)
        if n % 10 == 3:
            body += "\n![Sơ đồ khu tiếp nhận](../../anh/2024/trung-tam-hcc-ninh-thuan.svg)\n"
        if n % 30 == 4:
            front += f"\nguid: tag:cu.example.gov.vn,2015:tin-tuc/{item.stem}/"
        item.write_text(front + "\n---\n" + body, encoding="utf-8")
    return folder


def validate(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cchc.cli", "--root", str(root), "--now", SAMPLE_NOW, "validate"],
                          capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def merged(tmp_path_factory):
    """Named as test_merge's fixture, so its `old_server` (nginx and Apache with the map) serves this merge."""
    tmp = tmp_path_factory.mktemp("gop-lon")
    ours, theirs = copy_sample(tmp / "vinh-long"), other_portal(tmp / "tra-vinh")
    assert gop(ours, theirs).returncode == 1  # the unit mapping (the same vocabulary: every unit is itself)
    before = files(ours)
    killed = gop(ours, theirs, CCHC_GOP_CONG_DUNG="chep-docs")
    assert killed.returncode == -9
    after = validate(ours)
    assert "dự án giữ nguyên như trước" in after.stderr and files(ours) == before and not (ours / ".gop-cong").exists()
    killed = gop(ours, theirs, CCHC_GOP_CONG_DUNG="chuyen-5")
    assert killed.returncode == -9, killed.stderr
    after = validate(ours)
    assert "cổng đã gộp trọn vẹn" in after.stderr and after.returncode == 0, after.stderr
    assert not (ours / ".gop-cong").exists()
    ledger = yaml.safe_load((ours / "plans" / "cong-cu" / "tra-vinh.yml").read_text(encoding="utf-8"))

    class Result:
        pass
    result = Result()
    result.ours, result.theirs, result.ledger = ours, theirs, ledger
    result.after = built(ours, tmp / "sau")
    return result


def test_a_killed_merge_of_3000_items_is_finished_by_the_next_command_and_builds(merged):
    from cchc.content.loader import load_corpus
    corpus, problems = load_corpus(merged.ours)
    assert not problems.errors and not problems.warnings
    mine = [i for i in corpus.items if i.merged_from == "tra-vinh"]
    assert len(mine) == SIZE and sum(i.draft for i in mine) == SIZE // 100
    assert merged.ledger["tep_chuyen"] == {"anh/2024/trung-tam-hcc-ninh-thuan.svg": "anh/tra-vinh/2024/trung-tam-hcc-ninh-thuan.svg"}
    with_picture = [i for i in mine if "trung-tam-hcc-ninh-thuan.svg" in i.body]
    assert len(with_picture) == SIZE // 10
    assert all("](../../../anh/tra-vinh/2024/trung-tam-hcc-ninh-thuan.svg)" in i.body for i in with_picture)
    kept = [i for i in mine if i.guid.startswith("tag:cu.example.gov.vn,2015:")]
    assert len(kept) == SIZE // 30  # GUIDs the old portal already carried stay theirs
    site_feed = guids(merged.after / "cong-cu" / "tra-vinh" / "rss.xml")
    published = sorted((i for i in mine if not i.draft and i.date.year < 2027), key=lambda i: (i.date, i.slug), reverse=True)
    assert site_feed == [i.guid for i in published[:50]]
    assert not set(site_feed) & set(guids(merged.after / "rss.xml"))  # this portal's readers get none of them


def test_every_old_address_of_3000_items_answers_one_redirect_to_a_page_that_exists(merged, old_server):  # noqa: F811
    table = {("" if k == "/" else k): ("" if v == "/" else v) for k, v in merged.ledger["dia_chi"].items()}
    assert len(table) > SIZE
    for old, new in table.items():
        target = merged.after / new
        assert (target / "index.html").is_file() if new.endswith("/") or not new else target.is_file(), (old, new)
        forms = [old] if old and not old.endswith("/") else [old, old + "index.html"] + ([old.rstrip("/")] if old else [])
        for form in forms:
            status, headers, _ = get(old_server, "/cchc/" + form)
            assert (status, headers.get("location")) == (301, NEW_SITE + new), form
