"""Durations and bars in the terminal report read naturally in Arabic."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.i18n import Catalog
from bot.report_text import bar, format_duration

AR = Catalog("ar").t


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (timedelta(seconds=20), "أقل من دقيقة"),
        (timedelta(minutes=1), "دقيقة"),
        (timedelta(minutes=2), "دقيقتان"),
        (timedelta(minutes=5), "5 دقائق"),
        (timedelta(minutes=30), "30 دقيقة"),
        (timedelta(hours=1), "ساعة"),
        (timedelta(hours=3, minutes=5), "3 ساعات و5 دقائق"),
        (timedelta(hours=2, minutes=1), "ساعتان ودقيقة"),
        (timedelta(days=1), "يوم"),
        (timedelta(days=2, hours=12), "يومان و12 ساعة"),
        (timedelta(days=14), "14 يوماً"),
        (timedelta(days=5, hours=23, minutes=50), "6 أيام"),
    ],
)
def test_durations_in_arabic(value: timedelta, text: str) -> None:
    assert format_duration(value, AR) == text


def test_english_durations() -> None:
    assert format_duration(timedelta(days=2, hours=12), Catalog("en").t) == "2 days and 12 hours"


def test_bars_are_proportional_and_never_hide_a_count() -> None:
    assert bar(3, 3, 10) == "█" * 10
    assert bar(1, 300, 10) == "█" + "░" * 9
    assert bar(0, 0, 4) == "░" * 4
