"""Bad input, as a careful attacker or a hurried staff member writes it: every case is either refused with a
Vietnamese `file:line` message and a fix, or published harmlessly — never a traceback, never a script, never a
file from outside the project. Cases are grouped so each group loads or builds its project once."""

from __future__ import annotations

import hashlib
import base64
import os
import re
import shutil
from datetime import datetime
from pathlib import Path

import lxml.html
import pytest
from lxml import etree

from cchc.site.build import build_site
from cchc.content.dates import DateError, parse_bound, parse_datetime
from conftest import NOW, new_project

MARK = "XSS"  # every payload carries it, so a scan can tell payload from theme
PAYLOAD = f'"><img src=x onerror="window.__pwned=1">{MARK}<script>window.__pwned=2</script>{{{{7*7}}}}\'</title>'


def q(text: str) -> str:
    """A YAML single-quoted scalar."""
    return "'" + text.replace("'", "''") + "'"


def prefixed(messages: list[str], path: str, line: int | None, *words: str) -> bool:
    head = f"{path}:{line}:" if line else f"{path}"
    return any(m.startswith(head) and all(w in m for w in words) and " — " in m for m in messages)


# ---------------------------------------------------------------------------------------------------------
# Refused input: one project holding every case, loaded once.
# Each case: (id, writes, path, line or 0, words the message must contain)
# ---------------------------------------------------------------------------------------------------------

def _bomb() -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for n in range(1, 10):
        refs = ", ".join([f"*a{n - 1}"] * 9)
        lines.append(f"a{n}: &a{n} [{refs}]")
    return "\n".join(lines)


ITEM = "---\ntitle: Tin\ndate: 15/03/2024 08:30\ntopics: [mot-cua]\nunit: hai-hau\n{extra}---\n\n{body}\n"
SVG_OK = b'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20" viewBox="0 0 40 20"><rect width="40" height="20" fill="#c00"/></svg>'


def item(name: str, extra: str = "", body: str = "Nội dung.") -> tuple[str, str]:
    return f"docs/tin-tuc/{name}.md", ITEM.format(extra=extra, body=body)


