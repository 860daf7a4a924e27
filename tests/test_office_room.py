"""The office's editing room (`cchc phong-bien-tap`) on real parts: Debian's nginx with TLS (a self-signed
certificate made by openssl) and auth_basic (a password file made by Debian's htpasswd) in front of the room on
its Unix socket, a real git repository, releases served by the same nginx. Accounts: a writer and a reviewer."""

from __future__ import annotations

import base64
import json
import os
import shutil
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, SAMPLE_NOW, copy_sample, free_port, nginx_conf, start_nginx
from test_editor import png

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
DEPLOY = ROOT / "deploy" / "nginx"
ACCOUNTS = {"viet-an": ("mat-khau-viet", "người viết"), "duyet-binh": ("mat-khau-duyet", "người duyệt")}
ROOM_SETTINGS = """  editor:
    backend: phong-bien-tap
    accounts:
      viet-an: người viết
      duyet-binh: người duyệt
"""
NEW_ITEM = """---
title: Một cửa xã Long Hồ nhận hồ sơ qua Zalo
date: 15/06/2026 08:30
topics: [mot-cua]
unit: xa-long-ho
image: anh/2026/mot-cua-zalo.png
image_alt: Cán bộ một cửa trả lời tin nhắn Zalo của người dân
---

Bộ phận một cửa xã Long Hồ tiếp nhận hồ sơ qua Zalo từ tháng 6.
"""
ITEM_PATH = "docs/tin-tuc/2026/mot-cua-xa-long-ho-nhan-ho-so-qua-zalo.md"
SLUG = "2026/mot-cua-xa-long-ho-nhan-ho-so-qua-zalo"
PAGE = "/tin-tuc/mot-cua-xa-long-ho-nhan-ho-so-qua-zalo/"


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True).stdout


