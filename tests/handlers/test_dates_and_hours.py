"""Hijri beside Gregorian dates, and when the office next opens."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.i18n import Catalog
from handlers.dates import format_date, format_time
from handlers.hours import Schedule

ar, en = Catalog("ar"), Catalog("en")
WEEKDAYS = {"days": ["sun", "mon", "tue", "wed", "thu"], "open": "08:00", "close": "16:00"}


def test_a_date_reads_in_hijri_and_gregorian_in_riyadh_time() -> None:
    # 21:30 UTC on Saturday is already Sunday in Riyadh
    moment = datetime(2026, 11, 21, 21, 30, tzinfo=UTC)
    assert format_date(moment, ar.t) == "الأحد 12 جمادى الآخرة 1448 هـ (22 نوفمبر 2026 م)"
    assert format_date(moment, en.t) == "Sunday 12 Jumada al-Akhirah 1448 AH (22 November 2026)"
    assert format_time(moment, ar.t) == "12:30 صباحاً"


@pytest.mark.parametrize(
    ("utc_hour", "arabic", "english"),
    [
        (5, "8:02 صباحاً", "8:02 am"),
        (9, "12:02 مساءً", "12:02 pm"),
        (13, "4:02 مساءً", "4:02 pm"),  # read as "morning" until the flag reached Fluent as text
        (20, "11:02 مساءً", "11:02 pm"),
    ],
)
def test_afternoon_and_evening_times_say_so(utc_hour: int, arabic: str, english: str) -> None:
    moment = datetime(2026, 11, 22, utc_hour, 2, tzinfo=UTC)
    assert format_time(moment, ar.t) == arabic
    assert format_time(moment, en.t) == english


def test_ramadan_start_is_umm_al_qura() -> None:
    assert "1 رمضان 1448" in format_date(datetime(2027, 2, 8, 12, 0, tzinfo=UTC), ar.t)


@pytest.mark.parametrize(
    ("utc", "expected"),
    [
        (datetime(2026, 11, 22, 7, 0, tzinfo=UTC), None),  # Sunday 10:00: open
        (datetime(2026, 11, 22, 13, 30, tzinfo=UTC), datetime(2026, 11, 23, 5, 0, tzinfo=UTC)),
        (datetime(2026, 11, 20, 19, 0, tzinfo=UTC), datetime(2026, 11, 22, 5, 0, tzinfo=UTC)),
        (datetime(2026, 11, 22, 4, 0, tzinfo=UTC), datetime(2026, 11, 22, 5, 0, tzinfo=UTC)),
    ],
)
def test_next_opening(utc: datetime, expected: datetime | None) -> None:
    schedule = Schedule.from_profile(WEEKDAYS)
    assert schedule is not None
    opening = schedule.next_opening(utc)
    assert opening == expected


def test_no_schedule_means_no_promise_and_a_broken_one_is_refused() -> None:
    assert Schedule.from_profile(None) is None
    with pytest.raises(ValueError):
        Schedule.from_profile({"days": ["someday"], "open": "08:00", "close": "16:00"})
