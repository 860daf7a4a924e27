"""The numbered structure of a plan (I. > 1. > a) > bullets), and its full text as faithful Markdown.

Markdown rules followed (those `full_text.check_full_text` warns about): every paragraph stands alone
between blank lines; "I." headings become "##", short "1." headings "###"; long numbered points and
"a)" points stay paragraphs that start with their number in bold, so Markdown never renumbers them;
bullets ("-", "+", "•", "·") become one list, "+" nested under "-"; tables stay tables.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..content.text import fold
from .source import Block

ROMAN = re.compile(r"^((?:X{0,3})(?:IX|IV|V?I{0,3}))\s*\.\s*(.*)$")
ARABIC = re.compile(r"^(\d{1,2})\s*\.(?!\d)\s*(.*)$")
DOTTED = re.compile(r"^(\d{1,2}(?:\.\d{1,2})+)\.?\s+(.*)$")
LETTER = re.compile(r"^([a-zđ])([).])\s*(.*)$")
BULLET = re.compile(r"^([-–•·+*])\s*(.*)$")
ENDS_NUMBERING = re.compile(r"^(Nơi nhận|Phụ lục|PHỤ LỤC|TM\.|KT\.|Trên đây là)")
HEADING_MAX = 120  # a numbered line longer than this is a point of text, not a heading


@dataclass
class Node:
    """One paragraph of the plan with its place in the numbering: mark "I", "1", "1.2", "a", "-", "+" or ""."""

    block: Block
    mark: str
    label: str  # the number as written: "II.", "3.", "a)", "" for bullets and plain paragraphs
    text: str  # the paragraph without its number or bullet
    level: int  # 1 roman, 2 arabic, 3 dotted, 4 letter, 5 bullet, 6 sub-bullet; 0 plain paragraph
    ref: str = ""  # full reference like "II.1.a"
    children: list["Node"] = field(default_factory=list)
    unnumbered: bool = False  # a bold line used as a heading ("Mục đích"), numbered by its place among its kind

    @property
    def heading(self) -> bool:
        return self.level in (1, 2, 3) and len(self.block.text) <= HEADING_MAX


def classify(block: Block) -> Node:
    text = block.text
    if block.kind == "table":
        return Node(block, "", "", "", 0)
    if (m := ROMAN.match(text)) and m.group(1) and m.group(2):
        return Node(block, m.group(1), m.group(1) + ".", m.group(2), 1)
    if m := DOTTED.match(text):
        return Node(block, m.group(1), m.group(1) + ".", m.group(2), 3)
    if (m := ARABIC.match(text)) and m.group(2):
        return Node(block, m.group(1), m.group(1) + ".", m.group(2), 2)
    if (m := LETTER.match(text)) and m.group(3) and (m.group(2) == ")" or m.group(3)[:1].isupper()):
        return Node(block, m.group(1), m.group(1) + m.group(2), m.group(3), 4)
    if (m := BULLET.match(text)) and m.group(2) and not (m.group(1) == "*" and text.startswith("**")):
        return Node(block, m.group(1), "", m.group(2), 6 if m.group(1) == "+" else 5)
    return Node(block, "", "", text, 0)


def _bold_heading(node: Node, stack: list[Node]) -> Node | None:
    """A short bold line without a number inside a numbered section, not a sentence, is a heading the author set
    in bold instead of numbering it ("Mục đích", "Văn phòng HĐND và UBND xã"): the numbered heading it goes under."""
    text = node.block.text
    base = next((n for n in reversed(stack) if not n.unnumbered), None)
    bold_line = (node.level == 0 and node.block.kind == "para" and node.block.bold and len(text) <= 100
                 and not text.endswith((".", ";", ",", "./.")))
    return base if bold_line and base is not None and base.level < 4 else None


def outline(blocks: list[Block]) -> list[Node]:
    """Nodes in order, each given the ref of its numbered ancestors (II.1.a) and its children."""
    nodes = [classify(b) for b in blocks]
    stack: list[Node] = []
    for node in nodes:
        if node.level == 0 and ENDS_NUMBERING.match(node.text):
            stack = []  # "Nơi nhận:", the signature, an appendix: outside the numbered sections
        if base := _bold_heading(node, stack):
            node.level, node.unnumbered = base.level + 1, True
            while stack and stack[-1].level >= node.level:
                stack.pop()
            node.mark = str(1 + sum(c.unnumbered for c in stack[-1].children))
        if node.level in (1, 2, 3, 4):
            while stack and stack[-1].level >= node.level:
                stack.pop()
            parent = stack[-1] if stack else None
            node.ref = f"{parent.ref}.{node.mark}" if parent and parent.ref else node.mark
            if parent:
                parent.children.append(node)
            stack.append(node)
        elif stack:
            stack[-1].children.append(node)
            if node.text.endswith("./."):  # the closing sentence of the plan
                stack = []
    return nodes


def to_markdown(nodes: list[Node]) -> str:
    out: list[str] = []
    previous = ""  # "list" after a list item, so items stay together
    dash = False  # a "-" item opened this list: "+" items nest under it

    def add(line: str, kind: str) -> None:
        nonlocal previous
        if out and not (kind == "list" and previous == "list"):
            out.append("")
        out.append(line)
        previous = kind

    for node in nodes:
        if node.block.kind == "table":
            add(_table(node.block.rows), "table")
        elif node.heading and node.level == 1:
            add(f"## {node.label} {escape_inline(node.text)}", "heading")
        elif node.heading:
            add(" ".join(filter(None, ("###", node.label, escape_inline(node.text)))), "heading")
        elif node.unnumbered:
            add(f"**{escape_inline(node.text)}**", "para")
        elif node.level in (1, 2, 3, 4):
            add(f"**{node.label}** {escape_inline(node.text)}", "para")
        elif node.level == 5:
            add(f"- {escape_inline(node.text)}", "list")
            dash = True
        elif node.level == 6:
            dash = dash and previous == "list"
            add(("    - " if dash else "- ") + escape_inline(node.text), "list")
        else:
            text = escape_start(escape_inline(node.text))
            add(f"**{text}**" if node.block.bold and "**" not in text else text, "para")
    return "\n".join(out) + "\n"


def escape_inline(text: str) -> str:
    """Keep staff text text: no HTML tag can open, no link can form from brackets."""
    return re.sub(r"<(?=[A-Za-z/!?])", "&lt;", text)


def escape_start(text: str) -> str:
    """A paragraph that Markdown would read as something else at its start."""
    if re.match(r"^(#|>|[-+*]\s|\d+[.)]\s|=+$|\|)", text):
        return "\\" + text
    return text


def _table(rows: list[list[str]]) -> str:
    rows = [r for r in rows if any(c.strip() for c in r)]
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    header, body = split_header(rows)

    def cell(text: str) -> str:
        return escape_inline(" ".join(text.replace("|", "/").split())) or " "

    lines = ["| " + " | ".join(cell(c) for c in header) + " |", "|" + "---|" * width]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in body]
    return "\n".join(lines)


def split_header(rows: list[list[str]]) -> tuple[list[str], list[list[str]]]:
    """The header row and the body. A second header row (a merged "THỜI GIAN" over "Triển khai | Hoàn thành")
    joins the first: its first cell is empty, or repeats the first row's (a cell merged down), and no cell is a
    bare number."""
    header, body = list(rows[0]), [list(r) for r in rows[1:]]
    while body and (not body[0][0].strip() or body[0][0] == header[0]) and not any(re.match(r"^\d+$", c) for c in body[0]):
        second = body.pop(0) + [""] * len(header)
        header = [h if s == h else f"{h} {s}".strip() for h, s in zip(header, second)]
    return header, body


def sections(nodes: list[Node], words: tuple[str, ...]) -> list[Node]:
    """The top-level sections (I., II.…) whose heading has one of these words (accents or not)."""
    return [n for n in nodes if n.level == 1 and any(fold(w) in fold(n.text) for w in words)]


def descendants(node: Node):
    for child in node.children:
        yield child
        yield from descendants(child)
