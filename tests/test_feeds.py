"""Feeds for the public and for radio stations: each rule of RSS 2.0, the RSS Best Practices Profile,
RFC 4287 (Atom) and Apple's podcast requirements is a named test, on the real built feeds."""

from __future__ import annotations

import re
import unicodedata
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import lxml.html
import pytest
from lxml import etree

from cchc.site.build import build_site
from cchc.site.feeds import absolute_links
from cchc.radio.script import radio_text

ATOM = "{http://www.w3.org/2005/Atom}"
ITUNES = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
SITE = "https://cchc.example.gov.vn/"


def rss_files(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("rss.xml"))


def parse(path: Path) -> etree._Element:
    return etree.parse(str(path)).getroot()


@pytest.fixture(scope="module")
def feeds(sample):
    site, corpus = sample
    return site, corpus, {p.relative_to(site).as_posix(): parse(p) for p in [*rss_files(site), site / "atom.xml"]}


def test_every_feed_is_published_where_promised(feeds):
    site, corpus, parsed = feeds
    expected = {"rss.xml", "atom.xml", "phat-thanh/rss.xml", "phat-thanh/ban-tin/rss.xml"}
    expected |= {f"chu-de/{slug}/rss.xml" for slug in corpus.topics}
    expected |= {f"don-vi/{slug}/rss.xml" for slug in corpus.units}
    assert set(parsed) == expected


def test_every_feed_parses_without_bozo_in_feedparser(feeds):
    site, _, parsed = feeds
    for name in parsed:
        result = feedparser.parse((site / name).read_bytes())
        assert not result.bozo, (name, result.get("bozo_exception"))


def test_rss_channel_has_the_required_title_link_and_description(feeds):
    for name, root in feeds[2].items():
        if root.tag == "rss":
            channel = root.find("channel")
            assert root.get("version") == "2.0"
            for tag in ("title", "link", "description"):
                assert (channel.findtext(tag) or "").strip(), (name, tag)
            assert channel.findtext("language") == "vi"
            assert channel.find(f"{ATOM}link[@rel='self']").get("href") == SITE + name


def test_rss_items_have_title_link_guid_and_an_rfc822_date_in_vietnam_time(feeds):
    for name, root in feeds[2].items():
        for item in root.iter("item"):
            assert item.findtext("title") and item.findtext("link").startswith(SITE)
            date = item.findtext("pubDate")
            assert parsedate_to_datetime(date).utcoffset().total_seconds() == 7 * 3600, date
            assert date.endswith("+0700")


def test_a_non_url_guid_says_it_is_not_a_permalink_and_guids_are_unique(feeds):
    for name, root in feeds[2].items():
        guids = [g for g in root.iter("guid")]
        assert len({g.text for g in guids}) == len(guids), name
        for guid in guids:  # an item's path, or a bulletin's
            assert guid.text.startswith("tag:cchc.example.gov.vn,2024:" + ("phat-thanh/ban-tin/" if "ban-tin" in name else "tin-tuc/"))
            assert guid.get("isPermaLink") == "false"


def test_every_url_in_the_feeds_is_absolute(feeds):
    for name, root in feeds[2].items():
        for element in root.iter("link", "url", f"{ATOM}link", "enclosure"):
            url = element.get("href") or element.get("url") or element.text
            assert urlsplit(url).scheme == "https", (name, url)
        for content in root.iter(CONTENT, f"{ATOM}content"):
            body = etree.fromstring(f"<div>{content.text}</div>", etree.HTMLParser())
            for element in body.iter():
                for attr in ("href", "src"):
                    if element.get(attr):
                        assert urlsplit(element.get(attr)).scheme in ("https", "mailto", "tel"), element.get(attr)


def test_atom_feed_and_entries_have_id_title_updated_and_author(feeds):
    root = feeds[2]["atom.xml"]
    assert root.tag == f"{ATOM}feed"
    for tag in ("id", "title", "updated"):
        assert root.findtext(f"{ATOM}{tag}")
    assert root.find(f"{ATOM}author/{ATOM}name").text
    ids = [e.findtext(f"{ATOM}id") for e in root.iter(f"{ATOM}entry")]
    assert len(ids) == len(set(ids)) == 50
    for entry in root.iter(f"{ATOM}entry"):
        assert entry.findtext(f"{ATOM}title") and entry.findtext(f"{ATOM}updated")
        assert entry.find(f"{ATOM}author/{ATOM}name").text
        alternate = entry.find(f"{ATOM}link[@rel='alternate']")
        assert alternate.get("type") == "text/html" and alternate.get("href").startswith(SITE + "tin-tuc/")


