"""The site's own settings in mkdocs.yml `extra:`: the portal, links and hotline, the home page's sections.

Read by the loader with the vocabularies, so `cchc validate` reports a mistake here like any other, with
its line. MkDocs reads the same file for its own settings; only `extra:` is ours.
"""

from __future__ import annotations

import re
from pathlib import Path

from .fields import Fields
from .model import REVIEWER, ROOM, WRITER, EditorSettings, HomeSection, Link, RadioSettings, SiteSettings, VoiceSettings
from .problems import Problems
from .source import LineDict, read_yaml_file
from .text import address_slug
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
    editor = _editor(f) if f.has("editor") else None
    radio = _radio(f, root) if f.has("radio") else RadioSettings()
    return SiteSettings(portal=portal, links=links, hotline=hotline, home=home, editor=editor, radio=radio)


_RADIO_KEYS = {"owner", "voice", "speed", "piper", "bulletin"}
ESPEAK_VOICES = {"vi": "giọng miền Bắc", "vi-vn-x-central": "giọng miền Trung", "vi-vn-x-south": "giọng miền Nam"}
_OFF = {"tắt", "tat", "off", "khong", "không", "false", "no"}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_BULLETINS = {"ngay": "ngay", "ngày": "ngay", "tuan": "tuan", "tuần": "tuan"}


def _radio(f: Fields, root: Path) -> RadioSettings:
    """extra.radio: the podcast owner, the voice of automatic readings, daily or weekly bulletins (README, "Phát thanh")."""
    sub = f.mapping("radio", "radio: phải là một nhóm các dòng owner:, voice:, bulletin:", "xem mục Phát thanh trong README",
                    _RADIO_KEYS, "vào mục radio: của mkdocs.yml")
    if sub is None:
        return RadioSettings()
    name = email = ""
    if sub.has("owner") and (who := sub.mapping("owner", "owner: phải có hai dòng name: và email:",
                                                "ví dụ\n  owner:\n    name: Văn phòng UBND tỉnh\n    email: …",
                                                {"name", "email"}, "vào mục owner: của radio:")):
        name, email = who.text("name"), who.text("email", required="thư điện tử của đơn vị phụ trách")
        if email and not _EMAIL.match(email):
            who.error("email", f'thư điện tử "{email}" không hợp lệ', "ví dụ email: phatthanh@vinhlong.gov.vn")
            email = ""
    bulletin = sub.text("bulletin") or "ngay"
    if bulletin.lower() not in _BULLETINS:
        sub.error("bulletin", f'kiểu bản tin "{bulletin}" không có', "viết bulletin: ngay (mỗi ngày một bản tin) hoặc bulletin: tuan (mỗi tuần)")
        bulletin = "ngay"
    return RadioSettings(name, email, _voice(sub, root), _BULLETINS[bulletin.lower()])


def _voice(sub: Fields, root: Path) -> VoiceSettings:
    voice = sub.text("voice") or "vi"
    speed = 150
    if sub.has("speed"):
        text = sub.text("speed")
        if text.isdigit() and 80 <= int(text) <= 300:
            speed = int(text)
        else:
            sub.error("speed", f'tốc độ đọc "{text}" không hợp lệ', "viết số từ mỗi phút, từ 80 đến 300 (mặc định 150)")
    if sub.has("piper"):
        p = sub.mapping("piper", "piper: phải có dòng model: (tệp giọng đọc .onnx trên máy)",
                        "ví dụ\n  piper:\n    model: /opt/piper/vi_VN-vais1000-medium.onnx",
                        {"model", "command"}, "vào mục piper: của radio:")
        if p is None:
            return VoiceSettings(speed=speed)
        model = p.text("model", required="tệp giọng đọc Piper")
        path = (root / model) if model and not Path(model).is_absolute() else Path(model)
        if model and not path.is_file():
            p.error("model", f'không thấy tệp giọng đọc "{model}"',
                    "ghi đường dẫn đầy đủ tới tệp .onnx trên máy (kèm tệp .onnx.json bên cạnh), hoặc bỏ mục piper: để dùng espeak-ng")
            return VoiceSettings(speed=speed)
        return VoiceSettings("piper", model=str(path), command=p.text("command") or "piper", speed=speed)
    if voice.lower() in _OFF:
        return VoiceSettings("", speed=speed)
    if voice not in ESPEAK_VOICES:
        sub.error("voice", f'giọng đọc "{voice}" không có',
                  "chọn một trong: " + ", ".join(f"{k} ({v})" for k, v in ESPEAK_VOICES.items()) + ", hoặc voice: tắt")
        voice = "vi"
    return VoiceSettings("espeak-ng", voice, speed)


_EDITOR_KEYS = {"backend", "repo", "base_url", "api_root", "app_id", "branch", "workflow", "accounts"}
_ROLES = {"nguoi-viet": WRITER, "viet": WRITER, "nguoi-duyet": REVIEWER, "duyet": REVIEWER}
_ACCOUNT = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
_API_PATHS = {"forgejo": "/api/v1", "gitea": "/api/v1", "gitlab": "/api/v4"}