REFUSED = [
    # -- encodings and characters
    ("latin1", [("docs/tin-tuc/latin1.md", "---\ntitle: Cải cách\n".encode("cp1258", "replace"))], "docs/tin-tuc/latin1.md", 2, ["UTF-8", "TCVN3"]),
    ("utf16", [("docs/tin-tuc/utf16.md", ITEM.format(extra="", body="x").encode("utf-16"))], "docs/tin-tuc/utf16.md", 1, ["UTF-8"]),
    ("png-as-md", [("docs/tin-tuc/anh.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe")], "docs/tin-tuc/anh.md", 1, ["UTF-8"]),
    ("nul-byte", [item("nul", body="Chữ\x00 lạ")], "docs/tin-tuc/nul.md", 8, ["ký tự điều khiển", "0x00"]),
    ("form-feed-body", [item("ff", body="Đoạn một.\n\nĐoạn\x0c hai.")], "docs/tin-tuc/ff.md", 10, ["ký tự điều khiển", "0x0c"]),
    ("bidi-title", [item("bidi", extra="summary: Tin \u202egnắt\n")], "docs/tin-tuc/bidi.md", 6, ["đổi chiều", "U+202E"]),
    ("bidi-escaped", [item("bidi-esc", extra='author: "Ban \\u202e biên tập"\n')], "docs/tin-tuc/bidi-esc.md", 6, ["đổi chiều", "U+202E"]),
    ("control-escaped", [item("bell-esc", extra='summary: "Tóm tắt \\x07"\n')], "docs/tin-tuc/bell-esc.md", 6, ["điều khiển", "0x07"]),
    ("isolate-body", [item("isolate", body="Chữ \u2066ẩn\u2069.")], "docs/tin-tuc/isolate.md", 8, ["đổi chiều", "U+2066"]),
    ("line-separator", [item("lsep", extra="summary: Dòng\u2028mới\n")], "docs/tin-tuc/lsep.md", 6, ["vô hình", "U+2028"]),
    ("stray-bom", [item("bom-giua", body="Chữ\ufeffgiữa.")], "docs/tin-tuc/bom-giua.md", 8, ["vô hình", "U+FEFF"]),
    ("c1-control", [item("c1", extra="author: Tác\x85giả\n")], "docs/tin-tuc/c1.md", 6, ["điều khiển", "0x85"]),
    ("control-plan-title", [("plans/kh-dk.md", "---\nid: kh-dk\ntitle: \"Kế hoạch\\x1b\"\nissuer: hai-hau\nperiod: {start: 2024, end: 2024}\n---\n")],
     "plans/kh-dk.md", 3, ["điều khiển", "0x1b"]),
    # -- YAML
    ("alias-bomb", [item("bom-alias", extra=_bomb() + "\n")], "docs/tin-tuc/bom-alias.md", 0, ["quá nhiều giá trị"]),
    ("deep-flow-20k", [item("sau", extra="topics2: " + "[" * 20000 + "]" * 20000 + "\n")], "docs/tin-tuc/sau.md", 6, ["lồng nhau quá sâu"]),
    ("deep-flow-1m", [item("rat-sau", extra="x: " + "[" * 1_000_000 + "]" * 1_000_000 + "\n")], "docs/tin-tuc/rat-sau.md", 6, ["lồng nhau quá sâu"]),
    ("deep-block", [item("khoi-sau", extra="".join("  " * n + f"k{n}:\n" for n in range(40)) + "  " * 40 + "v: 1\n")],
     "docs/tin-tuc/khoi-sau.md", 0, ["lồng nhau quá sâu"]),
    ("recursive-alias", [item("vong", extra="x: &a [*a]\n")], "docs/tin-tuc/vong.md", 6, []),
    ("python-tag", [item("tag-py", extra='x: !!python/object/apply:os.system ["touch /tmp/pwned"]\n')], "docs/tin-tuc/tag-py.md", 6, []),
    ("binary-tag", [item("tag-bin", extra="summary: !!binary aGVsbG8=\n")], "docs/tin-tuc/tag-bin.md", 6, ["thẻ YAML", "!!binary"]),
    ("set-tag", [item("tag-set", extra="topics2: !!set {a, b}\n")], "docs/tin-tuc/tag-set.md", 6, ["thẻ YAML", "!!set"]),
    ("tab-indent", [item("tab", extra="document:\n\tnumber: 1\n")], "docs/tin-tuc/tab.md", 7, ["YAML"]),
    ("duplicate-key", [item("trung-khoa", extra="title: Lần hai\n")], "docs/tin-tuc/trung-khoa.md", 6, ["hai lần"]),
    ("unclosed-quote", [item("ngoac", extra='summary: "chưa đóng\n')], "docs/tin-tuc/ngoac.md", 0, ["YAML"]),
    ("front-matter-list", [("docs/tin-tuc/danh-sach.md", "---\n- a\n- b\n---\nx\n")], "docs/tin-tuc/danh-sach.md", 2, ["ten: giá trị"]),
    ("no-front-matter", [("docs/tin-tuc/trong.md", "")], "docs/tin-tuc/trong.md", 1, ["front matter"]),
    ("unclosed-front-matter", [("docs/tin-tuc/mo.md", "---\ntitle: x\n")], "docs/tin-tuc/mo.md", 1, ["không được đóng"]),
    ("null-title", [("docs/tin-tuc/khong-ten.md", ITEM.replace("title: Tin", "title: ~").format(extra="", body="x"))],
     "docs/tin-tuc/khong-ten.md", 2, ["thiếu tiêu đề"]),
    ("bad-vocab-bomb", [("plans/nguon.yml", _bomb())], "", 0, []),  # a yml nobody reads: still only a file
    # -- sizes
    ("huge-item", [item("qua-lon", body="Chữ. " * 600_000)], "docs/tin-tuc/qua-lon.md", 0, ["quá lớn", "MB"]),
    # -- dates
    ("offset-99", [("docs/tin-tuc/mui-gio.md", ITEM.replace("15/03/2024 08:30", "2024-03-15 08:30+99:00").format(extra="", body="x"))],
     "docs/tin-tuc/mui-gio.md", 3, ["múi giờ"]),
    ("year-9999", [("docs/tin-tuc/nam-9999.md", ITEM.replace("15/03/2024 08:30", "9999-12-31 23:00Z").format(extra="", body="x"))],
     "docs/tin-tuc/nam-9999.md", 3, ["năm 9999", "1900"]),
    ("year-0001", [("docs/tin-tuc/nam-1.md", ITEM.replace("15/03/2024 08:30", "0001-01-01").format(extra="", body="x"))],
     "docs/tin-tuc/nam-1.md", 3, ["năm 1 "]),
    ("year-0099", [("docs/tin-tuc/nam-99.md", ITEM.replace("15/03/2024 08:30", "15/03/0099").format(extra="", body="x"))],
     "docs/tin-tuc/nam-99.md", 3, ["năm 99 "]),
    ("updated-far", [item("cap-nhat", extra="updated: 2024-03-16 08:30+15:00\n")], "docs/tin-tuc/cap-nhat.md", 6, ["múi giờ"]),
    ("doc-issued-0", [item("vb-nam", extra="type: van-ban\ndocument:\n  number: 1/KH\n  issuer: UBND\n  issued: 01/01/0000\n  file: van-ban/a.pdf\n")],
     "docs/tin-tuc/vb-nam.md", 10, ["năm 0"]),
    ("plan-period-year", [("plans/kh-nam.md", "---\nid: kh-nam\ntitle: K\nissuer: hai-hau\nperiod: {start: 2024, end: 99999}\n---\n")],
     "plans/kh-nam.md", 5, ["định dạng"]),
    # -- paths
    ("image-dotdot", [item("anh-ra-ngoai", extra="image: ../../../etc/passwd\nimage_alt: a\n")], "docs/tin-tuc/anh-ra-ngoai.md", 6, ["ra ngoài thư mục docs/"]),
    ("audio-dotdot", [item("am-ra-ngoai", extra="audio: ../../etc/hostname.mp3\n")], "docs/tin-tuc/am-ra-ngoai.md", 6, ["ra ngoài thư mục docs/"]),
    ("file-encoded", [item("vb-ma", extra="type: van-ban\ndocument:\n  number: 1/KH\n  issuer: UBND\n  issued: 01/01/2024\n  file: ..%2f..%2f..%2fetc%2fpasswd\n")],
     "docs/tin-tuc/vb-ma.md", 11, ["ra ngoài thư mục docs/"]),
    ("image-backslash", [item("anh-gach", extra="image: anh\\..\\..\\x.png\nimage_alt: a\n")], "docs/tin-tuc/anh-gach.md", 6, ["không hợp lệ"]),
    ("image-drive", [item("anh-o-dia", extra="image: C:/Windows/x.png\nimage_alt: a\n")], "docs/tin-tuc/anh-o-dia.md", 6, ["không hợp lệ"]),
    ("image-file-url", [item("anh-file", extra="image: file:///etc/passwd\nimage_alt: a\n")], "docs/tin-tuc/anh-file.md", 6, ["không hợp lệ"]),
    ("image-remote", [item("anh-xa", extra="image: https://evil.example/t.png\nimage_alt: a\n")], "docs/tin-tuc/anh-xa.md", 6, ["không hợp lệ"]),
    ("image-home", [item("anh-nha", extra="image: ~/anh.png\nimage_alt: a\n")], "docs/tin-tuc/anh-nha.md", 6, ["không hợp lệ"]),
    ("link-dotdot", [item("lien-ket", body="Xem [tệp](../../../../etc/passwd).")], "docs/tin-tuc/lien-ket.md", 8, ["liên kết bị từ chối", "ra ngoài"]),
    ("img-dotdot", [item("anh-than", body="![mật khẩu](../../../../etc/shadow)")], "docs/tin-tuc/anh-than.md", 8, ["liên kết bị từ chối"]),
    ("link-encoded", [item("lien-ket-ma", body="[x](%2e%2e/%2e%2e/%2e%2e/etc/passwd)")], "docs/tin-tuc/lien-ket-ma.md", 8, ["liên kết bị từ chối"]),
    ("link-page-out", [item("trang-ngoai", body="[x](../../../mkdocs.yml)")], "docs/tin-tuc/trang-ngoai.md", 8, ["ra ngoài"]),
    ("image-not-image", [item("anh-pdf", extra="image: van-ban/a.pdf\nimage_alt: a\n")], "docs/tin-tuc/anh-pdf.md", 6, ["không đúng loại"]),
    ("audio-not-audio", [item("am-anh", extra="audio: anh/ok.svg\n")], "docs/tin-tuc/am-anh.md", 6, ["không đúng loại"]),
    ("plan-body-link", [("plans/kh-lk.md", "---\nid: kh-lk\ntitle: K\nissuer: hai-hau\nperiod: {start: 2024, end: 2024}\n---\n\n[x](../../../../etc/passwd)\n")],
     "plans/kh-lk.md", 8, ["liên kết bị từ chối"]),
    ("page-link", [("docs/trang-rieng.md", "# Trang\n\n[x](../../etc/passwd)\n")], "docs/trang-rieng.md", 3, ["liên kết bị từ chối"]),
    # -- files under docs/
    ("html-file", [("docs/trang.html", "<script>alert(1)</script>")], "docs/trang.html", 0, ["mã chạy trên trình duyệt"]),
    ("js-file", [("docs/anh/a.js", "alert(1)")], "docs/anh/a.js", 0, ["mã chạy"]),
    ("xml-file", [("docs/a.xml", "<x/>")], "docs/a.xml", 0, ["mã chạy"]),
    ("css-file", [("docs/a.css", "body{}")], "docs/a.css", 0, ["mã chạy"]),
    ("exe-file", [("docs/van-ban/setup.exe", b"MZ")], "docs/van-ban/setup.exe", 0, ["không nằm trong danh sách"]),
    ("no-extension", [("docs/anh/README", "x")], "docs/anh/README", 0, ["không có phần mở rộng"]),
    ("fake-png", [("docs/anh/gia.png", "<html><script>alert(1)</script>")], "docs/anh/gia.png", 0, ["không phải ảnh PNG"]),
    ("fake-pdf", [("docs/van-ban/gia.pdf", "<html>")], "docs/van-ban/gia.pdf", 0, ["không phải văn bản PDF"]),
    ("fake-mp3", [("docs/media/gia.mp3", "<script>")], "docs/media/gia.mp3", 0, ["không phải âm thanh MP3"]),
    ("svg-not-xml", [("docs/anh/hong.svg", "<svg><g></svg")], "docs/anh/hong.svg", 0, ["SVG không đọc được"]),
    ("svg-xxe", [("docs/anh/xxe.svg", '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                  '<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>')], "docs/anh/xxe.svg", 0, ["SVG không đọc được"]),
]
SYMLINKS = [  # (id, link, target, path reported, words)
    ("symlink-svg", "docs/anh/2024/x.svg", "/etc/passwd", "docs/anh/2024/x.svg", ["liên kết tượng trưng", "/etc/passwd"]),
    ("symlink-folder", "docs/anh/he-thong", "/etc", "docs/anh/he-thong", ["liên kết tượng trưng", "/etc"]),
    ("symlink-item", "docs/tin-tuc/lien-ket.md.md", "/etc/hostname", "docs/tin-tuc/lien-ket.md.md", ["liên kết tượng trưng"]),
    ("symlink-plan", "plans/lien-ket.md", "/etc/hostname", "plans/lien-ket.md", ["liên kết tượng trưng"]),
    ("symlink-vocab", "plans/them.yml", "/etc/passwd", "plans/them.yml", ["liên kết tượng trưng"]),
    ("symlink-inside", "docs/anh/ban-sao.svg", "ok.svg", "docs/anh/ban-sao.svg", ["liên kết tượng trưng"]),
]


@pytest.fixture(scope="module")
def refused(tmp_path_factory):
    os.environ["CCHC_NOW"] = NOW
    project = new_project(tmp_path_factory.mktemp("refused") / "project")
    project.write("docs/anh/ok.svg", SVG_OK)
    project.write("docs/van-ban/a.pdf", b"%PDF-1.4\n")
    project.write("docs/tin-tuc/tot.md", ITEM.format(extra="", body="Bài tốt."))
    for _, files, *_ in REFUSED:
        for rel, text in files:
            path = project.root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    for _, link, target, *_ in SYMLINKS:
        (project.root / link).parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target, project.root / link)
    corpus, problems = project.load()
    site = project.root / "site"
    site.mkdir()
    (site / "index.html").write_text("bản đã đăng", encoding="utf-8")
    results = [build_site(project.root, site), build_site(project.root, site, strict=False)]
    return project, corpus, [str(p) for p in problems.items], results


@pytest.mark.parametrize("case", REFUSED, ids=[c[0] for c in REFUSED])
def test_refused_input_is_named_with_its_line_and_a_fix(refused, case):
    _, corpus, messages, _ = refused
    _, files, path, line, words = case
    if not path:  # a file no step reads: the load went on (the good item is there) and nobody spoke of it
        assert "tot" in [i.slug for i in corpus.items]
        assert not [m for m in messages for name, _ in files if name in m]
        return
    assert prefixed(messages, path, line, *words), [m for m in messages if m.startswith(path)] or messages[:5]


@pytest.mark.parametrize("case", SYMLINKS, ids=[c[0] for c in SYMLINKS])
def test_symbolic_links_are_refused_naming_link_and_target(refused, case):
    _, _, messages, _ = refused
    _, _, target, path, words = case
    assert any(m.startswith(path) and target in m and all(w in m for w in words) for m in messages), \
        [m for m in messages if "liên kết tượng trưng" in m]


def test_refusing_builds_leave_the_published_site_and_no_temporary_folder(refused):
    project, _, messages, results = refused
    assert [r.ok for r in results] == [False, False]
    assert (project.root / "site" / "index.html").read_text(encoding="utf-8") == "bản đã đăng"
    assert sorted(p.name for p in project.root.iterdir() if p.name.startswith(("site", ".site"))) == ["site"]
    assert not any("Traceback" in m for r in results for m in r.messages)
    assert not Path("/tmp/pwned").exists()
    bad = [m for m in messages if not re.match(r"^(docs|plans)/[^:]+(:\d+)?: ", m) or " — " not in m]
    assert bad == [], "every message names its file and says how to fix it"


def test_the_good_item_beside_them_still_loads(refused):
    _, corpus, messages, _ = refused
    assert "tot" in [i.slug for i in corpus.items] and not any(m.startswith("docs/tin-tuc/tot.md") for m in messages)


# ---------------------------------------------------------------------------------------------------------
# Values that stay what was typed (YAML 1.1 would have changed them)
# ---------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("typed, shown", [
    ("Yes", "Yes"), ("no", "no"), ("on", "on"), ("012", "012"), ("0x1F", "0x1F"), ("1e3", "1e3"), (".inf", ".inf"),
    ("2024-03-15", "2024-03-15"), ("1_000", "1_000"), ("0o17", "0o17"), ("3:25:45", "3:25:45"),
])
def test_text_fields_keep_what_was_typed(project, typed, shown):
    project.item("giu-nguyen", title=typed, author=typed, type="van-ban",
                 front=f"document:\n  number: {typed}\n  issuer: {typed}\n  issued: 01/01/2024\n  file: van-ban/a.pdf")
    project.write("docs/van-ban/a.pdf", b"%PDF-1.4\n")
    corpus, problems = project.load()
    assert [str(p) for p in problems.items] == []
    (loaded,) = corpus.items
    assert (loaded.title, loaded.author, loaded.document.number, loaded.document.issuer) == (shown,) * 4


