"""The one publishing policy: which files under docs/ may be published, and how paths may point at them.

Every file MkDocs would copy into site/ passes here first (the loader reports, the plugin enforces):
- no symbolic link anywhere under docs/ or plans/ (one commit could publish a server file);
- every path a field or link names stays inside docs/;
- only passive file types (images, audio, video, office documents) are published; HTML, scripts, XML and
  anything unknown are refused; a file's first bytes must match its type;
- SVG images are published only as sanitised by svg-hush (scripts, event handlers, foreign objects and
  outside links removed), and what was removed is reported.
"""

from __future__ import annotations

import os
import posixpath
from collections import Counter
from pathlib import Path
from urllib.parse import unquote

import py_svg_hush
from lxml import etree

from .problems import Problems

IMAGES = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".svg", ".ico"}
AUDIO = {".mp3", ".m4a", ".ogg", ".oga", ".wav"}
VIDEO = {".mp4", ".webm"}
DOCUMENTS = {".pdf", ".doc", ".docx", ".odt", ".rtf", ".xls", ".xlsx", ".ods", ".ppt", ".pptx", ".odp", ".txt",
             ".csv", ".zip"}
PUBLISHED = IMAGES | AUDIO | VIDEO | DOCUMENTS | {".md"}
ACTIVE = {".html", ".htm", ".xhtml", ".shtml", ".js", ".mjs", ".xml", ".xsl", ".xslt", ".svgz", ".swf", ".php",
          ".asp", ".aspx", ".jsp", ".cgi", ".py", ".sh", ".css", ".json", ".wasm", ".htaccess"}

# First bytes of the types a browser could be tricked into reading as something else.
_MAGIC = {
    ".png": (b"\x89PNG",), ".jpg": (b"\xff\xd8\xff",), ".jpeg": (b"\xff\xd8\xff",), ".gif": (b"GIF8",),
    ".webp": (b"RIFF",), ".pdf": (b"%PDF",), ".mp3": (b"ID3", b"\xff\xfb", b"\xff\xf3", b"\xff\xf2", b"\xff\xe3"),
    ".docx": (b"PK\x03\x04",), ".xlsx": (b"PK\x03\x04",), ".pptx": (b"PK\x03\x04",), ".odt": (b"PK\x03\x04",),
    ".zip": (b"PK\x03\x04",), ".doc": (b"\xd0\xcf\x11\xe0",), ".xls": (b"\xd0\xcf\x11\xe0",),
}
_KIND_NAMES = {".png": "ảnh PNG", ".jpg": "ảnh JPEG", ".jpeg": "ảnh JPEG", ".gif": "ảnh GIF", ".webp": "ảnh WebP",
               ".pdf": "văn bản PDF", ".mp3": "âm thanh MP3", ".doc": "văn bản Word", ".xls": "bảng tính Excel"}

_SVG_DANGER = {"script", "foreignObject", "iframe", "embed", "object", "handler", "listener", "animate", "set",
               "animateMotion", "animateTransform"}
_URL_ATTRIBUTES = {"href", "{http://www.w3.org/1999/xlink}href", "src", "action", "formaction", "from", "to", "values"}


def resolve(docs_dir: Path, target: str, base: str = "") -> tuple[str | None, str]:
    """A path a field or link names -> (path relative to docs/, "") or (None, why it is refused).

    `base` is the docs-relative folder relative links start from; a leading "/" means docs/ itself."""
    text = unquote(target.strip())  # browsers and MkDocs decode %2e%2e, so must we
    if not text:
        return None, "đường dẫn trống"
    if "\\" in text or "\0" in text or text.startswith("~") or ":" in text.split("/")[0]:
        return None, f'đường dẫn "{target}" không hợp lệ (dùng dấu / và đường dẫn tương đối trong docs/)'
    joined = text.lstrip("/") if text.startswith("/") else posixpath.join(base, text)
    rel = posixpath.normpath(joined)
    if rel == ".." or rel.startswith("../") or posixpath.isabs(rel):
        return None, f'đường dẫn "{target}" trỏ ra ngoài thư mục docs/'
    real, root = os.path.realpath(docs_dir / rel), os.path.realpath(docs_dir)
    if real != root and not real.startswith(root + os.sep):
        return None, f'đường dẫn "{target}" đi qua một liên kết tượng trưng (symlink) ra ngoài thư mục docs/'
    return ("" if rel == "." else rel), ""


