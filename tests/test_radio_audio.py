"""A voice for every radio item and a bulletin a day: readings by espeak-ng (or a Piper voice), exact
enclosures, the cache, the recording winning, chapters in the bulletin, and the radio feeds' channel rules."""

from __future__ import annotations

import json
import re
import shutil
import stat
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import mutagen
import pytest
from lxml import etree
from mutagen.id3 import ID3

from cchc.site.build import build_into, build_site
from cchc.content.dates import vietnam_time
from cchc.radio.script import bulletins
from cchc.radio.voice import frame_count, strip_id3

from conftest import ROOT, SAMPLE_NOW

ITUNES = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"
SITE = "https://cchc.example.gov.vn/"


def local(site: Path, url: str) -> Path:
    return site / urlsplit(url).path.lstrip("/")


def radio_settings(project, text: str) -> None:
    """Replace mkdocs.yml's `radio:` block under extra: with `text` (indented as written)."""
    config = (project.root / "mkdocs.yml").read_text(encoding="utf-8")
    start = config.index("  radio:")
    end = config.index("  generator: false")
    (project.root / "mkdocs.yml").write_text(config[:start] + text + config[end:], encoding="utf-8")


def recording(project, name: str) -> str:
    target = project.root / "docs" / "media" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "docs/media/2023/hai-hau-phat-thanh-dich-vu-cong.mp3", target)
    return f"media/{name}"


# -- the sample's radio feed ----------------------------------------------------------------------

def test_every_radio_item_has_audio_the_recording_if_any_else_an_exact_marked_reading(sample):
    site, corpus = sample
    channel = etree.parse(str(site / "phat-thanh/rss.xml")).getroot().find("channel")
    by_url = {SITE + i.url: i for i in corpus.items}
    items = channel.findall("item")
    assert len(items) == 50
    synthetic = 0
    for entry in items:
        item, enclosure = by_url[entry.findtext("link")], entry.find("enclosure")
        assert enclosure is not None, item.slug  # every episode can be played
        file = local(site, enclosure.get("url"))
        assert int(enclosure.get("length")) == file.stat().st_size and enclosure.get("type") == "audio/mpeg"
        duration = int(entry.findtext(f"{ITUNES}duration"))
        assert abs(duration - mutagen.File(file).info.length) <= 0.5
        marked = "Bản đọc tự động" in [c.text for c in entry.findall("category")]
        if item.audio:  # a recording always wins
            assert enclosure.get("url") == SITE + item.audio and not marked
        else:
            synthetic += 1
            assert marked and entry.findtext("description").endswith("(Bản đọc tự động.)")
            assert enclosure.get("url").startswith(SITE + item.url + "ban-doc-")
            tags = ID3(file)
            assert str(tags["COMM::vie"]) == "Bản đọc tự động" and str(tags["TIT2"]) == item.title
            assert duration >= 3  # a title and a lead take seconds to read, not nothing
    assert synthetic >= 45


def test_an_item_page_offers_its_reading_marked_as_automatic_and_a_recording_stays_the_only_player(sample):
    site, corpus = sample
    published = corpus.published(vietnam_time(datetime.fromisoformat(SAMPLE_NOW)))
    read = next(i for i in published[:50] if not i.audio)
    page = (site / read.url / "index.html").read_text(encoding="utf-8")
    mp3 = next(p.name for p in (site / read.url).glob("ban-doc-*.mp3"))
    assert f'<audio controls preload="none" src="{mp3}"></audio>' in page
    assert "bản đọc tự động" in page and "Bản đọc tự động bằng giọng máy" in page
    recorded = next(i for i in published[:50] if i.audio)
    page = (site / recorded.url / "index.html").read_text(encoding="utf-8")
    assert page.count("<audio") == 1 and "bản đọc tự động" not in page
    assert not list((site / recorded.url).glob("ban-doc-*.mp3"))


