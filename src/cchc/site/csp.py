"""The Content-Security-Policy: scripts, styles, images, media and data only from the site's own origin.

The few inline scripts the theme needs (Material's partials/javascripts/*.html) are allowed by their
SHA-256 hashes, computed by rendering those very partials, never by reading a built page (a hash taken
from output would allow whatever got into it). The same policy goes into every page (<meta http-equiv>)
and into the web-server configuration the build writes (.htaccess for Apache; `cchc web-config` for nginx).
"""

from __future__ import annotations

import base64
import hashlib
import re

_INLINE = re.compile(r"<script>(.*?)</script>", re.S)

BASE = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],  # the theme's icons are data: URLs in its stylesheet
    "media-src": ["'self'"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "frame-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
}
HEADER_ONLY = {"frame-ancestors": ["'self'"]}  # ignored in <meta>; the web server sends it


def script_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


class ThemeScripts:
    """Hashes of the theme's inline scripts for a page at a given depth (they embed the base URL)."""

    def __init__(self, env, config) -> None:
        self.env, self.config = env, config
        self.templates = sorted(name for name in env.list_templates()
                                if name.startswith("partials/javascripts/") and name.endswith(".html"))
        self._by_base: dict[str, list[str]] = {}
        self.seen: set[str] = set()  # every hash handed out in this build, for the server configuration

    def hashes(self, base_url: str) -> list[str]:
        if base_url not in self._by_base:
            context = {"config": self.config, "base_url": base_url, "features": self.config.theme.get("features", [])}
            found = []
            for name in self.templates:
                rendered = self.env.get_template(name).render(context)
                found += [script_hash(text) for text in _INLINE.findall(rendered)]
            self._by_base[base_url] = sorted(set(found))
            self.seen.update(found)
        return self._by_base[base_url]


def policy(hashes: list[str] | set[str], *, header: bool = False) -> str:
    directives = {key: list(values) for key, values in BASE.items()}
    directives["script-src"] += sorted(hashes)
    if header:
        directives.update(HEADER_ONLY)
    return "; ".join(f"{key} {' '.join(values)}" for key, values in directives.items())


def htaccess(hashes: set[str]) -> str:
    """Apache: the same policy as a header on every response, and no content sniffing."""
    return (
        "# Written by `cchc build`: the Content-Security-Policy of every page, sent as a header too.\n"
        "<IfModule mod_headers.c>\n"
        f'  Header always set Content-Security-Policy "{policy(hashes, header=True)}"\n'
        '  Header always set X-Content-Type-Options "nosniff"\n'
        '  Header always set Referrer-Policy "strict-origin-when-cross-origin"\n'
        "</IfModule>\n"
        "# Feeds by their own types, so readers and radio stations' players recognise them.\n"
        "<IfModule mod_mime.c>\n"
        '  <Files "rss.xml">\n    ForceType "application/rss+xml; charset=utf-8"\n  </Files>\n'
        '  <Files "atom.xml">\n    ForceType "application/atom+xml; charset=utf-8"\n  </Files>\n'
        "</IfModule>\n"
    )


def nginx(hashes: set[str]) -> str:
    """nginx: lines for the site's server { } block."""
    return (
        "# Content-Security-Policy of Chuyên mục CCHC (cchc web-config): put these lines in the site's server { } block.\n"
        f"add_header Content-Security-Policy \"{policy(hashes, header=True)}\" always;\n"
        'add_header X-Content-Type-Options "nosniff" always;\n'
        'add_header Referrer-Policy "strict-origin-when-cross-origin" always;\n'
    )