class Office:
    """The project under git, the room on its socket, nginx in front; `lines` is the room's terminal."""

    def __init__(self, tmp: Path) -> None:
        self.root = copy_sample(tmp / "du-an")
        config = (self.root / "mkdocs.yml").read_text(encoding="utf-8")
        (self.root / "mkdocs.yml").write_text(config.replace("\nextra:\n", "\nextra:\n" + ROOM_SETTINGS, 1), encoding="utf-8")
        git(self.root, "init", "-q", "-b", "main")
        git(self.root, "-c", "user.name=Quan tri", "-c", "user.email=qt@example.gov.vn", "add", "-A")
        git(self.root, "-c", "user.name=Quan tri", "-c", "user.email=qt@example.gov.vn", "commit", "-q", "-m", "Ban dau")
        self.www = tmp / "www"
        self.sock = Path(tempfile.mkdtemp(prefix="cchc-", dir="/tmp")) / "p.sock"  # a socket path has ≤ 107 bytes
        self.work = tmp / "nginx"
        self.work.mkdir()
        self.port = free_port()
        self.url = f"https://127.0.0.1:{self.port}"
        self.cert, key = self.work / "cert.pem", self.work / "key.pem"
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                        "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(self.cert)],
                       check=True, capture_output=True)
        passwords = self.work / "htpasswd"
        for i, (name, (password, _)) in enumerate([*ACCOUNTS.items(), ("la-mat", ("mat-khau-la", ""))]):
            subprocess.run(["htpasswd", "-b", "-B", *(["-c"] if i == 0 else []), str(passwords), name, password],
                           check=True, capture_output=True)
        self.lines: list[str] = []
        self.room = None
        self.start()
        self.nginx = self._nginx(key, passwords)

    def _nginx(self, key: Path, passwords: Path) -> subprocess.Popen:
        snippets = self.work / "snippets"
        snippets.mkdir()
        for name in ("chuyen-muc-cchc.rules", "chuyen-muc-cchc.headers"):
            text = (DEPLOY / name).read_text(encoding="utf-8").replace("/etc/nginx/snippets/", f"{snippets}/")
            (snippets / name).write_text(text, encoding="utf-8")
        server = (DEPLOY / "phong-bien-tap.conf").read_text(encoding="utf-8")
        server = server.split("server {", 2)[2]  # the HTTPS server (the port-80 one only redirects)
        for old, new in {"listen 443 ssl;": f"listen 127.0.0.1:{self.port} ssl;",
                         "/etc/ssl/certs/cchc.example.gov.vn.pem": str(self.cert),
                         "/etc/ssl/private/cchc.example.gov.vn.key": str(key),
                         "/etc/nginx/cchc-phong-bien-tap.htpasswd": str(passwords),
                         "/run/cchc-phong-bien-tap/phong-bien-tap.sock": str(self.sock),
                         "/var/www/chuyen-muc-cchc/current": str(self.www / "current"),
                         "/etc/nginx/snippets/": f"{snippets}/"}.items():
            assert old in server, old
            server = server.replace(old, new)
        nginx_conf(self.work, f"include /etc/nginx/mime.types;\ndefault_type application/octet-stream;\n"
                              f"access_log off;\nserver {{{server}")
        return start_nginx(self.work, lambda: self.get("/"))

    def start(self, **env: str) -> None:
        """The room as its service unit runs it; returns once it serves (its first publish done)."""
        self.lines.clear()
        self.room = subprocess.Popen(
            [sys.executable, "-m", "cchc.cli", "--root", str(self.root), "phong-bien-tap", "--noi-nhan", str(self.www),
             "--socket", str(self.sock)], stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
            env=dict(os.environ, CCHC_NOW=SAMPLE_NOW, **env))
        threading.Thread(target=self._read, args=(self.room,), daemon=True).start()
        deadline = time.monotonic() + 180
        while not any("Phòng biên tập đang chạy" in line for line in self.lines):
            assert self.room.poll() is None and time.monotonic() < deadline, "\n".join(self.lines)
            time.sleep(0.1)

    def _read(self, process) -> None:
        for line in process.stderr:
            self.lines.append(line.rstrip("\n"))

    def stop(self) -> None:
        if self.room and self.room.poll() is None:
            self.room.terminate()
            self.room.wait(timeout=30)

    def context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.cert))  # the certificate checked, not ignored

    def get(self, path: str, account: str = "", password: str = "") -> tuple[int, bytes]:
        request = urllib.request.Request(self.url + path)
        if account:
            token = base64.b64encode(f"{account}:{password or ACCOUNTS[account][0]}".encode()).decode()
            request.add_header("Authorization", f"Basic {token}")
        try:
            with urllib.request.urlopen(request, context=self.context(), timeout=60) as answer:
                return answer.status, answer.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def call(self, account: str, action: str, params: dict, password: str = "", origin: str = "") -> tuple[int, dict]:
        """A request of the editor, as Decap's proxy backend sends it, through nginx."""
        token = base64.b64encode(f"{account}:{password or ACCOUNTS.get(account, ('x',))[0]}".encode()).decode()
        request = urllib.request.Request(self.url + "/quan-tri/api/v1", method="POST",
                                         data=json.dumps({"action": action, "params": {"branch": "main", **params}}).encode(),
                                         headers={"Authorization": f"Basic {token}", "Content-Type": "application/json",
                                                  "Origin": origin or self.url})
        try:
            with urllib.request.urlopen(request, context=self.context(), timeout=300) as answer:
                return answer.status, json.loads(answer.read())
        except urllib.error.HTTPError as exc:
            body = exc.read()
            try:
                return exc.code, json.loads(body)
            except ValueError:
                return exc.code, {"error": body.decode("utf-8", "replace")}

    def live(self) -> Path:
        return (self.www / "current").resolve()


@pytest.fixture
def office(tmp_path):
    assert shutil.which("htpasswd") and Path(NGINX).exists(), "`make test` installs nginx and apache2-utils (htpasswd)"
    office = Office(tmp_path)
    yield office
    office.stop()
    office.nginx.terminate()
    office.nginx.wait(timeout=10)
    shutil.rmtree(office.sock.parent, ignore_errors=True)


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def submit(office: Office, account: str = "viet-an", text: str = NEW_ITEM) -> tuple[int, dict]:
    """The writer saves a new entry with its image (as Decap sends a first save in the workflow)."""
    return office.call(account, "persistEntry", {
        "dataFiles": [{"path": f"docs/tin-tuc/{SLUG}.md", "slug": SLUG, "raw": text}],
        "assets": [{"path": "docs/anh/2026/mot-cua-zalo.png", "content": base64.b64encode(png()).decode(),
                    "encoding": "base64"}],
        "options": {"collectionName": "tin-bai", "useWorkflow": True, "status": "draft", "newEntry": True,
                    "commitMessage": "Create Tin, bài"}})


