"""Building a project: strict failures leave the published site untouched; URLs stay put."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from cchc.site.build import build_site


def test_a_failed_build_keeps_the_last_good_site(project):
    project.item("tot")
    site = project.root / "site"
    assert build_site(project.root, site).ok
    before = (site / "index.html").read_bytes()
    project.item("hong", unit="khong-ton-tai")
    result = build_site(project.root, site)
    assert not result.ok
    assert any("docs/tin-tuc/hong.md:5: đơn vị" in m for m in result.messages)
    assert (site / "index.html").read_bytes() == before
    assert not (site / "tin-tuc" / "hong").exists()
    assert not list(project.root.glob("site.tmp-*"))


def test_the_built_site_is_readable_by_a_web_server_like_any_folder(project):
    project.item("tot")
    site = project.root / "site"
    old = os.umask(0o022)
    try:
        assert build_site(project.root, site).ok
    finally:
        os.umask(old)
    assert stat.S_IMODE(site.stat().st_mode) == 0o755  # not the 0700 of a temporary folder


def test_url_and_page_survive_a_title_edit(project):
    path = project.item("chuyen-muc-thang-5", title="Tiêu đề ban đầu")
    site = project.root / "site"
    assert build_site(project.root, site).ok
    path.write_text(path.read_text(encoding="utf-8").replace("Tiêu đề ban đầu", "Tiêu đề đã sửa"), encoding="utf-8")
    assert build_site(project.root, site).ok
    assert "Tiêu đề đã sửa" in (site / "tin-tuc/chuyen-muc-thang-5/index.html").read_text(encoding="utf-8")


def test_unsafe_html_stops_a_strict_build_and_is_stripped_otherwise(project):
    project.item("html", body="Chữ.\n\n<script>alert('x')</script>\n\n<a href=\"javascript:alert(1)\">bấm</a>")
    site = project.root / "site"
    strict = build_site(project.root, site)
    assert not strict.ok and any("mã HTML không an toàn" in m for m in strict.messages)
    assert build_site(project.root, site, strict=False).ok
    page = (site / "tin-tuc/html/index.html").read_text(encoding="utf-8")
    assert "alert('x')" not in page and "javascript:alert" not in page and "Chữ." in page


def test_drafts_show_only_in_preview_and_marked(project):
    project.item("ban-nhap", draft="true")
    site = project.root / "site"
    assert build_site(project.root, site).ok
    assert not (site / "tin-tuc/ban-nhap").exists()
    preview = project.root / "preview"
    assert build_site(project.root, preview, drafts=True).ok
    page = (preview / "tin-tuc/ban-nhap/index.html").read_text(encoding="utf-8")
    assert "BẢN NHÁP" in page


def test_cchc_validate_lists_problems_in_vietnamese_and_exits_non_zero(project):
    project.item("a", date="32/01/2024")
    project.item("b", topics="[chu-de-khong-co]")
    run = subprocess.run([sys.executable, "-m", "cchc.cli", "--root", str(project.root), "validate"],
                         capture_output=True, text=True)
    assert run.returncode == 1
    assert "docs/tin-tuc/a.md:3: ngày" in run.stderr and "docs/tin-tuc/b.md:4: chủ đề" in run.stderr
    assert "Traceback" not in run.stderr
    project.root.joinpath("docs/tin-tuc/a.md").unlink()
    project.root.joinpath("docs/tin-tuc/b.md").unlink()
    ok = subprocess.run([sys.executable, "-m", "cchc.cli", "--root", str(project.root), "validate"],
                        capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr


def tree(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_build_on_both_cores_equals_a_sequential_one(tmp_path, monkeypatch):
    """Both cores (the index in a second process, a forked helper rendering pages from the back while the build
    renders from the front) give the sequential build's bytes; neither build reuses the other's pages. The
    sequential build renders the navigation of every page (nav_memo.py off)."""
    from cchc.site.nav_memo import NavMemo
    from conftest import SAMPLE_NOW, copy_sample

    monkeypatch.setenv("CCHC_NOW", SAMPLE_NOW)
    both = build_site(copy_sample(tmp_path / "mau"), tmp_path / "song-song")
    assert both.ok and both.timings["pages_cached"] == 0
    # the helper renders from the back while the build starts its own pages; on a slow machine it may take them all
    assert 0 < both.timings["helper_pages"] <= both.timings["pages"]
    assert 0 < both.timings["helper_markdown"]
    own = both.timings["pages"] - both.timings["helper_pages"]  # pages this process rendered
    assert both.timings["nav_reused"] > own or own == 0  # both partials
    # the three blocks and at least logo, palette, "back to top" and copyright (DEPTH_PARTIALS) on most pages
    # the theme's blocks and its small partials (DEPTH_PARTIALS) reused: 4.3 for each navigation reused (2.1 without
    # the partials); both count the pages this process rendered, however the helper shared them
    assert both.timings["shell_reused"] > 3 * both.timings["nav_reused"] or own == 0
    monkeypatch.setenv("CCHC_SEQUENTIAL", "1")
    monkeypatch.setattr(NavMemo, "install", lambda self, env: None)
    one = build_site(copy_sample(tmp_path / "mau-2"), tmp_path / "tuan-tu")
    assert one.ok and one.timings["pages_cached"] == 0 and one.timings["helper_pages"] == one.timings["helper_markdown"] == 0
    assert one.timings["nav_reused"] == 0
    parallel, sequential = tree(tmp_path / "song-song"), tree(tmp_path / "tuan-tu")
    assert any(name.startswith("tim-kiem/du-lieu/s/") for name in parallel)
    assert parallel.keys() == sequential.keys()
    assert [name for name in parallel if parallel[name] != sequential[name]] == []


def test_the_radio_cover_the_pages_helper_could_not_draw_stops_the_build_with_its_fix(tmp_path, monkeypatch):
    """The pages helper draws the radio cover first (site/plugin.py _shared_work); when it cannot (no font), the build
    draws it itself at its end and says why it cannot, with the fix: never a site without its cover."""
    import cchc.radio.cover
    from conftest import SAMPLE_NOW, copy_sample

    monkeypatch.setenv("CCHC_NOW", SAMPLE_NOW)
    monkeypatch.delenv("CCHC_SEQUENTIAL", raising=False)
    built = build_site(copy_sample(tmp_path / "mau"), tmp_path / "site")
    assert built.ok and built.timings["helper_pages"] > 0 and (tmp_path / "site" / cchc.radio.cover.COVER).is_file()
    monkeypatch.setattr(cchc.radio.cover, "FONTS", [tmp_path / "khong-co.ttf"])
    failed = build_site(copy_sample(tmp_path / "mau-2"), tmp_path / "site-2")
    assert not failed.ok and any("phông chữ DejaVu Sans" in m and "make voice" in m for m in failed.messages)
    assert not (tmp_path / "site-2").exists()


@pytest.mark.parametrize("header", [None, "{% if page %}{{ page.meta.title | upper }}{% endif %}",
                                    "{% if page %}{{ page.meta.title }}{{ page.is_homepage }}{% endif %}"])
def test_the_header_is_rendered_once_per_set_of_links_and_shows_each_pages_own_title(project, tmp_path, header):
    """Material's header is rendered once with a marker for the title and given each page's title (escaped as the
    theme gets it); a header that does more to the title than print it, or reads more of the page, is rendered
    for each page as usual."""
    from cchc.site.build import build_into

    project.item("mot", title="'Một cửa & dịch vụ <công>'")
    project.item("hai", title="'Hai: chuyển đổi số'", date="16/03/2024 08:30")
    if header:
        project.write("overrides/partials/header.html", f'<header class="md-header">{header}</header>')
    result, config = build_into(project.root, tmp_path / "site", strict=False)
    assert result.ok, result.messages
    memo = config.plugins["cchc"].nav_memo
    kept = [key for key in memo.kept if key[0] == "partials/header.html"]
    assert bool(kept) == (header is None) and ("partials/header.html" in memo._plain) == (header is not None)

    def shown(slug: str) -> str:
        page = (tmp_path / "site/tin-tuc" / slug / "index.html").read_text(encoding="utf-8")
        return page[page.index('<header class="md-header'):page.index("</header>")]
    if header is None:
        assert "Một cửa &amp; dịch vụ &lt;công&gt;" in shown("mot") and "Hai: chuyển đổi số" in shown("hai")
        assert "Hai:" not in shown("mot")
    elif "upper" in header:
        assert "MỘT CỬA &AMP; DỊCH VỤ &LT;CÔNG&GT;" in shown("mot") and "HAI: CHUYỂN ĐỔI SỐ" in shown("hai")
    else:
        assert "Một cửa &amp; dịch vụ &lt;công&gt;False" in shown("mot")


def test_a_build_failing_in_its_templates_stops_the_index_and_leaves_no_folder(project):
    project.item("mot-tin")
    template = project.root / "overrides/cchc/item.html"
    text = template.read_text(encoding="utf-8")
    template.write_text(text.replace("<h1>{{ item.title }}</h1>", "<h1>{{ item.title.khong_co() }}</h1>"), encoding="utf-8")
    result = build_site(project.root, project.root / "site")
    assert not result.ok
    assert index_processes() == []  # stopped and waited for: no child is left that could write its folder later
    assert sorted(p.name for p in project.root.iterdir() if p.name.startswith("site")) == []


def test_a_build_failing_before_its_pages_stops_the_index_process_started_early(project, monkeypatch):
    """The index's process starts in on_config (its interpreter and imports on the core left idle) and gets its
    documents in on_env: a build stopped in between (a staff page where the site makes one) leaves no process
    waiting for documents, and says which file to rename."""
    from cchc.search.background import BackgroundIndex

    started = []
    real = BackgroundIndex.__init__
    monkeypatch.setattr(BackgroundIndex, "__init__", lambda self, *a, **k: started.append(a[1]) or real(self, *a, **k))
    monkeypatch.delenv("CCHC_SEQUENTIAL", raising=False)
    project.item("mot-tin")
    (project.root / "docs" / "tim-kiem").mkdir(parents=True, exist_ok=True)
    (project.root / "docs" / "tim-kiem" / "index.md").write_text("# Trang của tôi\n", encoding="utf-8")
    result = build_site(project.root, project.root / "site")
    assert not result.ok and any("docs/tim-kiem/index.md" in m and "trùng đường dẫn" in m for m in result.messages)
    assert started == [None]  # started without its documents
    assert index_processes() == []


def index_processes() -> list[int]:
    """Search-index processes started by this test process (or its children) that are still alive."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            command = (proc / "cmdline").read_bytes().split(b"\0")
            ancestors, pid = [], proc.name
            while pid not in ("0", "1"):
                pid = (Path("/proc") / pid / "stat").read_text().rsplit(")", 1)[1].split()[1]
                ancestors.append(pid)
        except (OSError, IndexError):
            continue
        if b"cchc.search.background" in command and str(os.getpid()) in ancestors:
            found.append(int(proc.name))
    return found