def refusal(docs_dir: Path, rel: str, folders: dict[str, bool] | None = None) -> tuple[str, str] | None:
    """(what is wrong, how to fix it) if docs/<rel> may not be published; None if it may. `folders`: what one walk
    over many files has found of their folders (symlink_in)."""
    link = symlink_in(docs_dir, rel, folders)
    if link is not None:
        return (f'liên kết tượng trưng (symlink) "docs/{link}" tới "{os.readlink(docs_dir / link)}" không được đăng',
                "xóa liên kết và chép tệp thật vào docs/")
    return _kind_refusal(docs_dir / rel)


def _kind_refusal(path: Path) -> tuple[str, str] | None:
    """The policy's answer for a file that is no link: its type, and for media its first bytes."""
    suffix = path.suffix.lower()
    if suffix in ACTIVE or path.name.lower() in ACTIVE:
        return (f"loại tệp {suffix or path.name} có thể chứa mã chạy trên trình duyệt nên không được đăng",
                "xóa tệp này khỏi docs/; nội dung trang viết bằng Markdown (.md), tài liệu đăng dưới dạng PDF")
    if suffix not in PUBLISHED:
        return (f'loại tệp "{suffix or "(không có phần mở rộng)"}" không nằm trong danh sách được đăng',
                "chỉ đăng ảnh (JPG, PNG, GIF, WebP, SVG), âm thanh (MP3, M4A, OGG), video (MP4, WebM) và văn bản "
                "(PDF, Word, Excel, PowerPoint, ODF, TXT, CSV, ZIP)")
    if suffix in _MAGIC:
        try:
            with path.open("rb") as f:
                head = f.read(8)
        except OSError as exc:
            return f"không đọc được tệp ({exc.strerror})", "kiểm tra quyền đọc tệp"
        return bytes_refusal(suffix, head)
    return None


def bytes_refusal(suffix: str, head: bytes) -> tuple[str, str] | None:
    """(what is wrong, how to fix it) when a media file's first bytes are not of the type its suffix names."""
    if suffix in _MAGIC and not head.startswith(_MAGIC[suffix]):
        kind = _KIND_NAMES.get(suffix, f"tệp {suffix}")
        return (f"nội dung tệp không phải {kind} như phần mở rộng {suffix} cho biết",
                "mở tệp bằng phần mềm gốc rồi lưu (xuất) lại đúng định dạng, hoặc đổi phần mở rộng cho đúng")
    return None


def symlink_in(docs_dir: Path, rel: str, folders: dict[str, bool] | None = None) -> str | None:
    """The first component of docs/<rel> that is a symbolic link, if any. `folders`, if given, keeps the answer
    for each folder asked about (a folder of 20,000 items is looked at once, not once per item)."""
    parts = rel.split("/")
    for n in range(1, len(parts) + 1):
        part = "/".join(parts[:n])
        if folders is None or n == len(parts):
            linked = (docs_dir / part).is_symlink()
        elif (linked := folders.get(part)) is None:
            linked = folders[part] = (docs_dir / part).is_symlink()
        if linked:
            return part
    return None