def test_flags_and_counts_still_read_their_words(project):
    project.item("nhap-co", draft="yes")
    project.item("nhap-khong", draft="no")
    corpus, problems = project.load()
    assert {i.slug: i.draft for i in corpus.items} == {"nhap-co": True, "nhap-khong": False}


# ---------------------------------------------------------------------------------------------------------
# Dates: every out-of-range or impossible form is a DateError with a reason, never another exception
# ---------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, words", [
    ("2024-03-15 08:30+99:00", "múi giờ"), ("2024-03-15 08:30-14:30", "múi giờ"), ("2024-03-15T08:30+07:75", "múi giờ"),
    ("9999-12-31 23:00Z", "năm 9999"), ("0001-01-01", "năm 1 "), ("0099-03-15", "năm 99 "), ("15/03/0099", "năm 99 "),
    ("1899-12-31", "năm 1899"), ("2101-01-01", "năm 2101"), ("31/02/2024", "không tồn tại"), ("2024-13-01", "không tồn tại"),
    ("2024-03-15 25:00", "không tồn tại"), ("2024-03-15 08:60", "không tồn tại"), ("15.03.2024", "định dạng"),
    ("hôm qua", "định dạng"), ("", "định dạng"), ("2023-02-29", "không tồn tại"), ("1e10", "định dạng"),
])
def test_bad_dates_raise_a_vietnamese_reason(text, words):
    with pytest.raises(DateError, match=re.escape(words)):
        parse_datetime(text)


@pytest.mark.parametrize("text, end, expected", [
    ("2024-03-15T08:30:00+07:00", False, datetime(2024, 3, 15, 8, 30)), ("2024-02-29", False, datetime(2024, 2, 29)),
    ("2100-12-31 23:59", False, datetime(2100, 12, 31, 23, 59)), ("1900-01-01", False, datetime(1900, 1, 1)),
])
def test_dates_at_the_edges_are_read(text, end, expected):
    assert parse_datetime(text).replace(tzinfo=None) == expected


@pytest.mark.parametrize("text", ["Quý V/2021", "Tháng 13/2021", "Tháng 3/0021", "Quý I/9999", "năm 3000", "99999"])
def test_bad_period_bounds_raise_a_vietnamese_reason(text):
    with pytest.raises(DateError):
        parse_bound(text, end=True)


# ---------------------------------------------------------------------------------------------------------
# Payloads in every text field of every file kind: built once (warnings allowed), then every page, feed,
# sitemap and SVG is scanned for anything a browser would run.
# ---------------------------------------------------------------------------------------------------------