def test_a_stopped_index_process_writes_nothing(tmp_path):
    from cchc.search.background import BackgroundIndex

    body = "Cải cách thủ tục hành chính, một cửa liên thông, dịch vụ công trực tuyến. " * 200
    documents = [{"url": f"tin-tuc/{n}/", "date": "15/03/2024", "sort": f"2024-03-15T{9999 - n:06d}", "title": f"Tin {n}",
                  "number": "", "summary": "", "body": body, "unit": "X", "type": "Tin", "topics": [], "filters": {}}
                 for n in range(3000)]
    index = BackgroundIndex(tmp_path, iter(documents), {})
    index.stop()
    assert index.process.poll() is not None
    with pytest.raises(ProcessLookupError):  # nothing of its process group is left to write later
        os.killpg(index.process.pid, 0)
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []  # nor anything it began
    finished = BackgroundIndex(tmp_path, iter(documents[:50]), {})
    assert finished.wait() > 0 and (tmp_path / "tim-kiem/du-lieu/chi-muc.json").is_file()  # the same, left to finish


def test_documents_cut_short_make_no_index(tmp_path):
    """The index process indexes documents as they come: if making one fails half way, no index is written."""
    from cchc.search.background import BackgroundIndex
    from cchc.search.index import SearchIndexError

    def documents():
        for n in range(20):
            yield {"url": f"tin-tuc/{n}/", "date": "15/03/2024", "sort": f"2024-03-{20 - n:02d}", "title": f"Tin {n}",
                   "number": "", "summary": "", "body": "Một cửa liên thông", "unit": "X", "type": "Tin", "topics": [],
                   "filters": {}}
        raise KeyError("don-vi-khong-co")

    with pytest.raises(SearchIndexError, match="don-vi-khong-co"):
        BackgroundIndex(tmp_path, documents(), {}).wait()
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_a_spool_that_cannot_be_written_ends_the_index_instead_of_leaving_it_waiting(tmp_path, monkeypatch):
    """The index process follows the spool file as it grows: if the build cannot write it (a full disk), the index
    process is stopped and the error said, never left waiting for lines that will not come."""
    from concurrent.futures import ThreadPoolExecutor

    import cchc.search.background as background
    from cchc.search.index import SearchIndexError

    doc = {"url": "tin-tuc/a/", "date": "15/03/2024", "sort": "2024-03-15", "title": "Tin", "number": "", "summary": "",
           "body": "Một cửa liên thông", "unit": "X", "type": "Tin", "topics": [], "filters": {}}

    class FullDisk:
        def __init__(self, spool):
            self.spool, self.written = spool, 0

        def write(self, data):
            self.written += 1
            if self.written > 3:
                raise OSError(28, "No space left on device")
            return self.spool.write(data)

        def close(self):
            self.spool.close()

    opened = background.os.fdopen
    monkeypatch.setattr(background.os, "fdopen", lambda fd, mode: FullDisk(opened(fd, mode)))
    index = background.BackgroundIndex(tmp_path, iter([doc] * 10), [])
    monkeypatch.undo()
    pool = ThreadPoolExecutor(1)
    try:
        failed = pool.submit(index.wait).exception(timeout=30)
    finally:
        index.stop()  # if it were left waiting: not for ever
        pool.shutdown()
    assert isinstance(failed, SearchIndexError) and "No space left" in str(failed)
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_a_page_without_markdown_gets_what_markdown_makes_of_empty_text(project):
    """ModelPage skips building a Markdown converter for empty text: the page must come out as MkDocs' own."""
    from mkdocs.config import load_config
    from mkdocs.structure.files import File, Files
    from mkdocs.structure.pages import Page

    from cchc.site.plugin import ModelPage

    config = load_config(str(project.root / "mkdocs.yml"))
    for text in ("", "  \n\n", "# Tiêu đề\n\nNội dung [liên kết](#tieu-de)."):
        made = []
        for kind in (Page, ModelPage):
            file = File("thu/index.md", str(project.root / "docs"), str(project.root / "site"), True)
            page = kind(None, file, config)
            page.markdown = text
            page.render(config, Files([file]))
            links = {to.src_uri: anchors for to, anchors in (page.links_to_anchors or {}).items()}
            made.append((page.content, [(t.id, t.title) for t in page.toc], page.title, page.present_anchor_ids, links))
        assert made[0] == made[1], text


