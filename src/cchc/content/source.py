"""Reading staff files: bytes -> NFC text -> YAML front matter (with line numbers) + Markdown body.

This is the only module that reads content files; everything after works on the model.
"""

from __future__ import annotations

import os
import re
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .problems import Problems
from .text import INVISIBLE, describe_invisible, nfc

_ENCODING_HINT = (
    "tệp có thể đang ở bảng mã cũ TCVN3 (ABC), VNI hoặc Windows-1258; mở bằng trình soạn thảo "
    "(hoặc công cụ chuyển mã của Unikey) và lưu lại với bảng mã UTF-8"
)


class LineDict(dict):
    """A YAML mapping that remembers the line of each key."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lines: dict[Any, int] = {}
        self.line = 0

    def line_of(self, key: Any) -> int:
        return self.lines.get(key, self.line)


class LineList(list):
    """A YAML sequence that remembers the line of each entry."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.lines: list[int] = []
        self.line = 0

    def line_of(self, index: int) -> int:
        return self.lines[index] if index < len(self.lines) else self.line


# libyaml's parser when PyYAML has it (about ten times faster); same nodes, same line marks.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_BYTES = 2 * 1024 * 1024  # a content file: an item is rarely over 100 KB, a whole plan under 500 KB
MAX_NODES = 50_000  # values in one YAML document, an alias counted as often as it is used
MAX_DEPTH = 30  # nesting of lists and mappings (our formats need four)
_TAGS = {"tag:yaml.org,2002:str", "tag:yaml.org,2002:null", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}


class _Loader(_BaseLoader):
    """Safe YAML where every value is text (no YAML 1.1 surprises: `Yes`, `012`, dates stay as typed;
    fields convert what they need) and lines are kept."""

    line_offset = 0
    duplicates: list[tuple[str, int]]
    invisible: list[tuple[str, int]]


# Only the empty value, `~` and `null` are not text.
_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag == "tag:yaml.org,2002:null"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct_str(loader: _Loader, node: yaml.ScalarNode) -> str:
    value = loader.construct_scalar(node)
    if bad := INVISIBLE.search(value):  # written as an escape, e.g. "\u202e": the raw scan cannot see it
        loader.invisible.append((bad.group(), node.start_mark.line + 1 + loader.line_offset))
    return value

def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1 + loader.line_offset
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1 + loader.line_offset
        if key in result:
            loader.duplicates.append((str(key), line))
        result[key] = loader.construct_object(value_node, deep=True)
        result.lines[key] = line
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1 + loader.line_offset
    result.lines = [child.start_mark.line + 1 + loader.line_offset for child in node.value]
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SCALAR_TAG, _construct_str)

# PyYAML's messages, in the words a staff member can act on.
_YAML_HINTS = [
    ("mapping values are not allowed", "giá trị có dấu hai chấm ':' — đặt cả giá trị trong dấu ngoặc kép, ví dụ title: \"Hải Hậu: hội nghị CCHC\""),
    ("cannot start any token", "có ký tự Tab hoặc ký tự đặc biệt — dùng dấu cách thay cho Tab, đặt giá trị có ký tự đặc biệt trong ngoặc kép"),
    ("could not find expected ':'", "thiếu dấu hai chấm sau tên trường, hoặc dòng trên chưa đóng ngoặc kép — mỗi dòng có dạng ten: giá trị"),
    ("flow node", "ngoặc vuông [ hoặc ngoặc nhọn { chưa được đóng — kiểm tra các dấu ] và } ở những dòng trên"),
    ("found unexpected end of stream", "ngoặc kép hoặc ngoặc vuông chưa được đóng — kiểm tra các dấu \" và ] trên dòng này"),
    ("expected <block end>", "thụt lề không đều — các dòng cùng cấp phải thẳng hàng, dùng dấu cách chứ không dùng Tab"),
    ("did not find expected key", "thụt lề không đều hoặc thiếu dấu '-' của danh sách — các mục cùng cấp phải thẳng hàng"),
    ("did not find expected '-' indicator", "danh sách thiếu dấu '-' hoặc thụt lề sai"),
    ("found undefined alias", "ký tự '*' ở đầu giá trị — đặt giá trị trong ngoặc kép"),
    ("found character", "ký tự không hợp lệ (ví dụ '@' hoặc '`' ở đầu giá trị) — đặt giá trị trong ngoặc kép"),
]