def entry(office: Office) -> dict:
    return {"collection": "tin-bai", "slug": SLUG}


def test_roles_are_enforced_by_the_room_and_git_log_names_who_wrote_and_who_published(office):
    before = office.live()
    # nginx: an unknown account, a wrong password → 401 before the room is reached; an account nginx knows but the
    # room's roles do not → 403 from the room
    assert office.call("khach", "info", {})[0] == 401
    assert office.call("viet-an", "info", {}, password="sai-mat-khau")[0] == 401
    status, answer = office.call("la-mat", "info", {}, password="mat-khau-la")
    assert status == 403 and "chưa có vai trò" in answer["error"]
    assert office.get("/quan-tri/")[0] == 401 and office.get("/")[0] == 200  # the public site needs no account

    # a page elsewhere cannot use a reviewer's remembered password
    assert office.call("duyet-binh", "info", {}, origin="https://evil.example")[0] == 403

    # each account's editor: a writer's has no publish and no delete buttons (Decap's documented options)
    for account, shown in (("viet-an", False), ("duyet-binh", True)):
        status, text = office.get("/quan-tri/config.yml", account)
        collections = yaml.safe_load(text)["collections"]
        assert status == 200 and all(c.get("publish", True) is shown and c.get("delete", True) is shown
                                     for c in collections), (account, collections)

    status, answer = submit(office)
    assert status == 200, answer
    assert office.call("viet-an", "unpublishedEntries", {})[1] == ["tin-bai/" + SLUG]
    status, answer = submit(office, "duyet-binh")  # a second new entry at the same address overwrites nothing
    assert status == 409 and "đang chờ duyệt" in answer["error"]
    status, found = office.call("viet-an", "unpublishedEntry", entry(office))
    assert status == 200 and found["status"] == "draft"
    assert sorted(d["path"] for d in found["diffs"]) == ["docs/anh/2026/mot-cua-zalo.png", ITEM_PATH]
    # the writer submits for review, but cannot mark it ready, publish it, or change what is live
    assert office.call("viet-an", "updateUnpublishedEntryStatus", {**entry(office), "newStatus": "pending_review"})[0] == 200
    for action, params in [("updateUnpublishedEntryStatus", {**entry(office), "newStatus": "pending_publish"}),
                           ("publishUnpublishedEntry", entry(office)),
                           ("deleteFiles", {"paths": ["docs/tin-tuc/2024/tri-hai-guong-sang-kien-mot-cua.md"],
                                            "options": {"commitMessage": "x"}}),
                           ("persistMedia", {"asset": {"path": "docs/anh/2026/x.png", "encoding": "base64",
                                                       "content": base64.b64encode(png()).decode()},
                                             "options": {"commitMessage": "x"}})]:
        status, answer = office.call("viet-an", action, params)
        assert status == 403 and "người viết" in answer["error"], (action, answer)
    assert office.live() == before  # nothing of that reached the live site
    assert (office.root / ".phong-bien-tap" / "kho" / "docs/tin-tuc/2024/tri-hai-guong-sang-kien-mot-cua.md").is_file()

    # the reviewer reads the entry, corrects a word, marks it ready and publishes
    status, data = office.call("duyet-binh", "unpublishedEntryDataFile", {**entry(office), "path": ITEM_PATH})
    assert status == 200 and "qua Zalo từ tháng 6" in data["data"]
    corrected = NEW_ITEM.replace("từ tháng 6", "từ ngày 01/6")
    status, answer = office.call("duyet-binh", "persistEntry", {
        "dataFiles": [{"path": ITEM_PATH, "slug": SLUG, "raw": corrected}],
        "assets": [{"path": "docs/anh/2026/mot-cua-zalo.png", "content": base64.b64encode(png()).decode(),
                    "encoding": "base64"}],
        "options": {"collectionName": "tin-bai", "useWorkflow": True, "commitMessage": "Update"}})
    assert status == 200, answer
    assert office.call("duyet-binh", "updateUnpublishedEntryStatus", {**entry(office), "newStatus": "pending_publish"})[0] == 200
    status, answer = office.call("duyet-binh", "publishUnpublishedEntry", entry(office))
    assert status == 200, answer

    # live at once, from a new release; the entry left the workflow; the project folder followed
    assert office.live() != before
    status, page = office.get(PAGE)
    assert status == 200 and "từ ngày 01/6" in page.decode()
    assert office.get("/anh/2026/mot-cua-zalo.png") == (200, png())
    assert office.call("duyet-binh", "unpublishedEntries", {})[1] == []
    assert (office.root / ITEM_PATH).read_text(encoding="utf-8") == corrected

    # git log is the audit trail: who wrote, who moved it, who published, with their roles
    log = git(office.root, "log", "--format=%an|%s|%(trailers:key=Vai-tro,valueonly,separator=)", "-6")
    lines = [line for line in log.splitlines() if line]
    assert lines[0].startswith("duyet-binh|Công bố bài tin-bai/" + SLUG + "|người duyệt"), lines
    assert any(line.startswith("viet-an|Viết bài tin-bai/") and line.endswith("người viết") for line in lines), lines
    assert any("viet-an|Chuyển bài" in line and "Đang xét duyệt" in line for line in lines), lines
    assert any("duyet-binh|Chuyển bài" in line and "Sẵn sàng" in line for line in lines), lines
    assert any(line.startswith("duyet-binh|Sửa bài") for line in lines), lines

    # only the reviewer removes a published item: gone from the live site with the next release
    gone = "docs/tin-tuc/2024/tri-hai-guong-sang-kien-mot-cua.md"
    assert office.get("/tin-tuc/tri-hai-guong-sang-kien-mot-cua/")[0] == 200
    status, answer = office.call("duyet-binh", "deleteFiles", {"paths": [gone], "options": {"commitMessage": "x"}})
    assert status == 200, answer
    assert not (office.live() / "tin-tuc/tri-hai-guong-sang-kien-mot-cua/index.html").exists()
    assert office.get("/tin-tuc/tri-hai-guong-sang-kien-mot-cua/")[0] in (403, 404) and not (office.root / gone).exists()
    assert git(office.root, "log", "-1", "--format=%an %s").startswith("duyet-binh Xóa " + gone)


