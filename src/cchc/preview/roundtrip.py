"""A file written by hand stays as written when the editing room saves it: only what the writer changed changes.

Decap CMS writes the whole file anew (its own YAML: block lists, its key order, no comments; its own Markdown:
"*" bullets, "*x*", tables without alignment). The file service merges that with the file on disk:
- front matter, key by key: a key whose value means the same (dates in either form, topics by name or code,
  quotes or not, flow or block lists) keeps its original lines, comments and position; a changed key takes the
  editor's lines in its place; a key the writer cleared goes; a new key is added at the end; comments stay;
- body, line by line: lines that read the same apart from Markdown style keep their original bytes.
And the other way, for the editor's fields: topics, unit, type and channel written by name or alias are shown as
the codes they mean (the editor's choices are codes), without changing the file.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable

import yaml

from ..content.dates import DateError, parse_datetime

_FRONT = re.compile(r"\A(\ufeff?---[ \t]*\r?\n)(.*?)(\r?\n---[ \t]*(?:\r?\n|\Z))", re.S)
_KEY = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:")
DATES = {"date", "updated"}
TERMS = {"topics": "topics", "unit": "units", "type": "types", "channel": "channels"}
DEFAULTS = {"draft": "false", "type": "tin", "channel": "cong-thong-tin"}  # what the loader assumes when absent

Resolve = Callable[[str, str], "str | None"]  # (vocabulary kind, a name/alias/code) -> its code, or None


def split(text: str) -> tuple[str, list[str], str, str] | None:
    """(opening line, front matter lines, closing line, body), or None when the text has no front matter."""
    found = _FRONT.match(text)
    if not found:
        return None
    return found.group(1), found.group(2).split("\n"), found.group(3), text[found.end():]


def blocks(lines: list[str]) -> list[tuple[str | None, list[str]]]:
    """The front matter as (key, its lines) in order; comment and blank lines are blocks of their own (key None)."""
    result: list[tuple[str | None, list[str]]] = []
    for line in lines:
        key = _KEY.match(line)
        if key:
            result.append((key.group(1), [line]))
        elif line[:1] in (" ", "\t", "-") and result and result[-1][0] is not None:
            result[-1][1].append(line)  # a value's next lines (a block list, a block mapping)
        else:
            result.append((None, [line]))
    return result


def _value(lines: list[str]) -> object:
    try:
        data = yaml.load("\n".join(lines), Loader=yaml.BaseLoader)  # every value as text: "false" stays "false"
    except yaml.YAMLError:
        return object()  # unreadable: never equal to anything
    return next(iter(data.values())) if isinstance(data, dict) and data else None


def _meaning(key: str, value: object, resolve: Resolve) -> object:
    """What a value means, so that two spellings of it compare equal."""
    if key in DATES and isinstance(value, str):
        try:
            return parse_datetime(value)
        except DateError:
            return value
    if key in TERMS:
        items = value if isinstance(value, list) else [value]
        codes = [resolve(TERMS[key], str(v)) or str(v) for v in items if str(v).strip()]
        return sorted(codes) if isinstance(value, list) else (codes[0] if codes else "")
    if isinstance(value, str):
        return value.strip()
    return value


def merge(old: str, new: str, resolve: Resolve) -> str:
    """The editor's file `new`, written as close to `old` (on disk) as its changes allow."""
    before, after = split(old), split(new)
    if before is None or after is None:
        return new
    opening, old_lines, closing, old_body = before
    _, new_lines, _, new_body = after
    fresh = {key: lines for key, lines in blocks(new_lines) if key is not None}
    out: list[str] = []
    for key, lines in blocks(old_lines):
        if key is None:
            out += lines
        elif key in fresh:
            same = _meaning(key, _value(lines), resolve) == _meaning(key, _value(fresh[key]), resolve)
            out += lines if same else fresh[key]
            del fresh[key]
        # a key the editor no longer writes was cleared by the writer: it goes
    for key, lines in fresh.items():
        if str(_value(lines)).strip() not in ("", "[]", "{}", "None", DEFAULTS.get(key, "\0")):
            out += lines  # a field the writer filled in; not one the editor writes with its default or empty
    return opening + "\n".join(out) + closing + merge_body(old_body, new_body)


_BULLET = re.compile(r"^(\s*)[*+-](\s+)")
_NUMBER = re.compile(r"^(\s*)\d+[.)](\s+)")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>~])")
_DELIMITER_ROW = re.compile(r"^\s*\|?(\s*:?-+:?\s*\|)+\s*:?-*:?\s*$")


def _style_free(line: str) -> str:
    """A Markdown line without the choices of style the editor rewrites."""
    if _DELIMITER_ROW.match(line):
        return "|---|"
    line = _ESCAPE.sub(r"\1", line)
    line = _BULLET.sub(r"\1- ", line)
    line = _NUMBER.sub(r"\g<1>1. ", line)
    line = line.replace("__", "**")
    line = re.sub(r"(?<![\w*])_(\S(?:.*?\S)?)_(?![\w*])", r"*\1*", line)
    if line.lstrip().startswith("|"):
        line = "|".join(cell.strip() for cell in line.strip().strip("|").split("|"))
    return " ".join(line.split())


def merge_body(old: str, new: str) -> str:
    """The editor's body, keeping each original line that reads the same; blank lines the editor adds or drops
    between blocks that did not change are left as they were."""
    if old == new:
        return old
    a, b = old.split("\n"), new.split("\n")
    matcher = difflib.SequenceMatcher(None, [_style_free(x) for x in a], [_style_free(x) for x in b], autojunk=False)
    out: list[str] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out += a[i1:i2]
        elif tag == "insert" and not any(x.strip() for x in b[j1:j2]):
            continue  # blank lines the editor added
        elif tag == "delete" and not any(x.strip() for x in a[i1:i2]):
            out += a[i1:i2]  # blank lines the editor dropped
        else:
            out += b[j1:j2]
    return "\n".join(out)


def for_editor(text: str, resolve: Resolve) -> str:
    """The file as the editor should see it: topics, unit, type and channel by code (names and aliases resolved),
    everything else as written. Unchanged when nothing needs it."""
    parts = split(text)
    if parts is None:
        return text
    opening, lines, closing, body = parts
    out: list[str] = []
    changed = False
    for key, block in blocks(lines):
        value = _value(block) if key in TERMS else None
        if key in TERMS and value is not None:
            written = [str(v).strip() for v in value] if isinstance(value, list) else [str(value).strip()]
            shown = [resolve(TERMS[key], v) or v for v in written if v]
            if shown != written:
                block = [f"{key}: [{', '.join(shown)}]" if isinstance(value, list) else f"{key}: {shown[0]}"]
                changed = True
        out += block
    return opening + "\n".join(out) + closing + body if changed else text
