"""Opening hours as data, "open now" and distances (pure functions, no database).

Hours are a list of weekly ranges ``{"day": 1..7, "open": "HH:MM", "close": "HH:MM"}``
(ISO weekdays: 1 = Monday). ``open`` is included, ``close`` is not. A range whose
close is earlier than its open runs overnight into the next day (20:00–02:00 on
Friday is open from Friday 20:00 until Saturday 02:00); ``24:00`` closes at
midnight; 00:00–24:00 is the whole day. Open and close may not be equal
(ambiguous). ``closed_dates`` are ISO dates (holidays) on which the ranges that
START that day do not open. "Now" is read in Asia/Shanghai time.

People write hours as text, one group per line or separated by "；":
``周一至周五 09:00-17:00；周六、周日 10:00-14:00，15:00-18:00`` or ``每天 20:00-02:00``
(no days means every day). ``hours_text`` writes the same form back.
"""
from __future__ import annotations

import datetime as dt
import math
import re
from zoneinfo import ZoneInfo

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from linli.errors import InvalidInput

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY_NAMES = {1: "周一", 2: "周二", 3: "周三", 4: "周四", 5: "周五", 6: "周六", 7: "周日"}
_DAY_WORDS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "日": 7, "天": 7, "七": 7}
_TIME = re.compile(r"^([01]?\d|2[0-4]):([0-5]\d)$", re.ASCII)
# What a Chinese keyboard types -> ASCII: full-width digits, colon, semicolon, comma, dashes, tilde,
# space. Not NFKC: that would also read "²" or "①" as digits (as linli.numbers explains).
FULL_WIDTH = {0xFF10 + i: 0x30 + i for i in range(10)} | {
    0xFF1A: ":", 0xFF1B: ";", 0xFF0C: ",", 0xFF0D: "-", 0xFF5E: "~", 0xFF0E: ".", 0x3000: " "}
MAX_RANGES = 42


def _bad(value, message=None):
    return InvalidInput(
        "circles.hours",
        message or format_lazy(_("Opening hours: “{value}” is not understood. Write for example "
                                 "周一至周五 09:00-17:00；周六 09:00-12:00 (or 20:00-02:00 for overnight)."),
                               value=str(value)[:40]),
    )


def minutes(text: str) -> int:
    """'08:30' -> 510; '24:00' -> 1440. Anything else (25:00, 9:60, 24:30) is refused."""
    m = _TIME.match(str(text or "").strip())
    if not m:
        raise InvalidInput("circles.hours", format_lazy(
            _("Opening hours: “{value}” is not a time of day; use 00:00 to 24:00."), value=str(text)[:20]))
    value = int(m.group(1)) * 60 + int(m.group(2))
    if value > 1440:
        raise InvalidInput("circles.hours", format_lazy(
            _("Opening hours: “{value}” is not a time of day; use 00:00 to 24:00."), value=str(text)[:20]))
    return value


def hhmm(value: int) -> str:
    return f"{value // 60:02d}:{value % 60:02d}"


def validate_hours(ranges) -> list[dict]:
    """Check and normalise a list of ranges (as the API and the database hold them)."""
    if ranges is None:
        return []
    if not isinstance(ranges, list) or len(ranges) > MAX_RANGES:
        raise _bad(ranges, _("Opening hours: give at most 42 weekly ranges."))
    out = []
    for r in ranges:
        if not isinstance(r, dict) or set(r) != {"day", "open", "close"}:
            raise _bad(r)
        day = r["day"]
        if not isinstance(day, int) or isinstance(day, bool) or not 1 <= day <= 7:
            raise InvalidInput("circles.hours", format_lazy(
                _("Opening hours: “{value}” is not a weekday; use 1 (Monday) to 7 (Sunday)."), value=str(day)[:20]))
        opens, closes = minutes(r["open"]), minutes(r["close"])
        if opens == 1440:
            raise _bad(r["open"])
        if opens == closes or (closes == 0 and opens == 0):
            raise InvalidInput("circles.hours", format_lazy(
                _("Opening hours: a range opens and closes at the same time ({value}); for the whole day write "
                  "00:00-24:00."), value=hhmm(opens)))
        out.append({"day": day, "open": hhmm(opens), "close": hhmm(closes)})
    unique = {(r["day"], r["open"], r["close"]): r for r in out}  # a range given twice counts once
    return [unique[k] for k in sorted(unique)]


def validate_dates(dates) -> list[str]:
    if dates is None:
        return []
    if not isinstance(dates, list) or len(dates) > 60:
        raise InvalidInput("circles.dates", _("Closed dates: give at most 60 dates."))
    out = set()
    for d in dates:
        try:
            out.add(dt.date.fromisoformat(str(d)).isoformat())
        except ValueError:
            raise InvalidInput("circles.dates", format_lazy(
                _("Closed dates: “{value}” is not a date; write 2026-10-01."), value=str(d)[:20])) from None
    return sorted(out)


