"""`cchc gop-cong`: a second small portal (Trà Vinh's CCHC section) merged into a copy of the sample. Nothing lost
(counts and checksums), old feed IDs kept, every old address forwarded — in the built site and in chromium."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from cchc.site.build import build_site
from cchc.content.loader import load_corpus
from conftest import ROOT, SAMPLE_NOW, TINY_JPEG, Served, copy_sample, free_port
from test_nginx import NGINX, get, listening

OLD_SITE = "https://travinh.example.gov.vn/cchc/"  # the old section lived under a sub-path
OLD_FEED_ID = "tag:cchc.travinh.example.gov.vn,2020:"

UNITS = """
tra-vinh:
  name: Tỉnh Trà Vinh
  kind: tinh
  body: Ủy ban nhân dân tỉnh Trà Vinh
  place: Trà Vinh
so-noi-vu-tra-vinh:
  name: Sở Nội vụ tỉnh Trà Vinh
  kind: so-nganh
  parent: tra-vinh
so-noi-vu-vinh-long:
  name: Sở Nội vụ tỉnh Vĩnh Long
  kind: so-nganh
  parent: tra-vinh
"""
PLAN = """---
id: tra-vinh-2024
number: 35/KH-UBND
title: Kế hoạch thông tin, tuyên truyền cải cách hành chính tỉnh Trà Vinh năm 2024
issuer: tra-vinh
level: tinh
issued: 20/01/2024
period:
  start: 01/01/2024
  end: 31/12/2024
content:
  - ref: II.1
    text: Cải cách thủ tục hành chính, cơ chế một cửa.
    topics: [mot-cua]
tasks:
  - unit: so-noi-vu-tra-vinh
    text: Tổng hợp, báo cáo kết quả tuyên truyền.
reports: [6m, year]
---

## I. MỤC ĐÍCH