def test_radio_feeds_name_their_owner_and_pages_about_radio_announce_them(sample):
    site, _ = sample
    for feed in ("phat-thanh/rss.xml", "phat-thanh/ban-tin/rss.xml"):
        owner = etree.parse(str(site / feed)).getroot().find(f"channel/{ITUNES}owner")
        assert owner.findtext(f"{ITUNES}name") == "Văn phòng Ủy ban nhân dân (mẫu)"
        assert owner.findtext(f"{ITUNES}email") == "phatthanh@example.gov.vn"
    for page in ("rss/index.html", "phat-thanh/index.html"):
        head = (site / page).read_text(encoding="utf-8").split("</head>")[0]
        for name in ("bản tin phát thanh (RSS)", "bản tin ghép (RSS)"):
            assert f'<link rel="alternate feed" type="application/rss+xml" title="Chuyên mục Cải cách hành chính — {name}"' in head
    home = (site / "index.html").read_text(encoding="utf-8").split("</head>")[0]
    assert "phat-thanh/rss.xml" not in home  # only where a station looks for it


def test_a_feed_without_items_keeps_its_date_from_build_to_build(project, monkeypatch):
    project.item("mot-tin", unit="hai-hau")
    site = project.root / "site"
    assert build_site(project.root, site).ok
    empty = "don-vi/ninh-thuan/rss.xml"
    first = (site / empty).read_bytes()
    assert b"<lastBuildDate>Mon, 01 Jan 2024 00:00:00 +0700</lastBuildDate>" in first  # the year of feed_id
    monkeypatch.setenv("CCHC_NOW", "2024-09-01 10:00")
    assert build_site(project.root, site).ok
    assert (site / empty).read_bytes() == first


# -- readings: the cache, determinism ------------------------------------------------------------

def test_an_unchanged_item_is_never_read_twice_and_an_edit_reads_only_that_item(project, tmp_path, monkeypatch):
    monkeypatch.setenv("CCHC_AUDIO_CACHE", str(tmp_path / "cache"))
    for n in range(3):
        project.item(f"tin-{n}", date=f"1{n}/03/2024 08:30", title=f"Tin số {n} về thủ tục hành chính")
    result, config = build_into(project.root, tmp_path / "a")
    assert result.ok
    timings = config.plugins["cchc"].timings
    # 3 items on 3 days: 3 readings, 3 bulletins' openings (each names its day), 1 closing said by all
    assert (timings["readings_made"], timings["readings_cached"]) == (7, 0)
    result, config = build_into(project.root, tmp_path / "b")
    timings = config.plugins["cchc"].timings
    assert (timings["readings_made"], timings["readings_cached"]) == (0, 7)  # warm: 100 % from the cache
    a, b = sorted((tmp_path / "a").rglob("*.mp3")), sorted((tmp_path / "b").rglob("*.mp3"))
    assert [p.relative_to(tmp_path / "a") for p in a] == [p.relative_to(tmp_path / "b") for p in b]
    assert all(x.read_bytes() == y.read_bytes() for x, y in zip(a, b))  # byte for byte, made or cached
    path = project.root / "docs/tin-tuc/tin-1.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Nội dung bài viết.", "Nội dung đã sửa."), encoding="utf-8")
    result, config = build_into(project.root, tmp_path / "c")
    timings = config.plugins["cchc"].timings
    assert (timings["readings_made"], timings["readings_cached"]) == (1, 6)