def test_pages_rendered_one_after_another_with_one_kept_converter_come_out_as_with_a_new_converter_each(project):
    """ModelPage lends MkDocs one Python-Markdown converter, reset between pages (site/pages.py): footnotes, headings,
    raw HTML anchors, links and titles of one page never reach the next; each page is what a converter of its own
    makes. Another thread rendering meanwhile gets a converter of its own."""
    import threading

    import markdown
    import mkdocs.structure.pages as engine_pages
    from mkdocs.config import load_config
    from mkdocs.structure.files import File, Files
    from mkdocs.structure.pages import Page

    from cchc.site.plugin import ModelPage

    config = load_config(str(project.root / "mkdocs.yml"))
    config.plugins.on_config(config)  # our extension too
    texts = ["# Một\n\nCâu có chú thích[^1].\n\n[^1]: Chú thích một.\n\n## Mục A\n\n[sang hai](../hai/index.md#muc-b)",
             "Không tiêu đề, chú thích khác[^a] và[^1].\n\n[^a]: Hai.\n[^1]: Ba.\n\n<div id=\"neo\">x</div>",
             "# Hai\n\n## Mục B\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n!!! note \"Lưu ý\"\n    Nội dung.",
             "", "Chỉ **một** dòng."] * 2
    made: dict[type, list] = {Page: [], ModelPage: []}
    for kind in (Page, ModelPage):
        for n, text in enumerate(texts):
            files = Files([File(f"{name}/index.md", str(project.root / "docs"), str(project.root / "site"), True)
                           for name in ("mot", "hai")])
            page = kind(None, files.get_file_from_path("mot/index.md" if n % 2 else "hai/index.md"), config)
            page.markdown = text
            page.render(config, files)
            links = {to.src_uri: anchors for to, anchors in (page.links_to_anchors or {}).items()}
            made[kind].append((page.content, [(t.id, t.title, [(c.id, c.title) for c in t.children]) for t in page.toc],
                               page.title, page.present_anchor_ids, links))
    assert made[ModelPage] == made[Page] and "Chú thích một" in made[Page][0][0] and "Ba." in made[Page][1][0]
    assert engine_pages.markdown is markdown  # given back after each page

    from cchc.site import pages as ours

    seen, lent_too = [], []

    def other_thread():
        seen.append(engine_pages.markdown.Markdown(extensions=[], extension_configs={}))
        with ours._CONVERTER.lent():  # lent already: this thread renders as MkDocs does
            lent_too.append(engine_pages.markdown.Markdown(extensions=config["markdown_extensions"],
                                                           extension_configs=config["mdx_configs"]))
    with ours._CONVERTER.lent():
        other = threading.Thread(target=other_thread)
        other.start()
        other.join()
        kept = engine_pages.markdown.Markdown(extensions=config["markdown_extensions"], extension_configs=config["mdx_configs"])
    pooled = ours._CONVERTER._kept[2]
    assert kept is pooled and lent_too[0] is not pooled and engine_pages.markdown is markdown
    assert seen[0] is not kept and isinstance(seen[0], markdown.Markdown) and engine_pages.markdown is markdown


