"""The ledgers of merged portals (plans/cong-cu/<code>.yml, written by `cchc gop-cong`), read into the model.

A ledger says what the old portal was (name, address), where each of its old addresses lives now, which item
slugs had to change, and which items each of its feeds carried: the build publishes those feeds unchanged at
cong-cu/<code>/<old path> and a forwarding page for every old address.
"""

from __future__ import annotations

import re
from pathlib import Path

from .model import ArchiveFeed, MergedPortal
from .problems import Problems
from .source import LineDict, read_yaml_file

FOLDER = "cong-cu"
CODE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# a site-relative address: segments of safe characters, never "..", never absolute
ADDRESS = re.compile(r"^(?:[a-z0-9_][a-z0-9._~-]*/)*(?:[a-z0-9_][a-z0-9._~-]*)?$")


def is_address(text: str) -> bool:
    return bool(ADDRESS.match(text)) and ".." not in text.split("/")


def load_portals(plans_dir: Path, root: Path, problems: Problems) -> dict[str, MergedPortal]:
    found: dict[str, MergedPortal] = {}
    folder = plans_dir / FOLDER
    for file in sorted(folder.glob("*.yml")) if folder.is_dir() else []:
        path = file.relative_to(root).as_posix()
        data = read_yaml_file(file, path, problems)
        if not isinstance(data, LineDict):
            if data is not None:
                problems.add(path, 1, "sổ gộp cổng phải là các dòng \"khóa: giá trị\"", "tệp do cchc gop-cong ghi: lấy lại bản trong git")
            continue
        code = str(data.get("ma") or "")
        if code != file.stem or not CODE.match(code):
            problems.add(path, data.line_of("ma") if "ma" in data else 1, f'mã cổng "{code}" phải trùng tên tệp "{file.stem}"',
                         "tệp do cchc gop-cong ghi, không sửa tay: lấy lại bản trong git")
            continue
        addresses = {}
        table = data.get("dia_chi") or LineDict()
        for old, new in (table.items() if isinstance(table, dict) else []):
            old, new = ("" if old == "/" else str(old)), ("" if new in ("/", None) else str(new))
            if not (is_address(old) and is_address(new)):
                problems.add(path, table.line_of(old or "/"), f'địa chỉ "{old or "/"} -> {new or "/"}" không hợp lệ',
                             "chỉ dùng địa chỉ trong trang (không có .., không bắt đầu bằng /): lấy lại tệp trong git")
                continue
            addresses[old] = new
        feeds = []
        listed = data.get("nguon_tin") or LineDict()
        for feed_path, entry in (listed.items() if isinstance(listed, dict) else []):
            entry = entry if isinstance(entry, dict) else {}
            slugs = entry.get("bai") or []
            if not is_address(str(feed_path)) or not str(feed_path).endswith(".xml") or not isinstance(slugs, list):
                problems.add(path, listed.line_of(feed_path), f'nguồn tin lưu trữ "{feed_path}" không hợp lệ',
                             "tệp do cchc gop-cong ghi: lấy lại bản trong git")
                continue
            feeds.append(ArchiveFeed(str(feed_path), str(entry.get("tieu_de") or feed_path), tuple(map(str, slugs))))
        renamed = data.get("doi_ten") or {}
        found[code] = MergedPortal(code, str(data.get("ten") or code), str(data.get("site_url") or ""), addresses,
                                   tuple(feeds), {str(k): str(v) for k, v in renamed.items()} if isinstance(renamed, dict) else {})
    return found