def test_an_items_reading_is_made_once_a_build_and_the_radio_feed_carries_the_script_that_was_read(
        project, tmp_path, monkeypatch):
    """radio/broadcast.py reading(): the script synthesised while pages are built is the one the radio feed's entry
    prints, made once per item and HTML (3 ms an item, at the build's end otherwise); an edited text gets a new one."""
    import cchc.radio.broadcast as broadcast

    monkeypatch.setenv("CCHC_AUDIO_CACHE", str(tmp_path / "cache"))
    made: list[str] = []
    real = broadcast.reading
    monkeypatch.setattr(broadcast, "reading", lambda item, html, glossary: made.append(item.url) or real(item, html, glossary))
    for n in range(3):
        project.item(f"tin-{n}", date=f"1{n}/03/2024 08:30", title=f"Tin số {n} về thủ tục hành chính")
    result, config = build_into(project.root, tmp_path / "a")
    assert result.ok and sorted(made) == sorted(set(made)) and len(made) == 3  # once each, for read() and the feed
    feed = etree.parse(str(tmp_path / "a" / "phat-thanh" / "rss.xml"))
    scripts = {urlsplit(i.findtext("link")).path.strip("/") + "/":
               i.findtext("{http://purl.org/rss/1.0/modules/content/}encoded") for i in feed.iter("item")}
    plugin = config.plugins["cchc"]
    for url in made:
        read = plugin.radio.broadcast.reading(next(i for i in plugin.corpus.items if i.url == url), plugin.page_html.get(url))
        assert scripts[url] == "".join(f"<p>{p}</p>" for p in (read.title, *read.paragraphs))
    assert len(made) == 3  # asked again with the same item and HTML: kept
    item = next(i for i in plugin.corpus.items if i.url == made[0])
    assert "Thêm." in plugin.radio.broadcast.reading(item, str(plugin.page_html.get(item.url)) + "<p>Thêm.</p>").paragraphs
    assert len(made) == 4


