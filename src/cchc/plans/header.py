"""The head of a plan as Decree 30 lays it out, read from its paragraphs: the number ("Số: 105/KH-UBND"), place
and date ("Bến Tre, ngày 30 tháng 12 năm 2020", also beside the motto on a PDF's line), the title after "KẾ
HOẠCH" (in capitals or wrapped: written back as a sentence), and the issuing body (its header lines in capitals,
or "Ủy ban nhân dân huyện Hải Hậu" in the text), against plans/don-vi.yml."""

from __future__ import annotations

import re
from datetime import date

from ..content.corpus import Corpus
from ..content.text import fold, lookup_key
from ..content.vocab import Vocabulary
from .outline import Node

_PLACE_KINDS = {"tỉnh": "tinh", "thành phố": "tinh", "huyện": "huyen", "thị xã": "huyen", "xã": "xa",
                "phường": "xa", "thị trấn": "xa"}
_BODY = re.compile(r"(?:(?i:Ủy ban nhân dân|Uỷ ban nhân dân)|UBND)(?:\s*\(UBND\))?\s+(tỉnh|thành phố|huyện|thị xã|xã|phường|thị trấn)"
                   r"\s+((?:[A-ZĐÂĂÊÔƠƯÁÀẢÃẠ][\wÀ-ỹ]*|\d+)(?:\s+(?:[A-ZĐÂĂÊÔƠƯÁÀẢÃẠ][\wÀ-ỹ]*|\d+))*)")
_DATE_LINE = re.compile(r"^(?!Số\s*:)([^,]{2,40}),\s*ngày\s*(\d{1,2})?\s*tháng\s*(\d{1,2})?\s*năm\s*(\d{4})")
_NUMBER = re.compile(r"^Số\s*:\s*(\S*)")
# a PDF's text layer puts the two columns of the header on one line: "Số: 35/KH-UBND Trà Vinh, ngày 10 tháng …"
_DATE_BESIDE = re.compile(r"(?<=\S )((?:[A-ZĐ][\wÀ-ỹ]*\s?){1,5}),\s*ngày\s*(\d{1,2})?\s*tháng\s*(\d{1,2})?\s*năm\s*(\d{4})")

_SECTION_START = re.compile(r"^([IVX]+\.|\d+\.|Căn cứ|Thực hiện|Số\s*:)")


_CAPS_RUN = re.compile(r"\b(?:[A-ZĐÀ-Ỹ]{2,}\s+)+[A-ZĐÀ-Ỹ]{2,}\b")  # words in capitals, as a header column writes them


def _sentence_case(text: str, names: list[str]) -> str:
    """A title typed in capitals ("THÔNG TIN, TUYÊN TRUYỀN … TỈNH TRÀ VINH NĂM 2025") in the document's own
    words, written as a sentence: lower case, with the places and abbreviations it names kept as written."""
    letters = [c for c in text if c.isalpha()]
    if not letters or sum(c.isupper() for c in letters) < 0.8 * len(letters):
        return text
    out = text.lower()
    for name in sorted(names, key=len, reverse=True):
        out = re.sub(rf"(?<!\w){re.escape(name.lower())}(?!\w)", name, out)
    return out