def test_the_build_worktree_is_cleaned_but_a_replaced_site_being_removed_is_left_to_its_remover(tmp_path):
    """Before each publish the room's worktree is checked out and cleaned of stray files, keeping the site, the
    caches and the replaced site that build.py's remove_later is deleting in the background (git clean racing that
    removal failed on a loaded machine: "failed to remove …: No such file or directory", and the publish with it)."""
    from cchc.room.server import Publisher

    clone = tmp_path / "phong" / "kho"
    clone.mkdir(parents=True)
    git(clone, "init", "-q", "-b", "main")
    (clone / "mkdocs.yml").write_text("site_name: x\n", encoding="utf-8")
    git(clone, "add", "-A")
    git(clone, "-c", "user.name=t", "-c", "user.email=t@x", "commit", "-q", "-m", "đầu")
    commit = git(clone, "rev-parse", "HEAD").strip()
    publisher = Publisher(tmp_path, clone, tmp_path / "live", keep=2)
    publisher.checkout(commit)
    kept = ["site/index.html", "build/cache/a", ".cache/b", ".site.cu-ab12/site/don-vi/index.html"]
    for rel in kept + ["ghi-tay.md", "docs-cu/c.md"]:
        (publisher.work / rel).parent.mkdir(parents=True, exist_ok=True)
        (publisher.work / rel).write_text("x", encoding="utf-8")
    publisher.checkout(commit)
    assert [rel for rel in kept if not (publisher.work / rel).is_file()] == []
    assert not (publisher.work / "ghi-tay.md").exists() and not (publisher.work / "docs-cu").exists()


