"""The editing room at /quan-tri/: Decap CMS from the pinned npm package, configured from our own files.

Nothing here is written by hand: the collections' fields, the topic, unit, type, channel and plan choices
(with their Vietnamese names) come from the vocabularies and plans the build has just loaded, so the editor
offers exactly what `cchc validate` accepts. Where the editor cannot enforce a rule (an image needs its
description, an audio file must be MP3…), cchc-editor.js refuses the save with the validator's words, and
what remains `cchc validate` reports after saving.
"""

from __future__ import annotations

import html
import json
import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from ..content.corpus import Corpus
from ..content.model import ROOM, EditorSettings

PATH = "quan-tri"
BUNDLE = Path("node_modules/decap-cms/dist/decap-cms.js")
ROOM_API = f"/{PATH}/api/v1"  # the office's editing room (`cchc phong-bien-tap`) answers here, behind nginx
API_ENV = "CCHC_EDITOR_API"  # set by `cchc edit`: the path, on the preview's own origin, of its file service
DATETIME = "DD/MM/YYYY HH:mm"  # dayjs tokens for the README's 15/03/2024 08:30
DAY = "DD/MM/YYYY"
_ASSETS = Path(__file__).with_name("quan_tri")


def local_proxy() -> str:
    """Where the editor sends its requests on one machine: the preview itself (same origin, a secret path), or, in a
    preview without the editing room (`cchc serve`), a path nothing answers."""
    return os.environ.get(API_ENV) or "/api/khong-mo/v1"


def find_bundle(root: Path) -> Path | None:
    """Decap's bundle from `npm ci`: the project's own node_modules, else the one beside this package."""
    for base in (root, Path(__file__).resolve().parents[3]):
        if (base / BUNDLE).is_file():
            return base / BUNDLE
    return None


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def backend(settings: EditorSettings | None) -> dict:
    """The province's git server when mkdocs.yml names one; otherwise (preview only) the preview itself."""
    if settings is None:
        return {"name": "proxy", "proxy_url": local_proxy(), "branch": "main"}
    if settings.backend == ROOM:
        return {"name": "proxy", "proxy_url": ROOM_API, "branch": settings.branch}
    found = {"name": settings.backend, "repo": settings.repo, "branch": settings.branch,
             "base_url": settings.base_url, "api_root": settings.api_root}
    if settings.app_id:
        found["app_id"] = settings.app_id
    if settings.backend == "gitlab":
        found["auth_type"] = "pkce"
    return found


def policy(settings: EditorSettings | None, local: bool) -> str:
    """The editor's own Content-Security-Policy: the site's, plus what Decap needs (inline styles of its
    interface, blob: previews of uploads, 'unsafe-eval' because it validates config.yml with ajv, which
    compiles its schema at run time) and the one git server it talks to. Scripts still come only from the
    site itself; these exceptions hold on /quan-tri/ only, never on a page the public reads."""
    servers = [_origin(u) for u in ((settings.base_url, settings.api_root) if settings else ()) if u]
    servers = sorted(set(servers))
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'", "'unsafe-eval'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:", *servers],
        "media-src": ["'self'", "blob:", *servers],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'", "blob:", *servers],
        "frame-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    }
    return "; ".join(f"{key} {' '.join(values)}" for key, values in directives.items())


def _options(terms: dict, label=lambda term: term.name) -> list[dict]:
    return [{"label": label(term), "value": slug} for slug, term in terms.items()]


def _topic_label(corpus: Corpus):
    def label(topic) -> str:
        names, seen = [topic.name], {topic.slug}
        parent = topic.parent
        while parent and parent in corpus.topics and parent not in seen:  # "Cải cách TTHC › Cơ chế một cửa"
            seen.add(parent)
            names.insert(0, corpus.topics[parent].name)
            parent = corpus.topics[parent].parent
        return " › ".join(names)
    return label


