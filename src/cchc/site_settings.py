"""The site's own settings in mkdocs.yml `extra:`: the portal, links and hotline, the home page's sections.

Read by the loader with the vocabularies, so `cchc validate` reports a mistake here like any other, with
its line. MkDocs reads the same file for its own settings; only `extra:` is ours.
"""

from __future__ import annotations

import re
from pathlib import Path

from .fields import Fields
from .model import HomeSection, Link, SiteSettings
from .problems import Problems
from .source import LineDict, read_yaml_file
from .vocab import Vocabulary

CONFIG_FILE = "mkdocs.yml"
_LINK_KEYS = {"name", "url", "note"}
_SECTION_KEYS = {"title", "types", "topics", "units", "count"}
_PHONE = re.compile(r"^\+?[0-9][0-9 .()-]{1,22}[0-9]$")
MAX_SECTION_COUNT = 12
_URL_HINT = "viết đủ địa chỉ bắt đầu bằng https://, ví dụ https://dichvucong.gov.vn/"


def load_site_settings(root: Path, topics: Vocabulary, units: Vocabulary, types: Vocabulary,
                       problems: Problems) -> SiteSettings:
    file = root / CONFIG_FILE
    if not file.is_file():
        return SiteSettings()
    extra = read_yaml_file(file, CONFIG_FILE, problems, section="extra")
    if extra is None:
        return SiteSettings()
    if not isinstance(extra, LineDict):
        problems.add(CONFIG_FILE, getattr(extra, "line", 1), "mục extra: phải là một nhóm các dòng ten: giá trị",
                     "xem mục extra: trong mkdocs.yml của bản mẫu")
        return SiteSettings()
    f = Fields(extra, CONFIG_FILE, problems)  # other keys are the theme's (Material documents several)
    portal = _link(f, "portal", "cổng thông tin") if f.has("portal") else None
    hotline = _hotline(f) if f.has("hotline") else None
    links = tuple(link for sub in f.mappings("links", "liên kết", _LINK_KEYS) if (link := _link_fields(sub, "liên kết")))
    home = tuple(section for sub in f.mappings("home", "mục trang chủ", _SECTION_KEYS)
                 if (section := _section(sub, topics, units, types)))
    return SiteSettings(portal=portal, links=links, hotline=hotline, home=home)


def _link(f: Fields, key: str, what: str) -> Link | None:
    value = f.meta.get(key)
    if not isinstance(value, LineDict):
        f.error(key, f"{key}: phải có hai dòng name: và url:", f"ví dụ\n  {key}:\n    name: Cổng thông tin điện tử tỉnh\n    url: https://…")
        return None
    return _link_fields(Fields(value, f.path, f.problems, known=_LINK_KEYS), what)


def _link_fields(f: Fields, what: str) -> Link | None:
    name = f.text("name", required=f"tên {what}")
    url = f.text("url", required=f"địa chỉ {what}")
    if url and not url.lower().startswith(("https://", "http://")):
        f.error("url", f'địa chỉ {what} "{url}" không phải địa chỉ trang web', _URL_HINT)
        return None
    return Link(name, url, f.text("note")) if name and url else None


def _hotline(f: Fields) -> Link | None:
    value = f.meta.get("hotline")
    if not isinstance(value, LineDict):
        f.error("hotline", "hotline: phải có dòng phone: (và name: nếu muốn)",
                'ví dụ\n  hotline:\n    name: Đường dây nóng\n    phone: "0275 3822 123"')
        return None
    sub = Fields(value, f.path, f.problems, known={"name", "phone", "note"})
    phone = sub.text("phone", required="số điện thoại đường dây nóng")
    if phone and not _PHONE.match(phone):
        sub.error("phone", f'số điện thoại "{phone}" không hợp lệ', 'chỉ dùng chữ số, dấu cách, dấu chấm, ví dụ "0275 3822 123"')
        return None
    if not phone:
        return None
    note = sub.text("note")
    return Link(sub.text("name") or "Đường dây nóng", "tel:" + re.sub(r"[^0-9+]", "", phone),
                f"{phone} · {note}" if note else phone)


def _section(f: Fields, topics: Vocabulary, units: Vocabulary, types: Vocabulary) -> HomeSection | None:
    title = f.text("title", required="tên mục")
    count = 4
    if f.has("count"):
        text = f.text("count")
        if text.isdigit() and 1 <= int(text) <= MAX_SECTION_COUNT:
            count = int(text)
        else:
            f.error("count", f'số bài "{text}" không hợp lệ', f"viết một số từ 1 đến {MAX_SECTION_COUNT}")
    section = HomeSection(title, types=f.refs("types", types), topics=f.refs("topics", topics),
                          units=f.refs("units", units), count=count)
    if title and not (section.types or section.topics or section.units):
        if not any(f.has(key) for key in ("types", "topics", "units")):
            f.problems.add(f.path, f.meta.line, f'mục trang chủ "{title}" chưa chọn bài nào',
                           "thêm dòng types: [mã thể loại], topics: [mã chủ đề] hoặc units: [mã đơn vị]")
        return None
    return section if title else None