def test_published_mp3s_are_kept_finished_and_linked_and_the_cache_keeps_only_what_the_last_build_published(
        project, tmp_path, monkeypatch):
    """A bulletin or reading published again is a hard link to the finished file in the audio cache (megabytes a
    day, not written at every build), byte for byte what writing it made; its seconds come back exact; an
    unreadable list of seconds only makes them again; finished files no build publishes any more are removed."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("CCHC_AUDIO_CACHE", str(cache))
    for n in range(2):
        project.item(f"tin-{n}", date=f"1{n}/03/2024 08:30", title=f"Tin số {n} về thủ tục hành chính")

    def build(name):
        assert build_site(project.root, tmp_path / name).ok
        site = tmp_path / name
        feeds = (site / "phat-thanh/rss.xml").read_bytes() + (site / "phat-thanh/ban-tin/rss.xml").read_bytes()
        return {p.relative_to(site): p for p in site.rglob("*.mp3")}, feeds

    first, first_feeds = build("a")
    finished = {p.stat().st_ino: p for p in (cache / "published").rglob("*.mp3")}
    assert len(first) == 4 and len(finished) == 4  # two readings, two bulletins
    second, second_feeds = build("b")
    assert second_feeds == first_feeds and sorted(second) == sorted(first)
    for rel, path in second.items():
        assert path.stat().st_ino in finished and path.read_bytes() == first[rel].read_bytes()
    (cache / "published" / "seconds.json").write_text("{không phải json", encoding="utf-8")
    third, third_feeds = build("c")
    assert third_feeds == first_feeds and all(third[rel].read_bytes() == first[rel].read_bytes() for rel in first)
    finished = {p.stat().st_ino for p in (cache / "published").rglob("*.mp3")}  # made again
    path = project.root / "docs/tin-tuc/tin-1.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Nội dung bài viết.", "Nội dung đã sửa."), encoding="utf-8")
    fourth, _ = build("d")
    kept = sorted(p.stat().st_ino for p in (cache / "published").rglob("*.mp3"))
    assert kept == sorted(p.stat().st_ino for p in fourth.values())  # the edited item's old files went
    assert len(set(kept) & set(finished)) == 2  # the unedited item's reading and bulletin stayed
    seconds = json.loads((cache / "published" / "seconds.json").read_text(encoding="utf-8"))
    assert len(seconds) == 4 and all(value > 0 for value in seconds.values())


# -- bulletins -------------------------------------------------------------------------------------

def chapters(file: Path) -> list[tuple[str, int, int]]:
    tags = ID3(file)
    toc = tags.getall("CTOC")[0]
    chaps = {c.element_id: c for c in tags.getall("CHAP")}
    return [(str(chaps[i].sub_frames["TIT2"]), chaps[i].start_time, chaps[i].end_time) for i in toc.child_element_ids]


def test_a_days_items_become_one_bulletin_with_a_chapter_each_and_the_recording_inside(project):
    project.item("sang", date="15/03/2024 07:00", title="Tin buổi sáng về UBND xã")
    project.item("trua", date="15/03/2024 11:00", title="Tin buổi trưa", audio=recording(project, "2024/trua.mp3"))
    project.item("chieu", date="15/03/2024 16:00", title="Tin buổi chiều")
    project.item("hom-truoc", date="14/03/2024 09:00", title="Tin hôm trước")
    site = project.root / "site"
    assert build_site(project.root, site).ok
    channel = etree.parse(str(site / "phat-thanh/ban-tin/rss.xml")).getroot().find("channel")
    entries = channel.findall("item")
    assert [e.findtext("title") for e in entries] == ["Bản tin ngày 15/03/2024", "Bản tin ngày 14/03/2024"]
    enclosure = entries[0].find("enclosure")
    file = local(site, enclosure.get("url"))
    assert file.parent == site / "phat-thanh/ban-tin/2024-03-15"
    assert re.fullmatch(r"ban-tin-2024-03-15-[0-9a-f]{10}\.mp3", file.name), file.name  # its content's version
    assert int(enclosure.get("length")) == file.stat().st_size
    marks = chapters(file)
    assert [m[0] for m in marks] == ["Mở đầu", "Tin buổi sáng về UBND xã", "Tin buổi trưa", "Tin buổi chiều", "Kết thúc"]
    assert all(end > start for _, start, end in marks)
    assert all(marks[n][2] == marks[n + 1][1] for n in range(len(marks) - 1))  # back to back
    total = frame_count(strip_id3(file.read_bytes())) * 576 / 22050
    assert abs(marks[-1][2] / 1000 - total) < 0.01 and abs(mutagen.File(file).info.length - total) < 0.05
    assert int(entries[0].findtext(f"{ITUNES}duration")) == round(total)
    recorded = mutagen.File(project.root / "docs/media/2024/trua.mp3").info.length
    assert abs((marks[2][2] - marks[2][1]) / 1000 - recorded) < 0.2  # the station's recording, not a reading
    page = (site / "phat-thanh/ban-tin/2024-03-15/index.html").read_text(encoding="utf-8")
    assert f'src="{file.name}"' in page and page.index("Tin buổi sáng") < page.index("Tin buổi chiều")
    radio = (site / "phat-thanh/index.html").read_text(encoding="utf-8")
    assert "Bản tin ngày 15/03/2024" in radio and "Bản tin ngày 14/03/2024" in radio


def test_weekly_bulletins_run_monday_to_sunday(project):
    radio_settings(project, "  radio:\n    bulletin: tuan\n")
    project.item("thu-hai", date="11/03/2024 08:00")
    project.item("chu-nhat", date="17/03/2024 08:00")
    project.item("tuan-sau", date="18/03/2024 08:00")
    site = project.root / "site"
    assert build_site(project.root, site).ok
    titles = [i.findtext("title") for i in etree.parse(str(site / "phat-thanh/ban-tin/rss.xml")).getroot().iter("item")]
    assert titles == ["Bản tin tuần từ 18/03/2024 đến 24/03/2024", "Bản tin tuần từ 11/03/2024 đến 17/03/2024"]
    assert len(chapters(next((site / "phat-thanh/ban-tin/2024-03-11").glob("ban-tin-2024-03-11-*.mp3")))) == 4


def test_a_bulletin_is_whole_or_left_out(project):
    for n, day in enumerate(["12/03/2024 09:00", "12/03/2024 08:00", "13/03/2024 08:00"]):
        project.item(f"tin-{n}", date=day)
    corpus, _ = project.load()
    published = corpus.published(vietnam_time(datetime(2024, 6, 30)))
    days = [b.key for b in bulletins(published[:2], published, "ngay")]
    assert days == ["2024-03-13"]  # 12/03 has an item beyond the feed's reach: no half bulletin
    assert [b.key for b in bulletins(published, published, "ngay")] == ["2024-03-13", "2024-03-12"]


# -- settings --------------------------------------------------------------------------------------

def test_without_the_speech_programs_the_build_says_how_to_install_them(project, tmp_path, monkeypatch):
    project.item("mot-tin")
    bare = tmp_path / "bin"
    bare.mkdir()
    monkeypatch.setenv("PATH", str(bare))
    result = build_site(project.root, project.root / "site")
    assert not result.ok
    message = "\n".join(result.messages)
    assert "espeak-ng" in message and "lame" in message and "make voice" in message and "voice: tắt" in message
    assert "Traceback" not in message


def test_readings_can_be_turned_off_and_recordings_still_play(project):
    radio_settings(project, "  radio:\n    voice: tắt\n")
    project.item("co-ghi-am", audio=recording(project, "2024/a.mp3"))
    project.item("khong-ghi-am", date="16/03/2024 08:00")
    site = project.root / "site"
    assert build_site(project.root, site).ok
    assert not (site / "phat-thanh/ban-tin/rss.xml").exists()
    enclosures = [e.get("url") for e in etree.parse(str(site / "phat-thanh/rss.xml")).getroot().iter("enclosure")]
    assert enclosures == [SITE + "media/2024/a.mp3"]
    assert "Bản đọc tự động đang tắt" in (site / "phat-thanh/index.html").read_text(encoding="utf-8")


def test_a_piper_voice_on_disk_reads_instead_of_espeak(project, tmp_path):
    """Piper's command line as documented (`--model`, `--output_file`, text on standard input); the stand-in
    program speaks with espeak-ng so that the WAV it writes is real."""
    model = tmp_path / "vi_VN-giong-tinh.onnx"
    model.write_bytes(b"onnx")
    log = tmp_path / "piper.log"
    piper = tmp_path / "piper"
    piper.write_text(f'#!/bin/sh\necho "$@" >> {log}\nwhile [ $# -gt 0 ]; do [ "$1" = --output_file ] && out=$2; shift; done\n'
                     'exec espeak-ng -v vi -w "$out"\n', encoding="utf-8")
    piper.chmod(piper.stat().st_mode | stat.S_IEXEC)
    radio_settings(project, f"  radio:\n    piper:\n      model: {model}\n      command: {piper}\n")
    project.item("mot-tin")
    site = project.root / "site"
    result = build_site(project.root, site)
    assert result.ok, result.messages
    assert f"--model {model} --output_file" in log.read_text(encoding="utf-8")
    reading = next((site / "tin-tuc/mot-tin").glob("ban-doc-*.mp3"))
    assert mutagen.File(reading).info.length > 1


def test_radio_settings_mistakes_are_named_with_their_line(project):
    radio_settings(project, "  radio:\n    owner:\n      name: Đài xã\n      email: khong-phai-thu\n"
                            "    voice: giong-la\n    bulletin: thang\n    speed: 999\n    piper:\n      model: khong-co.onnx\n")
    _, problems = project.load()
    text = problems.report()
    line = lambda key: next(n for n, l in enumerate((project.root / "mkdocs.yml").read_text(encoding="utf-8").splitlines(), 1)
                            if l.strip().startswith(key))
    for key, words in [("email:", 'thư điện tử "khong-phai-thu" không hợp lệ'), ("bulletin:", 'kiểu bản tin "thang"'),
                       ("speed:", 'tốc độ đọc "999"'), ("model:", 'không thấy tệp giọng đọc "khong-co.onnx"')]:
        assert f"mkdocs.yml:{line(key)}: " in text and words in text, (key, text)


def test_the_owner_named_in_settings_reaches_podcast_apps_as_text(project):
    radio_settings(project, '  radio:\n    owner:\n      name: "Đài <script>alert(1)</script> & xã"\n'
                            '      email: dai@xa.gov.vn\n')
    project.item("mot-tin")
    site = project.root / "site"
    assert build_site(project.root, site).ok
    raw = (site / "phat-thanh/rss.xml").read_text(encoding="utf-8")
    assert "<script>" not in raw
    owner = etree.fromstring(raw.encode()).find(f"channel/{ITUNES}owner")
    assert owner.findtext(f"{ITUNES}name") == "Đài <script>alert(1)</script> & xã"


# -- recordings that cannot go on air; readings of bounded length ---------------------------------

def _silence(seconds: float) -> bytes:
    """An MP3 of zeros (MPEG-1 Layer III, 32 kbit/s, 44.1 kHz, mono): what the sample's placeholders were."""
    frame = bytes([0xFF, 0xFB, 0x10, 0xC0]) + bytes(100)
    return frame * round(seconds * 44100 / 1152)