def test_a_header_printing_both_titles_gets_each_pages_own_from_one_rendering():
    """The memo itself, with a theme's header (not autoescaped) that prints the page's title and its metadata's
    title and a link relative to the page: three pages of one folder share one rendering, each with its own titles,
    the same as rendering each."""
    import jinja2
    from types import SimpleNamespace as Obj
    from mkdocs.utils.templates import url_filter
    from cchc.site.nav_memo import NavMemo

    def env():
        made = jinja2.Environment(loader=jinja2.DictLoader({
            "partials/header.html": "<h>{{ page.title }}|{{ page.meta.title }}|{{ 'don-vi/' | url }}</h>",
            "page.html": "{% include 'partials/header.html' %}<main>{{ page.url }}</main>"}))
        made.filters["url"] = url_filter
        return made
    nav, config = Obj(items=[], homepage=None), Obj(extra={}, theme={})
    pages = [Obj(url=f"tin-tuc/{slug}/", title=title, meta={"title": meta}, parent=None) for slug, title, meta in
             [("a", "Một & hai", "Một &amp; hai"), ("b", "<b>", "&lt;b&gt;"), ("c", "Ba", "Ba (tóm tắt)")]]
    plain, memo_env, memo = env(), env(), NavMemo()
    memo.install(memo_env)
    for page in pages:
        context = {"page": page, "nav": nav, "config": config, "base_url": "../.."}
        assert memo_env.get_template("page.html").render(context) == plain.get_template("page.html").render(context)
    assert memo.shell_reused == 2 and not memo._plain
    assert "<h>Ba|Ba (tóm tắt)|../../don-vi/</h>" in memo_env.get_template("page.html").render(
        {"page": pages[2], "nav": nav, "config": config, "base_url": "../.."})


