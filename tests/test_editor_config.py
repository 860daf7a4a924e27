"""The editing room's configuration is made from our own files: every choice the editor offers is a code
`cchc validate` accepts, with its Vietnamese name; the public site has /quan-tri/ only when a git server is named."""

from __future__ import annotations

import pytest
import yaml

from cchc.site import editor
from cchc.site.build import build_site
from cchc.content.model import EditorSettings

GITLAB = EditorSettings("gitlab", "so-noi-vu/cchc", "https://git.tinh.gov.vn", "https://git.tinh.gov.vn/api/v4", "abc",
                        "main", True)


def fields(config: dict, collection: str) -> dict[str, dict]:
    (found,) = [c for c in config["collections"] if c["name"] == collection]
    return {f["name"]: f for f in found["fields"]}


def test_every_choice_is_a_known_code_named_in_vietnamese(sample):
    _, corpus = sample
    config = editor.editor_config(corpus, None, 2026, True, "tin-tuc")
    news = fields(config, "tin-bai")
    for name, vocabulary in (("topics", corpus.topics), ("unit", corpus.units), ("type", corpus.types),
                             ("channel", corpus.channels), ("plan", corpus.plans)):
        values = [o["value"] for o in news[name]["options"]]
        assert sorted(values) == sorted(vocabulary), name
    labels = {o["value"]: o["label"] for o in news["topics"]["options"]}
    assert labels["mot-cua"] == "Cải cách thủ tục hành chính › Cơ chế một cửa, một cửa liên thông"  # the hierarchy shows
    assert {o["value"]: o["label"] for o in news["unit"]["options"]}["xa-tri-hai"] == "Xã Tri Hải"
    assert news["date"]["format"] == "DD/MM/YYYY HH:mm" and news["topics"]["multiple"] and news["topics"]["min"] == 1
    assert config["locale"] == "vi" and config["slug"] == {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"}


def test_collections_write_where_the_readme_says(sample):
    _, corpus = sample
    config = editor.editor_config(corpus, None, 2026, True, "tin-tuc")
    for collection in config["collections"]:
        assert collection["folder"] == "docs/tin-tuc" and collection["path"] == "2026/{{slug}}"
    news, documents = fields(config, "tin-bai"), fields(config, "van-ban")
    assert (news["image"]["media_folder"], news["image"]["public_folder"]) == ("/docs/anh/2026", "anh/2026")
    assert (news["audio"]["media_folder"], news["audio"]["public_folder"]) == ("/docs/media/2026", "media/2026")
    document = {f["name"]: f for f in documents["document"]["fields"]}
    assert (document["file"]["media_folder"], document["file"]["public_folder"]) == ("/docs/van-ban/2026", "van-ban/2026")
    assert documents["type"] == {"name": "type", "label": "Thể loại", "widget": "hidden", "default": "van-ban"}
    assert [c.get("filter") for c in config["collections"]] == [
        None, {"field": "type", "value": "van-ban"}, {"field": "type", "value": "hoi-dap"}]
    assert "document" not in news  # kept as written when saved from here (tests/test_editor.py)


def test_backends_local_and_provincial(sample, monkeypatch):
    _, corpus = sample
    monkeypatch.setenv("CCHC_EDITOR_API", "/api/bi-mat/v1")  # what `cchc edit` sets: its own origin, a secret path
    local = editor.editor_config(corpus, None, 2026, True, "tin-tuc")
    assert local["backend"] == {"name": "proxy", "proxy_url": "/api/bi-mat/v1", "branch": "main"}
    assert "publish_mode" not in local
    remote = editor.editor_config(corpus, GITLAB, 2026, False, "tin-tuc")
    assert remote["backend"] == {"name": "gitlab", "repo": "so-noi-vu/cchc", "branch": "main", "base_url": "https://git.tinh.gov.vn",
                                 "api_root": "https://git.tinh.gov.vn/api/v4", "app_id": "abc", "auth_type": "pkce"}
    assert remote["publish_mode"] == "editorial_workflow" and "local_backend" not in remote
    assert editor.editor_config(corpus, GITLAB, 2026, True, "tin-tuc")["local_backend"] == {"url": "/api/bi-mat/v1"}
    monkeypatch.delenv("CCHC_EDITOR_API")  # `cchc serve` alone: the room's requests go to a path nobody answers
    assert editor.editor_config(corpus, None, 2026, True, "tin-tuc")["backend"]["proxy_url"] == "/api/khong-mo/v1"


def test_the_editors_policy_adds_only_its_git_server_to_the_sites_own(monkeypatch):
    public = dict(d.split(" ", 1) for d in editor.policy(GITLAB, False).split("; "))
    assert public["script-src"] == "'self' 'unsafe-eval'"
    assert public["connect-src"] == "'self' blob: https://git.tinh.gov.vn"
    assert "127.0.0.1" not in editor.policy(GITLAB, False)
    local = dict(d.split(" ", 1) for d in editor.policy(None, True).split("; "))
    assert local["connect-src"] == "'self' blob:"  # on one machine the room talks to its own origin only


def test_the_public_site_has_the_editor_only_when_a_git_server_is_named(sample, project, tmp_path):
    site, _ = sample
    assert not (site / "quan-tri").exists()
    config = project.root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    editor_lines = "  editor:\n    backend: gitea\n    repo: snv/cchc\n    base_url: https://git.tinh.gov.vn\n"
    config.write_text(text.replace("\nextra:\n", "\nextra:\n" + editor_lines, 1), encoding="utf-8")
    result = build_site(project.root, tmp_path / "site")
    assert result.ok, result.messages
    room = tmp_path / "site" / "quan-tri"
    written = yaml.safe_load((room / "config.yml").read_text(encoding="utf-8"))
    assert written["backend"]["name"] == "gitea" and written["backend"]["api_root"] == "https://git.tinh.gov.vn/api/v1"
    assert (room / "decap-cms.js").stat().st_size > 1_000_000 and (room / "cchc-editor.js").is_file()
    page = (room / "index.html").read_text(encoding="utf-8")
    assert 'lang="vi"' in page and "https://git.tinh.gov.vn" in page and "<script>" not in page
    assert "frame-ancestors 'self'" in (room / ".htaccess").read_text(encoding="utf-8")


def test_forgejo_has_the_editorial_workflow(project):
    """Decap's Forgejo backend (in the pinned bundle) has the workflow: `backend: forgejo` with `workflow: true` is
    accepted and written as such; Gitea with the workflow stays refused (its backend has none)."""
    from cchc.content.loader import load_corpus
    from cchc.site.editor import editor_config
    config = project.root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    lines = "  editor:\n    backend: forgejo\n    repo: snv/cchc\n    base_url: https://git.tinh.gov.vn\n    workflow: true\n"
    config.write_text(text.replace("\nextra:\n", "\nextra:\n" + lines, 1), encoding="utf-8")
    corpus, problems = load_corpus(project.root)
    assert not [str(p) for p in problems.items if "mkdocs.yml" in str(p)]
    written = editor_config(corpus, corpus.settings.editor, 2026, False, "tin-tuc")
    assert written["backend"]["name"] == "forgejo" and written["backend"]["api_root"] == "https://git.tinh.gov.vn/api/v1"
    assert written["publish_mode"] == "editorial_workflow"


def room_settings(project, lines: str):
    from cchc.content.loader import load_corpus
    config = project.root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("\nextra:\n", "\nextra:\n  editor:\n    backend: phong-bien-tap\n" + lines, 1),
                      encoding="utf-8")
    corpus, problems = load_corpus(project.root)
    line = text.split("\n").index("extra:") + 1  # extra: is at this line; editor: the next
    return corpus, [str(p) for p in problems.items if "mkdocs.yml" in str(p)], line