def _editor(f: Fields) -> EditorSettings | None:
    """extra.editor: the git server of the province that the editing room saves to (README, "Phòng biên tập")."""
    sub = f.mapping("editor", "editor: phải là một nhóm các dòng backend:, repo:, base_url:, app_id:",
                    "xem mục Phòng biên tập trong README", _EDITOR_KEYS, "vào mục editor: của mkdocs.yml")
    if sub is None:
        return None
    kind = sub.text("backend", required="loại máy chủ git").lower()
    if kind == ROOM:
        return _room(sub)
    if sub.has("accounts"):
        sub.error("accounts", "tài khoản, vai trò chỉ dùng cho phòng biên tập riêng của cơ quan",
                  f"với GitLab, Forgejo, tài khoản do máy chủ git quản lý: xóa mục accounts:, hoặc viết backend: {ROOM}")
    repo = sub.text("repo", required="kho nội dung")
    base_url = sub.text("base_url", required="địa chỉ máy chủ git").rstrip("/")
    workflow = sub.flag("workflow")
    ok = bool(kind and repo and base_url)
    if kind and kind not in _API_PATHS:
        sub.error("backend", f'máy chủ git "{kind}" không được hỗ trợ',
                  f"viết backend: {ROOM} (phòng biên tập trên máy chủ của cơ quan), forgejo, gitea hoặc gitlab")
        ok = False
    if repo and repo.count("/") != 1:
        sub.error("repo", f'kho "{repo}" phải có dạng chủ-sở-hữu/tên-kho', "ví dụ repo: so-noi-vu/chuyen-muc-cchc")
        ok = False
    if base_url and not base_url.startswith("https://"):
        sub.error("base_url", f'địa chỉ máy chủ git "{base_url}" phải bắt đầu bằng https://',
                  "mật khẩu và mã đăng nhập không được đi qua kết nối không mã hóa")
        ok = False
    if workflow and kind == "gitea":
        sub.error("workflow", "Decap CMS chưa hỗ trợ quy trình duyệt bài với Gitea",
                  "máy chủ là Forgejo thì viết backend: forgejo (có quy trình duyệt); với Gitea, bỏ dòng workflow và "
                  "cho người viết lưu vào nhánh riêng (branch: ban-nhap), người duyệt gộp (merge) vào main; hoặc dùng "
                  "GitLab (README, mục Phòng biên tập)")
        ok = False
    if not ok:
        return None
    api_root = sub.text("api_root") or base_url + _API_PATHS[kind]
    return EditorSettings(kind, repo, base_url, api_root.rstrip("/"), sub.text("app_id"),
                          sub.text("branch") or "main", workflow)


def _room(sub: Fields) -> EditorSettings | None:
    """backend: phong-bien-tap: the office's own editing room (`cchc phong-bien-tap`), its accounts and their roles;
    passwords are nginx's (an htpasswd file), never here."""
    for key in ("repo", "base_url", "api_root", "app_id"):
        if sub.has(key):
            sub.error(key, f"phòng biên tập riêng không dùng {key}:", "xóa dòng này (kho nội dung là chính thư mục dự án)")
    accounts = sub.mapping("accounts", "thiếu danh sách tài khoản (accounts:) của phòng biên tập",
                           "viết mỗi dòng một tài khoản và vai trò, ví dụ\n  accounts:\n    nguyen-van-an: người viết\n"
                           "    tran-thi-binh: người duyệt")
    if accounts is None:
        return None
    found: list[tuple[str, str]] = []
    for name in accounts.meta:
        role = _ROLES.get(address_slug(str(accounts.meta[name] or "")))
        if not _ACCOUNT.match(str(name)):
            accounts.error(name, f'tên tài khoản "{name}" không hợp lệ',
                           "chỉ dùng chữ thường không dấu, số, dấu chấm, gạch ngang (như tên trong tệp mật khẩu), "
                           "ví dụ nguyen-van-an")
        elif role is None:
            accounts.error(name, f'vai trò "{accounts.meta[name]}" của "{name}" không có',
                           "viết người viết (soạn, gửi duyệt) hoặc người duyệt (duyệt, công bố, xóa bài đã đăng)")
        else:
            found.append((str(name), role))
    if found and REVIEWER not in {role for _, role in found}:
        sub.error("accounts", "phòng biên tập chưa có người duyệt: không ai công bố được bài",
                  "ghi vai trò người duyệt cho ít nhất một tài khoản")
    if sub.has("workflow") and not sub.flag("workflow"):
        sub.error("workflow", "phòng biên tập riêng luôn có quy trình duyệt bài", "xóa dòng workflow:")
    if len(found) != len(accounts.meta):
        return None
    return EditorSettings(ROOM, "", "", "", branch=sub.text("branch") or "main", workflow=True, accounts=tuple(found))


def _link(f: Fields, key: str, what: str) -> Link | None:
    sub = f.mapping(key, f"{key}: phải có hai dòng name: và url:",
                    f"ví dụ\n  {key}:\n    name: Cổng thông tin điện tử tỉnh\n    url: https://…", _LINK_KEYS)
    return _link_fields(sub, what) if sub else None


def _link_fields(f: Fields, what: str) -> Link | None:
    name = f.text("name", required=f"tên {what}")
    url = f.text("url", required=f"địa chỉ {what}")
    if url and not url.lower().startswith(("https://", "http://")):
        f.error("url", f'địa chỉ {what} "{url}" không phải địa chỉ trang web', _URL_HINT)
        return None
    return Link(name, url, f.text("note")) if name and url else None


def _hotline(f: Fields) -> Link | None:
    sub = f.mapping("hotline", "hotline: phải có dòng phone: (và name: nếu muốn)",
                    'ví dụ\n  hotline:\n    name: Đường dây nóng\n    phone: "0275 3822 123"', {"name", "phone", "note"})
    if sub is None:
        return None
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
