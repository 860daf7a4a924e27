"""Relative links in a moved Markdown file, pointed again at the files they meant.

A merged item moves a folder deeper (docs/tin-tuc/2024/a.md -> docs/tin-tuc/<mã>/2024/a.md) and some media
move too, so `![…](../../anh/2024/x.jpg)` would point nowhere. Every relative reference that names a file of
the old portal — Markdown links and images, reference definitions, HTML src/href — is resolved where the file
was, followed to where that file is now, and written relative to the file's new place. A reference to no file
(a page address like ../../chu-de/x/, read from the page's URL, which does not move) is left as written.
"""

from __future__ import annotations

import posixpath
import re
from typing import Callable

_INLINE = re.compile(r"(\]\(\s*<?)([^)\s>]+)")  # [text](target …) and ![alt](target …)
_DEFINITION = re.compile(r"^(\s{0,3}\[[^\]]+\]:\s*<?)(\S+?)(?=>?(?:\s|$))", re.M)
_HTML = re.compile(r"""(\b(?:src|href)\s*=\s*["']?)([^"'\s>]+)""", re.I)
_EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|/|#)", re.I)


def rewrite(body: str, old_rel: str, new_rel: str, where: Callable[[str], str | None]) -> tuple[str, int]:
    """The body with its file references rewritten, and how many changed. `where(docs-relative path)` is that
    file's docs-relative path now, or None when the old portal has no such file."""
    changed = 0

    def fix(match: re.Match) -> str:
        nonlocal changed
        prefix, target = match.group(1), match.group(2)
        if _EXTERNAL.match(target):
            return match.group(0)
        path, sep, rest = (re.split(r"([#?])", target, maxsplit=1) + ["", ""])[:3]
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(old_rel), path))
        now = where(resolved) if path and not resolved.startswith("..") else None
        if now is None:
            return match.group(0)
        moved = posixpath.relpath(now, posixpath.dirname(new_rel)) + sep + rest
        if moved != target:
            changed += 1
        return prefix + moved

    for pattern in (_INLINE, _DEFINITION, _HTML):
        body = pattern.sub(fix, body)
    return body, changed
