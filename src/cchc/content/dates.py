"""Dates, defined once: parsing what staff type, Vietnam time, Vietnamese display, and "now"."""

from __future__ import annotations

import os
import re
from datetime import date, datetime, time, timedelta, timezone

# Vietnam has kept UTC+7 without daylight saving since 1975; a fixed offset needs no tz database.
VN_TZ = timezone(timedelta(hours=7), "Asia/Ho_Chi_Minh")


def shared_timezone(*args) -> timezone:
    """timezone(*args), but VN_TZ itself when it is Vietnam time under the same name (for unpickling): dates that
    share one time-zone object compare without asking it the offset (sorting 20,000 items: 4 times faster)."""
    zone = timezone(*args)
    return VN_TZ if zone == VN_TZ and zone.tzname(None) == VN_TZ.tzname(None) else zone

_ISO = re.compile(
    r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:[T ](?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.\d+)?)?"
    r"\s*(?P<tz>Z|[+-]\d{2}:?\d{2})?)?$"
)
_VN = re.compile(
    r"^(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})"
    r"(?:\s+(?P<H>\d{1,2})[:h](?P<M>\d{2})(?::(?P<S>\d{2}))?)?$"
)
_TIME_FIRST = re.compile(r"^(?P<H>\d{1,2})[:h](?P<M>\d{2})(?::(?P<S>\d{2}))?\s*,?\s+(?P<rest>.+)$")
_MONTH = re.compile(r"^(?:tháng\s*)?(?P<m>\d{1,2})/(?P<y>\d{4})$", re.IGNORECASE)
_QUARTER = re.compile(r"^quý\s*(?P<q>I{1,3}|IV|[1-4])\s*/\s*(?P<y>\d{4})$", re.IGNORECASE)
_YEAR = re.compile(r"^(?:năm\s*)?(?P<y>\d{4})$", re.IGNORECASE)
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "1": 1, "2": 2, "3": 3, "4": 4}

MIN_YEAR, MAX_YEAR = 1900, 2100  # a CCHC item, plan or legal basis outside these years is a typing mistake

DATE_HINT = 'viết theo dạng ngày/tháng/năm "15/03/2023" hoặc năm-tháng-ngày "2023-03-15", có thể thêm giờ: "15/03/2023 08:30"'


class DateError(ValueError):
    """A date that cannot be read; the message is Vietnamese and says why."""


def vietnam_time(moment: datetime) -> datetime:
    """A naive time is Vietnam time (feedgen, for one, refuses naive datetimes)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=VN_TZ)


def parse_datetime(value: object) -> datetime:
    """Read a publish time: ISO 8601 or dd/mm/yyyy, with optional time; naive means Vietnam time."""
    if isinstance(value, datetime):
        return vietnam_time(value)
    if isinstance(value, date):
        return datetime.combine(value, time(), VN_TZ)
    text = str(value).strip()
    if m := _TIME_FIRST.match(text):  # "08:30 15/03/2023", as some portals print it
        text = f"{m['rest']} {m['H']}:{m['M']}" + (f":{m['S']}" if m["S"] else "")
    m = _ISO.match(text) or _VN.match(text)
    if not m:
        raise DateError(f'ngày "{text}" không đúng định dạng')
    _check_year(int(m["y"]), text)
    try:
        result = datetime(
            int(m["y"]), int(m["m"]), int(m["d"]),
            int(m["H"] or 0), int(m["M"] or 0), int(m["S"] or 0),
        )
    except ValueError:
        raise DateError(f'ngày "{text}" không tồn tại (ngày hoặc tháng sai)') from None
    tz = m.groupdict().get("tz")
    if tz:
        if tz == "Z":
            return result.replace(tzinfo=timezone.utc).astimezone(VN_TZ)
        sign = 1 if tz[0] == "+" else -1
        digits = tz[1:].replace(":", "")
        offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        if offset > timedelta(hours=14) or int(digits[2:]) >= 60:
            raise DateError(f'múi giờ "{tz}" trong ngày "{text}" không tồn tại (từ -12:00 đến +14:00; giờ Việt Nam là +07:00)')
        return result.replace(tzinfo=timezone(sign * offset)).astimezone(VN_TZ)
    return result.replace(tzinfo=VN_TZ)


def parse_date(value: object) -> date:
    """A calendar day (issue date, period bound): same formats, time ignored."""
    return parse_datetime(value).date()


def parse_bound(value: object, *, end: bool) -> date:
    """A plan period bound: a day, or 'Tháng 12/2020', 'Quý II/2021', '2021' (first or last day)."""
    text = str(value).strip()
    if m := _MONTH.match(text):
        year, month = int(m["y"]), int(m["m"])
        _check_year(year, text)
        if not 1 <= month <= 12:
            raise DateError(f'tháng "{text}" không tồn tại')
        return month_end(year, month) if end else date(year, month, 1)
    if m := _QUARTER.match(text):
        year, quarter = int(m["y"]), _ROMAN[m["q"].upper()]
        _check_year(year, text)
        return month_end(year, quarter * 3) if end else date(year, quarter * 3 - 2, 1)
    if m := _YEAR.match(text):
        year = int(m["y"])
        _check_year(year, text)
        return date(year, 12, 31) if end else date(year, 1, 1)
    return parse_date(value)


def _check_year(year: int, text: str) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise DateError(f'năm {year} trong "{text}" nằm ngoài khoảng {MIN_YEAR}–{MAX_YEAR}')


def month_end(year: int, month: int) -> date:
    """The last day of a month."""
    first_next = date(year + (month == 12), month % 12 + 1, 1)
    return first_next - timedelta(days=1)


def end_of_day(day: date) -> datetime:
    """The last instant of a day in Vietnam time: an item dated that day still counts."""
    return datetime.combine(day, time.max, VN_TZ)


def now() -> datetime:
    """The build's "now": CCHC_NOW (any accepted format) when set, so tests can fix time."""
    fixed = os.environ.get("CCHC_NOW")
    if not fixed:
        return datetime.now(VN_TZ)
    try:
        return parse_datetime(fixed)
    except DateError as exc:
        raise DateError(f"thời điểm --now (CCHC_NOW): {exc}") from None


def format_date(value: date | datetime | None) -> str:
    """The one display format on the site: 15/03/2023."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(VN_TZ)
    return f"{value.day:02d}/{value.month:02d}/{value.year}"


def format_datetime(value: datetime) -> str:
    """Publish time with hour: 08:30, 15/03/2023."""
    local = value.astimezone(VN_TZ)
    return f"{local.hour:02d}:{local.minute:02d}, {format_date(local)}"