MARKDOWN_PAYLOADS = {  # what staff may paste into Markdown; each must be reported and removed
    "script": "<script>window.__pwned=3</script>",
    "event": '<img src="x.png" alt="a" onerror="window.__pwned=4">',
    "event-slash": '<img src=x.png alt=a/onerror=window.__pwned=5>',
    "attr-list": 'Đoạn văn.\n{: onclick="window.__pwned=6" }',
    "link-attr-list": "[bấm](https://example.gov.vn/){: onmouseover=window.__pwned=7 }",
    "js-link": "[bấm](javascript:window.__pwned=8)",
    "js-entity": "[bấm](&#106;avascript:window.__pwned=9)",
    "js-tab": '<a href="java\tscript:window.__pwned=10">bấm</a>',
    "data-link": "[bấm](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "data-entity": '<a href="&#x64;ata:text/html,<script>window.__pwned=11</script>">bấm</a>',
    "iframe": '<iframe src="https://evil.example/"></iframe>',
    "svg-inline": "<svg onload=window.__pwned=12></svg>",
    "style": "<style>body{display:none}</style>",
    "form": '<form action="https://evil.example/"><input name=p></form>',
    "meta-refresh": '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    "base": '<base href="https://evil.example/">',
    "object": '<object data="x.swf"></object>',
    "math": '<math><mtext><table><mglyph><style><img src=x onerror=window.__pwned=13>',
}
TEXT_FIELDS = ["title", "summary", "author", "image_alt", "document.number", "document.issuer",
               "plan.title", "plan.number", "plan.content.text", "plan.content.ref", "plan.target.product",
               "plan.target.note", "plan.task.text", "plan.indicator", "plan.signer", "plan.signer_title",
               "plan.recipient", "plan.source", "plan.based_on", "topic.name", "unit.name", "unit.body", "heading"]


@pytest.fixture(scope="module")
def payload_site(tmp_path_factory):
    os.environ["CCHC_NOW"] = NOW
    project = new_project(tmp_path_factory.mktemp("payload") / "project")
    p = q(PAYLOAD)
    project.write("docs/anh/a.svg", SVG_OK)
    project.write("docs/anh/doc.svg", '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
                  'width="10" height="10" onload="window.__pwned=20"><script>window.__pwned=21</script>'
                  '<a xlink:href="javascript:window.__pwned=22"><rect width="5" height="5" onclick="window.__pwned=23"/></a>'
                  '<foreignObject><body xmlns="http://www.w3.org/1999/xhtml"><img src="x" onerror="window.__pwned=24"/></body>'
                  '</foreignObject><text>Chữ Việt</text></svg>')
    project.write("docs/van-ban/a.pdf", b"%PDF-1.4\n")
    project.write("docs/.htaccess", "Options +Indexes")
    with (project.root / "plans/chu-de.yml").open("a", encoding="utf-8") as f:
        f.write(f"\nxss-topic:\n  name: {q('Chủ đề ' + PAYLOAD)}\n  description: {q('Mô tả ' + MARKDOWN_PAYLOADS['script'])}\n")
    with (project.root / "plans/don-vi.yml").open("a", encoding="utf-8") as f:
        f.write(f"\nxss-unit:\n  name: {q('Đơn vị ' + PAYLOAD)}\n  body: {p}\n  kind: tinh\n"
                f"  description: {q(MARKDOWN_PAYLOADS['js-entity'])}\n")
    project.item("payload", title=p, summary=p, author=p, image="anh/a.svg", image_alt=p, type="van-ban", unit="xss-unit",
                 topics="[xss-topic, mot-cua]", plan="kh-xss",
                 front=f"document:\n  number: {p}\n  issuer: {p}\n  issued: 01/01/2024\n  file: van-ban/a.pdf",
                 body=f"## Mục {PAYLOAD.replace('<', '&lt;')}\n\n" + "\n\n".join(MARKDOWN_PAYLOADS.values()) +
                 "\n\n![ảnh](../anh/doc.svg)")
    project.write("plans/kh-xss.md", f"""---
id: kh-xss
number: {p}
title: {p}
issuer: xss-unit
level: tinh
issued: 01/01/2024
period: {{start: 01/01/2024, end: 31/12/2024}}
based_on:
  - text: {p}
content:
  - ref: {p}
    text: {p}
    topics: [xss-topic]
indicators: [{p}]
channels: [cong-thong-tin]
tasks:
  - unit: xss-unit
    text: [{p}]
targets:
  - ref: T1
    product: {p}
    note: {p}
    count: 3
    cadence: hằng tháng
    lead: xss-unit
    units: [xss-unit]
signer: {p}
signer_title: {p}
recipients: [{p}]
source: {p}
---

# Toàn văn {PAYLOAD.replace('<', '&lt;')}

{MARKDOWN_PAYLOADS['event']}

{MARKDOWN_PAYLOADS['js-entity']}
""")
    project.write("docs/gioi-thieu.md", "# Giới thiệu\n\n" + MARKDOWN_PAYLOADS["script"] + "\n\n" + MARKDOWN_PAYLOADS["attr-list"] + "\n")
    project.write("docs/trang-khac.md", "# Trang &lt;/title&gt;&lt;script&gt;window.__pwned=30&lt;/script&gt;\n\nChữ.\n")
    site = project.root / "site"
    strict = build_site(project.root, project.root / "strict-site")
    result = build_site(project.root, site, strict=False)
    assert result.ok, result.messages
    corpus, problems = project.load()
    return project, site, strict, [str(x) for x in problems.items]


def test_a_strict_build_refuses_the_payloads_with_every_warning(payload_site):
    project, _, strict, messages = payload_site
    assert not strict.ok and not (project.root / "strict-site").exists()
    body_warnings = [m for m in messages if m.startswith("docs/tin-tuc/payload.md:") and "không an toàn" in m]
    assert len(body_warnings) >= len(MARKDOWN_PAYLOADS) - 2  # some lines carry two findings, none is missed
    for where in ("plans/kh-xss.md:", "plans/chu-de.yml:", "plans/don-vi.yml:", "docs/gioi-thieu.md:3", "docs/anh/doc.svg"):
        assert any(m.startswith(where) and "không an toàn" in m for m in messages), where
    assert all(m.startswith(("docs/", "plans/")) for m in messages)


@pytest.mark.parametrize("name", list(MARKDOWN_PAYLOADS))
def test_each_markdown_payload_is_reported_on_its_line(payload_site, name):
    project, _, _, messages = payload_site
    text = (project.root / "docs/tin-tuc/payload.md").read_text(encoding="utf-8").split("\n")
    first = MARKDOWN_PAYLOADS[name].split("\n")[-1]
    line = next(n for n, t in enumerate(text, start=1) if t == first)
    assert any(m.startswith(f"docs/tin-tuc/payload.md:{line}:") and "không an toàn" in m for m in messages), (name, line)


def _policy_hashes(page) -> set[str]:
    meta = page.find(".//meta[@http-equiv='Content-Security-Policy']")
    return set(re.findall(r"'(sha256-[^']+)'", meta.get("content"))) if meta is not None else set()


