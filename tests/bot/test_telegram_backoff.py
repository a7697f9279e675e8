"""The poller's wait after failed getUpdates calls: growing, capped, and never failing."""

from __future__ import annotations

from bot.channels.telegram.poller import backoff


def test_the_wait_doubles_up_to_thirty_seconds_and_stays_there() -> None:
    assert [backoff(n) for n in range(1, 8)] == [1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0]


def test_a_night_long_outage_keeps_the_poller_waiting_not_crashing() -> None:
    # ~1,030 failures in a row (8.5 hours at 30 s) used to raise OverflowError.
    assert backoff(1030) == 30.0
    assert backoff(10**6) == 30.0
