"""Quiet hours: automated messages due inside a window wait until it ends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from handlers.clock import FixedClock
from handlers.quiet import QuietHours

RIYADH = timedelta(hours=3)


def riyadh(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment given in Riyadh time in November 2026 (the 20th is a Friday), as UTC."""
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC) - RIYADH


def test_night_across_midnight_waits_until_eight() -> None:
    quiet = QuietHours()
    clock = FixedClock(riyadh(22, 23, 15))  # Sunday 23:15
    assert quiet.is_quiet(clock.now())
    assert quiet.release(clock.now()) == riyadh(23, 8, 0)
    clock.advance(timedelta(hours=2))  # Monday 01:15: still the same night
    assert quiet.release(clock.now()) == riyadh(23, 8, 0)


def test_daytime_is_not_held_and_the_edges_are_exact() -> None:
    quiet = QuietHours()
    for moment in (riyadh(22, 10), riyadh(22, 8, 0), riyadh(22, 21, 59)):
        assert quiet.release(moment) == moment
    assert quiet.release(riyadh(22, 22, 0)) == riyadh(23, 8, 0)


def test_friday_prayer_and_not_other_days() -> None:
    quiet = QuietHours()
    assert quiet.release(riyadh(20, 12, 0)) == riyadh(20, 13, 30)  # Friday noon
    assert quiet.release(riyadh(20, 11, 29)) == riyadh(20, 11, 29)
    assert quiet.release(riyadh(21, 12, 0)) == riyadh(21, 12, 0)  # Saturday noon


def test_a_profile_overrides_the_windows_and_chained_windows_are_followed() -> None:
    quiet = QuietHours.from_profile(
        {
            "timezone": "Asia/Riyadh",
            "windows": [
                {"start": "23:00", "end": "06:00"},
                {"days": ["mon"], "start": "06:00", "end": "09:00"},
            ],
        }
    )
    assert quiet.release(riyadh(22, 22, 30)) == riyadh(22, 22, 30)  # the default 22:00 is gone
    assert quiet.release(riyadh(20, 12, 0)) == riyadh(20, 12, 0)  # no Friday window
    # Sunday night runs into Monday's morning window: the message waits for both.
    assert quiet.release(riyadh(22, 23, 30)) == riyadh(23, 9, 0)
    assert QuietHours.from_profile({"windows": []}).release(riyadh(22, 23)) == riyadh(22, 23)


def test_a_malformed_profile_is_refused() -> None:
    with pytest.raises(ValueError):
        QuietHours.from_profile({"windows": [{"start": "25:00", "end": "08:00"}]})