def executable_in_html(html: str, where: str, hashes: set[str] | None = None) -> list[str]:
    """Everything in an HTML document or fragment that could run or navigate on its own."""
    if not html.strip():
        return []
    root = lxml.html.document_fromstring(html) if "<html" in html[:300].lower() else lxml.html.fragment_fromstring(html, create_parent="div")
    allowed = _policy_hashes(root) if hashes is None else hashes
    found = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        tag = el.tag.lower()
        if tag == "script":
            src, kind = el.get("src"), (el.get("type") or "").lower()
            text = el.text or ""
            ok = (src and not re.match(r"^\s*(\w+:|//)", src)) or kind == "application/json" or \
                 ("sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()) in allowed
            if not ok or MARK in text:
                found.append(f"{where}: <script> {text[:60]!r} {src}")
        if tag in {"iframe", "frame", "object", "embed", "applet", "base", "foreignobject", "math"}:
            found.append(f"{where}: <{tag}>")
        if tag == "meta" and (el.get("http-equiv") or "").lower() == "refresh":
            found.append(f"{where}: meta refresh")
        if tag == "form" and re.match(r"^\s*(\w+:|//)", el.get("action") or ""):
            found.append(f"{where}: <form action={el.get('action')}>")
        for name, value in el.attrib.items():
            lname = name.lower()
            if lname.startswith("on"):
                found.append(f"{where}: <{tag} {name}={value[:40]!r}>")
            squeezed = re.sub(r"[\t\n\r]", "", value).strip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f"
                                                        "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f ").lower()  # as browsers read URLs
            if lname in {"href", "src", "action", "formaction", "poster", "data", "xlink:href"} and \
                    re.match(r"^(javascript|vbscript|livescript|data):", squeezed) and not squeezed.startswith("data:image/"):
                found.append(f"{where}: <{tag} {name}={value[:40]!r}>")
    return found


def test_no_page_of_the_site_carries_anything_that_runs(payload_site):
    _, site, _, _ = payload_site
    found = []
    pages = list(site.rglob("*.html"))
    assert len(pages) > 50
    for page in pages:
        found += executable_in_html(page.read_text(encoding="utf-8"), str(page.relative_to(site)))
    assert found == []


def test_no_feed_carries_markup_that_runs(payload_site):
    _, site, _, _ = payload_site
    found, feeds = [], list(site.rglob("*.xml"))
    assert len(feeds) > 20
    for feed in feeds:
        root = etree.fromstring(feed.read_bytes())
        for el in root.iter():
            # HTML travels in these; titles, categories and names are plain text (RSS profile, Atom type="text")
            if isinstance(el.tag, str) and el.text and etree.QName(el).localname in {"description", "encoded", "content", "summary"}:
                found += executable_in_html(el.text, f"{feed.relative_to(site)} <{etree.QName(el).localname}>", set())
    assert found == []


def test_the_sitemap_lists_only_the_sites_own_ascii_urls(payload_site):
    _, site, _, _ = payload_site
    locs = [el.text for el in etree.parse(str(site / "sitemap.xml")).iter("{*}loc")]
    assert locs and all(re.fullmatch(r"https://cchc\.example\.gov\.vn/[a-z0-9/._-]*", loc) for loc in locs)


def test_svg_is_published_sanitised_and_files_outside_the_policy_are_not(payload_site):
    project, site, _, messages = payload_site
    svg = (site / "anh/doc.svg").read_text(encoding="utf-8")
    assert "Chữ Việt" in svg and "<rect" in svg
    assert not re.search(r"script|onload|onclick|onerror|foreignObject|javascript", svg, re.I)
    assert any(m.startswith("docs/anh/doc.svg") and "<script>" in m for m in messages)
    assert not (site / ".htaccess").read_text(encoding="utf-8").startswith("Options")  # ours, not the staff file's


@pytest.mark.parametrize("field", TEXT_FIELDS)
def test_plain_text_fields_are_shown_as_text_not_dropped(payload_site, field):
    """The payload is still there, as visible text (escaped), on the page that shows the field."""
    _, site, _, _ = payload_site
    page = {"topic.name": "chu-de/xss-topic/", "unit.name": "don-vi/xss-unit/", "unit.body": "ke-hoach/",
            "heading": "tin-tuc/payload/"}.get(field, "ke-hoach/kh-xss/" if field.startswith("plan.") else "tin-tuc/payload/")
    html = (site / page / "index.html").read_text(encoding="utf-8")
    root = lxml.html.document_fromstring(html)
    texts = [root.text_content()] + [v for el in root.iter() if isinstance(el.tag, str) for v in el.attrib.values()]
    visible = PAYLOAD if field != "heading" else PAYLOAD.split("<img")[0]
    assert any(visible in t for t in texts), field
    assert "49" not in root.text_content().split(MARK)[1][:10]  # {{7*7}} is text, not a template


def test_the_theme_title_of_a_staff_page_cannot_close_the_title_element(payload_site):
    _, site, _, _ = payload_site
    html = (site / "trang-khac/index.html").read_text(encoding="utf-8")
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert "<" not in title and "&lt;/title&gt;&lt;script&gt;" in title


# ---------------------------------------------------------------------------------------------------------
# Commands: never a traceback, whatever the content or the arguments
# ---------------------------------------------------------------------------------------------------------

def run_cli(capsys, *args) -> tuple[int, str]:
    from cchc.cli import main
    code = main(list(args))
    out = capsys.readouterr()
    assert "Traceback" not in out.err + out.out
    return code, out.err + out.out


def test_a_bad_now_is_named_before_or_after_the_command(project, capsys):
    code, text = run_cli(capsys, "--root", str(project.root), "--now", "hôm qua", "validate")
    assert code == 2 and text.startswith('Lỗi: --now: ngày "hôm qua" không đúng định dạng — viết theo dạng')
    project.item("tot")
    code, text = run_cli(capsys, "--root", str(project.root), "validate", "--now", "30/06/2024")
    assert code == 0 and "Đã kiểm tra 1 bài" in text


def test_a_bad_cchc_now_variable_is_a_message(project, capsys, monkeypatch):
    monkeypatch.setenv("CCHC_NOW", "9999-99-99")
    code, text = run_cli(capsys, "--root", str(project.root), "check")
    assert code == 2 and "CCHC_NOW" in text


@pytest.mark.parametrize("command", [["validate"], ["check"], ["check", "--format", "json"],
                                     ["report", "--plan", "kh", "--period", "q1"], ["build"]])
@pytest.mark.parametrize("bad", ["bomb", "date", "huge"])
def test_every_command_refuses_bad_content_with_a_message(project, capsys, command, bad):
    project.write("plans/kh.md", "---\nid: kh\ntitle: K\nissuer: hai-hau\nperiod: {start: 2024, end: 2024}\n---\n")
    if bad == "bomb":
        project.write("docs/tin-tuc/bom.md", ITEM.format(extra=_bomb() + "\n", body="x"))
    elif bad == "date":
        project.write("docs/tin-tuc/ngay.md", ITEM.replace("15/03/2024 08:30", "9999-12-31 23:00Z").format(extra="", body="x"))
    else:
        project.write("docs/tin-tuc/lon.md", ITEM.format(extra="", body="x" * (3 * 1024 * 1024)))
    code, text = run_cli(capsys, "--root", str(project.root), *command)
    assert code in (1, 2) and "docs/tin-tuc/" in text
    assert not list(project.root.glob("site*")) and not list(project.root.glob(".site*"))


