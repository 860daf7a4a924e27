"""The file service's merge on every sample item and template: what the editor writes back, restyled the way Decap
restyles (its YAML: block lists, its own key order and quotes, dates as DD/MM/YYYY; its Markdown: "*" bullets,
"*x*", tables without alignment), leaves the file byte for byte as it was. Decap itself is driven in
tests/test_editor.py; here every real file goes through the merge."""

from __future__ import annotations

import re

import pytest
import yaml
from conftest import ROOT

from cchc.content.dates import parse_datetime
from cchc.content.problems import Problems
from cchc.content.text import lookup_key
from cchc.content.vocab import load_vocabulary
from cchc.preview.roundtrip import for_editor, merge, split

FILES = sorted((ROOT / "docs" / "tin-tuc").rglob("*.md")) + sorted((ROOT / "mau").glob("*.md"))


@pytest.fixture(scope="module")
def resolve():
    names = {kind: load_vocabulary(ROOT / "plans", ROOT, kind, Problems()).names
             for kind in ("topics", "units", "types", "channels")}
    return lambda kind, value: names[kind].get(lookup_key(value))


def as_decap_writes(text: str) -> str:
    """The file as Decap serialises it after loading it: the same values, in its own style."""
    opening, lines, closing, body = split(text)
    meta = yaml.load("\n".join(lines), Loader=yaml.BaseLoader) or {}
    for key in ("date", "updated"):
        if key in meta:
            meta[key] = parse_datetime(meta[key]).strftime("%d/%m/%Y %H:%M")
    front = yaml.safe_dump(dict(reversed(list(meta.items()))), allow_unicode=True, default_flow_style=False,
                           sort_keys=False, width=1000)
    body = re.sub(r"^(\s*)- ", r"\1* ", body, flags=re.M)
    body = re.sub(r"(?<![\w*])_(\S(?:.*?\S)?)_(?![\w*])", r"*\1*", body)
    body = re.sub(r"^\|(\s*:?-+:?\s*\|)+\s*$", _delimiter_row, body, flags=re.M)
    return "---\n" + front + "---\n" + body.replace("\n\n\n", "\n\n")


def _delimiter_row(found: re.Match) -> str:
    """A table's delimiter row without alignment, as remark writes it: | --- | --- |."""
    return "| " + " | ".join("---" for _ in found.group(0).strip().strip("|").split("|")) + " |"


@pytest.mark.parametrize("path", FILES, ids=[p.relative_to(ROOT).as_posix() for p in FILES])
def test_a_file_saved_back_unchanged_is_byte_for_byte_the_same(path, resolve):
    text = path.read_text(encoding="utf-8")
    assert merge(text, text, resolve) == text
    restyled = as_decap_writes(for_editor(text, resolve))
    assert restyled != text or "---" not in text  # the restyling really restyles
    assert merge(text, restyled, resolve) == text


@pytest.mark.parametrize("path", FILES[:12], ids=[p.relative_to(ROOT).as_posix() for p in FILES[:12]])
def test_one_changed_field_changes_one_line(path, resolve):
    text = path.read_text(encoding="utf-8")
    meta_lines = split(text)[1]
    title_line = next(n for n, line in enumerate(meta_lines) if line.startswith("title:"))
    edited = as_decap_writes(for_editor(text, resolve)).replace("title: ", "title: Đã sửa — ", 1)
    merged = merge(text, edited, resolve)
    before, after = text.split("\n"), merged.split("\n")
    assert len(before) == len(after)
    assert [n for n, (a, b) in enumerate(zip(before, after)) if a != b] == [title_line + 1]