def test_atom_enclosures_keep_rel_type_and_length_despite_feedgen_issue_135(feeds):
    site, corpus, parsed = feeds
    with_audio = [e for e in parsed["atom.xml"].iter(f"{ATOM}entry") if e.find(f"{ATOM}link[@rel='enclosure']") is not None]
    assert with_audio
    for entry in with_audio:
        link = entry.find(f"{ATOM}link[@rel='enclosure']")
        path = site / urlsplit(link.get("href")).path.lstrip("/")
        assert link.get("type") == "audio/mpeg" and int(link.get("length")) == path.stat().st_size > 0


def test_rss_enclosures_carry_the_real_byte_length_never_none(feeds):
    site, _, parsed = feeds
    enclosures = list(parsed["phat-thanh/rss.xml"].iter("enclosure"))
    assert len(enclosures) >= 3
    for enclosure in enclosures:
        assert enclosure.get("length") != "None"
        path = site / urlsplit(enclosure.get("url")).path.lstrip("/")
        assert int(enclosure.get("length")) == path.stat().st_size and enclosure.get("type") == "audio/mpeg"


def test_radio_feed_meets_apples_podcast_channel_rules(feeds):
    channel = feeds[2]["phat-thanh/rss.xml"].find("channel")
    assert channel.findtext("title") and channel.findtext("description") and channel.findtext("language") == "vi"
    assert channel.find(f"{ITUNES}image").get("href").endswith(".png")
    assert channel.find(f"{ITUNES}category").get("text") == "Government"
    assert channel.findtext(f"{ITUNES}explicit") == "false"  # feedgen only writes yes/no/clean


def test_radio_episodes_have_guid_duration_in_seconds_and_explicit_false(feeds):
    for item in feeds[2]["phat-thanh/rss.xml"].iter("item"):
        assert item.findtext(f"{ITUNES}explicit") == "false"
        if item.find("enclosure") is not None:
            assert item.findtext("guid")
            assert item.findtext(f"{ITUNES}duration").isdigit() and int(item.findtext(f"{ITUNES}duration")) >= 5


def test_radio_items_carry_plain_paragraphs_with_abbreviations_spelled_out(feeds):
    for item in feeds[2]["phat-thanh/rss.xml"].iter("item"):
        body = etree.fromstring(f"<div>{item.findtext(CONTENT)}</div>")
        assert {e.tag for e in body.iter()} <= {"div", "p"}
    items = list(feeds[2]["phat-thanh/rss.xml"].iter("item"))
    assert any("Ủy ban nhân dân" in (i.findtext(CONTENT) or "") for i in items)
    for item in items:  # the script is said in full at every use; the title stays as written for podcast apps
        script = item.findtext(CONTENT) or ""
        assert not re.search(r"\b(UBND|CCHC|TTHC|HĐND)\b", script), script[:300]
        assert not re.search(r"\d", script), script[:300]
        assert script.startswith("<p>") and item.findtext("title")


@pytest.mark.parametrize("html, made", [
    ('<p><a href="../khac/">tin khác</a></p>', 'href="https://x.gov.vn/tin-tuc/khac/"'),
    ('<figure><img src="anh.png" alt="ảnh"></figure>', 'src="https://x.gov.vn/tin-tuc/a/anh.png"'),
    ('<p style="background: url(nen.png)">nền</p>', 'url(https://x.gov.vn/tin-tuc/a/nen.png)'),
    ('<blockquote cite="../nguon/">trích</blockquote>', 'cite="https://x.gov.vn/tin-tuc/nguon/"'),
    ('<p><A HREF = "/van-ban/">văn bản</A></p>', 'href="https://x.gov.vn/van-ban/"'),
    ('<p><a title="a > b" id=x href=tep.pdf>tệp</a></p>', 'href="https://x.gov.vn/tin-tuc/a/tep.pdf"'),
    ('<style>p { background: url(nen.png) }</style><p>x</p>', 'url(https://x.gov.vn/tin-tuc/a/nen.png)'),
])
def test_feed_html_has_every_relative_link_made_absolute(html, made):
    assert made in absolute_links(html, "https://x.gov.vn/tin-tuc/a/")