def head_of(paras: list[Node], names: list[str] = ()) -> dict:
    head: dict = {}
    texts = [n.block.text for n in paras]
    for i, text in enumerate(texts[:40]):
        if (m := _NUMBER.match(text)) and "number_line" not in head:
            head["number_line"] = text
            if re.match(r"^\d+/", m.group(1)):
                head["number"] = m.group(1)
        if (m := _DATE_LINE.match(text) or _DATE_BESIDE.search(text)) and "date_line" not in head:
            head["date_line"], head["place"] = text, re.sub(r"^.*Hạnh phúc\W*", "", m.group(1)).strip()  # the motto beside it
            if m.group(2) and m.group(3):
                head["issued"] = day_of(m.group(2), m.group(3), m.group(4))
        if fold(text).startswith("ke hoach") and len(text) < 12 and i + 1 < len(texts) and "title" not in head:
            rest, j = texts[i + 1], i + 2
            while not re.search(r"năm \d{4}", rest, re.I) and j < len(texts) and len(texts[j]) < 80 \
                    and not _SECTION_START.match(texts[j]):  # a title wrapped over lines (a PDF's, a narrow column)
                rest, j = f"{rest} {texts[j]}", j + 1
            rest = _sentence_case(rest, names)
            head["title"] = "Kế hoạch " + rest[0].lower() + rest[1:]
    if "title" not in head:  # "KẾ HOẠCH Thông tin, tuyên truyền …" on one line
        for text in texts[:40]:
            if fold(text).startswith("ke hoach ") and "nam" in fold(text) and len(text) < 160:
                head["title"] = "Kế hoạch " + _sentence_case(text[9:].strip(), names)
                break
    if head.get("title"):
        head["title"] = head["title"].rstrip(".")
        if m := re.search(r"năm (\d{4})", head["title"]):
            head["year"] = int(m.group(1))
    for text in texts:  # the appendix names the plan it belongs to: "(Ban hành kèm theo Kế hoạch số 105/KH-UBND ngày …"
        if "number" not in head and (m := re.search(r"kèm theo Kế hoạch số\s+(\d+/[\w-]+)(?:\s+ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4}))?", text)):
            head["number"] = m.group(1)
            if m.group(2) and "issued" not in head:
                head["issued"] = day_of(m.group(2), m.group(3), m.group(4))
    return head


def proper_names(corpus: Corpus) -> list[str]:
    """Words a title keeps in capitals: places of the vocabulary (Trà Vinh, Hải Hậu) and the abbreviations of
    the glossary (UBND, CCHC)."""
    places = {u.place for u in corpus.units.values() if u.place}
    places |= {m.group(1) for u in corpus.units.values()
               if (m := re.match(r"^(?:Tỉnh|Thành phố|Huyện|Thị xã|Xã|Phường|Thị trấn)\s+(.+)$", u.name))}
    return sorted(places | set(corpus.glossary))


def day_of(day: str, month: str, year: str) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def issuer_of(paras: list[Node], head: dict, units: Vocabulary, names: list[str] = ()) -> tuple[str, str, str]:
    """(slug, level, the words naming it) of the body issuing the plan (its header line in capitals too:
    "ỦY BAN NHÂN DÂN TỈNH BẾN TRE")."""
    found: dict[tuple[str, str], float] = {}
    agency = []  # the header's agency, in capitals over lines: "ỦY BAN NHÂN DÂN" / "XÃ LONG HỒ"
    for n in paras[:4]:
        if not n.block.text.isupper() or re.match(r"^(Số\s*:|CỘNG HÒA)", n.block.text):
            break
        agency.append(n.block.text)
    texts = [" ".join(agency)] * 3 if len(agency) > 1 else []  # the header names the issuer for sure
    for text in texts + [n.block.text for n in paras]:
        text = _CAPS_RUN.sub(lambda m: _sentence_case(m.group(0), names), text)
        for kind, name in _BODY.findall(text):
            found[(kind, name)] = found.get((kind, name), 0) + 1
        for kind, name in re.findall(r"\b(tỉnh|huyện|xã)\s+((?:[A-ZĐ][\wÀ-ỹ]*)(?:\s+(?:[A-ZĐ][\wÀ-ỹ]*|\d+))*)", text):
            found[(kind, name)] = found.get((kind, name), 0) + 0.5
    place = head.get("place", "")
    ranked = sorted(found, key=lambda k: (k[1] != place, -found[k]))
    words = ""
    for kind, name in ranked:
        words = words or f"Ủy ban nhân dân {kind} {name}"
        parts = name.split()
        for cut in range(len(parts), 0, -1):  # "Bến Tre Độc" (the motto beside it on a PDF's line): "Bến Tre"
            short = " ".join(parts[:cut])
            slug = units.names.get(lookup_key(f"{kind} {short}")) or units.names.get(lookup_key(f"Ủy ban nhân dân {kind} {short}"))
            if slug:
                return slug, _PLACE_KINDS[kind], ""
    return "", _PLACE_KINDS.get(ranked[0][0], "") if ranked else "", words
