"""Old addresses of merged portals (plans/cong-cu/<mã>.yml, written by `cchc gop-cong`) as static pages.

For each old page address the build publishes site/cong-cu/<mã>/<old address>: a page that forwards to the new
one (meta refresh and a canonical link, no script). An old feed's address there is its archive feed (feeds.py:
the items it carried, their GUIDs kept). The old portal's server forwards each old address with one 301
(deploy/chuyen-huong/<mã>.*, written by the merge); these pages serve a server that can only forward everything
to <new site>/cong-cu/<mã>/<same path>.
"""

from __future__ import annotations

import html
from pathlib import Path

from ..content.merged import FOLDER
from ..content.model import MergedPortal

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


def write(portals: dict[str, MergedPortal], site_dir: Path, site_url: str) -> list[str]:
    """Publish every merged portal's forwarding pages; the entries pointing nowhere are returned (not written).
    An old feed's address is its archive feed itself (written with the feeds), never a page."""
    missing = []
    for code, portal in portals.items():
        for old, new in portal.addresses.items():
            if new == f"{FOLDER}/{code}/{old}":
                continue  # an archive feed, at the old feed's path under cong-cu/<code>/
            target = site_dir / new
            exists = (target / "index.html").is_file() if new.endswith("/") or not new else target.is_file()
            if not exists:
                missing.append(f"plans/{FOLDER}/{code}.yml: {old or '/'} -> {new or '/'}")
                continue
            place = site_dir / FOLDER / code / old
            if not old.endswith("/") and old:
                continue  # a file (media, document): forwarded by the web server's map only
            place.mkdir(parents=True, exist_ok=True)
            depth = 2 + len([part for part in old.split("/") if part])
            relative = "../" * depth + new
            (place / "index.html").write_text(
                PAGE.format(relative=html.escape(relative or "./"), absolute=html.escape(site_url + new)), encoding="utf-8")
    return missing
