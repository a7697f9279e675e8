"""Meta's error codes, as the outbox understands them: wait, try again, give up, or stop.

The same codes come two ways: in the answer to a send, and later in a `failed` status. A
send's error becomes one of the dispatcher's decisions; a status's, a `DeliveryReport`.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from handlers.deliveries import DeliveryReport
from scheduler.dispatcher import Permanent, RetryLater, Transient
from storage.models import DeliveryStatus

WINDOW_CLOSED = 131047  # re-engagement: more than 24 hours since the person wrote
THROUGHPUT = 130429  # the number's messages per second
PAIR_RATE = 131056  # too many messages to one person in a short time
UNDELIVERABLE = 131026  # not on WhatsApp, an old app, or blocked us
UNSUPPORTED = 131051
SPAM_RATE = 131048  # Meta holds back a number people report or block
ECOSYSTEM = 131049  # Meta chose not to deliver, to keep engagement healthy
# An access token that expired or was revoked, or permissions gone: retrying can't help,
# and every send would fail the same way until someone fixes it.
AUTH = frozenset({0, 3, 10, 190, 131005, 131031, *range(200, 300)})
# Meta's own trouble: worth another try.
SERVICE = frozenset({1, 2, 131000, 131016})

# Seconds to wait after each: the number's own rate briefly, a person's longer, the
# hold-backs Meta asks for by the hour and the day.
WAIT = {THROUGHPUT: 2.0, PAIR_RATE: 6.0, SPAM_RATE: 3600.0, ECOSYSTEM: 86400.0}


class Stop(StrEnum):
    """What no retry fixes here."""

    WINDOW = "window"  # send the template instead
    AUTH = "auth"  # stop the channel and tell staff


def on_send(status: int, code: int | None, message: str) -> Exception | Stop:
    """What a refused send means for the outbox."""
    if code == WINDOW_CLOSED:
        return Stop.WINDOW
    if status == 401 or code in AUTH:
        return Stop.AUTH
    if code in WAIT:
        return RetryLater(WAIT[code], whole_channel=code == THROUGHPUT)
    if code == UNDELIVERABLE:
        return Permanent("undeliverable")
    if status >= 500 or status == 429 or code in SERVICE:
        return Transient(f"{status} {code}: {message}")
    return Permanent(f"refused ({status} {code}): {message}")


def report(
    external_id: str, status: str, at: datetime, code: int | None, title: str | None
) -> DeliveryReport | None:
    """A status webhook's entry as the outbox records it; None for a status we don't know."""
    try:
        known = DeliveryStatus(status)
    except ValueError:
        return None
    if known != DeliveryStatus.FAILED:
        return DeliveryReport(external_id, known, at)
    return DeliveryReport(
        external_id,
        known,
        at,
        error=f"{code}: {title or 'failed'}",
        retry_after=WAIT.get(code) if code is not None else None,
        window_closed=code == WINDOW_CLOSED,
        unreachable=code == UNDELIVERABLE,
    )