LONG_BODY = " ".join(["Ủy ban nhân dân xã tiếp tục đẩy mạnh cải cách thủ tục hành chính."] * 40)  # 480 words


@pytest.mark.parametrize("name, data, body, words", [
    ("im-lang.mp3", _silence(20), "Nội dung.", "im lặng"),
    ("hong.mp3", b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"\x00" * 4000, "Nội dung.", "không giải mã được"),
    ("ngan.mp3", None, LONG_BODY, "quá ngắn so với bài"),
])
def test_a_recording_that_cannot_go_on_air_is_a_warning_naming_the_file_and_line(project, name, data, body, words):
    target = project.root / "docs" / "media" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    if data is None:  # real speech, 25 s, for a text that takes over three minutes to read
        shutil.copy(ROOT / "docs/media/2024/ninh-thuan-ban-tin-cchc.mp3", target)
    else:
        target.write_bytes(data)
    project.item("ghi-am", audio=f"media/{name}", body=body)
    _, problems = project.load()
    found = [str(p) for p in problems.warnings if p.path == "docs/tin-tuc/ghi-am.md"]
    assert len(found) == 1 and found[0].startswith("docs/tin-tuc/ghi-am.md:7: [cảnh báo]") and words in found[0], found
    assert not build_site(project.root, project.root / "site").ok  # strict: it does not go on air