def test_the_offices_room_reads_its_accounts_and_roles_with_the_proxy_and_the_workflow(project):
    from cchc.site.editor import editor_config
    corpus, mistakes, _ = room_settings(project, "    accounts:\n      nguyen-van-an: người viết\n"
                                                 "      tran-thi-binh: Người duyệt\n      le-c: nguoi viet\n")
    assert mistakes == []
    assert corpus.settings.editor.accounts == (("nguyen-van-an", "viet"), ("tran-thi-binh", "duyet"), ("le-c", "viet"))
    written = editor_config(corpus, corpus.settings.editor, 2026, False, "tin-tuc")
    assert written["backend"] == {"name": "proxy", "proxy_url": "/quan-tri/api/v1", "branch": "main"}
    assert written["publish_mode"] == "editorial_workflow" and "local_backend" not in written


@pytest.mark.parametrize("lines, at, words", [
    ("    accounts:\n      nguyen-van-an: người sửa\n      tran-thi-binh: người duyệt\n", 4,
     'vai trò "người sửa" của "nguyen-van-an" không có'),
    ("    accounts:\n      Nguyễn Văn An: người viết\n      tran-thi-binh: người duyệt\n", 4,
     'tên tài khoản "Nguyễn Văn An" không hợp lệ'),
    ("    accounts:\n      nguyen-van-an: người viết\n", 3, "chưa có người duyệt"),
    ("    repo: a/b\n    accounts:\n      tran-thi-binh: người duyệt\n", 3, "không dùng repo:"),
    ("    workflow: false\n    accounts:\n      tran-thi-binh: người duyệt\n", 3, "luôn có quy trình duyệt"),
    ("", 2, "thiếu danh sách tài khoản"),
])
def test_a_mistake_in_the_rooms_accounts_is_named_at_its_line(project, lines, at, words):
    _, mistakes, line = room_settings(project, lines)
    assert any(f"mkdocs.yml:{line + at}:" in m and words in m for m in mistakes), (line, mistakes)


def test_accounts_belong_to_the_offices_room_only(project):
    from cchc.content.loader import load_corpus
    config = project.root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    lines = ("  editor:\n    backend: gitlab\n    repo: snv/cchc\n    base_url: https://git.tinh.gov.vn\n"
             "    accounts:\n      an: người viết\n")
    config.write_text(text.replace("\nextra:\n", "\nextra:\n" + lines, 1), encoding="utf-8")
    _, problems = load_corpus(project.root)
    assert any("chỉ dùng cho phòng biên tập riêng" in str(p) for p in problems.items)