def test_an_unexpected_failure_in_the_build_is_a_message_and_cleans_up(project, monkeypatch):
    import cchc.site.views
    project.item("tot")
    site = project.root / "site"
    assert build_site(project.root, site).ok
    before = (site / "index.html").read_bytes()

    def broken(self):
        raise RecursionError("maximum recursion depth exceeded")
    monkeypatch.setattr(cchc.site.views.SiteViews, "_build", broken)
    result = build_site(project.root, site)
    assert not result.ok and any("Lỗi không mong đợi" in m and "RecursionError" in m for m in result.messages)
    assert (site / "index.html").read_bytes() == before
    assert sorted(p.name for p in project.root.iterdir() if p.name.startswith("site")) == ["site"]


def test_an_unexpected_failure_reading_one_file_names_that_file(project, monkeypatch):
    import cchc.content.loader
    project.item("a")
    project.item("b")
    real = cchc.content.loader.Loader.load_item

    def flaky(self, file):
        if file.name == "b.md":
            raise OverflowError("date value out of range")
        return real(self, file)
    monkeypatch.setattr(cchc.content.loader.Loader, "load_item", flaky)
    corpus, problems = project.load()
    (message,) = [str(p) for p in problems.items]
    assert message.startswith("docs/tin-tuc/b.md: không xử lý được tệp này (OverflowError") and " — " in message
    assert [i.slug for i in corpus.items] == ["a"]


# ---------------------------------------------------------------------------------------------------------
# In a real browser (Debian's chromium): the Content-Security-Policy holds and nothing runs
# ---------------------------------------------------------------------------------------------------------

WATCH = """window.__violations = [];
document.addEventListener('securitypolicyviolation', e => window.__violations.push(e.violatedDirective + ' ' + (e.blockedURI || e.sample)));"""
PAGE_TYPES = ["", "tin-tuc/", "tin-tuc/payload/", "chu-de/", "chu-de/xss-topic/", "don-vi/xss-unit/", "ke-hoach/",
              "ke-hoach/kh-xss/", "tien-do/", "luu-tru/", "luu-tru/2024/03/", "rss/", "gioi-thieu/", "trang-khac/", "404.html"]


def test_payload_pages_run_nothing_and_break_no_policy(browser, payload_site):
    from conftest import Served
    _, site, _, _ = payload_site
    served = Served(site)
    page = browser.new_page()
    page.add_init_script(WATCH)
    try:
        for path in PAGE_TYPES:
            page.goto(served.url + path)
            page.wait_for_load_state("networkidle")
            assert page.evaluate("() => [window.__pwned, window.__violations]") == [None, []], path
        page.goto(served.url + "tim-kiem/?q=XSS")  # the payload's own word: results show it as text
        page.wait_for_function("() => /^(Tìm thấy|Không tìm thấy)/.test(document.getElementById('cchc-status').textContent)")
        assert page.locator(".cchc-result").count() >= 1
        assert MARK in page.locator("#cchc-results").inner_text()
        assert page.evaluate("() => [window.__pwned, window.__violations]") == [None, []]
    finally:
        page.close()
        served.server.shutdown()


def test_sample_pages_break_no_policy_and_an_injected_script_is_blocked(browser, sample):
    from conftest import Served
    site, corpus = sample
    item = corpus.published()[0]
    plan = next(iter(corpus.plans.values()))
    injected = site / "tin-tuc" / "tiem-ma" / "index.html"
    injected.parent.mkdir()
    injected.write_text((site / item.url / "index.html").read_text(encoding="utf-8")
                        .replace("</body>", "<script>window.__injected = 1</script></body>"), encoding="utf-8")
    served = Served(site)
    page = browser.new_page()
    page.add_init_script(WATCH)
    try:
        for path in ["", item.url, plan.url, "tien-do/", "chu-de/", "don-vi/", "luu-tru/", "rss/", "gioi-thieu/",
                     "tim-kiem/?q=mot+cua", "404.html"]:
            page.goto(served.url + path)
            page.wait_for_load_state("networkidle")
            assert page.evaluate("() => window.__violations") == [], path
        page.goto(served.url + "tin-tuc/tiem-ma/")
        page.wait_for_load_state("networkidle")
        assert page.evaluate("() => window.__injected") is None
        assert any(v.startswith("script-src") for v in page.evaluate("() => window.__violations"))
    finally:
        page.close()
        served.server.shutdown()
        shutil.rmtree(injected.parent)


# ---------------------------------------------------------------------------------------------------------
# Messages point at the cause: the root first and once, the line where the mistake is, the thing named,
# arguments checked, long lists cut with a count
# ---------------------------------------------------------------------------------------------------------

PLAN = """---
id: kh
title: {title}
issuer: hai-hau
period: {{start: 01/01/2024, end: 31/12/2024}}
---
"""


def validate_cli(capsys, project) -> tuple[int, list[str]]:
    code, text = run_cli(capsys, "--root", str(project.root), "validate")
    return code, [line.strip() for line in text.splitlines() if line.startswith("  ")]


@pytest.mark.parametrize("plan, line, words", [
    (PLAN.format(title='"Kế hoạch chưa đóng ngoặc'), 3, "ngoặc kép mở ở dòng này"),           # YAML error
    (PLAN.format(title="'Kế hoạch chưa đóng ngoặc đơn"), 3, "ngoặc kép mở ở dòng này"),
    (PLAN.format(title="Kế hoạch").replace("period: {start: 01/01/2024, end: 31/12/2024}\n", ""), 0, "thời gian thực hiện"),
    (PLAN.format(title="[Kế hoạch, chưa đóng"), 3, "ngoặc vuông"),
])
def test_a_plan_with_an_error_is_named_first_and_references_point_at_it(project, capsys, plan, line, words):
    project.write("plans/kh.md", plan)
    for n in range(3):
        project.item(f"bai-{n}", plan="kh")
    code, shown = validate_cli(capsys, project)
    assert code == 1 and shown[0].startswith("plans/kh.md") and words in shown[0], shown
    if line:
        assert shown[0].startswith(f"plans/kh.md:{line}:"), shown[0]
    where = shown[0].split(": ")[0]
    references = [m for m in shown if m.startswith("docs/")]
    assert len(references) == 3 and all(f'kế hoạch "kh" đang có lỗi (xem {where})' in m for m in references), shown
    assert not any("không có trong thư mục plans/" in m for m in shown)


@pytest.mark.parametrize("vocabulary, breaks, line, words", [
    ("chu-de.yml", lambda t: t.replace("  name: ", '  name: "', 1), None, "ngoặc kép mở ở dòng này"),
    ("chu-de.yml", lambda t: "- chỉ một danh sách\n- không phải các mục\n", 1, "phải là các mục"),
    ("chu-de.yml", lambda t: t.replace("\nmot-cua:\n", "\nmot-cua:\n  khong-ten: x\n", 1).replace(
        "\nmot-cua:\n  khong-ten: x\n  name:", "\nmot-cua:\n  khong-ten: x\n  ten:", 1), None, '"mot-cua" thiếu tên'),
    ("don-vi.yml", lambda t: t.replace("\nhai-hau:\n", "\nHai-Hau:\n", 1), None, "phải viết thường"),
])
def test_a_broken_vocabulary_is_the_first_message_and_items_say_it_has_an_error(project, capsys, vocabulary,
                                                                                   breaks, line, words):
    file = project.root / "plans" / vocabulary
    text = file.read_text(encoding="utf-8")
    file.write_text(breaks(text), encoding="utf-8")
    project.item("mot", topics="[mot-cua]", unit="hai-hau")
    project.item("hai", topics="[mot-cua]", unit="hai-hau")
    code, shown = validate_cli(capsys, project)
    assert code == 1 and shown[0].startswith(f"plans/{vocabulary}:") and words in shown[0], shown[:3]
    if line:
        assert shown[0].startswith(f"plans/{vocabulary}:{line}:")
    if "ngoặc kép" in words:  # the line where the quote opens, not where the parser gave up
        opened = next(n for n, row in enumerate(breaks(text).splitlines(), 1) if row.startswith('  name: "'))
        assert shown[0].startswith(f"plans/{vocabulary}:{opened}:"), shown[0]
    where = shown[0].split(": ")[0]
    items = [m for m in shown if m.startswith("docs/tin-tuc/")]
    assert len(items) == 2 and all(f"đang có lỗi (xem {where})" in m for m in items), shown
    assert not any("không có trong danh mục" in m for m in shown if m.startswith("docs/")), shown


