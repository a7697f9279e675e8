"""The staff inbox in a Telegram group, through real aiogram and the fake Bot API server."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest_asyncio
from sqlalchemy import select

from bot.i18n import Catalog
from bot.wiring import Core
from faq.service import FaqService
from handlers.clock import SystemClock
from handlers.staff_inbox import add_staff
from storage.models import HandoverCase, Message
from tests.bot.telegram_users import running_core
from tests.fakes.telegram import FakeTelegram
from tests.waiting import until as wait_until

tr = Catalog("ar")
STAFF_CHAT = -1001234567890
AMINA, HUDA, STRANGER = 7001, 9001, 9002


@pytest_asyncio.fixture
async def core(tg: FakeTelegram, tmp_path: Path, faq_service: FaqService) -> AsyncIterator[Core]:
    async with running_core(
        tg,
        tmp_path,
        faq_service,
        TELEGRAM_STAFF_CHAT_ID=STAFF_CHAT,
        telegram_per_chat_interval=0.1,
    ) as core:
        yield core


async def until(check: Callable[[], Any], timeout: float = 15.0) -> Any:
    return await wait_until(check, timeout)


def staff_chat(tg: FakeTelegram) -> list[dict[str, Any]]:
    return tg.messages_to(STAFF_CHAT)


async def linked_staff(tg: FakeTelegram, core: Core) -> None:
    code = await add_staff(core.db, SystemClock(), username="huda", name="هدى", role="researcher")
    tg.user_sends_text(HUDA, "/link WRONG", chat_id=STAFF_CHAT)
    await until(lambda: any("غير صحيح" in m["text"] for m in staff_chat(tg)))
    tg.user_sends_text(HUDA, f"/link {code}", chat_id=STAFF_CHAT)
    await until(lambda: any("هدى" in m["text"] and "✅" in m["text"] for m in staff_chat(tg)))


async def test_a_case_gets_a_topic_and_messages_flow_both_ways(
    tg: FakeTelegram, core: Core
) -> None:
    await linked_staff(tg, core)
    tg.user_sends_text(AMINA, "ابي اكلم موظف لو سمحت")
    card = (await until(lambda: [m for m in staff_chat(tg) if "🆕" in m["text"]]))[0]
    assert tg.topics[STAFF_CHAT], "a forum topic per case"
    thread = tg.topics[STAFF_CHAT][0]["message_thread_id"]
    assert card["message_thread_id"] == thread
    assert "طلب التحدث مع موظف" in card["text"] and "ابي اكلم موظف" in card["text"]
    buttons = [b["text"] for row in card["reply_markup"]["inline_keyboard"] for b in row]
    assert buttons == ["✋ استلام الحالة", "✅ إغلاق الحالة"]
    assert str(AMINA) not in card["text"]  # the identity is masked

    tg.user_sends_text(AMINA, "ولدي عنده موعد عملية الاسبوع الجاي")
    await until(lambda: any("موعد عملية" in m["text"] for m in staff_chat(tg)))

    before = len(tg.messages_to(AMINA))
    tg.user_sends_text(STRANGER, "انا مو موظف", chat_id=STAFF_CHAT, message_thread_id=thread)
    tg.user_sends_text(
        HUDA,
        "أهلاً أمينة، نرتب لك موعداً مع الباحث غداً",
        chat_id=STAFF_CHAT,
        message_thread_id=thread,
    )
    reply = (
        await until(lambda: [m for m in tg.messages_to(AMINA)[before:] if "هدى" in m["text"]])
    )[0]
    assert "نرتب لك موعداً" in reply["text"]
    await asyncio.sleep(0.5)
    assert not any("مو موظف" in m["text"] for m in tg.messages_to(AMINA))

    tg.user_presses(HUDA, card["message_id"], f"case:close:{_case_id(card)}", chat_id=STAFF_CHAT)
    await until(lambda: any("أنهى فريق الجمعية" in m["text"] for m in tg.messages_to(AMINA)))
    async with core.db.reading() as s:
        case = (await s.execute(select(HandoverCase))).scalar_one()
        on_case = (
            (await s.execute(select(Message.author).where(Message.case_id == case.id)))
            .scalars()
            .all()
        )
    assert case.status == "closed" and case.assignee_id is not None
    assert "staff" in on_case and "beneficiary" in on_case
    # the bot answers again once the case is closed
    before = len(tg.messages_to(AMINA))
    tg.user_sends_text(AMINA, "وين مقركم")
    await until(lambda: [m for m in tg.messages_to(AMINA)[before:] if "📍" in m["text"]])


async def test_in_a_group_without_topics_staff_reply_to_the_card(
    tg: FakeTelegram, core: Core
) -> None:
    await linked_staff(tg, core)
    tg.fail_next("createForumTopic", status=400, description="Bad Request: the chat is not a forum")
    tg.user_sends_text(AMINA, "عندي شكوى على التأخير في الرد")
    card = (await until(lambda: [m for m in staff_chat(tg) if "🆕" in m["text"]]))[0]
    assert card.get("message_thread_id") is None and "شكوى" in card["text"]
    before = len(tg.messages_to(AMINA))
    tg.user_sends_text(
        HUDA,
        "نعتذر منك، سنتابع طلبك اليوم",
        chat_id=STAFF_CHAT,
        reply_to_message_id=card["message_id"],
    )
    await until(lambda: [m for m in tg.messages_to(AMINA)[before:] if "نعتذر منك" in m["text"]])


def _case_id(card: dict[str, Any]) -> int:
    data = card["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    return int(data.rsplit(":", 1)[1])
