"""A progress bar for long commands: redrawn in place on a terminal, a line now and then
when the output goes to a file or a pipe (a cron job's log)."""

from __future__ import annotations

import time
from typing import TextIO

from handlers.types import Translate

WIDTH = 24


class Progress:
    def __init__(self, stream: TextIO, tr: Translate, label: str, *, every_s: float = 5.0) -> None:
        self.stream = stream
        self.tr = tr
        self.label = label
        self.tty = stream.isatty()
        self.every_s = every_s
        self._last = 0.0
        self._started = time.monotonic()
        self._shown = False

    def show(
        self, done: int, total: int, *, rate: float | None = None, force: bool = False
    ) -> None:
        """Draw `done` of `total`; off a terminal, only every `every_s` unless forced."""
        now = time.monotonic()
        if not force and not self.tty and now - self._last < self.every_s:
            return
        self._last = now
        line = self._line(done, total, rate)
        self.stream.write(("\r" + line) if self.tty else (line + "\n"))
        self.stream.flush()
        self._shown = True

    def _line(self, done: int, total: int, rate: float | None) -> str:
        filled = WIDTH * done // total if total else WIDTH
        return self.tr(
            "campaign-progress",
            label=self.label,
            bar="▕" + "█" * filled + "░" * (WIDTH - filled) + "▏",
            done=done,
            total=total,
            percent=100 * done // total if total else 100,
            rate=self.tr("campaign-rate", rate=f"{rate:.1f}") if rate is not None else "",
        )

    def end(self) -> None:
        if self.tty and self._shown:
            self.stream.write("\n")
            self.stream.flush()