def test_feed_html_without_links_is_kept_as_written():
    html = "<p>Một\u00a0chỗ &amp; “ngoặc”</p><br><table><tr><td>1</td></tr></table>"
    assert absolute_links(html, "https://x.gov.vn/a/") == html
    assert absolute_links("", "https://x.gov.vn/a/") == ""


def test_radio_text_drops_tables_and_images_and_spells_out_every_use():
    html = ("<p>CCHC là nhiệm vụ trọng tâm.</p><table><tr><td>số liệu</td></tr></table>"
            "<figure><img src='a.png' alt='ảnh'></figure><ul><li>Kết quả CCHC và TTHC.</li></ul>")
    paragraphs = radio_text("Tóm tắt.", html, {"CCHC": "cải cách hành chính", "TTHC": "thủ tục hành chính"})
    assert paragraphs == ["Tóm tắt.", "Cải cách hành chính là nhiệm vụ trọng tâm.",
                          "Kết quả cải cách hành chính và thủ tục hành chính."]


def test_items_carry_categories_author_summary_and_full_html(feeds):
    site, corpus, parsed = feeds
    item = next(i for i in parsed["don-vi/son-kim-1/rss.xml"].iter("item") if "bo-phan-mot-cua-son-kim-1" in i.findtext("link"))
    assert {c.text for c in item.iter("category")} == {"Cơ chế một cửa, một cửa liên thông", "Công khai, minh bạch thủ tục hành chính"}
    assert "Xã Sơn Kim 1" in item.findtext("{http://purl.org/dc/elements/1.1/}creator")
    assert item.findtext("description").startswith("Bộ phận tiếp nhận")
    assert f'src="{SITE}anh/2021/mot-cua-son-kim.svg"' in item.findtext(CONTENT)


def test_unit_feed_includes_sub_units_and_topic_feed_includes_sub_topics(feeds):
    parsed = feeds[2]
    district = [i.findtext("link") for i in parsed["don-vi/hai-hau/rss.xml"].iter("item")]
    assert any("hai-minh-so-hoa" in link for link in district)  # a commune of the district
    pillar = [i.findtext("link") for i in parsed["chu-de/thu-tuc-hanh-chinh/rss.xml"].iter("item")]
    assert any("trung-tam-phuc-vu-hanh-chinh-cong-ninh-thuan" in link for link in pillar)  # tagged mot-cua only


def test_drafts_and_future_items_never_appear_in_any_feed(feeds):
    site, corpus, parsed = feeds
    hidden = [i.slug for i in corpus.items if not i.is_published(corpus.now)]
    assert hidden
    for path in [*rss_files(site), site / "atom.xml"]:
        text = path.read_text(encoding="utf-8")
        assert not any(slug in text for slug in hidden), path


def test_pages_link_their_feeds_for_autodiscovery(sample):
    site, _ = sample
    home = (site / "index.html").read_text(encoding="utf-8")
    feeds = lxml.html.fromstring(home).xpath("//link[contains(concat(' ', @rel, ' '), ' alternate ')]")
    assert {(link.get("type"), link.get("href")) for link in feeds} >= {("application/rss+xml", "rss.xml")}
    assert 'type="application/atom+xml"' in home and 'href="atom.xml"' in home
    topic = (site / "chu-de/mot-cua/index.html").read_text(encoding="utf-8")
    assert 'title="Chủ đề: Cơ chế một cửa, một cửa liên thông (RSS)" href="rss.xml"' in topic
    assert (site / "chu-de/mot-cua/rss.xml").is_file()
    page = (site / "rss/index.html").read_text(encoding="utf-8")
    for feed in ("phat-thanh/rss.xml", "rss.xml", "atom.xml", "chu-de/mot-cua/rss.xml", "don-vi/hai-hau/rss.xml"):
        assert f"{SITE}{feed}" in page
    assert "đài truyền thanh" in page