Nâng cao nhận thức về cải cách hành chính.
"""


def item(title: str, date: str, unit: str, extra: str = "") -> str:
    return (f"---\ntitle: {title}\ndate: {date}\ntopics: [mot-cua]\nunit: {unit}\nplan: tra-vinh-2024\n{extra}---\n\n"
            f"Nội dung của bài \"{title}\", đăng trên cổng Trà Vinh.\n")


@pytest.fixture
def portals(tmp_path):
    return make_portals(tmp_path)


def make_portals(tmp_path: Path) -> tuple[Path, Path]:
    ours = copy_sample(tmp_path / "vinh-long")
    theirs = tmp_path / "tra-vinh"
    (theirs / "plans").mkdir(parents=True)
    for name in ("chu-de.yml", "kenh.yml", "the-loai.yml", "viet-tat.yml"):
        shutil.copy(ROOT / "plans" / name, theirs / "plans" / name)
    (theirs / "plans" / "don-vi.yml").write_text(UNITS.lstrip(), encoding="utf-8")
    (theirs / "plans" / "tra-vinh-2024.md").write_text(PLAN, encoding="utf-8")
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    config = re.sub(r"^site_url: .*$", f'site_url: "{OLD_SITE}"  # quoted, as YAML allows', config, count=1, flags=re.M)
    config = re.sub(r'feed_id: "[^"]*"', f"feed_id: '{OLD_FEED_ID}'", config)
    (theirs / "mkdocs.yml").write_text(config, encoding="utf-8")
    shutil.copytree(ROOT / "overrides", theirs / "overrides")
    news = theirs / "docs" / "tin-tuc" / "2024"
    news.mkdir(parents=True)
    # the same address as one of ours: the merged one becomes /tin-tuc/tri-hai-guong-sang-kien-mot-cua-tra-vinh/
    (news / "tri-hai-guong-sang-kien-mot-cua.md").write_text(item("Một cửa Trà Vinh nhận hồ sơ qua bưu điện", "12/03/2024 08:00",
                                                                  "so-noi-vu-tra-vinh"), encoding="utf-8")
    (news / "tra-vinh-hoi-nghi-cchc.md").write_text(item(
        "Trà Vinh tổng kết cải cách hành chính", "20/06/2024 09:00", "tra-vinh",
        "image: anh/2024/trung-tam-hcc-ninh-thuan.svg\nimage_alt: Hội trường (ảnh minh họa)\n"), encoding="utf-8")
    (news / "tra-vinh-anh-mot-cua.md").write_text(item(
        "Bộ phận một cửa tỉnh Trà Vinh", "21/06/2024 09:00", "so-noi-vu-tra-vinh",
        "image: anh/2024/mot-cua-tra-vinh.jpg\nimage_alt: Quầy một cửa\n"), encoding="utf-8")
    # the README's own syntax for a picture and a document in the body: relative to the file, which moves
    (news / "tra-vinh-van-ban.md").write_text(item(
        "Trà Vinh ban hành kế hoạch tuyên truyền", "22/06/2024 09:00", "so-noi-vu-vinh-long").replace(
        "đăng trên cổng Trà Vinh.\n", "đăng trên cổng Trà Vinh.\n\n![Quầy một cửa Trà Vinh](../../anh/2024/mot-cua-tra-vinh.jpg)\n\n"
        "Xem [toàn văn kế hoạch](../../van-ban/2024/kh-35.pdf) và [bài trước](tra-vinh-anh-mot-cua.md).\n"), encoding="utf-8")
    (news / "ban-nhap.md").write_text(item("Bản nháp chưa đăng", "23/06/2024 09:00", "tra-vinh", "draft: true\n"), encoding="utf-8")
    (news / "sap-dang.md").write_text(item("Bài hẹn giờ đăng năm sau", "02/01/2027 09:00", "tra-vinh"), encoding="utf-8")
    (theirs / "docs" / "gioi-thieu.md").write_text("# Giới thiệu chuyên mục CCHC Trà Vinh\n\n"
                                                  "![Trụ sở](anh/2024/mot-cua-tra-vinh.jpg)\n", encoding="utf-8")
    (theirs / "docs" / "van-ban" / "2024").mkdir(parents=True)
    (theirs / "docs" / "van-ban" / "2024" / "kh-35.pdf").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n")
    (theirs / "docs" / "assets").mkdir()
    (theirs / "docs" / "assets" / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>', encoding="utf-8")
    (theirs / "docs" / "anh" / "2024").mkdir(parents=True)
    # the same path as our own SVG, other content: moved to anh/tra-vinh/2024/
    (theirs / "docs" / "anh" / "2024" / "trung-tam-hcc-ninh-thuan.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" fill="#06c"/></svg>',
        encoding="utf-8")
    (theirs / "docs" / "anh" / "2024" / "mot-cua-tra-vinh.jpg").write_bytes(TINY_JPEG)
    return ours, theirs


def gop(ours: Path, theirs: Path, code: str = "tra-vinh", **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cchc.cli", "--root", str(ours), "--now", SAMPLE_NOW, "gop-cong",
                           str(theirs), "--ma", code], capture_output=True, text=True, timeout=600,
                          env={**os.environ, **env})


def files(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in folder.rglob("*") if p.is_file() and "build" not in p.relative_to(folder).parts}


def test_the_first_run_drafts_the_unit_mapping_and_changes_nothing_else(portals):
    ours, theirs = portals
    before = files(ours)
    done = gop(ours, theirs)
    assert done.returncode == 1 and "plans/gop-tra-vinh.yml" in done.stdout and "Chưa có gì được gộp" in done.stdout
    mapping = (ours / "plans" / "gop-tra-vinh.yml").read_text(encoding="utf-8")
    assert "  tra-vinh: them" in mapping and "  so-noi-vu-tra-vinh: them" in mapping
    assert "  so-noi-vu-vinh-long: so-noi-vu-vinh-long  # cùng mã, cùng tên" in mapping
    after = files(ours)
    assert {k: v for k, v in after.items() if k != "plans/gop-tra-vinh.yml"} == before


@contextmanager
def sample_time():
    saved = os.environ.get("CCHC_NOW")
    os.environ["CCHC_NOW"] = SAMPLE_NOW
    try:
        yield
    finally:
        os.environ.pop("CCHC_NOW") if saved is None else os.environ.__setitem__("CCHC_NOW", saved)


def built(root: Path, site: Path) -> Path:
    with sample_time():
        result = build_site(root, site)
    assert result.ok, result.messages
    return site


def guids(feed: Path) -> list[str]:
    text = feed.read_text(encoding="utf-8")
    return re.findall(r"<guid[^>]*>([^<]+)</guid>", text) or re.findall(r"<entry>.*?<id>([^<]+)</id>", text, re.S)


def feeds(site: Path) -> dict[str, list[str]]:
    return {p.relative_to(site).as_posix(): guids(p) for p in site.rglob("*.xml")
            if not p.name.startswith("sitemap") and "cong-cu" not in p.relative_to(site).parts}


@dataclass
class Merged:
    ours: Path
    theirs: Path
    before: Path  # our site before the merge
    old: Path  # the old portal's own site
    after: Path  # our site after
    said: str
    ledger: dict
    theirs_corpus: object


@pytest.fixture(scope="module")
def merged(tmp_path_factory) -> Merged:
    tmp = tmp_path_factory.mktemp("gop")
    ours, theirs = make_portals(tmp)
    before, old = built(ours, tmp / "truoc"), built(theirs, tmp / "cu")
    with sample_time():
        theirs_corpus = load_corpus(theirs)[0]
    assert gop(ours, theirs).returncode == 1  # drafts the mapping (accepted as suggested)
    done = gop(ours, theirs)
    assert done.returncode == 0, done.stdout + done.stderr
    for stage in ("đọc hai cổng", "chép và đối chiếu tệp", "kiểm tra bản gộp thử", "dựng trang", "đưa vào dự án"):
        assert f"Gộp cổng: {stage}" in done.stderr, done.stderr  # the merge says where it is as it goes
    ledger = yaml.safe_load((ours / "plans" / "cong-cu" / "tra-vinh.yml").read_text(encoding="utf-8"))
    return Merged(ours, theirs, before, old, built(ours, tmp / "sau"), done.stdout, ledger, theirs_corpus)


def test_a_merge_loses_nothing_marks_its_items_and_mends_their_links(merged):
    ours, theirs = merged.ours, merged.theirs
    assert "Sổ gộp cổng \"tra-vinh\"" in merged.said and re.search(r"bài\s+6\s+[\d.]+\s+6", merged.said)
    assert "docs/assets/" in merged.said  # what is not taken is said
    with sample_time():
        corpus, problems = load_corpus(ours)
    assert not problems.errors and not problems.warnings
    mine = [i for i in corpus.items if i.merged_from == "tra-vinh"]
    assert len(mine) == len(merged.theirs_corpus.items) == 6  # drafts and future items too
    by_title = {i.title: i for i in corpus.items}
    moved = by_title["Một cửa Trà Vinh nhận hồ sơ qua bưu điện"]
    assert moved.slug == "tri-hai-guong-sang-kien-mot-cua-tra-vinh"  # the README's rule for a taken address
    assert moved.guid == f"{OLD_FEED_ID}tin-tuc/tri-hai-guong-sang-kien-mot-cua/"
    assert merged.ledger["doi_ten"] == {"tri-hai-guong-sang-kien-mot-cua": "tri-hai-guong-sang-kien-mot-cua-tra-vinh"}
    assert merged.ledger["tep_chuyen"] == {"anh/2024/trung-tam-hcc-ninh-thuan.svg": "anh/tra-vinh/2024/trung-tam-hcc-ninh-thuan.svg"}
    assert by_title["Trà Vinh tổng kết cải cách hành chính"].image == "anh/tra-vinh/2024/trung-tam-hcc-ninh-thuan.svg"
    # every relative link of a body still reaches the very bytes it reached on the old portal
    link = re.compile(r"\]\(([^)#\s]+)")
    for old in merged.theirs_corpus.items:
        new = next(i for i in mine if i.title == old.title)
        before = link.findall(old.body)
        after = link.findall(new.body)
        assert len(before) == len(after)
        for a, b in zip(before, after):
            was = (theirs / "docs" / old.src_uri).parent / a
            now = (ours / "docs" / new.src_uri).parent / b
            assert now.is_file(), (old.path, a, b)
            if not a.endswith(".md"):  # an item linked is its merged copy (with its merged_from: line)
                assert now.read_bytes() == was.read_bytes(), (old.path, a, b)
    page = (merged.after / "tin-tuc" / "tra-vinh-van-ban" / "index.html").read_text(encoding="utf-8")
    for src in re.findall(r'<img[^>]+src="([^"]+)"', page) + re.findall(r'href="([^"]+\.pdf)"', page):
        assert (merged.after / "tin-tuc" / "tra-vinh-van-ban" / src).resolve().is_file(), src
    assert (ours / "docs" / "tra-vinh" / "gioi-thieu.md").is_file()  # its own page, beside ours
    assert (ROOT / "docs" / "gioi-thieu.md").read_bytes() == (ours / "docs" / "gioi-thieu.md").read_bytes()


def test_no_subscriber_of_either_portal_receives_an_old_item_as_new(merged):
    before, after = feeds(merged.before), feeds(merged.after)
    assert {path: after[path] for path in before} == before  # every feed of ours: the very same items, bulletins too
    assert all(after[path] == [] for path in set(after) - set(before))  # the added units' own feeds: nothing old
    old = feeds(merged.old)
    assert "phat-thanh/rss.xml" in old and "don-vi/so-noi-vu-tra-vinh/rss.xml" in old
    for path, ids in old.items():  # each old feed kept whole at cong-cu/tra-vinh/<path>, with its GUIDs
        archive = merged.after / "cong-cu" / "tra-vinh" / path
        if path == "phat-thanh/ban-tin/rss.xml":  # bulletins are not remade: the archive says where news goes on
            assert ids and guids(archive) == [] and "https://cchc.example.gov.vn/rss.xml" in archive.read_text(encoding="utf-8")
            continue
        assert guids(archive) == ids, path
        assert merged.ledger["dia_chi"][path] == f"cong-cu/tra-vinh/{path}"
    radio = (merged.after / "cong-cu" / "tra-vinh" / "phat-thanh" / "rss.xml").read_text(encoding="utf-8")
    assert radio.count("<enclosure") == radio.count("<item>") == len(old["phat-thanh/rss.xml"]) > 0
    home = (merged.after / "index.html").read_text(encoding="utf-8")
    assert "Trà Vinh" not in home  # history, not news


def old_addresses(site: Path) -> set[str]:
    """What the old portal answered: its pages, feeds and published files (not its theme or generated audio)."""
    found = set()
    for p in site.rglob("*"):
        rel = p.relative_to(site).as_posix()
        if not p.is_file() or rel.split("/")[0] in ("assets", "quan-tri", "search") or rel in ("404.html", ".htaccess"):
            continue
        if p.name == "index.html":
            found.add(rel[: -len("index.html")])
        elif p.suffix == ".xml" and not p.name.startswith("sitemap"):
            found.add(rel)
        elif rel.split("/")[0] in ("anh", "media", "van-ban"):
            found.add(rel)
    return found


def test_every_old_address_has_a_page_here(merged):
    table = {("" if k == "/" else k): ("" if v == "/" else v) for k, v in merged.ledger["dia_chi"].items()}
    missing = old_addresses(merged.old) - set(table)
    assert not missing
    for old, new in table.items():
        target = merged.after / new
        assert (target / "index.html").is_file() if new.endswith("/") or not new else target.is_file(), (old, new)
        if old.endswith("/") or not old:  # the static forwarding page agrees
            page = (merged.after / "cong-cu" / "tra-vinh" / old / "index.html").read_text(encoding="utf-8")
            assert f'<link rel="canonical" href="https://cchc.example.gov.vn/{new}">' in page, old
            refresh = re.search(r'content="0; url=([^"]*)"', page).group(1)
            assert (merged.after / "cong-cu" / "tra-vinh" / old / refresh / "index.html").resolve() == \
                (target / "index.html").resolve(), old
    assert table["tin-tuc/tri-hai-guong-sang-kien-mot-cua/"] == "tin-tuc/tri-hai-guong-sang-kien-mot-cua-tra-vinh/"
    assert table["gioi-thieu/"] == "tra-vinh/gioi-thieu/"
    assert table["don-vi/so-noi-vu-vinh-long/"] == "don-vi/so-noi-vu-vinh-long/"
    assert "tin-tuc/ban-nhap/" not in table and "tin-tuc/sap-dang/" not in table  # never published there


def test_a_merge_that_would_break_the_content_changes_nothing(portals):
    ours, theirs = portals
    assert gop(ours, theirs).returncode == 1
    mapping = ours / "plans" / "gop-tra-vinh.yml"
    mapping.write_text(mapping.read_text(encoding="utf-8").replace("tra-vinh: them", "tra-vinh: khong-co"), encoding="utf-8")
    before = files(ours)
    done = gop(ours, theirs)
    assert done.returncode == 1 and '"khong-co" không có trong plans/don-vi.yml' in done.stderr
    assert files(ours) == before and "Traceback" not in done.stderr and not (ours / ".gop-cong").exists()


def test_following_an_old_address_in_a_browser_lands_on_the_item(merged, browser):
    served = Served(merged.after)
    page = browser.new_page(java_script_enabled=False)  # a meta refresh needs no script
    page.goto(served.url + "cong-cu/tra-vinh/tin-tuc/tri-hai-guong-sang-kien-mot-cua/")
    page.wait_for_url(re.compile(r".*/tin-tuc/tri-hai-guong-sang-kien-mot-cua-tra-vinh/$"))
    assert page.locator("h1").inner_text() == "Một cửa Trà Vinh nhận hồ sơ qua bưu điện"
    page.close()
    served.server.shutdown()


def test_a_redirect_table_cannot_write_or_read_outside_the_site(project, tmp_path):
    project.write("plans/cong-cu/xau.yml", """
        ma: xau
        site_url: https://cu.example.gov.vn/
        dia_chi:
          ../../ngoai/: gioi-thieu/
          tin-tuc/a/: ../../../etc/passwd
          "tin-tuc/\\"><script>alert(1)</script>/": gioi-thieu/
          gioi-thieu-cu/: gioi-thieu/
    """)
    import os
    os.environ["CCHC_NOW"] = SAMPLE_NOW
    try:
        result = build_site(project.root, tmp_path / "site")
    finally:
        os.environ.pop("CCHC_NOW")
    assert not result.ok  # a table with refused lines stops the build, naming each line
    text = "\n".join(result.messages)
    assert "../../ngoai/" in text and "../../../etc/passwd" in text and "Traceback" not in text
    assert not (tmp_path / "ngoai").exists() and not (tmp_path / "site").exists()
    good = project.root / "plans" / "cong-cu" / "xau.yml"
    good.write_text("ma: xau\nsite_url: https://cu.example.gov.vn/\ndia_chi:\n  gioi-thieu-cu/: gioi-thieu/\n", encoding="utf-8")
    os.environ["CCHC_NOW"] = SAMPLE_NOW
    try:
        assert build_site(project.root, tmp_path / "site").ok
    finally:
        os.environ.pop("CCHC_NOW")
    page = (tmp_path / "site" / "cong-cu" / "xau" / "gioi-thieu-cu" / "index.html").read_text(encoding="utf-8")
    assert 'content="0; url=../../../gioi-thieu/"' in page and "<script" not in page


APACHE = shutil.which("apache2") or "/usr/sbin/apache2"
NEW_SITE = "https://cchc.example.gov.vn/"


def _started(command: list[str], port: int, log: Path) -> subprocess.Popen:
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 20
    while not listening(port):
        assert process.poll() is None and time.monotonic() < deadline, (process.stderr.read() if process.poll() is not None
                                                                        else "", log.read_text() if log.exists() else "")
        time.sleep(0.05)
    return process


@pytest.fixture(params=["nginx", "apache"])
def old_server(request, merged, tmp_path):
    """The old portal's web server with the merge's map: Debian's nginx (the map included in its server block)
    or Debian's Apache (the map's RedirectMatch lines, mod_alias)."""
    port, maps = free_port(), merged.ours / "deploy" / "chuyen-huong"
    if request.param == "nginx":
        assert Path(NGINX).exists(), "Debian's nginx is installed by `make test`"
        temp = "".join(f"{kind}_temp_path {tmp_path}/{kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        (tmp_path / "nginx.conf").write_text(f"""
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log;
events {{ worker_connections 64; }}
http {{
    access_log off;
    {temp}
    server {{
        listen 127.0.0.1:{port};
        include {maps / "tra-vinh.nginx.conf"};
    }}
}}
""", encoding="utf-8")
        command = [NGINX, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), "-g", "daemon off;"]
    else:
        assert Path(APACHE).exists(), "Debian's apache2 is installed by `make test`"
        modules = "/usr/lib/apache2/modules"
        (tmp_path / "www").mkdir()
        (tmp_path / "httpd.conf").write_text(f"""