def test_a_replaced_recording_is_checked_again_and_the_samples_recordings_are_speech(project):
    target = project.root / "docs" / "media" / "ban-tin.mp3"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(_silence(20))
    project.item("ghi-am", audio="media/ban-tin.mp3")
    assert any("im lặng" in p.message for p in project.load()[1].warnings)
    shutil.copy(ROOT / "docs/media/2024/ninh-thuan-ban-tin-cchc.mp3", target)  # the cache must not keep the old verdict
    assert not project.load()[1].warnings
    from cchc.content.recordings import average_dbfs
    for sample in sorted((ROOT / "docs" / "media").rglob("*.mp3")):
        assert average_dbfs(sample) > -30, sample  # speech, not the silence they once were
        assert "giọng máy" in str(ID3(sample).getall("COMM")[0])  # marked as made by our voice


def test_a_very_long_item_is_read_up_to_the_limit_and_validate_says_so(project, monkeypatch):
    """A reading stops after READING_WORDS written words with an invitation to read on; validate says it (a note,
    never a block)."""
    from cchc.content.model import READING_WORDS
    from cchc.radio.script import INVITATION, radio_text

    paragraphs = "\n\n".join(f"Đoạn {n}: cán bộ một cửa hướng dẫn người dân nộp hồ sơ trực tuyến tại nhà." for n in range(600))
    project.item("rat-dai", body=paragraphs)
    _, problems = project.load()
    notes = [str(p) for p in problems.items if p.level == "lưu ý"]
    assert len(notes) == 1 and "chỉ đọc 2.000 chữ đầu" in notes[0] and not problems.errors and not problems.warnings
    import markdown
    said = radio_text("", markdown.markdown(paragraphs), {})
    assert said[-1] == INVITATION and READING_WORDS - 20 < len(" ".join(said[:-1]).split()) <= READING_WORDS
    from cchc.cli import main
    assert main(["--root", str(project.root), "validate"]) == 0  # a note does not fail validate


