"""A plan as it arrives (.docx, text-layer .pdf, .txt) read into blocks: paragraphs and tables.

Word files are read with python-docx (paragraphs and tables in document order), PDF files with pypdf
(text layer; wrapped lines joined back into paragraphs; a line in a bold face is bold), text files as UTF-8 (or Windows-1258/1252 when
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


# bullets drawn as glyphs (Word's Symbol and Wingdings bullets reach a PDF's text layer as private-use
# characters): the first-level ones as "-", the hollow ones as "+"
_SOLID = "\uf0b7\uf0a7\uf076\uf0d8\uf0fc\u25cf\u25aa\u25a0\u2022\u27a2"
_HOLLOW = "\uf06f\u25e6\u25cb\u2218"
_GLYPH_BULLETS = re.compile(f"^\\s*([{_SOLID}{_HOLLOW}])\\s*")


def clean(text: str) -> str:
    """NFC, no invisible characters, no Markdown emphasis or heading marks around a whole line, single spaces;
    a bullet glyph at the start as the "-" or "+" a person types."""
    text = _GLYPH_BULLETS.sub(lambda m: "- " if m.group(1) in _SOLID else "+ ", text)
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
    from docx.text.run import Run

    from .word import Numbering

    doc = Document(str(file))
    numbering = Numbering(doc)
    blocks: list[Block] = []

    def paragraph(element) -> None:
        para = Paragraph(element, doc)
        marker = numbering.marker(para)  # Word's own number or bullet, as typed text
        runs = [run for run in (Run(r, para) for r in own(element, "r")) if run.text.strip()]
        bold = bool(runs) and all(r.bold for r in runs)
        lines = paragraph_text(element).split("\n")
        if marker:  # a line break (Shift+Enter) inside a numbered point or bullet: the point goes on
            lines = [" ".join(lines)]
        for n, line in enumerate(lines):
            text = clean(line)
            if text:
                blocks.append(Block("para", f"{marker} {text}" if marker and n == 0 else text, bold=bold))
        for box in text_boxes(element):  # a text box anchored here ("Nơi nhận" is often one): its paragraphs
            for inner in box.iterchildren(f"{W}p"):
                paragraph(inner)

    for child in body_children(doc.element.body):
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph(child)
        elif tag == "tbl":
            table = Table(child, doc)
            if _layout(table):  # Decree 30's header and closing blocks: their paragraphs, cell by cell
                seen = set()
                for row in table.rows:
                    for cell in row.cells:
                        if cell._tc not in seen:
                            seen.add(cell._tc)
                            for element in cell._tc.iterchildren():
                                if element.tag.endswith("}p"):
                                    paragraph(element)
                continue
            rows = []
            for row in table.rows:
                cells, last = [], None
                for cell in row.cells:  # a cell merged across columns: its text once, in its first column
                    cells.append(clean(" ".join(cell.text.split("\n"))) if cell._tc is not last else "")
                    last = cell._tc
                rows.append(cells)
            if any(any(rows_cells) for rows_cells in rows):  # a table with no text carries nothing to keep
                blocks.append(Block("table", rows=rows))
    return blocks


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


def body_children(body):
    """The body's paragraphs and tables in order, those inside content controls (w:sdt) included."""
    for child in body.iterchildren():
        if child.tag == f"{W}sdt":
            content = child.find(f"{W}sdtContent")
            yield from body_children(content) if content is not None else ()
        else:
            yield child


def own(paragraph, tag: str) -> list:
    """The paragraph's own elements of a kind, in order: inside tracked insertions, hyperlinks, fields and
    inline controls too; not those of a text box drawn in it, of Word's fallback copy, or of a tracked deletion."""
    return [e for e in paragraph.iter(f"{W}{tag}") if next(e.iterancestors(f"{W}p")) is paragraph
            and not any(a.tag in (_FALLBACK, f"{W}del") for a in e.iterancestors())]