def test_feeds_stay_well_formed_with_special_characters_and_unsafe_html(project):
    nasty = unicodedata.normalize("NFD", 'Tin "thử" & <b>đặc biệt</b> 😀 cải cách')
    project.item("dac-biet", title=f"'{nasty}'", summary="'A & B < C'",
                 body="Chữ & ký hiệu <3 ]]> &amp;\n\n<script>alert(1)</script>\n\n<img src=x.png alt=a onerror=alert(2)>\n\n[bấm](javascript:alert(3))")
    site = project.root / "site"
    assert build_site(project.root, site, strict=False).ok
    for name in ("rss.xml", "atom.xml", "phat-thanh/rss.xml"):
        raw = (site / name).read_bytes()
        etree.fromstring(raw)
        parsed = feedparser.parse(raw)
        assert not parsed.bozo, name
        radio = name.startswith("phat-thanh")  # its title as written; read aloud only in its script
        assert parsed.entries[0].title == unicodedata.normalize("NFC", 'Tin "thử" & <b>đặc biệt</b> 😀 cải cách')
        if radio:  # "&" is "và", a tag typed as text is not read
            assert parsed.entries[0].content[0].value.startswith("<p>Tin &quot;thử&quot; và đặc biệt 😀 cải cách</p>")
        text = raw.decode("utf-8")
        assert "alert" not in text and "onerror" not in text and "javascript:" not in text
        if name != "atom.xml":  # a plain-text summary reaches readers as text, "<" included, not as markup
            summary = "A &amp; B &lt; C (Bản đọc tự động.)" if radio else "A &amp; B &lt; C"
            assert parsed.entries[0].summary == summary
            assert etree.fromstring(raw).findtext("channel/item/description") == summary
    bulletin = (site / "phat-thanh/ban-tin/rss.xml").read_bytes()  # the day's bulletin lists the same title
    parsed = feedparser.parse(bulletin)
    assert not parsed.bozo and "alert" not in bulletin.decode("utf-8") and "onerror" not in bulletin.decode("utf-8")
    assert "&lt;b&gt;đặc biệt&lt;/b&gt;" in parsed.entries[0].content[0].value  # a tag typed as text stays text


def test_guid_and_link_survive_edits_of_title_body_topics_and_date(project):
    path = project.item("ban-tin-thang-5", title="Tiêu đề cũ")
    site = project.root / "site"
    assert build_site(project.root, site).ok
    before = parse(site / "rss.xml").find("channel/item")
    text = path.read_text(encoding="utf-8").replace("Tiêu đề cũ", "Tiêu đề mới").replace("thu-tuc-hanh-chinh", "mot-cua")
    path.write_text(text.replace("15/03/2024 08:30", "16/03/2024 09:00").replace("Nội dung bài viết.", "Nội dung đã sửa."),
                    encoding="utf-8")
    assert build_site(project.root, site).ok
    after = parse(site / "rss.xml").find("channel/item")
    assert after.findtext("title") == "Tiêu đề mới"
    assert after.findtext("guid") == before.findtext("guid")
    assert after.findtext("link") == before.findtext("link")
    atom_ids = [e.findtext(f"{ATOM}id") for e in parse(site / "atom.xml").iter(f"{ATOM}entry")]
    assert atom_ids == [before.findtext("guid")]


def test_a_naive_datetime_reaches_feedgen_as_vietnam_time(project):
    """feedgen raises on naive datetimes; our one guard gives them Vietnam time."""
    from datetime import datetime

    from cchc.site.feeds import Feed, FeedBuilder, FeedSettings

    project.item("ngay-khong-mui-gio")
    corpus, _ = project.load()
    builder = FeedBuilder(corpus, FeedSettings(SITE, "T", "D", "tag:x,2024:", "P"), project.root / "docs",
                          corpus.now, lambda item: "<p>x</p>", {})
    corpus.items[0].date = datetime(2024, 3, 15, 8, 30)  # as a careless caller might pass it
    xml = builder.render(Feed("rss.xml", "T", "D", ""), corpus.items)
    assert b"Fri, 15 Mar 2024 08:30:00 +0700" in xml
