"""Durations and bars in the terminal report read naturally in Arabic."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.i18n import Catalog
from bot.render.report_text import bar, format_duration
from handlers.reports import format_average

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


@pytest.mark.parametrize(
    ("msg_id", "count", "text"),
    [
        ("report-answers", 0, "لا إجابات"),
        ("report-answers", 1, "إجابة واحدة"),
        ("report-answers", 2, "إجابتان"),
        ("report-answers", 3, "3 إجابات"),
        ("report-answers", 10, "10 إجابات"),
        ("report-answers", 11, "11 إجابة"),
        ("report-answers", 100, "100 إجابة"),
        ("report-answers", 103, "103 إجابات"),
        ("staffweb-attachments-count", 1, "📎 مرفق واحد"),
        ("staffweb-attachments-count", 2, "📎 مرفقان"),
        ("staffweb-attachments-count", 3, "📎 3 مرفقات"),
        ("staffweb-attachments-count", 11, "📎 11 مرفقاً"),
        ("staff-attachments", 2, "📎 مرفقان"),
        ("staffweb-days", 3, "3 أيام"),
        ("staffweb-days", 11, "11 يوماً"),
        ("staffweb-days", 100, "100 يوم"),
    ],
)
def test_counts_take_the_arabic_plural_forms(msg_id: str, count: int, text: str) -> None:
    assert AR(msg_id, count=count, n=count) == text


@pytest.mark.parametrize(("n", "text"), [(200, "200 حرف"), (11, "11 حرفاً"), (10, "10 أحرف")])
def test_character_limits_take_the_plural_forms(n: int, text: str) -> None:
    assert AR("staffweb-error-reply-too-long", max=n) == f"الرد طويل؛ الحد {text}."


@pytest.mark.parametrize(("value", "text"), [(5.0, "5.0"), (23 / 6, "3.8"), (4.25, "4.2")])
def test_an_average_has_one_decimal_everywhere(value: float, text: str) -> None:
    assert format_average(value) == text
    assert f"متوسط التقييم {text} من 5" in AR("staffweb-reports-csat", average=text, count=6)