def paragraph_text(paragraph) -> str:
    """The paragraph's text as Word shows it (python-docx's own leaves out tracked insertions): tabs as spaces,
    line breaks as new lines."""
    parts = []
    for run in own(paragraph, "r"):
        for e in run.iterchildren(f"{W}t", f"{W}tab", f"{W}br", f"{W}cr"):
            parts.append(e.text or "" if e.tag == f"{W}t" else " " if e.tag == f"{W}tab" else "\n")
    return "".join(parts)


def text_boxes(paragraph) -> list:
    """The text boxes drawn in a paragraph (each once: Word also writes a VML copy as a fallback)."""
    return [box for box in paragraph.iter(f"{W}txbxContent")
            if not any(a.tag == _FALLBACK for a in box.iterancestors())
            and next(box.iterancestors(f"{W}p")) is paragraph]


def source_texts(file: Path) -> list[str]:
    """Every piece of text of the file as its own format holds it, independent of how read_blocks reads it:
    for a Word file, the text of every paragraph anywhere (tables, content controls, text boxes, once each)."""
    if file.suffix.lower() != ".docx":
        blocks = read_blocks(file)
        return [b.text for b in blocks if b.kind == "para"] + [c for b in blocks if b.kind == "table" for r in b.rows for c in r]
    from docx import Document
    body = Document(str(file)).element.body
    texts = []
    for p in body.iter(f"{W}p"):
        if any(a.tag == _FALLBACK for a in p.iterancestors()):
            continue
        own = "".join(t.text or "" for t in p.iter(f"{W}t") if next(t.iterancestors(f"{W}p")) is p)
        if clean(own):
            texts.append(clean(own))
    return texts


# a table laid out by Nghị định 30/2020: the agency, number, motto and date above; "Nơi nhận" and the signer below
_LAYOUT = re.compile(r"^(Số\s*:|Nơi nhận|CỘNG HÒA XÃ HỘI CHỦ NGHĨA|Độc lập|TM\.|KT\.)|,\s*ngày\s.*\stháng\s.*\snăm\s", re.M)


def _layout(table) -> bool:
    return len(table.rows) <= 4 and any(_LAYOUT.search(nfc(cell.text)) for row in table.rows for cell in row.cells)


_STARTS_PARAGRAPH = re.compile(r"^([IVX]+\.|\d+(\.\d+)*\.?\s|[a-zđ][).]\s|[-–•·+]\s|Nơi nhận|Căn cứ|Thực hiện)")


def _pdf(file: Path) -> list[Block]:
    from pypdf import PdfReader

    lines = []
    for page in PdfReader(str(file)).pages:
        bold: list[str] = []

        def visit(text, cm, tm, font, size, bold=bold) -> None:  # the text drawn in a bold face
            if text.strip() and re.search(r"bold|black|heavy", str((font or {}).get("/BaseFont", "")), re.I):
                bold.append(" ".join(text.split()))
        page_text = page.extract_text(visitor_text=visit) or ""
        in_bold = f" {' '.join(bold)} "
        lines += [(raw, f" {' '.join(raw.split())} " in in_bold) for raw in page_text.split("\n")]
    blocks: list[Block] = []
    for raw, bold_line in lines:
        line = clean(raw)
        if not line:
            continue
        previous = blocks[-1].text if blocks else ""
        continues = previous and not previous.endswith((".", ":", ";", "!", "?", "./.", "Hạnh phúc")) \
            and not _STARTS_PARAGRAPH.match(line) and not previous.isupper() and not line.isupper() \
            and not re.fullmatch(r"\(.*\)", previous) \
            and blocks[-1].bold == bold_line  # "(Đã ký)" is a line of its own; a bold heading ends at plain text
        if continues or (previous + " " + line).startswith("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") and len(previous) < 34:
            blocks[-1].text += " " + line
            blocks[-1].bold = blocks[-1].bold and bold_line
        else:
            blocks.append(Block("para", line, bold=bold_line))
    return blocks