_PARSED: OrderedDict[tuple[str, int, str, str], tuple[Any, list]] = OrderedDict()
_PARSED_MAX = 64  # vocabularies and plans, re-read on every build of a long-running preview


def parse_yaml(text: str, path: str, problems: Problems, line_offset: int = 0, section: str = "") -> Any:
    """Parse YAML, reporting syntax errors and duplicate keys with their line; None on error. With `section`,
    only the value of that top-level key is checked and built (mkdocs.yml: the rest may carry tags of its own).

    The last few results are remembered (the parsed data is never modified by its readers), so the
    preview, which reloads the unchanged plans after each edit, does not parse them again."""
    key = (path, line_offset, text, section)
    if key in _PARSED:
        _PARSED.move_to_end(key)
    else:
        found = Problems()
        _PARSED[key] = (_parse_yaml(text, path, found, line_offset, section), found.items)
        if len(_PARSED) > _PARSED_MAX:
            _PARSED.popitem(last=False)
    data, found_problems = _PARSED[key]
    problems.items.extend(found_problems)
    return data


class _Refused(Exception):
    """YAML we will not construct: too deep, too large once aliases are expanded, or with tags."""

    def __init__(self, line: int, message: str, hint: str) -> None:
        super().__init__(message)
        self.line, self.message, self.hint = line, message, hint


_NOT_BRACKET = re.compile(r"[^\[\]{}\n]+")
_QUOTED = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\n]|\'\')*\'')
_TOO_DEEP = (f"dữ liệu lồng nhau quá sâu (hơn {MAX_DEPTH} cấp)",
             "các trường chỉ cần vài cấp (xem mẫu trong thư mục mau/); kiểm tra các dấu [ ] và { } trên dòng này")


