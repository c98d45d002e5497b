"""Opening hours as data: "open now" in Shanghai time, overnight ranges, the
boundaries (open included, close excluded), closed dates, the text form, and
refusals of impossible times (no database)."""
from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from linli.circles.hours import (
    SHANGHAI,
    distance_m,
    hhmm,
    hours_text,
    is_open,
    minutes,
    parse_hours_text,
    validate_dates,
    validate_hours,
)
from linli.errors import InvalidInput

# 2026-12-07 is a Monday.
MON = dt.date(2026, 12, 7)


def at(day_offset: int, hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime.combine(MON + dt.timedelta(days=day_offset), dt.time(hour, minute, second), tzinfo=SHANGHAI)


def test_office_hours_with_a_lunch_break():
    hours = parse_hours_text("周一至周五 09:00-12:00，13:30-17:00")
    assert len(hours) == 10
    assert [is_open(hours, at(0, h, m)) for h, m in ((8, 59), (9, 0), (11, 59), (12, 0), (13, 30), (16, 59), (17, 0))] \
        == [False, True, True, False, True, True, False]
    assert is_open(hours, at(5, 10)) is False  # Saturday


def test_boundaries_to_the_second():
    hours = validate_hours([{"day": 1, "open": "09:00", "close": "17:00"}])
    assert is_open(hours, at(0, 8, 59, 59)) is False
    assert is_open(hours, at(0, 9, 0, 0)) is True
    assert is_open(hours, at(0, 16, 59, 59)) is True
    assert is_open(hours, at(0, 17, 0, 0)) is False


def test_an_overnight_range_belongs_to_the_day_it_starts():
    hours = parse_hours_text("周五 20:00-02:00")
    assert is_open(hours, at(4, 19, 59)) is False  # Friday evening
    assert is_open(hours, at(4, 20, 0)) is True
    assert is_open(hours, at(4, 23, 59, 59)) is True
    assert is_open(hours, at(5, 0, 0)) is True  # Saturday after midnight
    assert is_open(hours, at(5, 1, 59, 59)) is True
    assert is_open(hours, at(5, 2, 0)) is False
    assert is_open(hours, at(3, 1, 0)) is False  # Thursday night → Friday 01:00: not opened on Thursday
    assert is_open(hours, at(-3, 1, 0)) is False  # Friday 01:00 of the week before (Thursday had no range)


def test_sunday_night_runs_into_monday():
    hours = parse_hours_text("周日 22:00-03:00")
    assert is_open(hours, at(0, 2, 30)) is True  # Monday 02:30, opened Sunday
    assert is_open(hours, at(0, 3, 0)) is False


def test_whole_day_and_midnight_close():
    assert all(is_open(parse_hours_text("每天 00:00-24:00"), at(d, h, 30)) for d in range(7) for h in (0, 12, 23))
    late = parse_hours_text("每天 18:00-24:00")
    assert is_open(late, at(0, 23, 59, 59)) is True
    assert is_open(late, at(1, 0, 0)) is False


def test_now_is_read_in_shanghai_time():
    hours = validate_hours([{"day": 1, "open": "09:00", "close": "10:00"}])
    utc = dt.datetime(2026, 12, 7, 1, 30, tzinfo=dt.UTC)  # 09:30 in Shanghai on Monday
    assert is_open(hours, utc) is True
    assert is_open(hours, utc + dt.timedelta(hours=1)) is False


def test_closed_dates_close_the_ranges_that_start_that_day():
    hours = parse_hours_text("每天 20:00-02:00")
    holiday = [MON.isoformat()]
    assert is_open(hours, at(0, 21), holiday) is False
    assert is_open(hours, at(1, 1), holiday) is False  # Monday's night was not opened
    assert is_open(hours, at(0, 1), holiday) is True  # Sunday's night runs into the holiday


def test_the_text_form_is_read_and_written_back():
    text = "周一至周五 09:00-12:00，13:30-17:00；周六、周日 10:00-14:00"
    hours = parse_hours_text(text)
    assert hours_text(hours) == text
    assert hours_text(parse_hours_text("每天 07:30-23:30")) == "每天 07:30-23:30"
    assert parse_hours_text("星期二到星期日 9:00～21:00") == parse_hours_text("周二至周日 09:00-21:00")
    assert parse_hours_text("1-5 08：30—17：30") == parse_hours_text("周一至周五 08:30-17:30")  # full-width colon
    assert parse_hours_text("工作日 09:00-17:00\n周末 10:00-12:00") == parse_hours_text(
        "周一至周五 09:00-17:00；周六、周日 10:00-12:00")
    assert parse_hours_text("  ") == []


@pytest.mark.parametrize("text, shown", [
    ("周一 25:00-26:00", "营业时间：“25:00”不是有效的时刻，请用 00:00 到 24:00。"),
    ("周一 09:60-12:00", "营业时间：“09:60”不是有效的时刻，请用 00:00 到 24:00。"),
    ("周一 24:00-02:00", "营业时间：“24:00”无法识别。请这样写：周一至周五 09:00-17:00；周六 09:00-12:00（跨夜写 20:00-02:00）。"),
    ("周一 09:00-09:00", "营业时间：开始和结束时间相同（09:00）；全天营业请写 00:00-24:00。"),
    ("周八 09:00-10:00", "营业时间：“周八”无法识别。请这样写：周一至周五 09:00-17:00；周六 09:00-12:00（跨夜写 20:00-02:00）。"),
    ("周一 0²:00-12:00", "营业时间：“周一 0²:00-”无法识别。请这样写：周一至周五 09:00-17:00；周六 09:00-12:00（跨夜写 20:00-02:00）。"),
    ("²-5 09:00-12:00", "营业时间：“²-5”无法识别。请这样写：周一至周五 09:00-17:00；周六 09:00-12:00（跨夜写 20:00-02:00）。"),
    ("上午营业", "营业时间：“上午营业”无法识别。请这样写：周一至周五 09:00-17:00；周六 09:00-12:00（跨夜写 20:00-02:00）。"),
])
def test_impossible_hours_are_refused_with_a_message_naming_them(text, shown):
    with translation.override("zh-hans"), pytest.raises(InvalidInput) as exc:
        parse_hours_text(text)
    assert (exc.value.code, str(exc.value.message)) == ("circles.hours", shown)


def test_structured_hours_are_checked_too():
    with pytest.raises(InvalidInput):
        validate_hours([{"day": 8, "open": "09:00", "close": "10:00"}])
    with pytest.raises(InvalidInput):
        validate_hours([{"day": 1, "open": "9", "close": "10:00"}])
    with pytest.raises(InvalidInput):
        validate_hours([{"day": 1, "open": "09:00"}])
    with pytest.raises(InvalidInput):
        validate_dates(["2026-02-30"])
    assert validate_dates(["2026-10-02", "2026-10-01", "2026-10-01"]) == ["2026-10-01", "2026-10-02"]
    assert minutes("24:00") == 1440 and hhmm(1440) == "24:00"


# --- invariants ------------------------------------------------------------------------------

times = st.integers(min_value=0, max_value=1440).map(hhmm)
ranges = st.lists(st.fixed_dictionaries({"day": st.integers(1, 7), "open": times, "close": times}), max_size=6).filter(
    lambda rs: all(r["open"] != r["close"] and r["open"] != "24:00" for r in rs))


def reference_open(hours, day: int, minute: int) -> bool:
    """Brute force: every minute of the week each range covers, counted from its weekday's midnight."""
    week = 7 * 1440
    covered: set[int] = set()
    for r in hours:
        start = (r["day"] - 1) * 1440 + minutes(r["open"])
        length = (minutes(r["close"]) - minutes(r["open"])) % 1440 or 1440
        if minutes(r["close"]) == 1440:
            length = 1440 - minutes(r["open"])
        covered.update((start + i) % week for i in range(length))
    return ((day - 1) * 1440 + minute) in covered


@settings(max_examples=150, deadline=None)
@given(hours=ranges, day=st.integers(1, 7), minute=st.integers(0, 1439))
def test_open_now_agrees_with_a_minute_by_minute_reference(hours, day, minute):
    hours = validate_hours(hours)
    when = at(day - 1, minute // 60, minute % 60, 30)
    assert is_open(hours, when) == reference_open(hours, day, minute)


@settings(max_examples=100, deadline=None)
@given(hours=ranges)
def test_the_text_form_round_trips(hours):
    hours = validate_hours(hours)
    assert parse_hours_text(hours_text(hours)) == hours


def test_distances():
    assert distance_m(30.0, 104.0, 30.0, 104.0) == 0
    assert distance_m(30.0, 104.0, 31.0, 104.0) == 111195  # one degree of latitude
    assert abs(distance_m(30.694210, 103.841530, 30.694210, 103.851530) - 956) <= 1  # 0.01° of longitude at 30.7°N