@pytest.mark.parametrize("text, line, words", [
    ('title: "Hội nghị\ndate: 15/03/2024 08:30\nunit: "hai-hau"\ntopics: [mot-cua]\n', 1, "ngoặc kép"),
    ("title: Hội nghị\ntopics: [mot-cua, thu-tuc-hanh-chinh\ndate: 15/03/2024 08:30\nunit: hai-hau\n", 2, "ngoặc vuông"),
    ("title: Hội nghị\ndocument: {number: 1/KH, issuer: x\ndate: 15/03/2024 08:30\nunit: hai-hau\n", 2, "ngoặc nhọn"),
    ("title: 'Hội nghị\ndate: 15/03/2024 08:30\nsummary: 'Tóm tắt'\nunit: hai-hau\n", 1, "ngoặc kép"),
])
def test_a_yaml_error_names_the_line_where_the_quote_or_bracket_opens(project, text, line, words):
    project.write("docs/tin-tuc/mo-ngoac.md", "---\n" + text + "---\n\nNội dung.\n")
    _, problems = project.load()
    found = [str(p) for p in problems.items if p.path == "docs/tin-tuc/mo-ngoac.md"]
    assert len(found) == 1 and found[0].startswith(f"docs/tin-tuc/mo-ngoac.md:{line + 1}:") and words in found[0], found


@pytest.mark.parametrize("entries, members, loop_lines", [
    ("vong-a:\n  name: A\n  parent: vong-b\nvong-b:\n  name: B\n  parent: vong-a\n", ["vong-a", "vong-b"], 2),
    ("tu-tro:\n  name: Tự trỏ\n  parent: tu-tro\n", ["tu-tro"], 1),
    ("ba-a:\n  name: A\n  parent: ba-c\nba-b:\n  name: B\n  parent: ba-a\nba-c:\n  name: C\n  parent: ba-b\n",
     ["ba-a", "ba-c", "ba-b"], 3),
])
def test_a_loop_of_parents_is_reported_once_at_a_parent_line_and_its_children_are_fine(project, entries, members,
                                                                                         loop_lines):
    file = project.root / "plans" / "chu-de.yml"
    before = file.read_text(encoding="utf-8")
    child = "con-cua-vong:\n  name: Con\n  parent: " + members[0] + "\n"
    file.write_text(before + "\n" + entries + child, encoding="utf-8")
    corpus, problems = project.load()
    found = [p for p in problems.items if p.path == "plans/chu-de.yml"]
    assert len(found) == 1, [str(p) for p in found]
    rows = (before + "\n" + entries + child).splitlines()
    parent_lines = [n for n, row in enumerate(rows, 1) if row.startswith("  parent: ") and n > len(before.splitlines())]
    assert found[0].line == parent_lines[0] and "vòng lặp cha-con" in found[0].message
    assert " › ".join([*members, members[0]]) in found[0].message  # in the direction of the parent: lines
    assert "con-cua-vong" not in found[0].message and corpus.topic_ancestors("con-cua-vong")  # no endless walk


@pytest.mark.parametrize("front, name, words, hint", [
    ("slug: trang", "bai-a", 'slug "trang" trùng đường dẫn dành riêng', "slug: bai-a"),
    ("slug: index", "bai-b", 'slug "index"', "slug: bai-b"),
    ("slug: Trang Chủ", "bai-c", 'slug "Trang Chủ"', "slug: trang-chu"),
    ("slug: TRANG", "trang", 'slug "TRANG"', "slug: tin-mau-ve-cai-cach-hanh-chinh"),
    ("", "index", 'tên tệp "index.md"', "tin-mau-ve-cai-cach-hanh-chinh.md"),
])
def test_a_bad_address_names_the_slug_and_suggests_a_valid_one(project, front, name, words, hint):
    project.item(name, front=front)
    _, problems = project.load()
    found = [str(p) for p in problems.items if "slug" in str(p) or "tên tệp" in str(p)]
    assert len(found) == 1 and words in found[0] and hint in found[0].split(" — ")[1], found
    suggested = found[0].split(" — ")[1]
    assert not re.search(r"slug: (trang|index)(?![\w-])|(?<![\w-])(trang|index)\.md", suggested)


@pytest.mark.parametrize("field, value, example", [
    ("audio", "../../ngoai/ban-tin.mp3", "media/2024/ban-tin.mp3"),
    ("image", "../../../etc/anh.jpg", "anh/2024/anh.jpg"),
])
def test_a_file_fields_hint_shows_a_path_of_its_own_kind(project, field, value, example):
    project.item("tep", **{field: value, "image_alt": "Ảnh"})
    _, problems = project.load()
    found = [str(p) for p in problems.items if p.path == "docs/tin-tuc/tep.md" and "ví dụ" in p.hint]
    assert found and example in found[0], found


def test_a_directory_named_like_a_content_file_is_named_as_a_directory(project, capsys):
    (project.root / "docs" / "tin-tuc" / "thu-muc.md").mkdir()
    (project.root / "plans" / "thu-muc.md").mkdir()
    code, shown = validate_cli(capsys, project)
    assert code == 1 and len(shown) == 2, shown
    assert all("là một thư mục, không phải tệp" in m and "đổi tên thư mục" in m for m in shown), shown


@pytest.mark.parametrize("args, words", [
    (["--root", "/khong/co/thu/muc", "validate"], 'không có thư mục dự án "/khong/co/thu/muc"'),
    (["--root", "/khong/co/thu/muc", "build"], 'không có thư mục dự án'),
    (["--root", "{tmp}", "validate"], "không phải thư mục dự án"),
    (["--root", "{file}", "check"], "là một tệp, không phải thư mục dự án"),
    (["--root", "{bare}", "build"], "không có tệp mkdocs.yml"),
    (["--root", "{root}", "report", "--plan", "kh", "--period", "q1", "--year", "0"], "--year 0: năm phải có bốn chữ số"),
    (["--root", "{root}", "report", "--plan", "kh", "--period", "q1", "--year", "20245"], "--year 20245"),
    (["--root", "{root}", "report", "--plan", "kh", "--period", "q1", "--year", "2031"], "chọn năm từ 2024 đến 2024"),
    (["--root", "{root}", "serve", "--port", "70000"], "--port 70000"),
    (["--root", "{root}", "check", "--as-of", "31/12/0000"], "năm 0"),
    (["--root", "{root}", "report", "--plan", "kh", "--period", "q1", "--date", "30/02/2024"], "30/02/2024"),
])
def test_command_line_arguments_are_checked_never_replaced(project, capsys, tmp_path, args, words):
    project.write("plans/kh.md", PLAN.format(title="Kế hoạch"))
    (tmp_path / "tep").write_text("x", encoding="utf-8")
    (tmp_path / "trong" / "plans").mkdir(parents=True)
    values = {"{root}": str(project.root), "{tmp}": str(tmp_path / "trong" / "plans"), "{file}": str(tmp_path / "tep"),
              "{bare}": str(tmp_path / "trong")}
    code, text = run_cli(capsys, *[values.get(a, a) for a in args])
    assert code == 2 and words in text and "Traceback" not in text, text
    assert not (project.root / "bao-cao").exists() and not (project.root / "site").exists()


