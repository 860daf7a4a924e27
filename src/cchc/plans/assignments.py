"""Who does what, drafted from a plan: tasks per unit (its tasks sections) and targets (its appendix tables), with
units matched to plans/don-vi.yml — the plan's own province and issuer first — or a `# TODO` naming the words."""

from __future__ import annotations

import re

from ..content.corpus import Corpus
from ..content.dates import DateError, parse_bound
from ..content.text import fold, lookup_key, slugify
from ..content.vocab import Vocabulary
from .frontmatter import Draft, q
from .outline import Node, descendants, sections, split_header
from .source import Block

_COUNT = re.compile(r"(?:số lượng|sl)\s*:?\s*(\d+)|\((\d+)\s", re.I)


def _unit_slug(words: str, units: Vocabulary, near: dict[str, float], level: str = "") -> tuple[str, str]:
    """(slug, "") when the words name one unit for sure, else ("", best guess or ""). Sure means: a name,
    alias or slug of the vocabulary, or the start of exactly one unit's name in the plan's own province
    ("Sở Nội vụ" in a Bến Tre plan is "Sở Nội vụ tỉnh Bến Tre"). A guess is of the kind the words name, and
    from the plan's own province when the plan has one."""
    words = re.sub(r"^(Đề nghị|Giao)\s+", "", words.strip().rstrip(":;.")).strip()
    key = lookup_key(words)
    if slug := units.names.get(key):
        return slug, ""
    starts = {slug for name, slug in units.names.items() if slug in near and name.startswith(key + "-")}
    if key and len(starts) == 1:
        return starts.pop(), ""
    kind = implied_kind(words, level)
    guesses = [g for g in units.suggest(words, near, limit=8) if (not kind or units[g].kind == kind) and (not near or g in near)]
    return "", guesses[0] if guesses else ""


# what a unit's name says it is: a "Sở …" is a department and never a commune; an office or centre ("Văn phòng",
# "Trung tâm") is a department of the province when it names the province, else of the district or commune
_KINDS = [(r"^Sở\b", "so-nganh"), (r"^Phòng\b", "phong-ban"), (r"^(Báo|Đài)\b", "bao-dai"),
          (r"^(Công chức|Cán bộ)\b", "can-bo"), (r"^(UBND|Ủy ban nhân dân|Uỷ ban nhân dân)?\s*(xã|phường|thị trấn)\b", "xa"),
          (r"^(UBND|Ủy ban nhân dân|Uỷ ban nhân dân)?\s*(huyện|thị xã|thành phố)\b", "huyen"), (r"^Các\b", "nhom"),
          (r"^(Văn phòng|Trung tâm|Ban quản lý)\b", "office"),
          (r"^(Ban|Đoàn|Hội|Ủy ban MTTQ|Ủy ban Mặt trận|Uỷ ban Mặt trận|Mặt trận|Liên đoàn|Tỉnh Đoàn|Huyện Đoàn|Trường)\b", "to-chuc")]
_PLACE_NAME = re.compile(r"^(Tỉnh|Thành phố|Huyện|Thị xã|Quận|Xã|Phường|Thị trấn)\s+(.+)$")
_LOCAL = re.compile(r"\b(xã|phường|thị trấn|huyện|thị xã)\b", re.I)


def implied_kind(words: str, level: str = "") -> str:
    """The kind of unit the words name; `level` is the issuing body's (tinh, huyen, xa) for an office or centre."""
    kind = next((kind for pattern, kind in _KINDS if re.match(pattern, words.strip(), re.I)), "")
    if kind == "office":
        local = _LOCAL.search(words) or (level in ("huyen", "xa") and not re.search(r"\btỉnh\b", words, re.I))
        kind = "phong-ban" if local else "so-nganh"
    return kind


def new_entry(words: str, issuer: str, units: Vocabulary, year: int | None) -> str:
    """A ready-to-paste plans/don-vi.yml entry for a unit the vocabulary lacks: a department of the province
    (Sở) under the province; a district's or commune's own office, centre or association under the issuer."""
    level = units[issuer].kind if issuer in units else ""
    kind = implied_kind(words, level) or "to-chuc"
    province = next((s for s in _chain(issuer, units) if units[s].kind == "tinh"), issuer)
    local = level in ("huyen", "xa") and kind not in ("so-nganh", "huyen", "xa") and not re.search(r"\btỉnh\b", words, re.I)
    parent = issuer if local else province
    name = words
    if parent in units and (m := _PLACE_NAME.match(units[parent].name)) and lookup_key(m.group(2)) not in lookup_key(words):
        kind_word, place = m.group(1).lower(), m.group(2)  # "Văn phòng HĐND và UBND xã" + "Long Hồ"
        name = f"{words} {place}" if words.lower().endswith(" " + kind_word) else f"{words} {kind_word} {place}"
    slug = slugify(name)[:60].rstrip("-")
    entry = f'{slug}: {{name: "{name}", kind: {kind}' + (f", parent: {parent}" if parent else "")
    if year and year < 2026:  # the plan is older than the 2025 reorganisation: the unit may have ended
        entry += ", until: 30/06/2025"
    return entry + "}"


