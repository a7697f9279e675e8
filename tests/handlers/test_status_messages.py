"""Every beneficiary-facing change of a request reaches the beneficiary, dated both ways."""

from __future__ import annotations

from datetime import timedelta

from handlers.clock import FixedClock
from handlers.engine import Engine
from handlers.requests import BENEFICIARY_FACING, set_status
from handlers.types import Attachment
from storage.db import Database
from tests.bidi import plain
from tests.handlers.chats import Chat, submit, submit_as, tr

# The fixtures start on Sunday 22 November 2026.
TODAY = "22 نوفمبر 2026 م"


def dated(text: str, reference: str) -> bool:
    return reference in text and "هـ (" in text and " م)" in text


async def test_each_transition_is_told_with_the_reference_and_both_dates(
    engine: Engine, database: Database, clock: FixedClock
) -> None:
    chat = Chat(engine, "amina")
    reference = await submit(chat)
    assert dated(chat.text, reference) and TODAY in chat.text  # submitted: the receipt
    told: set[str] = set()

    async def move(status: str, note: str | None = None) -> None:
        clock.advance(timedelta(hours=1))
        change = await set_status(
            database, clock, tr.t, reference=reference, status=status, note=note, actor="cli"
        )
        assert change.notified
        message = (await engine.transcript("web", "amina"))[-1].text
        assert dated(message, reference) and tr(f"status-{status}") in message, message
        told.add(status)

    await move("under_review")
    await move("needs_info", "صورة الهوية")
    await chat.say("وش صار على طلبي")
    await chat.press(tr("requests-complete", reference=reference))
    await chat.say(attachments=(Attachment("f-9", "photo", 1000, "id.jpg", "image/jpeg"),))
    assert dated(chat.text, reference)  # back under review, by the beneficiary's own hand
    await move("accepted")
    await move("service_delivered")
    await move("closed")

    await submit_as(engine, "omar")
    receipt = (await engine.transcript("web", "omar"))[-1].text
    other = plain(receipt).split("رقم طلبك: ")[1].split()[0]
    change = await set_status(
        database, clock, tr.t, reference=other, status="rejected", note=None, actor="cli"
    )
    assert change.notified and dated((await engine.transcript("web", "omar"))[-1].text, other)
    told.add("rejected")
    assert told == BENEFICIARY_FACING