def test_a_port_in_use_is_said_at_once_with_the_fix(project, capsys):
    import socket

    from cchc.preview.serve import serve
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    try:
        port = taken.getsockname()[1]
        assert serve(project.root, "127.0.0.1", port) == 2
    finally:
        taken.close()
    text = capsys.readouterr().err
    assert f"cổng {port} đang có chương trình khác dùng" in text and f"--port {port + 1}" in text, text
    assert not (project.root / "build" / "preview").exists()  # said before any build


@pytest.mark.parametrize("settings, line, words", [
    ("site_name: Cổng\nnav: [\n  - a.md\n", 2, "ngoặc vuông"),
    ("site_name: 'Cổng\ntheme:\n  name: material\n  custom_dir: 'overrides'\n", 1, "ngoặc kép"),
    (None, 0, "không có thiết lập tên \"them_x\""),
    ("theme:\n  name: material\n", 0, 'thiếu thiết lập "site_name"'),
])
def test_a_broken_mkdocs_yml_is_said_in_our_words(project, settings, line, words):
    file = project.root / "mkdocs.yml"
    text = file.read_text(encoding="utf-8")
    file.write_text(text + "\nthem_x: 1\n" if settings is None else settings, encoding="utf-8")
    result = build_site(project.root, project.root / "site")
    said = "\n".join(result.messages)
    assert not result.ok and words in said, said
    assert not re.search(r"Config value|Aborted|MkDocs encountered|Unrecognised|Required configuration", said), said
    if line:
        assert said.startswith(f"mkdocs.yml:{line}:"), said
    assert not (project.root / "site").exists()


def test_a_long_list_of_one_mistake_is_cut_with_a_count_of_the_rest(project):
    from cchc.content.problems import SHOWN_PER_KIND, Problems
    problems = Problems()
    for n in range(10_000):
        problems.add(f"docs/tin-tuc/bai-{n:05d}.md", 3, f'chủ đề "x{n}" không có trong danh mục plans/chu-de.yml', "sửa")
    problems.add("plans/chu-de.yml", 7, "lỗi cú pháp YAML", "sửa")
    report = problems.report().splitlines()
    assert report[0] == "Tìm thấy 10.001 lỗi và 0 cảnh báo trong nội dung:"
    assert report[1].startswith("  plans/chu-de.yml:7:")  # the cause first
    assert len(report) == 2 + SHOWN_PER_KIND + 1
    assert report[-1] == f"  … và {10_000 - SHOWN_PER_KIND:,} lỗi cùng loại: chủ đề …".replace(",", ".") + \
        " không có trong danh mục plans/chu-de.yml"


def test_hidden_files_are_never_read_nor_published_and_each_hidden_page_is_named(project):
    """A Mac leaves "._name" beside every file it copies to a shared drive; a writer may hide a draft as ".name.md".
    Neither is an item or a plan (MkDocs' rule for hidden files), neither breaks the build, and each Markdown one
    is named with what to do; other hidden files (.DS_Store) are left alone. Folders named like pages are walked,
    links to folders are reported and never entered."""
    project.item("2024/that")
    (project.root / "docs/tin-tuc/2024/._that.md").write_bytes(b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X  \xff\xfe")
    project.item(".nhap-an", title="Bản nháp giấu đi")
    project.item("thu-muc.md/ben-trong")
    (project.root / "docs/tin-tuc/.DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    project.write("plans/.ke-hoach-cu.md", "---\nid: cu\n---\n")
    project.write("plans/._mau.md", b"\x00\x05\x16\x07")
    (project.root / "elsewhere").mkdir()
    project.write("elsewhere/ngoai.md", "---\ntitle: x\n---\n")
    os.symlink(project.root / "elsewhere", project.root / "docs/tin-tuc/lien-ket")
    corpus, problems = project.load()
    assert sorted(item.slug for item in corpus.items) == ["ben-trong", "that"]
    said = [str(p) for p in problems.items]
    hidden = [line for line in said if "tệp ẩn" in line]
    assert sorted(line.split(":")[0] for line in hidden) == [
        "docs/tin-tuc/.nhap-an.md", "docs/tin-tuc/2024/._that.md", "plans/._mau.md", "plans/.ke-hoach-cu.md"]
    assert all("[cảnh báo]" in line and "đổi tên bỏ dấu chấm" in line for line in hidden)
    others = sorted(line.split(":")[0] for line in said if line not in hidden)
    assert others == ["docs/tin-tuc/lien-ket", "docs/tin-tuc/thu-muc.md"], said  # a link; a folder named like a page
    assert any("liên kết tượng trưng" in line for line in said) and any("là một thư mục" in line for line in said)
    assert not any("DS_Store" in line or "ngoai" in line for line in said)
    os.remove(project.root / "docs/tin-tuc/lien-ket")
    (project.root / "docs/tin-tuc/thu-muc.md").rename(project.root / "docs/tin-tuc/thu-muc")
    strict = build_site(project.root, project.root / "strict-site")  # warnings stop a strict build: named
    assert not strict.ok and "._that.md" in "\n".join(strict.messages)
    site = project.root / "site"
    result = build_site(project.root, site, strict=False)
    assert result.ok, result.messages
    assert (site / "tin-tuc/that/index.html").is_file() and (site / "tin-tuc/ben-trong/index.html").is_file()
    published = "\n".join(str(f.relative_to(site)) for f in site.rglob("*"))
    assert "nhap-an" not in published and "._that" not in published and "Bản nháp giấu đi" not in \
        (site / "tin-tuc/index.html").read_text(encoding="utf-8")


def test_a_linked_folder_is_found_under_every_file_when_folders_are_looked_at_once(tmp_path):
    """model_files asks about each folder once for all its files (20,000 items): the answer is the same as asking
    for each file, a linked folder is named for every file under it, and a link as the file itself too."""
    from cchc.content.publishing import symlink_in

    docs = tmp_path / "docs"
    (docs / "tin-tuc" / "2025").mkdir(parents=True)
    (tmp_path / "outside").mkdir()
    (docs / "anh").symlink_to(tmp_path / "outside", target_is_directory=True)
    (docs / "tin-tuc" / "2025" / "a.md").write_text("a")
    (docs / "tin-tuc" / "2025" / "b.md").symlink_to(tmp_path / "outside")
    folders: dict[str, bool] = {}
    for rel in ["tin-tuc/2025/a.md", "anh/x.png", "anh/y/z.png", "tin-tuc/2025/b.md", "tin-tuc/2025/a.md"]:
        assert symlink_in(docs, rel, folders) == symlink_in(docs, rel)
    assert symlink_in(docs, "anh/y/z.png", folders) == "anh" and symlink_in(docs, "tin-tuc/2025/b.md", folders) == "tin-tuc/2025/b.md"
    assert folders == {"tin-tuc": False, "tin-tuc/2025": False, "anh": True}
