"""Reading typed fields out of front matter, reporting each mistake with its line."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable

from .dates import DATE_HINT, DateError, parse_bound, parse_datetime
from .problems import Problems
from .source import LineDict, LineList
from .vocab import Vocabulary, closest_key

LIST_FIELDS = {"topics", "partners", "channels", "types", "units", "lead", "unit"}  # "a, b" on one line is a list
_TRUE = {"true", "yes", "co", "có", "1"}
_FALSE = {"false", "no", "khong", "không", "0", ""}


# An example path for a file field, of the kind the field takes (an audio field shows an audio path).
_EXAMPLE_ORDER = [".mp3", ".pdf", ".jpg", ".m4a", ".ogg", ".docx", ".png", ".svg", ".webp"]
_EXAMPLES = {".mp3": "media/2024/ban-tin.mp3", ".m4a": "media/2024/ban-tin.m4a", ".ogg": "media/2024/ban-tin.ogg",
             ".pdf": "van-ban/2024/ke-hoach.pdf", ".docx": "van-ban/2024/ke-hoach.docx", ".jpg": "anh/2024/anh.jpg",
             ".png": "anh/2024/anh.png", ".svg": "anh/2024/so-do.svg", ".webp": "anh/2024/anh.webp"}


class Fields:
    """Typed access to one mapping of one file; every bad value becomes a Problem."""

    def __init__(self, meta: LineDict, path: str, problems: Problems, known: set[str] | None = None,
                 where: str = "vào phần thông tin đầu tệp", near: dict[str, float] | None = None) -> None:
        self.meta, self.path, self.problems = meta, path, problems
        self.where = where  # where a missing line goes, for the hint
        self.near = near  # vocabulary slugs to suggest first (a plan's own province and issuer)
        if known is not None:
            for key in meta:
                if str(key) not in known:
                    guess = closest_key(str(key), sorted(known))
                    hint = f'có phải ý bạn là "{guess}"?' if guess else "xóa dòng này hoặc xem danh sách trường trong README"
                    problems.warn(path, meta.line_of(key), f'trường "{key}" không được dùng', hint)

    def line(self, key: str) -> int:
        return self.meta.line_of(key)

    def error(self, key: str, message: str, hint: str = "") -> None:
        self.problems.add(self.path, self.line(key), message, hint)

    def has(self, key: str) -> bool:
        value = self.meta.get(key)
        return value is not None and str(value).strip() != ""

    def text(self, key: str, *, required: str = "") -> str:
        """A string; `required` is the Vietnamese field name to report when it is missing."""
        value = self.meta.get(key)
        if isinstance(value, (dict, list)):
            self.error(key, f'trường "{key}" phải là một đoạn chữ', "viết giá trị trên cùng một dòng, trong ngoặc kép nếu cần")
            return ""
        text = "" if value is None else str(value).strip()
        if not text and required:
            self.problems.add(self.path, self.line(key) if key in self.meta else self.meta.line or 1,
                              f"thiếu {required} ({key})", f'thêm dòng "{key}: …" {self.where}')
        return text

    def datetime(self, key: str, *, required: str = "") -> datetime | None:
        if not self.has(key):
            self.text(key, required=required)
            return None
        try:
            return parse_datetime(self.meta[key])
        except DateError as exc:
            self.error(key, str(exc), DATE_HINT)
            return None

    def date(self, key: str, *, required: str = "") -> date | None:
        value = self.datetime(key, required=required)
        return value.date() if value else None

    def bound(self, key: str, *, end: bool, required: str = "") -> date | None:
        """A period bound: a day, a month 'Tháng 12/2020', a quarter 'Quý II/2021' or a year."""
        if not self.has(key):
            self.text(key, required=required)
            return None
        try:
            return parse_bound(self.meta[key], end=end)
        except DateError as exc:
            self.error(key, str(exc), DATE_HINT + ', hoặc tháng "12/2020", quý "Quý II/2021", năm "2021"')
            return None

    def flag(self, key: str) -> bool:
        value = self.meta.get(key)
        if isinstance(value, bool) or value is None:
            return bool(value)
        text = str(value).strip().lower()
        if text in _TRUE | _FALSE:
            return text in _TRUE
        self.error(key, f'"{key}" chỉ nhận true hoặc false', f"viết {key}: true hoặc {key}: false")
        return False

    def items(self, key: str) -> list[tuple[Any, int]]:
        """A list (a single value is a list of one), each entry with its line."""
        value = self.meta.get(key)
        if value is None or value == "":
            return []
        if isinstance(value, LineList):
            return [(v, value.line_of(i)) for i, v in enumerate(value)]
        if isinstance(value, str) and "," in value and key in LIST_FIELDS:
            return [(part.strip(), self.line(key)) for part in value.split(",") if part.strip()]
        return [(value, self.line(key))]

    def ref(self, key: str, vocab: Vocabulary, *, required: str = "") -> str:
        if not self.has(key):
            self.text(key, required=required)
            return ""
        return vocab.resolve(self.meta[key], self.path, self.line(key), self.problems, self.near) or ""

    def refs(self, key: str, vocab: Vocabulary, *, required: str = "") -> tuple[str, ...]:
        """One slug or a list of them (`lead: so-noi-vu` or `lead: [bao-nam-dinh, dai-ptth-nam-dinh]`)."""
        if required and not self.has(key):
            self.text(key, required=required)
            return ()
        found = []
        for value, line in self.items(key):
            slug = vocab.resolve(value, self.path, line, self.problems, self.near)
            if slug and slug not in found:
                found.append(slug)
        return tuple(found)

    def mapping(self, key: str, message: str, hint: str, known: set[str] | None = None, where: str = "") -> Fields | None:
        """One sub-mapping (a group of `name: value` lines under `key:`), or None after reporting `message`."""
        value = self.meta.get(key)
        if not isinstance(value, LineDict):
            self.error(key, message, hint)
            return None
        return Fields(value, self.path, self.problems, known=known, where=where or self.where)

    def mappings(self, key: str, what: str, known: set[str] | None = None) -> list[Fields]:
        """A list of sub-mappings (plan content items, targets…), each read with its own lines."""
        result = []
        for value, line in self.items(key):
            if isinstance(value, LineDict):
                result.append(Fields(value, self.path, self.problems, known=known,
                                     where=f"vào {what} bắt đầu ở dòng {line}", near=self.near))
            else:
                self.problems.add(self.path, line, f"mỗi {what} phải là một nhóm các dòng ten: giá trị",
                                  "bắt đầu mỗi mục bằng '- ' rồi các dòng thụt lề đều nhau (xem mẫu mau/ke-hoach.md)")
        return result

    def file(self, key: str, locate: Callable[[str], tuple[str | None, bool, str]], what: str,
             suffixes: set[str] | None = None, kinds: str = "") -> str:
        """A path inside docs/ that must exist and be of one of `suffixes`. `locate` resolves it (None and why,
        when it leaves docs/), tells whether the file is there, and may record the check."""
        text = self.text(key)
        if not text:
            return ""
        rel, found, why = locate(text)
        if rel is None:
            example = _EXAMPLES.get(min(suffixes or {".jpg"}, key=lambda s: _EXAMPLE_ORDER.index(s) if s in _EXAMPLE_ORDER else 99),
                                    "anh/2024/anh.jpg")
            self.error(key, why, f"đặt tệp {what} trong thư mục docs/ và ghi đường dẫn tính từ docs/, ví dụ {example}")
            return ""
        if suffixes is not None and Path(rel).suffix.lower() not in suffixes:
            self.error(key, f'tệp {what} "{rel}" không đúng loại', f"dùng tệp {kinds}")
            return ""
        if not found:
            self.error(key, f'không tìm thấy tệp {what} "{rel}" (docs/{rel})',
                       f"kiểm tra tên tệp (phân biệt chữ hoa, chữ thường) hoặc chép tệp vào docs/{Path(rel).parent.as_posix()}/")
        return rel