LoadModule mpm_event_module {modules}/mod_mpm_event.so
LoadModule authz_core_module {modules}/mod_authz_core.so
LoadModule alias_module {modules}/mod_alias.so
ServerRoot {tmp_path}
ServerName localhost
Listen 127.0.0.1:{port}
PidFile {tmp_path}/httpd.pid
ErrorLog {tmp_path}/error.log
User nobody
Group nogroup
DocumentRoot {tmp_path}/www
Include {maps / "tra-vinh.htaccess"}
""", encoding="utf-8")
        command = [APACHE, "-f", str(tmp_path / "httpd.conf"), "-D", "FOREGROUND"]
    process = _started(command, port, tmp_path / "error.log")
    try:
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_every_old_address_answers_one_redirect_to_its_page_on_nginx_and_apache(merged, old_server):
    table = {("" if k == "/" else k): ("" if v == "/" else v) for k, v in merged.ledger["dia_chi"].items()}
    asked = 0
    for old, new in table.items():
        forms = [old] if old and not old.endswith("/") else [old, old + "index.html"] + ([old.rstrip("/")] if old else [])
        for form in forms:
            status, headers, _ = get(old_server, "/cchc/" + form)
            assert (status, headers.get("location")) == (301, NEW_SITE + new), form
            asked += 1
    assert asked > 250 and get(old_server, "/cchc")[1].get("location") == NEW_SITE  # the old home without its slash
    # an address the old portal never had: to the new home, never a loop or an error
    assert get(old_server, "/cchc/khong-co/trang-nay/")[1].get("location") == NEW_SITE


def test_sources_that_cannot_be_merged_are_refused_before_anything_is_written(merged, tmp_path):
    ours, theirs = merged.ours, merged.theirs
    copy = shutil.copytree(ROOT, tmp_path / "ban-sao", ignore=shutil.ignore_patterns(".git", ".venv", "node_modules",
                                                                                    "build", "site", "test-output"))
    linked = shutil.copytree(theirs, tmp_path / "lien-ket")
    (linked / "mkdocs.yml").unlink()
    (linked / "mkdocs.yml").symlink_to("/etc/hostname")
    unsafe = shutil.copytree(theirs, tmp_path / "khong-an-toan")
    (unsafe / "docs" / "tin-tuc" / "2024" / "tra-vinh-hoi-nghi-cchc.md").open("a", encoding="utf-8").write(
        '\n<img src="x" onerror="alert(1)">\n')
    config = (unsafe / "mkdocs.yml").read_text(encoding="utf-8")  # another portal, not merged yet
    (unsafe / "mkdocs.yml").write_text(config.replace("travinh", "duyenhai"), encoding="utf-8")
    cases = [
        (ours, "ban-than", "chính là cổng này"),
        (copy, "ban-sao", "bản sao của chính cổng này"),
        (theirs, "tra-vinh-2", 'đã được gộp với mã "tra-vinh"'),
        (linked, "lien-ket", "symlink"),
        (unsafe, "khong-an-toan", "tra-vinh-hoi-nghi-cchc.md:"),
        (theirs, "2024", "trùng một năm"),
        (theirs, "tin-tuc", "trùng một năm, một thư mục"),
        (theirs, "Trà Vinh", "không dùng được"),
    ]
    before = files(ours)
    for source, code, said in cases:
        done = gop(ours, source, code)
        assert done.returncode == 1 and said in done.stderr and "Traceback" not in done.stderr, (code, done.stderr)
        assert files(ours) == before and not (ours / ".gop-cong").exists(), code


@pytest.mark.parametrize("step,whole", [("chep-docs", False), ("truoc-dung", False), ("dung-xong", False),
                                        ("ghi-so", True), ("chuyen-5", True)])
def test_a_merge_killed_at_any_step_leaves_the_project_untouched_or_wholly_merged(step, whole, tmp_path, reference):
    ours, theirs = make_portals(tmp_path)
    assert gop(ours, theirs).returncode == 1  # the unit mapping, accepted as drafted
    before = files(ours)
    killed = gop(ours, theirs, CCHC_GOP_CONG_DUNG=step)
    assert killed.returncode == -9, killed.stderr  # SIGKILL: no clean-up ran
    assert (ours / ".gop-cong").exists()
    after = subprocess.run([sys.executable, "-m", "cchc.cli", "--root", str(ours), "--now", SAMPLE_NOW, "validate"],
                           capture_output=True, text=True, timeout=300)
    assert not (ours / ".gop-cong").exists()
    assert ("cổng đã gộp trọn vẹn" if whole else "dự án giữ nguyên như trước") in after.stderr
    assert files(ours) == (reference if whole else before)
    assert after.returncode == 0, after.stderr


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> dict[str, str]:
    """The project after an uninterrupted merge of the same portals."""
    ours, theirs = make_portals(tmp_path_factory.mktemp("tron-ven"))
    gop(ours, theirs)
    assert gop(ours, theirs).returncode == 0
    return files(ours)
