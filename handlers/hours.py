"""Working hours: when a researcher can be expected to answer.

A profile may state them (`schedule:` in profile.yaml, filled by the admin); without them
the bot promises an answer "as soon as possible" and no time it cannot know.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")


def _weekday(moment: datetime) -> int:
    """0 = Sunday, the first working day in Saudi Arabia."""
    return moment.isoweekday() % 7


@dataclass(frozen=True)
class Schedule:
    days: frozenset[int]
    opens: time
    closes: time
    tz: ZoneInfo

    @classmethod
    def from_profile(cls, data: dict[str, Any] | None) -> Schedule | None:
        if not data:
            return None
        try:
            days = frozenset(_DAYS.index(str(d).lower()[:3]) for d in data["days"])
            return cls(
                days=days,
                opens=time.fromisoformat(str(data["open"])),
                closes=time.fromisoformat(str(data["close"])),
                tz=ZoneInfo(str(data.get("timezone", "Asia/Riyadh"))),
            )
        except (KeyError, ValueError, TypeError) as exc:
            raise ValueError(f"invalid schedule in profile: {exc}") from exc

    def is_open(self, now: datetime) -> bool:
        local = now.astimezone(self.tz)
        return _weekday(local) in self.days and self.opens <= local.time() < self.closes

    def next_opening(self, now: datetime) -> datetime | None:
        """None while open; otherwise the next moment the office opens."""
        if self.is_open(now) or not self.days:
            return None
        local = now.astimezone(self.tz)
        for ahead in range(8):
            day = local.date() + timedelta(days=ahead)
            start = datetime.combine(day, self.opens, tzinfo=self.tz)
            if _weekday(start) in self.days and start > local:
                return start
        return None
