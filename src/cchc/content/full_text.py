"""Warnings for a plan's full text that Markdown would render other than it reads (text pasted from Word).

Python-Markdown, as the site uses it: a list cannot start inside a paragraph (without a blank line
before it, "- …" or "a) …" is joined to the paragraph above); once a list has started, every item that
follows it, "- " or "2. ", joins that list and takes its kind (a bullet after "1. Mục đích" is numbered,
"2. Yêu cầu:" after bullets loses its number); ordered lists are renumbered from 1; a line of spaces can
open a code block.
"""

from __future__ import annotations

import re

from .problems import Problems

_BULLET = re.compile(r"^ {0,3}[-*+]\s+\S")
_ORDERED = re.compile(r"^ {0,3}(\d+)\.\s+\S")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_HEADING = re.compile(r"^ {0,3}#{1,6}\s")
_TABLE = re.compile(r"^ {0,3}\|")
_POINT = re.compile(r"^ {0,3}([a-zđ]\)|[IVX]+\.|\d+(\.\d+)+\.?|\d+\))\s+\S")  # a), đ), II., 1.2., 3)


def check_full_text(body: str, path: str, first_line: int, problems: Problems) -> None:
    def warn(number: int, message: str, hint: str) -> None:
        problems.warn(path, number, message, hint)

    heading_hint = 'nếu là đề mục, viết "### {0} …" (hoặc in đậm "**{0} …**"); muốn giữ nguyên số, viết "{1}\\. …"'
    in_fence = False
    previous = ""  # the line before, "" when blank
    kind, position = "", 0  # the open list ("ol", "ul" or "") and how many items it has
    for offset, line in enumerate(body.split("\n")):
        number = first_line + offset
        if _FENCE.match(line):
            in_fence = not in_fence
        if in_fence:
            previous = line
            continue
        if line and not line.strip():
            warn(number, "dòng trống có dấu cách hoặc tab: Markdown có thể hiện thành một khung mã rỗng",
                 "xóa hết dấu cách trên dòng này (để dòng thật sự trống)")
            line = ""
        bullet, ordered = _BULLET.match(line), _ORDERED.match(line)
        after_paragraph = previous and not kind and not _HEADING.match(previous) and not _TABLE.match(previous)
        if (bullet or ordered or _POINT.match(line)) and after_paragraph:
            warn(number, "dòng này sẽ bị nối vào đoạn văn phía trên, không đứng riêng thành một mục",
                 "thêm một dòng trống trước dòng này")
        elif bullet or ordered:
            kind, position = kind or ("ol" if ordered else "ul"), position + 1
            if ordered and kind == "ul":
                warn(number, f'số "{ordered.group(1)}." sẽ mất: dòng này nối vào danh sách gạch đầu dòng phía trên',
                     heading_hint.format(ordered.group(1) + ".", ordered.group(1)))
            elif ordered and int(ordered.group(1)) != position:
                warn(number, f'số thứ tự "{ordered.group(1)}." sẽ bị đánh lại thành "{position}." '
                     "(Markdown coi dòng này là một mục của danh sách phía trên)",
                     heading_hint.format(ordered.group(1) + ".", ordered.group(1)))
            elif bullet and kind == "ol":
                warn(number, f'dấu gạch đầu dòng sẽ hiện thành số "{position}.": dòng này nối vào danh sách đánh số phía trên',
                     "nếu dòng đánh số phía trên là đề mục, viết nó thành \"### …\" (hoặc in đậm \"**…**\")")
        elif line and ((not previous and not line.startswith((" ", "\t"))) or _HEADING.match(line)):
            kind, position = "", 0  # a paragraph after a blank line, or a heading, ends the list
        previous = line