def test_a_publish_whose_build_fails_changes_nothing_and_says_why(office):
    before, main = office.live(), git(office.root, "rev-parse", "main")
    broken = NEW_ITEM.replace("topics: [mot-cua]", "topics: [chu-de-khong-co]")
    assert submit(office, "duyet-binh", broken)[0] == 200
    status, answer = office.call("duyet-binh", "publishUnpublishedEntry", entry(office))
    assert status == 422
    assert "CHƯA đăng gì" in answer["error"] and "chu-de-khong-co" in answer["error"], answer
    assert office.live() == before and office.get(PAGE)[0] == 404
    assert git(office.root, "rev-parse", "main") == main
    assert git(office.root / ".phong-bien-tap" / "kho", "rev-parse", "main") == main
    assert office.call("duyet-binh", "unpublishedEntries", {})[1] == ["tin-bai/" + SLUG]  # still there to fix


@pytest.mark.parametrize("step", ["chep", "truoc-doi", "doi-xong"])
def test_a_publish_killed_at_any_step_leaves_the_live_site_wholly_old_or_wholly_new(office, step):
    before = office.live()
    old_files = files(before)
    assert submit(office, "duyet-binh")[0] == 200
    office.stop()
    office.start(CCHC_PHAT_HANH_DUNG=step)  # the room dies (SIGKILL) at that step of its next publish
    status, _ = office.call("duyet-binh", "publishUnpublishedEntry", entry(office))
    assert status == 502  # nginx: the room went away
    office.room.wait(timeout=30)
    live = office.live()
    if live == before:
        assert files(live) == old_files
    else:  # wholly new: every file as the publish's build made it, the new item among them
        assert step == "doi-xong" and files(live) == files(office.root / ".phong-bien-tap" / "dung" / "site")
        assert PAGE.strip("/") + "/index.html" in files(live)
    assert office.get(PAGE)[0] == (200 if live != before else 404)
    # started again, the room serves; the entry is still under review and publishes cleanly
    office.start()
    status, answer = office.call("duyet-binh", "publishUnpublishedEntry", entry(office))
    assert status == 200, answer
    assert office.get(PAGE)[0] == 200


# -- in chromium: two accounts, each in its own browser context with its password -------------------------------

SHOTS = ROOT / "test-output" / "phong-bien-tap"


def signed_in(browser, office: Office, account: str):
    context = browser.new_context(http_credentials={"username": account, "password": ACCOUNTS[account][0]},
                                  ignore_https_errors=True, viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())  # "Bạn có chắc rằng bạn muốn công bố mục này?"
    page.goto(office.url + "/quan-tri/")
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_test_id("tin-bai").wait_for()
    return page


def set_status(page, now: str, new: str) -> None:
    page.get_by_role("button", name=f"Trạng: {now}").click()
    page.get_by_role("menuitem", name=new).click()


