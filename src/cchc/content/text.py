"""Vietnamese text rules, defined once: Unicode form, diacritic folding and ASCII slugs."""

from __future__ import annotations

import re
import unicodedata

_SPACE = re.compile(r"\s+")
_NON_SLUG = re.compile(r"[^a-z0-9]+")


def nfc(text: str) -> str:
    """Vietnamese arrives precomposed (NFC) or decomposed (NFD); we keep NFC only."""
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Lower case, no diacritics, 'đ' -> 'd', single spaces: 'Cải cách  Thủ tục' -> 'cai cach thu tuc'."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACE.sub(" ", stripped.lower()).strip()


def slugify(text: str) -> str:
    """ASCII slug without diacritics: 'Đường dây nóng 1022' -> 'duong-day-nong-1022'."""
    return _NON_SLUG.sub("-", fold(text)).strip("-")


def address_slug(title: str, limit: int = 80) -> str:
    """A new item's address from its title: its slug, cut between words to at most `limit` characters."""
    slug = slugify(title)
    if len(slug) <= limit:
        return slug
    cut = slug[:limit + 1].rsplit("-", 1)[0]  # a whole word fits when the next character is a hyphen
    return cut if cut and len(cut) <= limit else slug[:limit].rstrip("-")


def lookup_key(text: str) -> str:
    """Key under which names, aliases and slugs of a vocabulary entry are matched."""
    return slugify(text)


# Characters that must not reach a page: C0/C1 controls (tab and newline excepted), DEL, bidirectional
# overrides and isolates (they reorder what a reader sees: "Trojan source"), stray byte-order marks,
# line/paragraph separators (they break scripts and JSON) and non-characters.
INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e"
                       "\u2066-\u2069\ufeff\ufff9-\ufffb\ufffe\uffff]")


def describe_invisible(char: str) -> tuple[str, str]:
    """(what it is, how to fix it), in Vietnamese, for a character INVISIBLE matched."""
    code = ord(char)
    if code < 0x20 or 0x7F <= code <= 0x9F:
        return (f"có ký tự điều khiển không hợp lệ (mã {code:#04x})",
                "xóa ký tự lạ trên dòng này (thường do chép từ Word hoặc trang web), rồi gõ lại")
    if 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069 or code in (0x200E, 0x200F, 0x061C):
        return (f"có ký tự đổi chiều văn bản vô hình (U+{code:04X})",
                "ký tự này làm chữ hiện sai thứ tự và có thể dùng để đánh lừa người đọc; xóa nó rồi gõ lại đoạn chữ")
    return (f"có ký tự vô hình không được dùng (U+{code:04X})",
            "xóa ký tự này (thường do chép từ trang web hoặc ghép nhiều tệp), rồi gõ lại đoạn chữ")


_PAGE_LINK = re.compile(r"\]\(\s*<?[^)\s>]*\.md\b")


def links_to_pages(markdown: str) -> bool:
    """Does this Markdown link to other pages by file ([…](other.md))? Its HTML then depends on their URLs."""
    return bool(_PAGE_LINK.search(markdown))


_NOT_PARAGRAPH = re.compile(r"^\s*(#|\||!!!|```|~~~|\[\^[^\]]+\]:|<|[-*+] |\d+[.)] |> )")


def first_paragraph(body: str, limit: int = 240) -> str:
    """The teaser: the first real paragraph (never a heading, list, table, quote, note or footnote)."""
    for block in body.split("\n\n"):
        if _NOT_PARAGRAPH.match(block):
            continue
        text = re.sub(r"\[\^[^\]]+\]", "", block)  # footnote marks
        text = re.sub(r"[#>*_`]|!\[[^\]]*\]\([^)]*\)|<[^>]+>", "", text).strip()
        text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
        text = " ".join(text.split())
        if text:
            return text if len(text) <= limit else text[: limit].rsplit(" ", 1)[0] + "…"
    return ""


_FENCE_LINE = re.compile(r"^ {0,3}(```|~~~)")
_CODE_SPAN = re.compile(r"`+[^`]*`+")


def unclosed_bold(text: str) -> list[int]:
    """Offsets of lines where a "**" opens that its paragraph never closes (pasted from Word: bold across a blank
    line). Code blocks and code spans are left out; an escaped \\* is not a mark."""
    found, marks, in_fence = [], [], False
    for offset, line in enumerate([*text.split("\n"), ""]):
        if _FENCE_LINE.match(line):
            in_fence = not in_fence
            continue
        if in_fence or line.startswith(("    ", "\t")):
            continue
        if not line.strip():
            if len(marks) % 2:
                found.append(marks[-1])
            marks = []
            continue
        bare = _CODE_SPAN.sub("", line.replace("\\*", ""))
        marks += [offset] * bare.count("**")
    return found
