"""Old addresses of merged portals (plans/cong-cu/<mã>.yml, written by `cchc gop-cong`) as static pages.

For each old address the build publishes site/cong-cu/<mã>/<old address>: a page that forwards to the new one
(meta refresh and a canonical link, no script), or, for a feed, the feed that now carries its items (same
GUIDs). The old portal's server then needs one rule: everything -> <new site>/cong-cu/<mã>/<same path>.
"""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import yaml

FOLDER = "cong-cu"
PAGE = """<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'">
<meta name="robots" content="noindex">
<meta http-equiv="refresh" content="0; url={relative}">
<link rel="canonical" href="{absolute}">
<title>Trang đã chuyển</title>
</head>
<body>
<p>Trang này đã chuyển tới <a href="{relative}">{absolute}</a>.</p>
</body>
</html>
"""


_ADDRESS = re.compile(r"^(?:[a-z0-9][a-z0-9._-]*/)*(?:[a-z0-9][a-z0-9._-]*)?$")  # site-relative, never ".."


def tables(root: Path) -> tuple[dict[str, dict[str, str]], list[str]]:
    """Old address -> new address, per merged portal; and the entries refused (an address that would leave the
    site, such as "../x" or "/etc/x", is never written or read)."""
    found, refused = {}, []
    for file in sorted((root / "plans" / FOLDER).glob("*.yml")):
        data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
        code = str(data.get("ma") or file.stem)
        if not _ADDRESS.match(code) or "/" in code or code.startswith("."):
            refused.append(f"{FOLDER}/{file.name}: mã \"{code}\"")
            continue
        table = {}
        for old, new in (data.get("dia_chi") or {}).items():
            old, new = ("" if old == "/" else str(old)), ("" if new == "/" else str(new))
            if not (_ADDRESS.match(old) and _ADDRESS.match(new)) or ".." in old or ".." in new:
                refused.append(f"{FOLDER}/{code}: {old or '/'} -> {new or '/'}")
                continue
            table[old] = new
        found[code] = table
    return found, refused


def write(root: Path, site_dir: Path, site_url: str) -> list[str]:
    """Publish every table's pages; the entries refused or pointing nowhere are returned (not written)."""
    found, missing = tables(root)
    for code, table in found.items():
        for old, new in table.items():
            target = site_dir / new
            exists = (target / "index.html").is_file() if new.endswith("/") or not new else target.is_file()
            if not exists:
                missing.append(f"{FOLDER}/{code}: {old or '/'} -> {new or '/'}")
                continue
            place = site_dir / FOLDER / code / old
            if old.endswith(".xml"):
                place.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(target, place)  # the feed itself: a reader cannot follow a page
                continue
            place.mkdir(parents=True, exist_ok=True)
            depth = 2 + len([part for part in old.split("/") if part])
            relative = "../" * depth + new
            (place / "index.html").write_text(
                PAGE.format(relative=html.escape(relative or "./"), absolute=html.escape(site_url + new)), encoding="utf-8")
    return missing