def test_a_huge_item_builds_with_bounded_memory_and_a_reading_of_bounded_length(project):
    """100,000 lines within the 2 MB limit (once: 9 minutes of synthesis, then MemoryError): the build succeeds,
    says the reading is cut, its MP3 stays under 15 minutes, and the whole build's peak memory stays small."""
    import subprocess
    import sys

    project.item("rat-dai", body="\n".join(f"Câu {n}." for n in range(100_000)))
    script = ("import resource, sys\nfrom pathlib import Path\nfrom cchc.site.build import build_site\n"
              f"r = build_site(Path({str(project.root)!r}), Path({str(project.root / 'site')!r}))\n"
              "print(r.ok, max(resource.getrusage(k).ru_maxrss for k in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)))\n"
              "print('\\n'.join(r.messages))\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=600, check=True)
    ok, peak_kb = done.stdout.split("\n", 1)[0].split()
    assert ok == "True" and "chỉ đọc 2.000 chữ đầu" in done.stdout, done.stdout + done.stderr
    assert int(peak_kb) < 600 * 1024, f"peak {int(peak_kb) // 1024} MB"
    reading = next((project.root / "site" / "tin-tuc" / "rat-dai").glob("ban-doc-*.mp3"))
    assert 60 < mutagen.File(reading).info.length < 15 * 60



# -- episodes that never change under a listener ---------------------------------------------------

def enclosures(site: Path, feed: str) -> dict[str, str]:
    """GUID -> enclosure URL of a feed."""
    channel = etree.parse(str(site / feed)).getroot().find("channel")
    return {i.findtext("guid"): i.find("enclosure").get("url") for i in channel.iter("item") if i.find("enclosure") is not None}


def test_an_edit_gives_the_bulletin_a_new_audio_url_and_old_audio_stays_thirty_days(project, monkeypatch):
    project.item("sang", date="15/03/2024 07:00", title="Tin buổi sáng")
    project.item("chieu", date="15/03/2024 16:00", title="Tin buổi chiều")
    site = project.root / "site"
    assert build_site(project.root, site).ok
    before = enclosures(site, "phat-thanh/ban-tin/rss.xml")
    readings = enclosures(site, "phat-thanh/rss.xml")
    old_audio = {url: (local(site, url).read_bytes(), local(site, url).stat().st_mtime_ns)
                 for url in [*before.values(), *readings.values()]}
    path = project.root / "docs/tin-tuc/chieu.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Nội dung bài viết.", "Nội dung đã sửa sau khi phát."),
                    encoding="utf-8")
    monkeypatch.setenv("CCHC_NOW", "2024-07-01 08:00")
    assert build_site(project.root, site).ok
    after = enclosures(site, "phat-thanh/ban-tin/rss.xml")
    assert after.keys() == before.keys()  # the day's GUID stays
    assert all(after[g] != before[g] for g in before)  # a new programme, at a new URL
    changed = enclosures(site, "phat-thanh/rss.xml")
    assert [g for g in readings if changed[g] != readings[g]] == [g for g in readings if g.endswith("chieu/")]
    for url, (data, mtime) in old_audio.items():  # every URL a client holds still answers with the same file
        assert local(site, url).read_bytes() == data and local(site, url).stat().st_mtime_ns == mtime, url
    ledger = json.loads((site / "phat-thanh/am-thanh-cu.json").read_text(encoding="utf-8"))
    assert set(ledger.values()) == {"2024-07-01"} and len(ledger) == 2  # the old bulletin and the old reading
    monkeypatch.setenv("CCHC_NOW", "2024-07-30 08:00")  # 29 days on: still there
    assert build_site(project.root, site).ok
    assert all(local(site, url).is_file() for url in old_audio)
    monkeypatch.setenv("CCHC_NOW", "2024-07-31 08:00")  # 30 days after they left: gone
    assert build_site(project.root, site).ok
    current = {*after.values(), *changed.values()}
    assert [url for url in old_audio if local(site, url).is_file()] == [url for url in old_audio if url in current]
    assert len(current & set(old_audio)) == 1  # the unchanged item's reading
    assert not (site / "phat-thanh/am-thanh-cu.json").exists()


