"""The Jinja environment our templates render in: filters, globals, autoescape for overrides/, the CSP."""

from __future__ import annotations

import functools
import re
from collections import ChainMap
from html import unescape
from datetime import timedelta
from pathlib import Path

import jinja2
import jinja2.bccache
from markupsafe import Markup

from ..content import dates
from ..content.images import image_size
from ..content.model import CADENCES, LEVELS, REPORT_PERIODS
from ..plans.check import STATUS_VI
from ..stores.pages import TEMPLATE as CACHED_TEMPLATE
from .csp import ThemeScripts, policy


def prepare(env: jinja2.Environment, config) -> ThemeScripts:
    """Our filters and globals; autoescape for our own templates; the empty template cached pages get. Returns the
    theme's inline scripts, whose hashes make the Content-Security-Policy."""
    env.filters.update(ngay=dates.format_date, ngay_gio=dates.format_datetime, kich_thuoc=file_size, plan_sections=plan_sections)
    env.globals["timedelta"] = timedelta
    env.globals["shell_once"] = lambda block, key, render: render()  # nav_memo.py keeps them, once installed
    env.globals["theme_word"] = theme_words(env, config.theme["language"])
    env.globals["item_rows"] = lambda items, corpus, base_url: place_row(  # nav_memo.py keeps them, once installed
        "".join(render_row(env, item, corpus) for item in items), base_url)
    docs_dir = Path(config.docs_dir)
    env.globals["image_size"] = lambda rel: image_size(docs_dir / rel)
    env.globals.update(CADENCES=CADENCES, LEVELS=LEVELS, REPORT_PERIODS=REPORT_PERIODS, STATUS_VI=STATUS_VI)
    # Our templates (overrides/) escape every value unless it is Markup (made only in content/safety.py);
    # Material's own templates keep their behaviour and get escaped values from the plugin's page hooks.
    ours = Path(config.theme.custom_dir).resolve()
    env.autoescape = functools.cache(lambda name: bool(name) and (ours / name).is_file())  # asked per include
    scripts = ThemeScripts(env, config)
    env.globals["content_security_policy"] = lambda base_url: policy(scripts.hashes(base_url))
    env.globals["script_sources"] = script_sources
    env.loader = jinja2.ChoiceLoader([jinja2.DictLoader({CACHED_TEMPLATE: ""}), env.loader])
    # A plain dict for the compiled templates (what Jinja makes of cache_size=-1): a page asks for forty includes and
    # imports, and the least-recently-used cache reorders its queue under a lock at each (1.6 µs, 0.4 with this).
    # The site's few dozen templates all stay; one whose file changes is still compiled anew (auto_reload).
    if env.cache is not None and not isinstance(env.cache, dict):
        env.cache = dict(env.cache.items())
    return scripts


def settle_globals(env: jinja2.Environment) -> None:
    """Once the last global is set (on_env): each template's globals a plain dict, not Jinja's ChainMap over the
    environment's, in this build's environment (MkDocs makes one per build). Each of a page's fifteen templates and
    includes makes a context that copies and lists its globals: read through a ChainMap, key by key in Python,
    12 µs a context (1.5 with a dict): 0.6 s of processor time at 5,000 items. Jinja asks that globals not change
    once a template is loaded; ours do not after this."""
    settled = dict(env.globals)
    env.make_globals = lambda own: {**settled, **(own or {})}
    for template in (env.cache or {}).values():
        if isinstance(template.globals, ChainMap):
            template.globals = {**settled, **template.globals.maps[0]}


class CompiledTemplates(jinja2.BytecodeCache):
    """The theme's templates as Jinja compiles them, held in memory (Jinja's documented bytecode cache): compiled by
    a forked child while the build reads the content (compile_theme), handed to the build's environment before its
    first page, and so to the pages helper forked after. A template whose source differs from the one compiled
    (Jinja compares their checksums) is compiled anew."""

    def __init__(self, code: dict[str, bytes] | None = None) -> None:
        self.code = dict(code or {})

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if (data := self.code.get(bucket.key)) is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


LANGUAGES = "partials/languages/"


def compile_theme(config) -> dict[str, bytes]:
    """Every HTML template of the theme and overrides/ compiled in an environment prepared as the build's is (the
    same filters and autoescape: the code depends on them), but the words of languages the site is not in (70 files,
    half the time); one that does not compile here is left to the build."""
    env = config.theme.get_env()
    prepare(env, config)
    env.bytecode_cache = compiled = CompiledTemplates()
    words = {f"{LANGUAGES}{config.theme.get('language') or 'en'}.html", f"{LANGUAGES}en.html"}  # en: the fallback
    for name in env.list_templates(filter_func=lambda name: name.endswith(".html")
                                   and (not name.startswith(LANGUAGES) or name in words)):
        try:
            env.get_template(name)
        except Exception:  # noqa: BLE001,S112 (e.g. a filter only another plugin adds: the build compiles it)
            continue
    return compiled.code


def theme_words(env: jinja2.Environment, language: str):
    """The theme's word for a key (overrides/partials/language.html), as Material's partial gives it: the language
    file's, else English, else the key; each looked up once a build."""
    @functools.cache
    def word(key: str) -> Markup:
        own, english = (env.get_template(f"{LANGUAGES}{name}.html").module for name in (language, "en"))
        return Markup(str(own.t(key)) or str(english.t(key)) or key)
    return word


ROW_TEMPLATE = "cchc/partials/item-row.html"
_ROOT = "\x00cchc-goc\x00"  # stands for the way to the site's root in a rendered row


def render_row(env: jinja2.Environment, item, corpus) -> str:
    """A news item's row in a list, the same on every page: its links start with a marker (place_row)."""
    return env.get_template(ROW_TEMPLATE).render(item=item, corpus=corpus, root=_ROOT)


def place_row(row: str, base_url: str) -> Markup:
    """A rendered row on a page whose way to the site's root is `base_url` (MkDocs': ".", "../..", "/")."""
    return Markup(row.replace(_ROOT, "" if base_url in (".", "") else base_url.rstrip("/") + "/"))


def script_sources(html: str) -> list[str]:
    """The addresses of the external scripts in a rendered block, in their order (for <link rel="preload">)."""
    return [unescape(src) for src in _SCRIPT_SRC.findall(str(html))]


def file_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB".replace(".", ",")
    return f"{max(1, round(size / 1024))} KB"


def plan_sections(toc) -> list:
    """The sections of a plan's full text from its table of contents (MkDocs' page.toc), on one level: the headings
    numbered I., II.… as Decree 30 numbers a document's parts, whatever Markdown level each was typed at; a text
    without them gives its shallowest headings."""
    found: list = []

    def walk(anchors) -> None:
        for anchor in anchors or []:
            found.append(anchor)
            walk(anchor.children)
    walk(toc)
    roman = [a for a in found if _ROMAN.match(re.sub(r"<[^>]+>", "", str(a.title)))]
    top = min((a.level for a in found), default=0)
    return roman or [a for a in found if a.level == top]


_SCRIPT_SRC = re.compile(r"<script\b[^>]*?\ssrc=\"([^\"]+)\"")
_ROMAN = re.compile(r"^\s*[IVXL]+\.\s")