def _item_fields(corpus: Corpus, year: int, kind: str) -> list[dict]:
    """The front-matter fields of the README's table, in its order; `kind` fixes the type of a collection."""
    topics = sorted(_options(corpus.topics, _topic_label(corpus)), key=lambda o: o["label"])
    fields = [
        {"name": "title", "label": "Tiêu đề", "widget": "string"},
        {"name": "date", "label": "Ngày giờ đăng", "widget": "datetime", "format": DATETIME,
         "date_format": DAY, "time_format": "HH:mm", "default": "{{now}}",
         "hint": "Giờ Việt Nam. Bài có ngày trong tương lai tự hiện khi đến giờ."},
        {"name": "summary", "label": "Sa-pô", "widget": "text", "required": False,
         "hint": "Một hai câu tóm tắt; để trống thì lấy đoạn đầu của bài."},
        {"name": "topics", "label": "Chủ đề", "widget": "select", "multiple": True, "min": 1, "options": topics,
         "hint": "Chọn một hay nhiều chủ đề; chủ đề con ghi sau chủ đề cha (›)."},
        {"name": "unit", "label": "Đơn vị đăng tin", "widget": "select",
         "options": sorted(_options(corpus.units), key=lambda o: o["label"])},
    ]
    if kind:
        fields.append({"name": "type", "label": "Thể loại", "widget": "hidden", "default": kind})
    else:
        fields.append({"name": "type", "label": "Thể loại", "widget": "select", "default": "tin",
                       "options": _options(corpus.types), "required": False})
    fields += [
        {"name": "channel", "label": "Nơi đăng, phát", "widget": "select", "default": "cong-thong-tin",
         "options": _options(corpus.channels), "required": False},
        {"name": "author", "label": "Tác giả", "widget": "string", "required": False},
        {"name": "plan", "label": "Thực hiện kế hoạch", "widget": "select", "required": False,
         "options": [{"label": plan.title, "value": plan_id} for plan_id, plan in sorted(corpus.plans.items())]},
        {"name": "image", "label": "Ảnh đại diện", "widget": "image", "required": False, "choose_url": False,
         "media_folder": f"/docs/anh/{year}", "public_folder": f"anh/{year}"},
        {"name": "image_alt", "label": "Mô tả ảnh", "widget": "string", "required": False,
         "hint": "Bắt buộc khi có ảnh: tả điều ảnh cho thấy, cho người khiếm thị và khi ảnh không tải được."},
        {"name": "audio", "label": "Tệp âm thanh (MP3)", "widget": "file", "required": False, "choose_url": False,
         "media_folder": f"/docs/media/{year}", "public_folder": f"media/{year}",
         "hint": "Bản phát thanh để đài truyền thanh phát lại."},
    ]
    if kind == "van-ban":
        fields.append({"name": "document", "label": "Thông tin văn bản", "widget": "object", "collapsed": False, "fields": [
            {"name": "number", "label": "Số, ký hiệu", "widget": "string"},
            {"name": "issuer", "label": "Cơ quan ban hành", "widget": "string"},
            {"name": "issued", "label": "Ngày ban hành", "widget": "datetime", "format": DAY,
             "date_format": DAY, "time_format": False},
            {"name": "effective", "label": "Ngày hiệu lực", "widget": "datetime", "format": DAY,
             "date_format": DAY, "time_format": False, "required": False},
            {"name": "file", "label": "Tệp văn bản (PDF, DOCX)", "widget": "file", "choose_url": False,
             "media_folder": f"/docs/van-ban/{year}", "public_folder": f"van-ban/{year}"},
        ]})
    fields += [
        {"name": "draft", "label": "Bản nháp (chưa đăng)", "widget": "boolean", "required": False, "default": False},
        {"name": "body", "label": "Nội dung", "widget": "markdown", "modes": ["raw", "rich_text"],
         "buttons": ["bold", "italic", "link", "heading-two", "heading-three", "quote", "bulleted-list", "numbered-list"],
         "editor_components": ["image"],
         "hint": "Đoạn văn cách nhau một dòng trống; **đậm**, *nghiêng*; danh sách bắt đầu bằng '- '."},
    ]
    return fields


_COLLECTIONS = [  # name, label, singular, the type it holds ("" = every item)
    ("tin-bai", "Tin, bài", "tin, bài", ""),
    ("van-ban", "Văn bản", "văn bản", "van-ban"),
    ("hoi-dap", "Hỏi đáp", "hỏi đáp", "hoi-dap"),
]


