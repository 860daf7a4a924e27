"""Units with a lifetime: the 2025 reorganisation of local government, read from plans/don-vi.yml.

From 1 July 2025 Vietnam has 34 provinces and cities (Nghị quyết 202/2025/QH15 of 12/6/2025) and communes and
wards, with no district level (Luật Tổ chức chính quyền địa phương số 72/2025/QH15). A unit that ended has
`until` (its last day), `successor` (the unit it was merged into) and `basis` (the legal basis); a unit that
began has `from`. History stays true: an item or a plan belongs to the unit that existed on its date.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from .dates import DATE_HINT, DateError, format_date, parse_datetime
from .model import Unit
from .problems import Problems
from .source import LineDict
from .text import lookup_key

DISTRICTS_END = date(2025, 6, 30)  # the last day of the district level
KEYS = {"from": "start", "until": "until", "successor": "successor", "basis": "basis"}


def read(unit: Unit, entry: LineDict, path: str, problems: Problems) -> Unit:
    """The unit with the lifetime its entry states; each bad value reported at its line."""
    values = {}
    for key in ("from", "until"):
        if entry.get(key) in (None, ""):
            continue
        try:
            values[KEYS[key]] = parse_datetime(entry[key]).date()
        except DateError as exc:
            problems.add(path, entry.line_of(key), f'{key} của "{unit.slug}": {exc}', DATE_HINT)
    moves = entry.get("parent_from")
    if moves not in (None, ""):
        if not isinstance(moves, LineDict):
            problems.add(path, entry.line_of("parent_from"), f'parent_from của "{unit.slug}" phải là các dòng "ngày: mã cấp trên"',
                         "ví dụ:\n  parent_from:\n    01/07/2025: vinh-long")
        else:
            later = []
            for day, parent in moves.items():
                try:
                    later.append((parse_datetime(str(day)).date(), str(parent or "").strip()))
                except DateError as exc:
                    problems.add(path, moves.line_of(day), f'parent_from của "{unit.slug}": {exc}', DATE_HINT)
            values["later_parents"] = tuple(sorted(later))
    if entry.get("successor"):
        values["successor"] = str(entry["successor"]).strip()
    if entry.get("basis"):
        values["basis"] = str(entry["basis"]).strip()
    return replace(unit, **values) if values else unit


def check(units: dict[str, Unit], data: LineDict, path: str, problems: Problems) -> None:
    """Lifetimes that contradict each other or the law: each named at its line, with the fix."""
    for slug, unit in units.items():
        entry = data[slug] if isinstance(data[slug], LineDict) else LineDict()
        line = lambda key: entry.line_of(key) if key in entry else data.line_of(slug)  # noqa: E731
        if unit.start and unit.until and unit.until < unit.start:
            problems.add(path, line("until"), f'"{slug}" kết thúc ({format_date(unit.until)}) trước khi bắt đầu '
                         f"({format_date(unit.start)})", "sửa ngày from: hoặc until:")
        if unit.successor:
            successor = units.get(unit.successor)
            if successor is None or unit.successor == slug:
                problems.add(path, line("successor"), f'đơn vị kế thừa "{unit.successor}" của "{slug}" không có trong danh mục',
                             "ghi mã của đơn vị nhận sáp nhập, có trong plans/don-vi.yml")
            elif unit.until is None:
                problems.add(path, line("successor"), f'"{slug}" có đơn vị kế thừa nhưng chưa có ngày kết thúc (until)',
                             "thêm dòng until: ngày cuối cùng đơn vị hoạt động, ví dụ until: 30/06/2025")
            elif not successor.alive(unit.until + timedelta(days=1)):
                problems.add(path, line("successor"), f'"{successor.name}" chưa hoặc không còn hoạt động vào ngày '
                             f"{format_date(unit.until + timedelta(days=1))}, khi nhận \"{unit.name}\"",
                             "kiểm tra from:/until: của hai đơn vị")
        ended = ("cấp huyện" if unit.kind == "huyen" else
                 "thị trấn" if unit.kind == "xa" and lookup_key(unit.name).startswith("thi-tran-") else "")
        if ended and (unit.until is None or unit.until > DISTRICTS_END):  # Luật 72/2025/QH15: communes and wards only
            problems.add(path, line("until") if unit.until else data.line_of(slug),
                         f'"{unit.name}" là đơn vị {ended}: {ended} kết thúc hoạt động từ 01/07/2025 (chính quyền địa '
                         "phương hai cấp, Luật 72/2025/QH15)",
                         "thêm until: 30/06/2025, successor: (đơn vị nhận nhiệm vụ) và basis: (văn bản)")
        for since, parent in unit.later_parents:
            above = units.get(parent)
            if above is None or parent == slug:
                problems.add(path, line("parent_from"), f'cấp trên "{parent}" của "{slug}" (từ {format_date(since)}) không có '
                             "trong danh mục", "ghi mã của đơn vị cấp trên mới, có trong plans/don-vi.yml")
            elif not above.alive(since):
                problems.add(path, line("parent_from"), f'"{above.name}" chưa hoặc không còn hoạt động vào ngày '
                             f"{format_date(since)}, khi nhận \"{unit.name}\"", "kiểm tra ngày ở parent_from: và from:/until:")


def refusal(unit: Unit, day: date, units: dict[str, Unit], what: str) -> tuple[str, str] | None:
    """(message, hint) when `unit` did not exist on `day`, or a unit above it had ended (a commune of a district
    after 1/7/2025): the successor to use, or the new parent to record."""
    if unit.alive(day):
        seen, above = {unit.slug}, units.get(unit.parent_on(day) or "")
        while above is not None and above.slug not in seen:
            if not above.alive(day) and above.until and day > above.until:
                since = format_date(above.until + timedelta(days=1))
                return (f'{what} ngày {format_date(day)} nhưng "{above.name}", cấp trên của "{unit.name}", đã thôi hoạt '
                        f"động sau ngày {format_date(above.until)}",
                        f'nếu "{unit.name}" đã sáp nhập: ghi đơn vị kế thừa của nó; nếu vẫn hoạt động: ghi cấp trên mới '
                        f'của nó trong plans/don-vi.yml — parent_from: {{{since}: <mã cấp trên mới>}} (README, mục Danh mục)')
            seen.add(above.slug)
            above = units.get(above.parent_on(day) or "")
        return None
    if unit.until and day > unit.until:
        message = f'{what} ngày {format_date(day)} nhưng "{unit.name}" đã thôi hoạt động sau ngày {format_date(unit.until)}'
        if unit.basis:
            message += f" ({unit.basis})"
        successor = units.get(unit.successor or "")
        while successor is not None and not successor.alive(day) and successor.successor in units:
            successor = units[successor.successor]
        hint = (f'ghi đơn vị kế thừa: {successor.slug} ({successor.name})' if successor is not None
                else "ghi đơn vị đang hoạt động vào ngày đó")
        return message, hint
    return (f'{what} ngày {format_date(day)} nhưng "{unit.name}" chỉ bắt đầu hoạt động từ {format_date(unit.start)}',
            "ghi đơn vị đã có vào ngày đó, hoặc sửa ngày")
