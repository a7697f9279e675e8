"""Quiet hours: when the association does not push automated messages.

By default 22:00–08:00 every night and Friday 11:30–13:30 (the Friday prayer), Riyadh time;
a profile may replace them (`quiet_hours:` in profile.yaml). A message due inside a window
waits until the window ends. Only automated messages are held (surveys, reminders, periodic
updates, campaigns): a reply to someone who has just written is never held.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")


def _weekday(day: datetime) -> int:
    """0 = Sunday, as in handlers/hours.py."""
    return day.isoweekday() % 7


@dataclass(frozen=True)
class Window:
    start: time
    end: time  # an end at or before the start runs past midnight into the next day
    days: frozenset[int] | None = None  # the days the window *starts* on; None = every day

    def end_if_inside(self, local: datetime) -> datetime | None:
        """The window's end when `local` falls inside it, else None."""
        crosses = self.end <= self.start
        # A window that crosses midnight may have started the day before.
        for back in (1, 0) if crosses else (0,):
            day = local.date() - timedelta(days=back)
            start = datetime.combine(day, self.start, tzinfo=local.tzinfo)
            if self.days is not None and _weekday(start) not in self.days:
                continue
            end_day = day + timedelta(days=1) if crosses else day
            end = datetime.combine(end_day, self.end, tzinfo=local.tzinfo)
            if start <= local < end:
                return end
        return None


RIYADH = ZoneInfo("Asia/Riyadh")
DEFAULT_WINDOWS = (
    Window(time(22, 0), time(8, 0)),
    Window(time(11, 30), time(13, 30), frozenset({_DAYS.index("fri")})),
)


@dataclass(frozen=True)
class QuietHours:
    windows: tuple[Window, ...] = DEFAULT_WINDOWS
    tz: ZoneInfo = RIYADH

    @classmethod
    def from_profile(cls, data: dict[str, Any] | None) -> QuietHours:
        """`quiet_hours:` from profile.yaml; absent means the defaults.

        e.g. {timezone: Asia/Riyadh, windows: [{start: "23:00", end: "07:00"},
        {days: [fri], start: "11:00", end: "14:00"}]}; `windows: []` turns them off.
        """
        if not data:
            return cls()
        try:
            tz = ZoneInfo(str(data.get("timezone", "Asia/Riyadh")))
            raw = data.get("windows")
            if raw is None:
                return cls(DEFAULT_WINDOWS, tz)
            return cls(tuple(_window(w) for w in raw), tz)
        except (KeyError, ValueError, TypeError, AttributeError) as exc:
            raise ValueError(f"invalid quiet_hours in profile: {exc}") from exc

    def is_quiet(self, moment: datetime) -> bool:
        local = moment.astimezone(self.tz)
        return any(w.end_if_inside(local) is not None for w in self.windows)

    def release(self, due: datetime) -> datetime:
        """When a message due at `due` may go: `due` itself, or the end of its quiet window.

        Windows that touch or overlap are followed to the last one's end.
        """
        moment = due
        for _ in range(len(self.windows) * 2 + 1):
            local = moment.astimezone(self.tz)
            ends = [e for w in self.windows if (e := w.end_if_inside(local)) is not None]
            if not ends:
                return moment
            moment = max(ends).astimezone(due.tzinfo)
        return moment


def _window(data: dict[str, Any]) -> Window:
    """One `windows:` entry: start, end and optionally the days (sun, mon, …)."""
    days = data.get("days")
    return Window(
        time.fromisoformat(str(data["start"])),
        time.fromisoformat(str(data["end"])),
        None if days is None else frozenset(_DAYS.index(str(d).lower()[:3]) for d in days),
    )