def editor_config(corpus: Corpus, settings: EditorSettings | None, year: int, local: bool, news_dir: str) -> dict:
    """Decap's config.yml. New files go to docs/<news>/<year>/<slug>.md, the slug made from the title as the
    README says (lowercase ASCII, đ -> d, hyphens) and never changed afterwards; uploads go under <year>."""
    config: dict = {
        "locale": "vi",
        "backend": backend(settings),
        "media_folder": f"docs/anh/{year}",
        "public_folder": f"anh/{year}",
        "slug": {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"},
        "site_url": "/",
        "logo_url": "../assets/logo.svg",
        "collections": [],
    }
    if settings is not None and settings.workflow:
        config["publish_mode"] = "editorial_workflow"
    if settings is not None and local:
        config["local_backend"] = {"url": local_proxy()}
    for name, label, singular, kind in _COLLECTIONS:
        if kind and kind not in corpus.types:
            continue
        collection = {
            "name": name, "label": label, "label_singular": singular,
            "folder": f"docs/{news_dir}", "path": f"{year}/{{{{slug}}}}", "slug": "{{title | truncate(80, '-')}}",
            # pictures in the body: beside the year's others, linked as the README writes them
            "media_folder": f"/docs/anh/{year}", "public_folder": f"../../anh/{year}",
            "create": True, "extension": "md", "format": "frontmatter",
            "summary": "{{title}} ({{date}})", "sortable_fields": ["title"],
            "preview_path": f"{news_dir}/{{{{filename}}}}/",
            "fields": _item_fields(corpus, year, kind),
        }
        if kind:
            collection["filter"] = {"field": "type", "value": kind}
        else:
            collection["view_filters"] = [{"label": term.name, "field": "type", "pattern": f"^{slug}$"}
                                          for slug, term in corpus.types.items()]
        config["collections"].append(collection)
    return config


def write_editor(site_dir: Path, bundle: Path, config: dict, csp: str, styles: list[str]) -> None:
    """site/quan-tri/: the page, Decap's bundle, our additions and the generated configuration."""
    target = site_dir / PATH
    target.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(bundle, target / "decap-cms.js")
    shutil.copyfile(_ASSETS / "cchc-editor.js", target / "cchc-editor.js")
    (target / "config.yml").write_text(
        "# Written by `cchc build` from plans/ and mkdocs.yml: edit those, never this file.\n"
        + yaml.safe_dump(config, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")
    page = (_ASSETS / "index.html").read_text(encoding="utf-8")
    page = page.replace("{{csp}}", html.escape(csp)).replace("{{styles}}", html.escape(json.dumps(styles)))
    (target / "index.html").write_text(page, encoding="utf-8")
    (target / ".htaccess").write_text(
        "# Written by `cchc build`: the editor's own policy (inline styles of its interface, its git server).\n"
        "<IfModule mod_headers.c>\n"
        f'  Header always set Content-Security-Policy "{csp}; frame-ancestors \'self\'"\n'
        "</IfModule>\n", encoding="utf-8")


class EditorMissing(RuntimeError):
    """The site names a git server for the editing room but Decap CMS is not installed."""


def publish(root: Path, site_dir: Path, corpus: Corpus, year: int, local: bool, news_dir: str) -> str:
    """/quan-tri/ when the site names its git server, and always in the preview (`local`: `cchc edit`).
    Returns a warning for the preview when Decap CMS is not installed; raises EditorMissing for a real build."""
    settings = corpus.settings.editor
    if local and settings is not None and settings.backend == ROOM:
        settings = None  # `cchc edit` on one machine: the preview's own file service, as without the room
    if settings is None and not local:
        return ""
    bundle = find_bundle(root)
    if bundle is None:
        message = "Chưa cài phòng biên tập (Decap CMS): chạy `npm ci` (hoặc `make edit`) trong thư mục dự án."
        if not local:
            raise EditorMissing(message)
        return message
    styles = sorted(p.relative_to(site_dir).as_posix() for p in (site_dir / "assets" / "stylesheets").glob("*.css"))
    write_editor(site_dir, bundle, editor_config(corpus, settings, year, local, news_dir), policy(settings, local),
                 styles)
    return ""