def _chain(slug: str, units: Vocabulary) -> list[str]:
    chain = []
    while slug in units and slug not in chain:
        chain.append(slug)
        slug = units[slug].parent or ""
    return chain


_UNIT_WORDS = re.compile(r"^(Đề nghị|Giao|Các|Sở|Phòng|Ban|Đài|Báo|Công chức|Cán bộ|Ủy ban|Uỷ ban|UBND|Trung tâm|Văn phòng|"
                         r"Đoàn|Hội|Trường|Tỉnh Đoàn|Huyện Đoàn|Cơ quan|Bộ phận|Thủ trưởng|Chủ tịch)\b")


def tasks(d: Draft, nodes: list[Node], units: Vocabulary, near: dict[str, float], issuer: str = "",
          year: int | None = None) -> None:
    """A task is a numbered point of a tasks section headed by a unit ("1. Sở Nội vụ:"); a point that
    groups such points ("2. Đề nghị các cơ quan phối hợp.") gives its own; others (Kinh phí…) are text."""
    tasks = []
    level = units[issuer].kind if issuer in units else ""

    def visit(node: Node) -> None:
        head = node.text.split(":")[0].strip()
        slug, guess = _unit_slug(head, units, near, level) if len(head) <= 160 else ("", "")
        if not slug and not _UNIT_WORDS.match(head):
            for child in node.children:
                if child.level in (3, 4):
                    visit(child)
            return
        if not slug and any(_UNIT_WORDS.match(c.text) for c in node.children if c.level in (3, 4)):
            for child in node.children:
                if child.level in (3, 4):
                    visit(child)
            return
        body = [c.text if not c.label else f"{c.label} {c.text}" for c in descendants(node) if c.block.kind == "para"]
        if ":" in node.text and node.text.split(":", 1)[1].strip():
            body.insert(0, node.text.split(":", 1)[1].strip())
        if body:
            tasks.append((node.ref, head, slug, guess, body))

    for section in sections(nodes, ("NHIỆM VỤ", "TỔ CHỨC THỰC HIỆN", "TRÁCH NHIỆM")):
        for node in section.children:
            if node.level in (2, 3, 4):
                visit(node)
    if not tasks:
        return
    d.add("tasks:")
    for ref, head, slug, guess, body in tasks:
        if slug:
            d.add(f"  - unit: {slug}")
        else:
            d.todo('  - unit: ""', unknown_unit(head, guess, issuer, units, year))
        d.add(f"    ref: {q(ref)}")
        d.add("    text:")
        for line in body:
            d.add(f"      - {q(line)}")


def unknown_unit(words: str, guess: str, issuer: str, units: Vocabulary, year: int | None) -> str:
    """The TODO for words naming no unit of the vocabulary: the nearest one, and the entry to add."""
    return (f'không tìm thấy "{words[:80]}" trong plans/don-vi.yml' + (f' (gần nhất: {guess})' if guess else "")
            + "; nhiều đơn vị thì ghi [ma-1, ma-2]"
            + ("" if words.startswith(("Các", "Đề nghị")) or not implied_kind(words) else
               f"; nếu chưa có trong danh mục, thêm vào plans/don-vi.yml dòng: {new_entry(words, issuer, units, year)}"))


# table columns by their header's words (first match wins, in this order: "Đơn vị phối hợp" is the partners',
# "Đơn vị thực hiện" the lead's, "Thời gian thực hiện" the time's; "Đơn vị tính" is no unit at all)
_HEADERS = {"ref": ("stt", "tt"), "partners": ("phoi hop",),
            "lead": ("chu tri", "don vi thuc hien", "co quan thuc hien", "don vi trien khai"),
            "task": ("noi dung", "nhiem vu", "hoat dong"), "product": ("san pham", "ket qua"),
            "start": ("trien khai", "bat dau"), "end": ("hoan thanh", "ket thuc"), "time": ("thoi gian",),
            "note": ("ghi chu",), "count": ("so luong",)}
_PER_PERIOD = re.compile(r"/\s*(tháng|quý|tuần|năm)|mỗi (tháng|quý|tuần)|(tháng|quý|tuần) một", re.I)


