"""A plan as it arrives (.docx, text-layer .pdf, .txt) read into blocks: paragraphs and tables.

Word files are read with python-docx (paragraphs and tables in document order), PDF files with pypdf
(text layer; wrapped lines joined back into paragraphs), text files as UTF-8 (or Windows-1258/1252 when
not UTF-8), one paragraph per line and tab-separated lines as table rows. Text is NFC from here on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..content.text import INVISIBLE, nfc

SUFFIXES = {".docx", ".pdf", ".txt", ".md"}


class SourceError(Exception):
    """A file that cannot be read as a plan; the message is for staff, in Vietnamese."""


@dataclass
class Block:
    kind: str  # "para" or "table"
    text: str = ""
    bold: bool = False
    rows: list[list[str]] = field(default_factory=list)


def read_blocks(file: Path) -> list[Block]:
    suffix = file.suffix.lower()
    if suffix not in SUFFIXES:
        raise SourceError(f'không đọc được tệp "{file.name}": chỉ nhận .docx, .pdf (có lớp chữ) hoặc .txt'
                          " — tệp .doc cũ: mở bằng Word rồi Lưu thành .docx")
    if not file.is_file():
        raise SourceError(f'không tìm thấy tệp "{file}"')
    try:
        if suffix == ".docx":
            blocks = _docx(file)
        elif suffix == ".pdf":
            blocks = _pdf(file)
        else:
            blocks = _text(_decode(file.read_bytes()))
    except SourceError:
        raise
    except Exception as exc:  # noqa: BLE001 (a damaged file is a message, never a traceback)
        raise SourceError(f'không đọc được tệp "{file.name}" ({type(exc).__name__}): tệp hỏng hoặc không đúng định dạng') from exc
    blocks = [b for b in blocks if b.text or b.rows]
    if not blocks:
        raise SourceError(f'tệp "{file.name}" không có chữ nào đọc được'
                          + (" — có thể là bản quét (ảnh): cần tệp .docx, hoặc PDF có lớp chữ" if suffix == ".pdf" else ""))
    return blocks


def clean(text: str) -> str:
    """NFC, no invisible characters, no Markdown emphasis or heading marks around a whole line, single spaces."""
    text = INVISIBLE.sub("", nfc(text)).replace("\u00a0", " ").replace("\t", " ")
    text = re.sub(r"^\s*#{1,6}\s+", "", text)
    text = text.strip()
    while len(text) > 4 and text.startswith("**") and text.endswith("**") and "**" not in text[2:-2]:
        text = text[2:-2].strip()
    text = re.sub(r"^\*\*(?=\S)|(?<=\S)\*\*$", "", text) if text.count("**") == 1 else text
    return re.sub(r" {2,}", " ", text).strip()


def _is_bold(raw: str) -> bool:
    stripped = re.sub(r"^\s*#{1,6}\s+", "", raw).strip()
    return stripped.startswith("**") or stripped.endswith("**")


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1258", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


def _text(text: str) -> list[Block]:
    blocks: list[Block] = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        cells = raw.strip("\n").split("\t")
        if len([c for c in cells if c.strip()]) >= 2 and len(cells) >= 3:
            row = [clean(c) for c in cells]
            if blocks and blocks[-1].kind == "table":
                blocks[-1].rows.append(row)
            else:
                blocks.append(Block("table", rows=[row]))
            continue
        line = clean(raw)
        if line:
            blocks.append(Block("para", line, bold=_is_bold(raw)))
        elif blocks and blocks[-1].kind == "table" and raw.strip() == "":
            continue  # a blank line inside a table keeps the table open
    return blocks


def _docx(file: Path) -> list[Block]:
    from docx import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    doc = Document(str(file))
    blocks: list[Block] = []
    for child in doc.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            para = Paragraph(child, doc)
            for line in para.text.split("\n"):
                text = clean(line)
                if text:
                    runs = [r for r in para.runs if r.text.strip()]
                    bold = bool(runs) and all(r.bold for r in runs)
                    blocks.append(Block("para", text, bold=bold))
        elif tag == "tbl":
            rows = []
            for row in Table(child, doc).rows:
                cells, last = [], None
                for cell in row.cells:  # a merged cell repeats: keep it once
                    if cell._tc is not last:
                        cells.append(clean(" ".join(cell.text.split("\n"))))
                    last = cell._tc
                rows.append(cells)
            blocks.append(Block("table", rows=rows))
    return blocks


_STARTS_PARAGRAPH = re.compile(r"^([IVX]+\.|\d+(\.\d+)*\.?\s|[a-zđ][).]\s|[-–•·+]\s|Nơi nhận|Căn cứ|Thực hiện)")


def _pdf(file: Path) -> list[Block]:
    from pypdf import PdfReader

    lines = []
    for page in PdfReader(str(file)).pages:
        lines += (page.extract_text() or "").split("\n")
    blocks: list[Block] = []
    for raw in lines:
        line = clean(raw)
        if not line:
            continue
        previous = blocks[-1].text if blocks else ""
        continues = previous and not previous.endswith((".", ":", ";", "!", "?", "./.")) and not _STARTS_PARAGRAPH.match(line) \
            and not previous.isupper() and not line.isupper()
        if continues:
            blocks[-1].text += " " + line
        else:
            blocks.append(Block("para", line))
    return blocks
