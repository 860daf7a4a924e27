"""Text for the ear: what an announcer (or a speech engine) reads, with nothing left to decode.

Document codes ("105/KH-UBND" -> "Kế hoạch số một trăm linh năm của Ủy ban nhân dân"), dates, times,
percentages, ordinals, Roman numerals, numbers and abbreviations (plans/viet-tat.yml) become Vietnamese words.
Numbers are read the northern way the issue's examples use ("linh", "mốt", "tư", "lăm", "không trăm").
Why our own: num2words' Vietnamese reads 2024 as "hai nghìn lẻ hai mươi bốn" and 99,6 as "… phẩy sáu mươi";
vietnormalizer spells "PAR INDEX" letter by letter and garbles document codes; soe-vinorm downloads a model at run
time. The rules below are the whole of it, each with cases in tests/test_speech.py.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from ..content.vocab import SPELLED  # a glossary value asking for the letters ("PCI")

DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]
GROUPS = ["", "nghìn", "triệu", "tỷ", "nghìn tỷ", "triệu tỷ"]
LETTERS = {"A": "a", "B": "bê", "C": "xê", "D": "dê", "Đ": "đê", "E": "e", "F": "ép", "G": "giê", "H": "hát", "I": "i",
           "J": "gi", "K": "ca", "L": "e-lờ", "M": "em-mờ", "N": "en-nờ", "O": "o", "P": "pê", "Q": "quy", "R": "e-rờ",
           "S": "ét-sì", "T": "tê", "U": "u", "V": "vê", "W": "vê kép", "X": "ích-xì", "Y": "i dài", "Z": "dét"}
# The kinds of document (the letters after the number) and the bodies that issue them, as Decree 30 writes them.
FORMS = {"KH": "Kế hoạch", "QĐ": "Quyết định", "NQ": "Nghị quyết", "CT": "Chỉ thị", "TB": "Thông báo", "BC": "Báo cáo",
         "HD": "Hướng dẫn", "TTr": "Tờ trình", "ĐA": "Đề án", "QC": "Quy chế", "TT": "Thông tư", "NĐ": "Nghị định",
         "CV": "Công văn", "QĐ-TTg": "Quyết định", "KL": "Kết luận", "CTr": "Chương trình", "GM": "Giấy mời"}
ISSUERS = {"UBND": "Ủy ban nhân dân", "HĐND": "Hội đồng nhân dân", "TU": "Tỉnh ủy", "HU": "Huyện ủy", "ĐU": "Đảng ủy",
           "CP": "Chính phủ", "TTg": "Thủ tướng Chính phủ", "BNV": "Bộ Nội vụ", "SNV": "Sở Nội vụ",
           "BTTTT": "Bộ Thông tin và Truyền thông", "STTTT": "Sở Thông tin và Truyền thông", "VPCP": "Văn phòng Chính phủ",
           "BCĐ": "Ban Chỉ đạo", "TW": "Trung ương", "BCT": "Bộ Chính trị", "BTC": "Bộ Tài chính", "BTP": "Bộ Tư pháp",
           "UBMTTQ": "Ủy ban Mặt trận Tổ quốc", "PNV": "Phòng Nội vụ", "VP": "Văn phòng"}
ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10, "XI": 11,
         "XII": 12, "XIII": 13, "XIV": 14, "XV": 15, "XVI": 16, "XVII": 17, "XVIII": 18, "XIX": 19, "XX": 20}
ORDINALS = {1: "nhất", 4: "tư"}

_UP = "A-ZĐ"
_CODE = re.compile(
    rf"(?<![\w/])(?:(?P<so>[Ss]ố)\s+)?(?P<number>\d+)(?:/(?P<year>(?:19|20)\d\d))?"
    rf"(?:(?:/(?P<form>[{_UP}][A-Za-zĐđ]*)(?:-(?P<issuer>[{_UP}][A-Za-zĐđ]*\d*))?)"
    rf"|(?:-(?P<form2>[{_UP}][A-Za-zĐđ]*)/(?P<issuer2>[{_UP}][A-Za-zĐđ]*\d*))"
    rf"|(?:/(?P<body>QH|UBTVQH)(?P<term>\d+)))(?![\w/])")
_BARE_CODE = re.compile(rf"(?<![\w/-])(?P<form>{'|'.join(sorted(FORMS, key=len, reverse=True))})-(?P<issuer>[{_UP}][A-Za-zĐđ]*\d*)(?![\w/])")
_DATE = re.compile(r"(?:(?P<ngay>[Nn]gày)\s+)?\b(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})\b")
_DAY_MONTH = re.compile(r"\b(?P<ngay>[Nn]gày)\s+(?P<d>\d{1,2})/(?P<m>\d{1,2})\b(?!/)")
_MONTH_YEAR = re.compile(r"\b(?P<thang>[Tt]háng)\s+(?P<m>\d{1,2})/(?P<y>\d{4})\b")
_QUARTER = re.compile(r"\b(?P<word>[Qq]uý|[Kk]hóa|[Cc]hương|[Pp]hần|[Mm]ục|[Pp]hụ lục)\s+(?P<roman>[IVX]+)(?:/(?P<y>\d{4}))?\b")
_TIME = re.compile(r"\b(?P<h>\d{1,2})(?:h(?P<m1>[0-5]\d)?(?![^\W\d_])|:(?P<m2>[0-5]\d)(?!\d)"
                   r"|\s?giờ(?:\s?(?P<m3>[0-5]\d)(?:\s?phút)?)?)")
_RANGE = re.compile(r"\b(?P<a>(?:19|20)\d\d)\s?[-–]\s?(?P<b>(?:19|20)\d\d)\b")
_UNITS = {"km2": "ki-lô-mét vuông", "km²": "ki-lô-mét vuông", "m2": "mét vuông", "m²": "mét vuông", "km": "ki-lô-mét",
          "ha": "héc-ta", "kg": "ki-lô-gam", "MB": "mê-ga-bai", "GB": "gi-ga-bai"}
_UNIT = re.compile(r"(?P<n>\d+(?:[.,]\d+)?)\s?(?P<unit>" + "|".join(sorted(_UNITS, key=len, reverse=True)) + r")(?![^\W_])")
_PERCENT = re.compile(r"(?P<n>\d+(?:[.,]\d+)?)\s?%")
_RATIO = re.compile(r"(?:\b(?P<word>[Tt]hứ|[Hh]ạng|[Đđ]ạt|[Xx]ếp)\s+)?(?<![\d/.,])(?P<a>\d+)/(?P<b>\d+)(?![\d/]|,\d)")
_ORDINAL = re.compile(r"\b(?P<word>[Tt]hứ|[Hh]ạng)\s+(?P<n>\d+)\b")
_PHONE = re.compile(r"(?<![\d.,])0\d{2,3}(?:[ .]?\d{2,4}){2,3}(?![\d.,])")
_DECIMAL = re.compile(r"(?<![\d.,])(?P<int>\d{1,3}(?:\.\d{3})+|\d+),(?P<frac>\d+)(?![\d.,])")
_THOUSANDS = re.compile(r"(?<![\d.,])\d{1,3}(?:\.\d{3})+(?![\d,]|\.\d)")
_INTEGER = re.compile(r"\d+")


def number(n: int) -> str:
    """An integer in words: 105 -> "một trăm linh năm", 2024 -> "hai nghìn không trăm hai mươi tư"."""
    if n < 0:
        return "âm " + number(-n)
    if n == 0:
        return "không"
    if n >= 1000 ** len(GROUPS):  # beyond "triệu tỷ": a code or serial, read digit by digit
        return " ".join(DIGITS[int(d)] for d in str(n))
    groups = []
    while n:
        groups.append(n % 1000)
        n //= 1000
    words = []
    for index in range(len(groups) - 1, -1, -1):
        value = groups[index]
        if value == 0:
            continue
        words.append(_hundreds(value, full=index < len(groups) - 1))
        if GROUPS[index]:
            words.append(GROUPS[index])
    return " ".join(words)


def _hundreds(n: int, full: bool) -> str:
    """0..999; `full` when a larger group stands before it ("không trăm", "linh")."""
    hundreds, tens, ones = n // 100, n // 10 % 10, n % 10
    words = []
    if hundreds or full:
        words += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if ones and words:
            words.append("linh")
        if ones:
            words.append(DIGITS[ones])
        return " ".join(words)
    words.append("mười" if tens == 1 else f"{DIGITS[tens]} mươi")
    if ones == 1 and tens > 1:
        words.append("mốt")
    elif ones == 4 and tens > 1:
        words.append("tư")
    elif ones == 5:
        words.append("lăm")
    elif ones:
        words.append(DIGITS[ones])
    return " ".join(words)


def decimal(integer: str, fraction: str = "") -> str:
    """"99", "6" -> "chín mươi chín phẩy sáu"; a fraction with leading zeros is read digit by digit."""
    words = number(int(integer.replace(".", "")))
    if fraction:
        tail = " ".join(DIGITS[int(d)] for d in fraction) if fraction.startswith("0") else number(int(fraction))
        words += " phẩy " + tail
    return words


def date_words(d: int, m: int, y: int | None = None) -> str:
    month = "tư" if m == 4 else number(m)
    text = f"ngày {number(d)} tháng {month}"
    return text + (f" năm {number(y)}" if y else "")


def spell(letters: str) -> str:
    return " ".join(LETTERS.get(ch.upper(), ch) for ch in letters)


def _body(code: str) -> str:
    if code in ISSUERS:
        return ISSUERS[code]
    found = re.fullmatch(r"([A-Za-zĐđ]+?)(\d+)", code)  # UBTVQH15, QH14: a body and its term
    if found and found.group(1) in ("QH", "UBTVQH"):
        body = "Quốc hội" if found.group(1) == "QH" else "Ủy ban Thường vụ Quốc hội"
        return f"{body} khóa {number(int(found.group(2)))}"
    return spell(code)


def _document(match: re.Match) -> str:
    form = match["form"] or match["form2"] or ""
    issuer = match["issuer"] or match["issuer2"] or ""
    if match["body"]:
        issuer = match["body"] + match["term"]
    if form and not issuer and form in ISSUERS and form not in FORMS:  # "Đề án 06/CP": the body, no kind
        form, issuer = "", form
    if form and not issuer and form not in FORMS:  # "12/QC": not a code we know
        return match[0]
    before = lookup(match.string[: match.start()])
    kind = FORMS.get(form, spell(form) if form else "")
    said = [] if not kind or before.endswith(lookup(kind)) else [kind]  # "Kế hoạch số 105/KH-UBND": said already
    said += ["số"] if kind or match["so"] or match["year"] or match["body"] else []  # "Đề án 06/CP": its name
    said.append(figures(match["number"]))
    if match["year"]:
        said += ["năm", number(int(match["year"]))]
    if issuer and not _NAMED_AFTER.match(match.string, match.end()):  # "… của UBND tỉnh": the text names it
        said += ["của", _body(issuer)]
    return " ".join(said)


_NAMED_AFTER = re.compile(r"\s*(?:của|do)\s", re.I)


def figures(digits: str) -> str:
    """A number as written: leading zeros are said ("06" -> "không sáu", as announcers read Đề án 06)."""
    zeros = len(digits) - len(digits.lstrip("0"))
    rest = digits[zeros:]
    if not rest:
        return " ".join(["không"] * len(digits))
    return " ".join(["không"] * zeros + [number(int(rest))])


def lookup(text: str) -> str:
    return unicodedata.normalize("NFC", text).lower().strip()




def expand(text: str, glossary: dict[str, str]) -> str:
    """Abbreviations in full, at every use (an announcer never reads "UBND"; a speech engine would spell it with
    English rules); those the glossary marks SPELLED are read as Vietnamese letter names."""
    for short in sorted(glossary, key=len, reverse=True):
        if short not in text:  # as written: nothing to say in full (the search below finds only what this finds)
            continue
        pattern = _abbreviation(short)
        found = pattern.search(text)
        while found:
            if lookup(glossary[short]) == SPELLED:
                text = text[:found.start()] + spell(re.sub(r"\W", "", short)) + text[found.end():]
            else:
                text = _in_full(glossary[short], text, found.start(), found.end())
            found = pattern.search(text)
    return text


@functools.lru_cache(maxsize=4096)
def _abbreviation(short: str) -> re.Pattern:
    return re.compile(r"(?<![\w&])" + re.escape(short) + r"(?![\w&])")


def _in_full(words: str, text: str, start: int, end: int) -> str:
    """text with the abbreviation at start:end said in full, never twice over: "Ủy ban nhân dân (UBND)"
    loses its brackets, "Chỉ số PAPI" becomes "Chỉ số hiệu quả quản trị…", not "Chỉ số chỉ số…"."""
    before, after = text[:start], text[end:]
    said = lookup(before)
    if before.rstrip().endswith("(") and after.lstrip().startswith(")") and lookup(before.rstrip()[:-1]).endswith(lookup(words)):
        return before.rstrip()[:-1].rstrip() + after.lstrip()[1:]
    parts = words.split()
    for n in range(len(parts) - 1, 0, -1):
        head = lookup(" ".join(parts[:n]))
        if said.endswith(" " + head) or said == head:
            return before + " ".join(parts[n:]) + after
    return before + _full(words, before) + after


def _full(words: str, before: str) -> str:
    """The full form, with a capital at the start of a sentence."""
    before = before.rstrip(" \"“(")
    return words[0].upper() + words[1:] if not before or before.endswith(("\n", ".", "!", "?", ":")) else words


def speak(text: str, glossary: dict[str, str]) -> str:
    """One text as it is read aloud."""
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r"</?[a-zA-Z][^<>]*>", "", text)  # a tag typed as text is not read
    text = re.sub(r"\s<\s", " nhỏ hơn ", re.sub(r"\s>\s", " lớn hơn ", text)).replace("≥", " lớn hơn hoặc bằng ").replace("≤", " nhỏ hơn hoặc bằng ")
    text = _CODE.sub(_document, text)
    text = _BARE_CODE.sub(lambda m: f"{FORMS[m['form']]} của {_body(m['issuer'])}", text)
    text = _DATE.sub(lambda m: date_words(int(m["d"]), int(m["m"]), int(m["y"])), text)
    text = _DAY_MONTH.sub(lambda m: date_words(int(m["d"]), int(m["m"])), text)
    text = _MONTH_YEAR.sub(lambda m: f"{m['thang']} {'tư' if int(m['m']) == 4 else number(int(m['m']))} năm "
                                      f"{number(int(m['y']))}", text)
    text = _QUARTER.sub(lambda m: f"{m['word']} {number(ROMAN.get(m['roman'], 0)) if m['roman'] in ROMAN else m['roman']}"
                                  + (f" năm {number(int(m['y']))}" if m["y"] else ""), text)
    text = _RANGE.sub(lambda m: f"{number(int(m['a']))} đến {number(int(m['b']))}", text)
    text = _TIME.sub(_time, text)
    text = _PERCENT.sub(lambda m: _amount(m["n"]) + " phần trăm", text)
    text = _UNIT.sub(lambda m: f"{_amount(m['n'])} {_UNITS[m['unit']]}", text)
    text = _RATIO.sub(_ratio, text)
    text = _ORDINAL.sub(lambda m: f"{m['word']} {ORDINALS.get(int(m['n']), number(int(m['n'])))}"
                        if m["word"].lower() == "thứ" else f"{m['word']} {number(int(m['n']))}", text)
    text = _PHONE.sub(lambda m: " ".join(DIGITS[int(d)] for d in re.sub(r"\D", "", m[0])), text)
    text = _DECIMAL.sub(lambda m: decimal(m["int"], m["frac"]), text)
    text = _THOUSANDS.sub(lambda m: number(int(m[0].replace(".", ""))), text)
    text = _INTEGER.sub(lambda m: figures(m[0]) + (" " if m.end() < len(m.string) and m.string[m.end()].isalpha() else ""), text)
    text = expand(text, glossary)
    text = text.replace("&", " và ").replace("+", " cộng ").replace("/", ", ").replace("→", ", ")
    text = re.sub(r"[*#_~^|<>\[\]{}•·]", " ", text)
    text = re.sub(r"\s+([,.;:!?])", r"\1", re.sub(r"[ \t]+", " ", text))
    return text.strip()


def _amount(text: str) -> str:
    if "," in text:
        integer, fraction = text.split(",", 1)
        return decimal(integer, fraction)
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", text):
        return number(int(text.replace(".", "")))
    return decimal(*text.split(".", 1)) if "." in text else number(int(text))


def _ratio(match: re.Match) -> str:
    """"thứ 20/63" -> "thứ hai mươi trên sáu mươi ba", "đạt 45/63 tỉnh": a rank or a share. Without such a word,
    only when the second number cannot be a month ("20/11" may be a day)."""
    word, a, b = match["word"], int(match["a"]), int(match["b"])
    if not word and b <= 12:
        return match[0]
    first = ORDINALS.get(a, number(a)) if word and word.lower() == "thứ" else number(a)
    return (f"{word} " if word else "") + f"{first} trên {number(b)}"


def _time(match: re.Match) -> str:
    hour = int(match["h"])
    if hour > 24:
        return match[0]
    minutes = match["m1"] or match["m2"] or match["m3"]
    words = f"{number(hour)} giờ"
    if minutes and int(minutes):
        words += f" {number(int(minutes))} phút"
    return words
