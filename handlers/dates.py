"""Dates as Saudi beneficiaries read them: Hijri (Umm al-Qura) beside Gregorian."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from hijridate import Gregorian

from handlers.types import Translate

RIYADH = ZoneInfo("Asia/Riyadh")


def format_date(moment: datetime, tr: Translate, tz: ZoneInfo = RIYADH) -> str:
    """E.g. "الأحد 15 جمادى الأولى 1448 هـ (26 أكتوبر 2026 م)" in the association's zone."""
    local = moment.astimezone(tz)
    hijri = Gregorian(local.year, local.month, local.day).to_hijri()
    return tr(
        "date-dual",
        weekday=tr(f"weekday-{local.isoweekday() % 7}"),
        hday=hijri.day,
        hmonth=tr(f"hijri-month-{hijri.month}"),
        hyear=hijri.year,
        gday=local.day,
        gmonth=tr(f"greg-month-{local.month}"),
        gyear=local.year,
    )


def format_time(moment: datetime, tr: Translate, tz: ZoneInfo = RIYADH) -> str:
    local = moment.astimezone(tz)
    hour = local.hour % 12 or 12
    return tr(
        "time-of-day",
        hour=hour,
        minute=f"{local.minute:02d}",
        pm="true" if local.hour >= 12 else "false",
    )
