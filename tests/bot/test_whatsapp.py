"""WhatsApp end to end: Meta's webhooks from the project's fake Cloud API into the real
app of `python bot.py`, the bot's answers back to the fake, checked as Meta checks them."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from storage import repositories as repo
from storage.models import ProcessedInbound, RejectedInbound
from tests.bot.whatsapp_stack import USER, VERIFY_TOKEN, WhatsAppStack, options, whatsapp_stack
from tests.fakes.whatsapp import signature


@pytest.fixture
async def stack(tmp_path: Path):  # type: ignore[no-untyped-def]
    async with whatsapp_stack(tmp_path) as running:
        yield running


async def count(stack: WhatsAppStack, model: type) -> int:
    async with stack.db.reading() as s:
        return int((await s.execute(select(func.count()).select_from(model))).scalar_one())


async def test_the_verification_handshake(stack: WhatsAppStack) -> None:
    async with httpx.AsyncClient() as client:
        ok = await client.get(
            stack.webhook,
            params={
                "hub.mode": "subscribe",
                "hub.verify_token": VERIFY_TOKEN,
                "hub.challenge": "1158201444",
            },
        )
        wrong = await client.get(
            stack.webhook,
            params={"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "x"},
        )
    assert (ok.status_code, ok.text) == (200, "1158201444")
    assert ok.headers["content-type"].startswith("text/plain")
    assert wrong.status_code == 403


async def test_unsigned_and_wrongly_signed_posts_are_refused_and_nothing_is_stored(
    stack: WhatsAppStack,
) -> None:
    payload = stack.wa.text_message(USER, "السلام عليكم")
    body = json.dumps(payload).encode()
    async with httpx.AsyncClient() as client:
        unsigned = await client.post(stack.webhook, content=body)
        forged = await client.post(
            stack.webhook,
            content=body,
            headers={"X-Hub-Signature-256": signature(body, "not-the-secret")},
        )
    assert (unsigned.status_code, forged.status_code) == (401, 403)
    assert "توقيع" in forged.json()["error"]
    assert await count(stack, ProcessedInbound) == 0
    assert stack.wa.sent == []


async def test_a_signed_but_unreadable_body_is_answered_200_and_recorded(
    stack: WhatsAppStack,
) -> None:
    body = b"{not json"
    async with httpx.AsyncClient() as client:
        answer = await client.post(
            stack.webhook,
            content=body,
            headers={"X-Hub-Signature-256": signature(body, stack.wa.app_secret)},
        )
    assert answer.status_code == 200
    assert await count(stack, RejectedInbound) == 1


async def test_a_greeting_gets_the_menu_as_a_list_and_is_marked_read(stack: WhatsAppStack) -> None:
    [reply] = await stack.says("السلام عليكم")
    assert reply.payload["type"] == "interactive"
    interactive = reply.payload["interactive"]
    assert interactive["type"] == "list"
    rows = [r["title"] for s in interactive["action"]["sections"] for r in s["rows"]]
    assert any("طلب" in title for title in rows)
    await stack.settled(lambda: stack.wa.reads)
    assert stack.wa.reads[0].typing


async def test_a_message_for_another_number_of_the_account_is_not_answered(
    stack: WhatsAppStack,
) -> None:
    payload = stack.wa.text_message(USER, "السلام عليكم")
    payload["entry"][0]["changes"][0]["value"]["metadata"]["phone_number_id"] = "5550001"
    # The 200 comes after what was taken is stored: nothing was.
    assert await stack.wa.deliver(payload) == [200]
    assert await count(stack, RejectedInbound) == 1
    assert await count(stack, ProcessedInbound) == 0
    assert stack.wa.messages_to(USER) == []


async def test_a_list_of_more_than_ten_shows_the_rest_on_more(stack: WhatsAppStack) -> None:
    await stack.says("السلام عليكم")
    many = [{"label": f"الخيار رقم {n}", "payload": f"intent:option_{n}"} for n in range(1, 13)]
    async with stack.db.transaction() as s:
        conversation = await repo.conversation_for_update(
            s, channel="whatsapp", chat_id=USER, user_id=USER, display_name=None, now=_now()
        )
        body = {"text": "اختر ما يناسبك", "buttons": many}
        repo.add_outbox(s, conversation, body=body, due_at=_now(), now=_now(), delivered=False)
    stack.app.state.whatsapp.wake()
    [first] = await stack.answers(1)
    rows = options(first)
    assert len(rows) == 10 and rows[-1][0].startswith("more:")
    assert "المزيد" in rows[-1][1]
    [rest] = await stack.press("المزيد")
    titles = [title for _, title in options(rest)]
    assert any("12" in t for t in titles) and not any(t.startswith("الخيار رقم 1 ") for t in titles)


def _now() -> datetime:
    return datetime.now(UTC)