def _check_flow_depth(text: str, line_offset: int) -> None:
    """libyaml composes nested [ { recursively in C: far too deep a nesting crashes the process, so it is
    measured first (quoted text left out; a bracket in plain text can only overcount)."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return
    depth, line = 0, 1 + line_offset
    for ch in _NOT_BRACKET.sub("", _QUOTED.sub("", text)):
        if ch == "\n":
            line += 1
        elif ch in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise _Refused(line, *_TOO_DEEP)
        elif depth:
            depth -= 1


def _value_of(node: yaml.Node, key: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                return value_node
    return None


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return node.value
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def _check_nodes(root: yaml.Node, line_offset: int) -> None:
    """Bound what constructing the document would make: nesting depth, the number of values with every alias
    expanded (nine aliases nine levels deep are 387 million values), no cycles, no tags (!!binary…)."""
    size: dict[int, int] = {}
    height: dict[int, int] = {}
    on_path: set[int] = set()
    stack = [(root, False)]
    while stack:
        node, done = stack.pop()
        key, line = id(node), node.start_mark.line + 1 + line_offset
        if not done:
            if key in size:
                continue
            if key in on_path:
                raise _Refused(line, "dữ liệu tự tham chiếu vòng tròn (ký hiệu & và *)", "viết các giá trị ra trực tiếp, không dùng & và *")
            if node.tag not in _TAGS:
                raise _Refused(line, f'thẻ YAML "{node.tag.replace("tag:yaml.org,2002:", "!!")}" không được dùng',
                               "bỏ phần bắt đầu bằng ! ở đầu giá trị; giá trị có ký tự đặc biệt thì đặt trong ngoặc kép")
            on_path.add(key)
            stack.append((node, True))
            stack.extend((child, False) for child in _children(node) if id(child) not in size)
            continue
        on_path.discard(key)
        children = _children(node)
        size[key] = 1 + sum(size[id(c)] for c in children)
        height[key] = 1 + max((height[id(c)] for c in children), default=0)
        if height[key] > MAX_DEPTH:
            raise _Refused(line, *_TOO_DEEP)
        if size[key] > MAX_NODES:
            raise _Refused(line, f"quá nhiều giá trị (hơn {MAX_NODES:,} kể cả các lần dùng lại bằng ký hiệu *)".replace(",", "."),
                           "không dùng ký hiệu & và * để nhân bản dữ liệu; viết các giá trị ra trực tiếp")


_OPENING_CONTEXTS = {"while scanning a quoted scalar": "ngoặc kép", "while parsing a flow sequence": "ngoặc vuông [",
                     "while parsing a flow mapping": "ngoặc nhọn {"}
_QUOTE_OPENS = re.compile(r"""^\s*(?:-\s+)?(?:[^\s#'"][^:#]*:\s+)?(["'])""")


def _unclosed_quote(line: str) -> bool:
    """A value that opens a quote on this line and does not close it there."""
    found = _QUOTE_OPENS.match(line)
    if not found:
        return False
    rest = line[found.start(1):]
    closed = _QUOTED.match(rest)
    return closed is None


def _opening(exc: yaml.YAMLError, text: str, failed_at: int) -> tuple[int, str] | None:
    """(line, hint) of the quote or bracket left open that the parser only noticed later, at `failed_at`: the
    parser's own mark of the construct when it names one, else the first line above that opens a quote without
    closing it (a quoted value may run over several lines, so the parser fails at the next quote)."""
    context, mark = getattr(exc, "context", None) or "", getattr(exc, "context_mark", None)
    lines = text.splitlines()
    if context in _OPENING_CONTEXTS and mark is not None and mark.line + 1 < failed_at:
        what = _OPENING_CONTEXTS[context]
        return mark.line + 1, f"{what} mở ở dòng này chưa được đóng — thêm dấu đóng ở cuối giá trị"
    if "flow" in context:  # no mark of its own: the nearest line above that opens more brackets than it closes
        for number in range(min(failed_at, len(lines)), 0, -1):
            bare = _QUOTED.sub("", lines[number - 1]).split(" #")[0]
            if bare.count("[") + bare.count("{") > bare.count("]") + bare.count("}"):
                if number == failed_at:
                    return None
                what = "ngoặc vuông [" if bare.rfind("[") > bare.rfind("{") else "ngoặc nhọn {"
                return number, f"{what} mở ở dòng này chưa được đóng — thêm dấu đóng ở cuối giá trị"
    for number, line in enumerate(lines[:failed_at - 1], start=1):
        if _unclosed_quote(line):
            return number, "ngoặc kép mở ở dòng này chưa được đóng — thêm dấu đóng ở cuối giá trị"
    return None


def _parse_yaml(text: str, path: str, problems: Problems, line_offset: int, section: str = "") -> Any:
    loader = None
    try:
        _check_flow_depth(text, line_offset)
        loader = _Loader(text)
        loader.line_offset = line_offset
        loader.duplicates, loader.invisible = [], []
        node = loader.get_single_node()
        if node is not None and section:
            node = _value_of(node, section)
        if node is None:
            return None
        _check_nodes(node, line_offset)
        data = loader.construct_document(node)
    except _Refused as exc:
        problems.add(path, exc.line, exc.message, exc.hint)
        return None
    except yaml.reader.ReaderError as exc:  # a character YAML refuses that the raw scan let through
        problems.add(path, line_offset + 1, f"có ký tự không hợp lệ (mã {exc.character:#04x})",
                     "xóa ký tự lạ (thường do chép từ Word hoặc trang web), rồi gõ lại")
        return None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = (mark.line + 1 + line_offset) if mark else line_offset + 1
        line = min(line, line_offset + max(1, len(text.rstrip().splitlines())))  # at the end of the text: its last line
        raw = f"{getattr(exc, 'problem', '')} {getattr(exc, 'context', '')}"
        hint = next((h for key, h in _YAML_HINTS if key in raw), "kiểm tra dấu hai chấm, ngoặc kép và thụt lề trên dòng này")
        if opened := _opening(exc, text, line - line_offset):  # the mistake is where a quote or bracket opened
            line, hint = opened[0] + line_offset, opened[1]
        problems.add(path, line, "lỗi cú pháp YAML", hint)
        return None
    finally:
        if loader is not None:
            loader.dispose()
    for key, line in loader.duplicates:
        problems.add(path, line, f'trường "{key}" được khai báo hai lần', "xóa một trong hai dòng")
    for char, line in loader.invisible:
        problems.add(path, line, *describe_invisible(char))
    return data


def prefetch(files) -> None:
    """Ask the kernel to read these files ahead (POSIX_FADV_WILLNEED), before they are read one by one: a server's
    page cache lets go of files not read for a while, and each then waits on the disk in turn (0.4 s of 5,000
    items' reading, measured). Only a hint: a file that cannot be opened is left to its reader to report."""
    if not hasattr(os, "posix_fadvise"):
        return
    for file in files:
        try:
            fd = os.open(file, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
        except OSError:
            continue
        try:
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_WILLNEED)
        except OSError:
            pass
        finally:
            os.close(fd)


def read_text(file: Path, path: str, problems: Problems) -> str | None:
    """File -> NFC text. UTF-8 only (BOM and CRLF accepted); other encodings, oversized files
    and invisible control characters are reported (the latter each with its line, then replaced by U+FFFD so
    the rest of the file can still be checked; the error stops the build)."""
    try:
        if file.is_symlink():
            return None  # never followed; publishing.check_tree reports every link with its target
        size = file.stat().st_size
        if size > MAX_BYTES:
            problems.add(path, 0, f"tệp quá lớn ({size / 1024 / 1024:.1f} MB, tối đa {MAX_BYTES // 1024 // 1024} MB)".replace(".", ","),
                         "tách thành nhiều bài; ảnh, âm thanh và văn bản đính kèm để thành tệp riêng trong docs/")
            return None
        raw = file.read_bytes()
    except IsADirectoryError:
        problems.add(path, 0, f'"{path}" là một thư mục, không phải tệp (tên thư mục có đuôi {file.suffix})',
                     f"đổi tên thư mục (bỏ đuôi {file.suffix}), hoặc chuyển các tệp trong đó ra ngoài rồi xóa thư mục")
        return None
    except PermissionError:
        problems.add(path, 0, "không có quyền đọc tệp", "cho phép đọc tệp (chmod a+r) hoặc chép lại tệp bằng tài khoản của mình")
        return None
    except OSError as exc:
        problems.add(path, 0, f"không đọc được tệp (mã lỗi {exc.errno})", "kiểm tra tệp: còn đó không, ổ đĩa có lỗi không")
        return None
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.add(path, line, "tệp không phải mã UTF-8", _ENCODING_HINT)
        return None
    text = nfc(text.replace("\r\n", "\n").replace("\r", "\n"))
    if INVISIBLE.search(text):
        reported = set()
        for match in INVISIBLE.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            if line not in reported and len(reported) < 20:
                reported.add(line)
                problems.add(path, line, *describe_invisible(match.group()))
        text = INVISIBLE.sub("\ufffd", text)
    return text


_FENCE = re.compile(r"^(---|\.\.\.)\s*$")


@dataclass
class Document:
    """A Markdown file split in two: its front matter (with line numbers) and its body."""

    meta: LineDict
    body: str
    body_line: int  # line number of the body's first line in the file


def read_document(file: Path, path: str, problems: Problems) -> Document | None:
    """Read a Markdown file with YAML front matter between '---' lines."""
    text = read_text(file, path, problems)
    if text is None:
        return None
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        problems.add(path, 1, "thiếu phần thông tin đầu tệp (front matter)",
                     "tệp phải bắt đầu bằng dòng '---', tiếp theo là các dòng title:, date:…, rồi một dòng '---' (xem mẫu trong thư mục mau/)")
        return None
    end = next((i for i in range(1, len(lines)) if _FENCE.match(lines[i])), None)
    if end is None:
        problems.add(path, 1, "phần thông tin đầu tệp không được đóng", "thêm một dòng '---' sau dòng thông tin cuối cùng")
        return None
    meta = parse_yaml("\n".join(lines[1:end]), path, problems, line_offset=1)
    if meta is None and any(p.path == path for p in problems.items):
        return None
    if meta is None:
        meta = LineDict()
    if not isinstance(meta, LineDict):
        problems.add(path, 2, "phần thông tin đầu tệp phải là các dòng dạng ten: giá trị", "xem mẫu trong thư mục mau/")
        return None
    return Document(meta, "\n".join(lines[end + 1:]), end + 2)


def read_yaml_file(file: Path, path: str, problems: Problems, section: str = "") -> Any:
    text = read_text(file, path, problems)
    return None if text is None else parse_yaml(text, path, problems, section=section)