def test_a_writer_drafts_and_submits_the_reviewer_corrects_and_publishes_in_the_browser(browser, office):
    from test_editor import choose, upload_image, write_body
    SHOTS.mkdir(parents=True, exist_ok=True)
    before = office.live()
    writer = signed_in(browser, office, "viet-an")
    writer.goto(office.url + "/quan-tri/#/collections/tin-bai/new")
    writer.reload()
    writer.locator("[id^='title-field']").fill("Một cửa xã Long Hồ nhận hồ sơ qua Zalo")
    writer.locator("[id^='date-field']").fill("2026-06-15T08:30")
    choose(writer, "topics", "một cửa")
    choose(writer, "unit", "Xã Long Hồ")
    upload_image(writer, office.root.parent / "mot-cua-zalo.png")
    writer.locator("[id^='image_alt-field']").fill("Cán bộ một cửa trả lời tin nhắn Zalo của người dân")
    writer.locator("[id^='summary-field']").fill("Người dân gửi hồ sơ qua Zallo, không phải đến trụ sở.")
    write_body(writer, "Từ tháng 6, bộ phận một cửa xã Long Hồ nhận hồ sơ qua Zalo.")
    writer.get_by_role("button", name="Lưu", exact=True).click()
    writer.get_by_text("Mục đã được lưu").wait_for()
    assert writer.get_by_role("button", name="Công bố", exact=True).count() == 0  # a writer has no publish button
    set_status(writer, "Bản nháp", "Đang xét duyệt")
    writer.get_by_text("Trạng thái của mục đã được cập nhật").wait_for()
    # "Sẵn sàng" is offered by Decap's menu, but the room refuses it and the writer reads why
    set_status(writer, "Đang xét duyệt", "Sẵn sàng")
    refusal = writer.get_by_text("chỉ người duyệt", exact=False).first
    refusal.wait_for()
    assert "Sẵn sàng" in refusal.inner_text()
    writer.wait_for_timeout(800)  # the notice slides in
    writer.screenshot(path=SHOTS / "nguoi-viet.png")
    assert office.live() == before

    reviewer = signed_in(browser, office, "duyet-binh")
    reviewer.goto(office.url + "/quan-tri/#/workflow")
    reviewer.reload()
    card = reviewer.get_by_role("link", name="Tin, bài Một cửa xã Long Hồ")
    card.wait_for()
    reviewer.screenshot(path=SHOTS / "nguoi-duyet-bang.png")
    card.click()
    summary = reviewer.locator("[id^='summary-field']")
    reviewer.wait_for_function("() => document.querySelector(\"[id^='summary-field']\")?.value.includes('Zallo')")
    summary.fill(summary.input_value().replace("Zallo", "Zalo"))  # the reviewer corrects a word
    reviewer.get_by_role("button", name="Lưu", exact=True).click()
    reviewer.get_by_text("Mục đã được lưu").wait_for()
    set_status(reviewer, "Đang xét duyệt", "Sẵn sàng")
    reviewer.get_by_text("Trạng thái của mục đã được cập nhật").wait_for()
    reviewer.get_by_role("button", name="Công bố", exact=True).click()
    reviewer.get_by_role("menuitem", name="Công bố ngay").click()
    reviewer.get_by_role("button", name="Đã công bố").wait_for(timeout=120_000)
    reviewer.screenshot(path=SHOTS / "nguoi-duyet-da-cong-bo.png")

    # the live site, served by nginx from the new release, has the corrected item and its image
    assert office.live() != before
    status, page = office.get(PAGE)
    assert status == 200 and "gửi hồ sơ qua Zalo, không" in page.decode() and "Zallo" not in page.decode()
    assert office.get("/anh/2026/mot-cua-zalo.png") == (200, png())
    log = git(office.root, "log", "--format=%an %s", "-8")
    assert "duyet-binh Công bố bài tin-bai/" + SLUG in log and "viet-an Viết bài tin-bai/" + SLUG in log, log


def test_the_reviewer_sees_in_the_editing_room_why_a_publish_did_not_happen(browser, office):
    before = office.live()
    assert submit(office, "viet-an", NEW_ITEM.replace("unit: xa-long-ho", "unit: don-vi-khong-co"))[0] == 200
    reviewer = signed_in(browser, office, "duyet-binh")
    reviewer.goto(office.url + f"/quan-tri/#/collections/tin-bai/entries/{SLUG}")
    reviewer.reload()
    set_status(reviewer, "Bản nháp", "Sẵn sàng")
    reviewer.get_by_text("Trạng thái của mục đã được cập nhật").wait_for()
    reviewer.get_by_role("button", name="Công bố", exact=True).click()
    reviewer.get_by_role("menuitem", name="Công bố ngay").click()
    shown = reviewer.get_by_text("CHƯA đăng gì", exact=False).first
    shown.wait_for(timeout=120_000)
    assert "don-vi-khong-co" in shown.inner_text()
    reviewer.wait_for_timeout(800)  # the notice slides in
    reviewer.screenshot(path=SHOTS / "cong-bo-loi.png")
    assert office.live() == before and office.get(PAGE)[0] == 404