def check_tree(folder: Path, root: Path, problems: Problems, *, publish: bool) -> list[str]:
    """Report every symbolic link under `folder` (not followed) and, for docs/ (`publish`), every file the
    policy refuses or SVG it must sanitise, and (a warning) every hidden Markdown file, never read. Returns the
    folder-relative paths of the Markdown pages found (and of folders named like one, for the loader to say so).
    One scandir per folder: the walk itself tells links (never entered) from files, with no call per file
    beyond reading media's first bytes."""
    pages = []
    base = folder.relative_to(root).as_posix()
    todo = [(str(folder), "")]
    while todo:
        current, prefix = todo.pop()
        try:
            with os.scandir(current) as found:
                entries = sorted(found, key=lambda e: e.name)
        except OSError:
            continue
        subfolders = []
        for entry in entries:
            rel = prefix + entry.name
            if entry.name.startswith("."):  # never read nor published (MkDocs' own rule): said of a page or plan
                if entry.name.endswith(".md") and entry.is_file(follow_symlinks=False):
                    problems.warn(f"{base}/{rel}", 0, "là tệp ẩn (tên bắt đầu bằng dấu chấm): không được đọc, không được đăng",
                                  'nếu đây là bài hay kế hoạch, đổi tên bỏ dấu chấm ở đầu; nếu là tệp máy Mac tự tạo ("._…") '
                                  "hay tệp tạm của trình soạn thảo, xóa đi")
                continue
            if entry.is_symlink():
                problems.add(f"{base}/{rel}", 0, f'là liên kết tượng trưng (symlink) tới "{os.readlink(entry.path)}", bị từ chối',
                             "xóa liên kết; chép tệp hoặc thư mục thật vào đây")
            elif entry.is_dir(follow_symlinks=False):
                subfolders.append((entry.path, rel + "/"))
                if publish and rel.endswith(".md"):
                    pages.append(rel)  # named like a page: the loader says it is a folder
            elif not publish:
                continue
            elif rel.endswith(".md"):  # a page: the loader checks its text
                pages.append(rel)
            elif why := _kind_refusal(Path(entry.path)):
                problems.add(f"{base}/{rel}", 0, *why)
            elif rel.lower().endswith(".svg"):
                check_svg(Path(entry.path), f"{base}/{rel}", problems)
        todo.extend(reversed(subfolders))
    return pages


def clean_svg(data: bytes) -> bytes:
    """The SVG as published: svg-hush keeps shapes, text and styles, and drops scripts, event handlers,
    foreign objects, external and data: references. ValueError when the file is not well-formed SVG."""
    return py_svg_hush.filter_svg(data)


def check_svg(file: Path, path: str, problems: Problems) -> None:
    """Report an SVG that cannot be read, or what active content sanitising it removes."""
    try:
        data = file.read_bytes()
        if b"<!ENTITY" in data:  # an entity can pull in a server file where an SVG is read as XML
            raise ValueError("entity")
        cleaned = clean_svg(data)
        removed = _inventory(data) - _inventory(cleaned)
    except (ValueError, etree.XMLSyntaxError):
        problems.add(path, 0, "ảnh SVG không đọc được (không phải XML hợp lệ, hoặc có khai báo DOCTYPE/ENTITY)",
                     "xuất lại ảnh từ phần mềm vẽ dưới dạng SVG thường hoặc PNG")
        return
    dangerous = sorted(removed, key=lambda k: ("@" in k, k))  # elements first
    if dangerous:
        more = f" và {len(dangerous) - 4} chỗ khác" if len(dangerous) > 4 else ""
        problems.warn(path, 0, f"ảnh SVG có mã không an toàn ({', '.join(dangerous[:4])}{more}) đã bị loại khi đăng",
                      "xuất lại ảnh từ phần mềm vẽ, không kèm mã lệnh hay liên kết; hoặc dùng ảnh PNG")


def _inventory(data: bytes) -> Counter:
    """Active parts of an SVG: elements that can run or load something, event attributes, URL attributes."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    root = etree.fromstring(data, parser)
    found: Counter = Counter()
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        local = etree.QName(element).localname
        if local in _SVG_DANGER:
            found[f"<{local}>"] += 1
        for name, value in element.attrib.items():
            attr = etree.QName(name).localname
            if attr.lower().startswith("on"):
                found[f"<{local}>@{attr}"] += 1
            elif name in _URL_ATTRIBUTES and not value.strip().startswith("#"):
                found[f"<{local}>@{attr}={value.strip()[:40]}"] += 1
    return found