def is_open(ranges: list[dict], when: dt.datetime, closed_dates=()) -> bool:
    """Whether a place with these (validated) hours is open at ``when`` (aware; read in Shanghai time)."""
    local = when.astimezone(SHANGHAI)
    second = local.hour * 3600 + local.minute * 60 + local.second
    today = local.date()
    weekday = local.isoweekday()
    yesterday = 7 if weekday == 1 else weekday - 1
    closed = set(closed_dates or ())
    for r in ranges:
        opens, closes = minutes(r["open"]) * 60, minutes(r["close"]) * 60
        overnight = closes < opens
        if r["day"] == weekday and today.isoformat() not in closed:
            if opens <= second < (86400 if overnight else closes):
                return True
        if overnight and r["day"] == yesterday and (today - dt.timedelta(days=1)).isoformat() not in closed:
            if second < closes:
                return True
    return False


def today_ranges(ranges: list[dict], when: dt.datetime) -> list[str]:
    day = when.astimezone(SHANGHAI).isoweekday()
    return [f"{r['open']}–{r['close']}" for r in ranges if r["day"] == day]


# --- text form -------------------------------------------------------------------------------

def _days(spec: str) -> list[int]:
    spec = spec.strip().replace("星期", "周").replace("礼拜", "周")
    if spec in ("", "每天", "每日", "全周", "周一至周日"):
        return list(range(1, 8))
    if spec in ("工作日",):
        return [1, 2, 3, 4, 5]
    if spec in ("周末", "双休日"):
        return [6, 7]
    days: list[int] = []
    for part in re.split(r"[、,/]", spec):
        part = part.strip()
        if not part:
            continue
        ends = re.split(r"至|到|-|~|—|–", part)
        if len(ends) > 2:
            raise _bad(part)
        nums = []
        for end in ends:
            end = end.strip().removeprefix("周")
            if len(end) == 1 and end in "1234567":
                nums.append(int(end))
            elif end in _DAY_WORDS:
                nums.append(_DAY_WORDS[end])
            else:
                raise _bad(part)
        if len(nums) == 1:
            days.append(nums[0])
        else:
            a, b = nums
            days.extend(range(a, b + 1) if a <= b else [*range(a, 8), *range(1, b + 1)])
    return sorted(set(days))


def parse_hours_text(text: str) -> list[dict]:
    """'周一至周五 09:00-17:00；周六 10:00-14:00' -> validated ranges. Empty text: no hours given."""
    text = str(text or "").translate(FULL_WIDTH).strip()
    if not text:
        return []
    ranges: list[dict] = []
    for group in re.split(r"[;\n；]+", text):
        group = group.strip()
        if not group:
            continue
        m = re.match(r"^(?P<days>.*?)\s*(?P<times>[0-9]{1,2}:[0-9]{2}.*)$", group)
        if not m:
            raise _bad(group)
        days = _days(m.group("days"))
        for span in re.split(r"[,、]+", m.group("times")):
            span = span.strip()
            if not span:
                continue
            ends = re.split(r"\s*(?:-|~|—|–|至|到)\s*", span)
            if len(ends) != 2:
                raise _bad(span)
            ranges.extend({"day": d, "open": ends[0], "close": ends[1]} for d in days)
    return validate_hours(ranges)


def _day_label(days: list[int]) -> str:
    if days == list(range(1, 8)):
        return "每天"
    runs: list[list[int]] = []
    for d in days:
        if runs and runs[-1][-1] == d - 1:
            runs[-1].append(d)
        else:
            runs.append([d])
    parts = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{DAY_NAMES[run[0]]}至{DAY_NAMES[run[-1]]}")
        else:
            parts.extend(DAY_NAMES[d] for d in run)
    return "、".join(parts)


def hours_text(ranges: list[dict]) -> str:
    """The text form, days with the same ranges grouped: parse_hours_text(hours_text(x)) == x."""
    by_day: dict[int, tuple[str, ...]] = {}
    for r in ranges:
        by_day[r["day"]] = (*by_day.get(r["day"], ()), f"{r['open']}-{r['close']}")
    groups: dict[tuple[str, ...], list[int]] = {}
    for day in sorted(by_day):
        groups.setdefault(by_day[day], []).append(day)
    return "；".join(f"{_day_label(days)} {'，'.join(spans)}" for spans, days in groups.items())


# --- distance ----------------------------------------------------------------------------------

EARTH_RADIUS_M = 6_371_008.8


def distance_m(lat1, lng1, lat2, lng2) -> int:
    """Great-circle distance in whole metres (haversine)."""
    p1, p2 = math.radians(float(lat1)), math.radians(float(lat2))
    dp, dl = p2 - p1, math.radians(float(lng2) - float(lng1))
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return round(2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a))))


def distance_label(metres: int | None) -> str:
    if metres is None:
        return ""
    if metres < 1000:
        return str(format_lazy(_("{m} m"), m=metres))
    return str(format_lazy(_("{km} km"), km=f"{metres / 1000:.1f}"))