def test_settled_globals_are_the_environments_last_ones_for_templates_loaded_before_and_after():
    """settle_globals (on_env, after the nav memo's globals): templates loaded before keep their own globals over the
    environment's as set last (the memo's, not the placeholders prepare set), those loaded after get them too;
    each template's globals a dict of its own."""
    from collections import ChainMap

    import jinja2

    from cchc.site.templates import settle_globals

    env = jinja2.Environment(loader=jinja2.DictLoader({"a.html": "{{ who() }}{{ mine }}", "b.html": "{{ who() }}|{% include 'a.html' %}"}))
    env.globals["who"] = lambda: "placeholder"
    early = env.get_template("a.html", globals={"mine": "-own"})
    env.globals["who"] = lambda: "memo"  # set after a template was loaded, as nav_memo.install does
    settle_globals(env)
    late = env.get_template("b.html")
    assert early.render() == "memo-own" and late.render() == "memo|memo"  # an include reads its includer's
    assert type(early.globals) is dict and type(late.globals) is dict and early.globals is not late.globals
    assert isinstance(jinja2.Environment().make_globals(None), ChainMap)  # what it replaces, in Jinja itself

def test_templates_compiled_by_a_forked_child_are_those_the_build_would_compile_and_an_edit_is_compiled_anew(
        tmp_path, monkeypatch):
    """on_config forks a child compiling the theme's templates (site/templates.py compile_theme) while the content
    is read; on_env hands its code to the build's environment. Given it, an environment prepared as the build's
    compiles none of them again and holds the same code as one compiling each; a template edited after the child
    compiled it is compiled anew and renders the edit, never the code compiled before."""
    import jinja2
    from mkdocs.config import load_config

    from cchc.content.forked import Forked, can_fork
    from cchc.site.templates import CompiledTemplates, compile_theme, prepare
    from conftest import copy_sample

    monkeypatch.delenv("CCHC_SEQUENTIAL", raising=False)
    if not can_fork():
        pytest.skip("one core or no fork: the build compiles its templates itself")
    root = copy_sample(tmp_path / "mau")
    config = load_config(str(root / "mkdocs.yml"))
    child = Forked(lambda: compile_theme(config))
    code = child.result()
    assert not child.started and isinstance(code, dict) and len(code) > 60

    def environment(cache=None):
        env = config.theme.get_env()
        prepare(env, config)
        env.bytecode_cache = cache
        return env

    compiled: list[str] = []
    compile_real = jinja2.Environment.compile
    monkeypatch.setattr(jinja2.Environment, "compile",
                        lambda self, source, name=None, *args, **kw: compiled.append(name) or compile_real(self, source, name, *args, **kw))
    names = ["main.html", "base.html", "cchc/item.html", "cchc/listing.html", "partials/header.html", "cchc/partials/item-row.html"]
    given, own = environment(CompiledTemplates(code)), environment()
    for name in names:
        assert given.get_template(name).root_render_func.__code__ == own.get_template(name).root_render_func.__code__
    assert sorted(compiled) == sorted(names)  # each compiled by `own` only
    compiled.clear()
    for name in ["partials/languages/custom.html", "partials/languages/en.html", "partials/languages/fr.html"]:
        given.get_template(name)
    assert compiled == ["partials/languages/fr.html"]  # the site's words and English only: no other language's
    row = root / "overrides" / "cchc" / "partials" / "item-row.html"
    row.write_text("{#- edited -#}ĐÃ SỬA " + row.read_text(encoding="utf-8"), encoding="utf-8")
    compiled.clear()
    edited = environment(CompiledTemplates(code)).get_template("cchc/partials/item-row.html")
    assert compiled == ["cchc/partials/item-row.html"]
    assert any("ĐÃ SỬA" in str(value) for value in edited.root_render_func.__code__.co_consts)  # the edit's code


def test_a_forked_child_that_fails_hands_back_nothing_and_a_stopped_one_is_gone(monkeypatch):
    """content/forked.py: the caller gets its default when the child raises (and does the work itself); stop() kills
    a child still working and waits for it, leaving no process behind."""
    import time

    from cchc.content.forked import Forked, can_fork

    monkeypatch.delenv("CCHC_SEQUENTIAL", raising=False)
    if not can_fork():
        pytest.skip("one core or no fork")
    assert Forked(lambda: 1 / 0).result("à moi") == "à moi"
    assert Forked(lambda: {"bài": [1, 2]}).result() == {"bài": [1, 2]}
    slow = Forked(lambda: time.sleep(60))
    pid = slow._pid
    slow.stop()
    assert not Path(f"/proc/{pid}").exists() and slow.result("không") == "không"
    monkeypatch.setenv("CCHC_SEQUENTIAL", "1")
    assert not Forked(lambda: 1).started