def targets(d: Draft, blocks: list[Block], corpus: Corpus, near: dict[str, float], issuer: str = "",
            year: int | None = None) -> None:
    rows_out = []
    for block in blocks:
        if block.kind != "table" or len(block.rows) < 2:
            continue
        header, body = split_header(block.rows)
        header = [fold(c) for c in header]
        if not any("san pham" in h or "so luong" in h or "chi tieu" in h for h in header):
            continue
        columns = {}
        for key, words in _HEADERS.items():
            for i, h in enumerate(header):
                if i not in columns.values() and any(w in h for w in words) and key not in columns:
                    columns[key] = i
        for row in body:
            cells = {k: (row[i] if i < len(row) else "") for k, i in columns.items()}
            if any(cells.values()):
                rows_out.append(cells)
    if not rows_out:
        return
    d.add("targets:")
    for n, cells in enumerate(rows_out, 1):
        product = cells.get("task") or cells.get("product") or ""
        d.add(f"  - ref: {q('PL.' + (cells.get('ref') or str(n)))}")
        d.add(f"    product: {q(product)}")
        words = " ".join(cells.values())
        count, unlimited = _count(cells.get("count", ""), cells.get("product", ""))
        if unlimited:
            d.add("    count: không giới hạn")
        elif count is not None and _PER_PERIOD.search(cells.get("count", "")):
            count = None  # "01 lần/tháng": a rate, not the plan's total
            d.todo('    count: ""', f'cột số lượng ghi "{cells["count"][:60]}" (theo kỳ): ghi tổng số cả kế hoạch, '
                   "vd. 12 nếu mỗi tháng một lần trong năm")
        elif count is not None:
            d.add(f"    count: {count}")
        elif "count" in cells:
            d.add(f'    # TODO: cột số lượng của dòng này không có số ("{cells["count"][:60]}"): nếu là chỉ tiêu đếm được, '
                  "thêm count: <số> và cadence; nếu không thì xóa dòng này")
            d.todos.append(f"số lượng của chỉ tiêu PL.{cells.get('ref') or n}")
        cadence = _cadence(fold(words), count)
        if cadence:
            d.add(f"    cadence: {cadence}")
        elif count is not None:
            d.todo("    cadence: \"\"", "ghi chu kỳ: hằng tháng, hằng quý, hằng năm, thường xuyên hoặc một lần")
        for key in ("start", "end"):
            value = cells.get(key, "")
            try:
                parse_bound(value, end=key == "end")
                d.add(f"    {key}: {q(value)}")
            except DateError:
                pass
        for key in ("lead", "partners"):
            slugs, unknown = _unit_list(cells.get(key, ""), corpus.units, near)  # type: ignore[arg-type]
            if key == "lead" and not slugs:
                words = cells.get(key, "").strip()
                d.todo('    lead: ""', unknown_unit(words, _unit_slug(words, corpus.units, near)[1], issuer, corpus.units,
                                                    year) if words else "bảng không ghi đơn vị chủ trì: ghi mã đơn vị")
            elif slugs:
                d.add(f"    {key}: [{', '.join(slugs)}]" + (f"  # TODO: chưa nhận ra: {'; '.join(unknown)}" if unknown else ""))
                if unknown:
                    d.todos.append(f"đơn vị {'; '.join(unknown)}")
        note = "; ".join(x for x in (cells.get("product", "") if cells.get("task") else "", cells.get("note", "")) if x)
        if note:
            d.add(f"    note: {q(note)}")
        d.add("    # bộ lọc bài được tính (không bắt buộc): channels, types, units, topics — xem README")


def _count(column: str, product: str = "") -> tuple[int | None, bool]:
    """(number, unlimited) from the count column (its first number: "24 tin, bài", "Ít nhất 02 bài"), else from
    the product's words ("số lượng: 12", "(12 số)")."""
    if "khong gioi han" in fold(f"{column} {product}"):
        return None, True
    if m := re.search(r"\d+", column):
        return int(m.group(0)), False
    if m := _COUNT.search(f"{column} {product}"):
        return int(m.group(1) or m.group(2)), False
    return None, False


def _cadence(words: str, count: int | None) -> str:
    for needle, cadence in (("hang thang", "hằng tháng"), ("hàng tháng", "hằng tháng"), ("moi thang", "hằng tháng"),
                            ("hang quy", "hằng quý"), ("moi quy", "hằng quý"), ("thuong xuyen", "thường xuyên"),
                            ("hang nam", "hằng năm")):
        if needle in words:
            return cadence
    return "một lần" if count == 1 else ""


def _unit_list(text: str, units: Vocabulary, near: dict[str, float]) -> tuple[list[str], list[str]]:
    slugs, unknown = [], []
    for part in [p for p in re.split(r";", text) if p.strip()]:
        slug, _ = _unit_slug(part, units, near)
        if slug:
            slugs.append(slug)
            continue
        pieces = [p for p in re.split(r",| và ", part) if p.strip()]
        resolved = [_unit_slug(p, units, near)[0] for p in pieces]
        if pieces and all(resolved):
            slugs += resolved
        else:
            unknown.append(part.strip())
    return list(dict.fromkeys(slugs)), unknown