def test_a_feed_keeps_its_file_until_its_content_changes_then_dates_the_change(project, monkeypatch):
    project.item("mot", date="15/03/2024 07:00", unit="hai-hau")
    project.item("hai", date="16/03/2024 07:00", unit="ninh-thuan", topics="[mot-cua]")
    site = project.root / "site"
    assert build_site(project.root, site).ok
    feeds = {p.relative_to(site): (p.read_bytes(), p.stat().st_mtime_ns) for p in site.rglob("*.xml")
             if p.name in ("rss.xml", "atom.xml")}
    monkeypatch.setenv("CCHC_NOW", "2024-08-01 09:30")
    assert build_site(project.root, site).ok  # nothing changed: every feed is the very file readers have
    assert {p: ((site / p).read_bytes(), (site / p).stat().st_mtime_ns) for p in feeds} == feeds
    path = project.root / "docs/tin-tuc/mot.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Nội dung bài viết.", "Nội dung đã sửa."), encoding="utf-8")
    monkeypatch.setenv("CCHC_NOW", "2024-08-02 10:00")
    assert build_site(project.root, site).ok
    changed = {p for p in feeds if (site / p).read_bytes() != feeds[p][0]}
    assert Path("rss.xml") in changed and Path("don-vi/hai-hau/rss.xml") in changed
    assert Path("don-vi/ninh-thuan/rss.xml") not in changed  # an edit elsewhere leaves it as it was
    rss = (site / "rss.xml").read_text(encoding="utf-8")
    assert "<lastBuildDate>Fri, 02 Aug 2024 10:00:00 +0700</lastBuildDate>" in rss  # when it changed, not an item date
    assert "<updated>2024-08-02T10:00:00+07:00</updated>" in (site / "atom.xml").read_text(encoding="utf-8")


def test_the_radio_cover_is_drawn_with_the_portals_name_at_a_size_podcast_apps_take(sample, project):
    from PIL import Image

    site, _ = sample
    channel = etree.parse(str(site / "phat-thanh/rss.xml")).getroot().find("channel")
    url = channel.find(f"{ITUNES}image").get("href")
    assert url == SITE + "phat-thanh/bia.png" and channel.findtext("image/url") == url
    cover = Image.open(local(site, url))
    assert cover.format == "PNG" and cover.size == (1400, 1400)  # Apple: 1400–3000 px, square
    assert len(cover.getcolors(maxcolors=100_000)) > 50  # text drawn (anti-aliased), not a plain square
    project.item("mot", unit="hai-hau")
    config = (project.root / "mkdocs.yml").read_text(encoding="utf-8")
    (project.root / "mkdocs.yml").write_text(re.sub(r"^site_name: .*$", "site_name: Chuyên mục CCHC xã Sơn Kim 1",
                                                    config, count=1, flags=re.M), encoding="utf-8")
    assert build_site(project.root, project.root / "site").ok
    assert (project.root / "site/phat-thanh/bia.png").read_bytes() != local(site, url).read_bytes()
