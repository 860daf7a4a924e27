"""Each page's text runs through only the inline patterns it can match (site/inline_choice.py): the HTML is the same
as with every pattern tried, whatever the text."""

import random

import markdown
import pytest
from mkdocs.config import load_config

from cchc.site import inline_choice
from conftest import ROOT

PIECES = ["*", "**", "_", "__", "[", "]", "(", ")", "<", ">", "&", "&amp;", "&#39;", "`", "``", "\\", "  \n", "\n",
          "\n\n", "!", "^", ":", "@", "http://vd.gov.vn", "<b>", "</b>", "<br>", "[^1]", "[^1]: chú thích\n", "[a]",
          "[a]: /x\n", "(/y)", "![ảnh](/a.png)", "<a@b.vn>", "<https://x.vn>", "{: .lop }", "# ", "- ", "1. ", "> ",
          "!!! note \"Lưu ý\"\n    ", "| a | b |\n|---|---|\n| c | d |\n", "    ", "\t", "Cải cách", " hành chính",
          " thủ tục", ".", ",", " ", "x", "đ"]


def _extensions() -> tuple[list, dict]:
    """The site's Markdown extensions as MkDocs reads mkdocs.yml (its own defaults included), without ours."""
    config = load_config(str(ROOT / "mkdocs.yml"))
    return [e for e in config.markdown_extensions if e != inline_choice.NAME], config.mdx_configs


@pytest.mark.parametrize("seed", range(4))
def test_the_html_is_the_same_as_with_every_inline_pattern_tried(seed):
    """Texts made of Markdown's inline syntax, pieces of it and prose, at random: the site's extensions with the
    choice give the same HTML as without it; and plain prose is run through no pattern of those named."""
    names, configs = _extensions()
    rng = random.Random(seed)
    kept = markdown.Markdown(extensions=[*names, inline_choice.NAME], extension_configs=configs)  # as the build keeps one
    for _ in range(150):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 40)))
        plain = markdown.Markdown(extensions=names, extension_configs=configs).convert(text)
        chosen = markdown.Markdown(extensions=[*names, inline_choice.NAME], extension_configs=configs)
        assert chosen.convert(text) == plain, text
        assert kept.reset().convert(text) == plain, text  # its choices, made once, taken again for later texts
    prose = markdown.Markdown(extensions=[*names, inline_choice.NAME], extension_configs=configs)
    prose.convert("Cải cách thủ tục hành chính, một cửa.\n\nDịch vụ công trực tuyến.")
    tried = prose.treeprocessors["inline"].inlinePatterns
    assert len(tried) == 1 and "linebreak" in tried  # two spaces and a line break: it begins with a space
    assert len(prose.inlinePatterns) > 10 and "link" in prose.inlinePatterns  # the converter's own registry whole


@pytest.mark.parametrize("expression, first", [
    (r"(?<!\!)\[", "["), (r"\*|_", "*_"), (r"(?:(?<!\\)((?:\\{2})+)(?=`+)|(?<!\\)`)", "\\`"), ("  \n", " "),
    (r"(&(?:\#[0-9]+|[a-z]+);)", "&"), (r"[a-c]x", "abc"), (r"(?>ab)", "a"), (r"(b{2,})c", "b"),
    (r"a?b", None), (r"(?i)x", None), (r"(?i:x)y", None), (r"\w+", None), (r"[^a]", None), ("", None), (r"^$", None),
    (r"(?:|a)b", None), (r".x", None), (r"^(.*?)\*(.*)$", None), (r"[\u0000-\uffff]", None)])
def test_a_patterns_first_characters_are_read_from_its_expression(expression, first):
    """What a match can begin with; None (the pattern always kept) for any character, an optional start, a
    letter case ignored."""
    found = inline_choice.first_characters(expression, 0)
    assert found == (None if first is None else frozenset(first))


def test_the_plugin_converts_every_page_with_the_choice_once(project, tmp_path):
    """The plugin adds the extension to the site's once (a second build of the same settings adds none); an item with
    a link and emphasis keeps them, one of plain prose is as written."""
    from cchc.site.build import build_into

    project.item("co-lien-ket", title="Bài có liên kết", body="Xem *hướng dẫn* tại [Cổng dịch vụ công](https://dichvucong.gov.vn).")
    project.item("van-xuoi", title="Bài văn xuôi", body="Cải cách thủ tục hành chính, một cửa liên thông.")
    result, config = build_into(project.root, tmp_path / "site", strict=False)
    assert result.ok, result.messages
    assert config.markdown_extensions.count(inline_choice.NAME) == 1
    config.plugins["cchc"].on_config(config)
    assert config.markdown_extensions.count(inline_choice.NAME) == 1
    linked = next((tmp_path / "site").glob("tin-tuc/**/co-lien-ket/index.html")).read_text(encoding="utf-8")
    assert "<em>hướng dẫn</em>" in linked and 'href="https://dichvucong.gov.vn"' in linked
    prose = next((tmp_path / "site").glob("tin-tuc/**/van-xuoi/index.html")).read_text(encoding="utf-8")
    assert "<p>Cải cách thủ tục hành chính, một cửa liên thông.</p>" in prose


def test_text_the_preprocessors_set_aside_still_gets_its_patterns():
    """Markdown inside an HTML block (md_in_html, which some sites enable) is set aside before the text is parsed and
    put back into the tree as blocks: its emphasis and links are converted as without the choice."""
    names, configs = _extensions()
    text = '<div markdown="1">\nMột *cửa* và [cổng](https://dichvucong.gov.vn) `mã`.\n</div>\n\nCải cách hành chính.'
    plain = markdown.Markdown(extensions=[*names, "md_in_html"], extension_configs=configs).convert(text)
    chosen = markdown.Markdown(extensions=[*names, "md_in_html", inline_choice.NAME], extension_configs=configs)
    assert "<em>cửa</em>" in plain and chosen.convert(text) == plain


def test_a_pattern_replaced_in_the_converter_is_the_one_tried_after():
    """The choices are kept per set of patterns: a pattern an extension puts in place of another (the same name) is
    the one the next text runs through, never the choice made with the one it replaced."""
    from markdown.inlinepatterns import SimpleTagInlineProcessor

    names, configs = _extensions()
    md = markdown.Markdown(extensions=[*names, inline_choice.NAME], extension_configs=configs)
    assert md.convert("Một *cửa* và ~~hai~~.") == "<p>Một <em>cửa</em> và ~~hai~~.</p>"
    md.inlinePatterns.register(SimpleTagInlineProcessor(r"()~~(.+?)~~", "del"), "em_strong", 60)
    assert md.reset().convert("Một *cửa* và ~~hai~~.") == "<p>Một *cửa* và <del>hai</del>.</p>"
