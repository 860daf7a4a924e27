"""The editing room on one machine cannot be used to touch anything but docs/ content and media: not by a page of
another origin in a real browser, not by direct requests naming other hosts, paths, types or actions."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import Served, Server, copy_sample


def tree(root: Path) -> dict[str, str]:
    """Every file of the project but the preview's build output, by content digest (symlinks by target)."""
    found = {}
    for folder, dirs, names in os.walk(root):
        if Path(folder) == root:
            dirs.remove("build")  # the preview's own output, rebuilt as it likes
        for name in dirs + names:
            path = Path(folder) / name
            rel = path.relative_to(root).as_posix()
            if path.is_symlink():
                found[rel] = "-> " + os.readlink(path)
            elif path.is_file():
                found[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    root = copy_sample(tmp_path_factory.mktemp("phong") / "project")
    outside = tmp_path_factory.mktemp("ngoai")
    (root / ".git" / "hooks").mkdir(parents=True)
    server = Server(root, "edit")
    config = (root / "build" / "preview" / "quan-tri" / "config.yml").read_text(encoding="utf-8")
    api = re.search(r"proxy_url: (/api/[\w-]+/v1)", config).group(1)
    # a link out of docs/, made as someone might after the start (the preview refuses to build it, and keeps its last
    # good build: the room keeps working)
    (root / "docs" / "anh" / "lien-ket").symlink_to(outside, target_is_directory=True)
    yield root, server, api, outside
    assert server.stop() == 0, "\n".join(server.lines)


def post(server, path: str, body: dict | bytes, *, host: str | None = None, origin: str | None = "",
         kind: str = "application/json") -> tuple[int, dict]:
    port = server.url.rsplit(":", 1)[1].strip("/")
    headers = {"Content-Type": kind, "Host": host or f"127.0.0.1:{port}"}
    if origin is not None:
        headers["Origin"] = origin or f"http://127.0.0.1:{port}"
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    request = urllib.request.Request(server.url.rstrip("/") + path, data=data, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as exc:
        text = exc.read()
        return exc.code, json.loads(text) if text.startswith(b"{") else {}


def entry(path: str, raw: str = "---\ntitle: x\n---\n") -> dict:
    return {"action": "persistEntry", "params": {"entry": {"path": path, "raw": raw}, "assets": []}}


EXE = base64.b64encode(b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64).decode()
ATTEMPTS = {  # what a page or a program might ask, and the words the refusal must name
    "git-hook": (entry(".git/hooks/pre-commit", "#!/bin/sh\ntouch /tmp/pwned\n"), ".git/hooks/pre-commit"),
    "theme": (entry("overrides/main.html", "<script>alert(1)</script>"), "overrides/main.html"),
    "makefile": (entry("Makefile", "all:\n\ttouch /tmp/pwned\n"), "Makefile"),
    "plan": (entry("plans/gia.md"), "plans/gia.md"),
    "settings": (entry("mkdocs.yml", "site_name: x\n"), "mkdocs.yml"),
    "climb": (entry("docs/tin-tuc/../../Makefile"), "docs/tin-tuc/../../Makefile"),
    "absolute": (entry("/etc/cron.d/x"), "/etc/cron.d/x"),
    "dot-file": (entry("docs/tin-tuc/.htaccess"), "docs/tin-tuc/.htaccess"),
    "dot-folder": (entry("docs/.well-known/x.md"), "docs/.well-known/x.md"),
    "page-outside-news": (entry("docs/gioi-thieu.md"), "docs/gioi-thieu.md"),
    "html-in-news": (entry("docs/tin-tuc/2026/x.html", "<script>1</script>"), "docs/tin-tuc/2026/x.html"),
    "through-symlink": ({"action": "persistMedia", "params": {"asset": {
        "path": "docs/anh/lien-ket/a.png", "content": base64.b64encode(b"\x89PNG\r\n\x1a\n").decode(),
        "encoding": "base64"}}}, "lien-ket"),
    "exe-as-mp3": ({"action": "persistMedia", "params": {"asset": {
        "path": "docs/media/2026/ban-tin.mp3", "content": EXE, "encoding": "base64"}}}, "docs/media/2026/ban-tin.mp3"),
    "delete-outside": ({"action": "deleteFile", "params": {"path": "mkdocs.yml"}}, "mkdocs.yml"),
    "delete-many": ({"action": "deleteFiles", "params": {"paths": ["docs/tin-tuc/2024/a.md", "Makefile"]}}, "Makefile"),
    "move-out": ({"action": "persistEntry", "params": {"entry": {"path": "docs/tin-tuc/2026/a.md", "raw": "x",
                                                                 "newPath": "overrides/a.md"}, "assets": []}},
                 "overrides/a.md"),
    "read-git": ({"action": "getEntry", "params": {"path": ".git/config"}}, ".git/config"),
    "list-project": ({"action": "entriesByFolder", "params": {"folder": ".", "extension": "", "depth": 9}}, '"."'),
    "unknown-action": ({"action": "runCommand", "params": {}}, "runCommand"),
}


@pytest.mark.parametrize("name", ATTEMPTS)
def test_direct_requests_outside_content_and_media_are_refused_and_logged(room, name):
    root, server, api, outside = room
    before = tree(root)
    mark = len(server.lines)
    body, named = ATTEMPTS[name]
    status, answer = post(server, api, body)
    assert status in (403, 422), (status, answer)
    assert "Phòng biên tập từ chối" in answer["error"] and named in answer["error"]
    assert named in server.wait_for("Phòng biên tập: từ chối", after=mark)  # the terminal names it too
    assert tree(root) == before and list(outside.iterdir()) == []
    assert not Path("/tmp/pwned").exists()


@pytest.mark.parametrize("how", ["other-origin", "no-origin", "other-host", "form-post", "wrong-secret"])
def test_requests_not_from_the_room_itself_are_refused(room, how):
    root, server, api, _ = room
    before = tree(root)
    good = entry("docs/tin-tuc/2026/gia-mao.md")
    status, answer = {
        "other-origin": lambda: post(server, api, good, origin="http://127.0.0.1:1"),
        "no-origin": lambda: post(server, api, good, origin=None),
        "other-host": lambda: post(server, api, good, host="cchc.ke-xau.example", origin="http://cchc.ke-xau.example"),
        "form-post": lambda: post(server, api, b"action=persistEntry", kind="application/x-www-form-urlencoded"),
        "wrong-secret": lambda: post(server, "/api/doan-mo/v1", good),
    }[how]()
    assert status in (403, 404, 415), (status, answer)
    assert tree(root) == before


def test_the_room_itself_still_writes_items_and_media(room):
    """The checks are not a closed door: the room's own requests, on its own origin, write where they should."""
    root, server, api, _ = room
    status, _ = post(server, api, entry("docs/tin-tuc/2026/tu-phong-bien-tap.md", "---\ntitle: Thử\n---\n"))
    png = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\x00" * 16).decode()
    media, answer = post(server, api, {"action": "persistMedia", "params": {"asset": {
        "path": "docs/anh/2026/thu.png", "content": png, "encoding": "base64"}}})
    assert (status, media) == (200, 200) and answer["path"] == "docs/anh/2026/thu.png"
    assert (root / "docs/tin-tuc/2026/tu-phong-bien-tap.md").read_text(encoding="utf-8") == "---\ntitle: Thử\n---\n"
    assert (root / "docs/anh/2026/thu.png").read_bytes().startswith(b"\x89PNG")
    assert not [p for p in (root / "docs").rglob(".*cchc-*")]  # written whole through a temporary file, renamed
    (root / "docs/tin-tuc/2026/tu-phong-bien-tap.md").unlink()
    (root / "docs/anh/2026/thu.png").unlink()


def test_a_page_of_another_origin_in_chromium_cannot_write(browser, room, tmp_path):
    """The worst case: a page on another local port that even knows this run's secret path tries every way a
    browser sends a request — fetch with JSON (needs a pre-flight, refused), fetch no-cors, a form POST."""
    root, server, api, _ = room
    before = tree(root)
    target = server.url.rstrip("/") + api
    body = json.dumps(entry("docs/tin-tuc/2026/trang-khac.md")).replace("'", "\\'")
    (tmp_path / "index.html").write_text(f"""<!doctype html><html><body>
<form id="f" method="post" action="{target}" enctype="text/plain" target="out">
  <input name='{body[:-1]}' value='}}'></form><iframe name="out"></iframe>
<script>
(async () => {{
  const tries = [];
  try {{ await fetch('{target}', {{method: 'POST', headers: {{'Content-Type': 'application/json'}}, body: '{body}'}});
         tries.push('cors: answered'); }} catch (e) {{ tries.push('cors: blocked'); }}
  try {{ await fetch('{target}', {{method: 'POST', mode: 'no-cors', body: '{body}'}}); tries.push('no-cors: sent'); }}
  catch (e) {{ tries.push('no-cors: blocked'); }}
  document.querySelector('iframe').onload = () => {{ document.title = tries.join(', ') + ', form: sent'; }};
  document.getElementById('f').submit();
}})();
</script></body></html>""", encoding="utf-8")
    other = Served(tmp_path)
    try:
        page = browser.new_page()
        mark = len(server.lines)
        page.goto(other.url)
        page.wait_for_function("() => document.title.includes('form')", timeout=30000)
        assert page.title() == "cors: blocked, no-cors: sent, form: sent"
        server.wait_for("yêu cầu từ trang khác", after=mark)
        assert tree(root) == before
        page.close()
    finally:
        other.server.shutdown()


def test_a_new_item_never_replaces_a_file_and_lands_in_its_own_year(room):
    """A new entry is placed by its date and title, whatever name the editor proposed, and never written over an
    existing item (same address in the same year): refused, the old file as it was."""
    root, server, api, _ = room
    taken = root / "docs/tin-tuc/2024/tri-hai-guong-sang-kien-mot-cua.md"
    old = taken.read_bytes()
    raw = "---\ntitle: Tri Hải gương sáng kiến một cửa\ndate: 02/01/2024 08:00\n---\nMới.\n"
    new = {"action": "persistEntry", "params": {"entry": {"path": "docs/tin-tuc/2026/khac.md", "raw": raw},
                                                "assets": [], "options": {"newEntry": True}}}
    status, answer = post(server, api, new)
    assert status == 409 and "tri-hai-guong-sang-kien-mot-cua" in answer["error"], answer
    assert taken.read_bytes() == old and not (root / "docs/tin-tuc/2026/khac.md").exists()
    raw = "---\ntitle: Bài viết năm trước\ndate: 31/12/2025 23:00\n---\nMới.\n"
    new["params"]["entry"] = {"path": "docs/tin-tuc/2026/bai-viet-nam-truoc.md", "raw": raw}
    status, _ = post(server, api, new)
    placed = root / "docs/tin-tuc/2025/bai-viet-nam-truoc.md"
    assert status == 200 and placed.read_text(encoding="utf-8") == raw
    assert not (root / "docs/tin-tuc/2026/bai-viet-nam-truoc.md").exists()
    status, answer = post(server, api, {"action": "getEntry", "params": {"path": "docs/tin-tuc/2026/bai-viet-nam-truoc.md"}})
    assert status == 200 and answer["file"]["path"] == "docs/tin-tuc/2025/bai-viet-nam-truoc.md" and "Mới." in answer["data"]
    placed.unlink()
