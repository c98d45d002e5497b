"""Deadline arithmetic: calendar time, working time and service hours.

A clock counts time only inside its *open intervals*:

- calendar time: every day; working time: only working days — official
  Chinese holidays are off and make-up working days 调休 are on (from
  ``chinese-calendar``; beyond the years it knows, Monday–Friday), and the
  ``Holiday`` table overrides both (for next year's calendar before the
  library knows it, or a local day off);
- with service hours (e.g. 08:00–20:00), only inside that window each day.
  An urgent request ignores service hours.

So a 5-minute clock reported at 03:00 under 08:00–20:00 is due at 08:05,
and "3 working days" from the eve of National Day lands after the holiday.
All arithmetic is in the local time zone (Asia/Shanghai).
"""
from __future__ import annotations

import datetime as dt
import logging
from functools import lru_cache

from django.utils import timezone

log = logging.getLogger(__name__)

DAY = dt.timedelta(days=1)


def _official_workday(day: dt.date) -> bool:
    try:
        import chinese_calendar
        return chinese_calendar.is_workday(day)
    except (NotImplementedError, ImportError):
        _warn_beyond(day.year)
        return day.weekday() < 5


@lru_cache(maxsize=16)
def _warn_beyond(year: int) -> None:
    log.warning("chinese-calendar has no data for %s: counting Monday-Friday; add holidays in the admin", year)


def calendar_known(year: int) -> bool:
    """Whether the official holidays of ``year`` are known: chinese-calendar has
    the year, or an administrator entered days for it (``Holiday``). Otherwise
    working time falls back to Monday–Friday, and staff are told so."""
    from linli.cases.models import Holiday

    try:
        import chinese_calendar

        chinese_calendar.is_workday(dt.date(year, 6, 1))
        return True
    except (NotImplementedError, ImportError):
        return Holiday.objects.filter(date__year=year).exists()


def overrides(start: dt.date, end: dt.date) -> dict[dt.date, bool]:
    from linli.cases.models import Holiday

    return dict(Holiday.objects.filter(date__gte=start, date__lte=end).values_list("date", "is_workday"))


def is_workday(day: dt.date, local_overrides: dict[dt.date, bool] | None = None) -> bool:
    if local_overrides is not None and day in local_overrides:
        return local_overrides[day]
    return _official_workday(day)


def add_duration(
    start: dt.datetime,
    minutes: int,
    *,
    working_time: bool = False,
    service_hours: tuple[dt.time, dt.time] | None = None,
    local_overrides: dict[dt.date, bool] | None = None,
) -> dt.datetime:
    """``start`` plus ``minutes`` of counted time (see module doc)."""
    if not working_time and service_hours is None:
        return start + dt.timedelta(minutes=minutes)
    tz = timezone.get_current_timezone()
    cur = timezone.localtime(start, tz)
    if local_overrides is None and working_time:
        local_overrides = overrides(cur.date(), cur.date() + dt.timedelta(days=minutes * 3 // 1440 + 60))
    remaining = dt.timedelta(minutes=minutes)
    for _ in range(20000):  # a bound: ~50 years of days
        day = cur.date()
        if working_time and not is_workday(day, local_overrides):
            cur = _at(day + DAY, dt.time(0), tz)
            continue
        if service_hours:
            open_at, close_at = _at(day, service_hours[0], tz), _at(day, service_hours[1], tz)
        else:
            open_at, close_at = _at(day, dt.time(0), tz), _at(day + DAY, dt.time(0), tz)
        if cur < open_at:
            cur = open_at
        if cur >= close_at:
            cur = _at(day + DAY, dt.time(0), tz)
            continue
        available = close_at - cur
        if remaining <= available:
            return cur + remaining
        remaining -= available
        cur = _at(day + DAY, dt.time(0), tz)
    raise ValueError("no open time within 50 years")


def _at(day: dt.date, t: dt.time, tz) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, t), tz)
