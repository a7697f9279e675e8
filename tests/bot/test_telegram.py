"""The Telegram channel: real aiogram talking HTTP to the project's fake Bot API server."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy import insert, select

from bot.channels.telegram.sender import split_text
from bot.i18n import Catalog
from bot.wiring import Core
from faq.bidi import ltr
from handlers.clock import SystemClock
from handlers.requests import set_status
from storage.models import ChannelIdentity, Message, OutboxMessage, SupportRequest
from tests.bot.telegram_users import User, labels, until
from tests.fakes.telegram import FakeTelegram

tr = Catalog("ar")
AMINA = 7001


async def test_a_beneficiary_asks_and_files_a_request_on_telegram(
    tg: FakeTelegram, core: Core
) -> None:
    amina = User(tg, AMINA)
    (greeting,) = await amina.says("/start")
    assert "القلوب الصغيرة" in greeting["text"]
    assert labels(greeting)[:2] == ["اسأل سؤالاً", "تقديم طلب"]
    (answer,) = await amina.says("كم ياخذ وقت لين تردون على الطلب")
    assert "أسبوعين" in answer["text"] and labels(answer) == [
        "👍 مفيد",
        "👎 غير مفيد",
        "🏠 القائمة",
    ]
    assert [len(row) for row in answer["reply_markup"]["inline_keyboard"]] == [2, 1]

    _intro, ask_name = await amina.presses("تقديم طلب", expect=2)
    assert "1️⃣" in ask_name["text"]
    await amina.says("أمينة سالم الحربي")
    (ask_phone,) = await amina.says("1098765439")
    # the "share my number" keyboard, with back and cancel as text buttons
    assert ask_phone["reply_markup"]["keyboard"][0][0]["request_contact"] is True
    assert [b["text"] for b in ask_phone["reply_markup"]["keyboard"][-1]] == ["➡️ رجوع", "✖️ إلغاء"]
    before = len(amina.inbox)
    tg.user_shares_contact(AMINA, "966558764321", contact_user_id=9999)  # someone else's
    (refused,) = await until(lambda: amina.inbox[before:] or None)
    assert "رقم شخص آخر" in refused["text"]
    before = len(amina.inbox)
    tg.user_shares_contact(AMINA, "966558764321")
    (ask_city,) = await until(lambda: amina.inbox[before:] or None)
    assert "4️⃣" in ask_city["text"]
    # back and cancel in a last row of their own, never beside a city
    rows = [[b["text"] for b in row] for row in ask_city["reply_markup"]["inline_keyboard"]]
    assert rows[-1] == ["➡️ رجوع", "✖️ إلغاء"]
    assert all("➡️ رجوع" not in row and "✖️ إلغاء" not in row for row in rows[:-1])
    await amina.presses("جدة")
    await amina.presses("علاج أمراض القلب للأطفال")
    await amina.says("ولدي عمره ثلاث سنوات ويحتاج قسطرة قلبية")
    before = len(amina.inbox)
    tg.user_sends_photo(AMINA, file_size=240_000)
    (received,) = await until(lambda: amina.inbox[before:] or None)
    assert "المجموع: 1" in received["text"]
    (summary,) = await amina.presses("✔️ تم")
    assert "1*******39" in summary["text"] and "+9665*****321" in summary["text"]
    await amina.presses("✅ البيانات صحيحة")
    (receipt,) = await amina.presses("أقرّ وأوافق")
    assert "رقم طلبك" in receipt["text"]

    async with core.db.reading() as s:
        request = (await s.execute(select(SupportRequest))).scalar_one()
    assert request.reference in receipt["text"]
    await set_status(
        core.db,
        SystemClock(),
        tr.t,
        reference=request.reference or "",
        status="needs_info",
        note="صورة الهوية",
        actor="staff:test",
    )
    # a status change made elsewhere (the command line) reaches Telegram through the outbox
    status = await until(lambda: [m for m in amina.inbox if "📢" in (m["text"] or "")])
    assert "صورة الهوية" in status[0]["text"]
    assert labels(status[0]) == [tr("requests-complete", reference=ltr(request.reference or ""))]
    assert tg.commands  # the command menu was set


async def test_a_redelivered_update_is_handled_once(tg: FakeTelegram, core: Core) -> None:
    amina = User(tg, AMINA)
    update = tg.user_sends_text(AMINA, "وين مقركم")
    await until(lambda: amina.inbox)
    tg.redeliver(update["update_id"])
    await asyncio.sleep(1.5)
    assert len(amina.inbox) == 1
    async with core.db.reading() as s:
        ins = (await s.execute(select(Message).where(Message.direction == "in"))).scalars().all()
    assert len(ins) == 1


async def test_limits_429_and_a_blocked_user(tg: FakeTelegram, core: Core) -> None:
    tg.enforce_limits = True
    amina = User(tg, AMINA)
    await amina.says("/start")
    for _ in range(3):  # three answers in quick succession: paced at one a second
        tg.user_sends_text(AMINA, "وين مقركم")
    await until(lambda: len(amina.inbox) >= 4, timeout=15)
    assert tg.limit_violations == 0
    tg.fail_next("sendMessage", status=429, retry_after=1)
    await amina.says("متى دوامكم")  # delivered after the retry_after
    tg.block(AMINA)
    tg.user_sends_text(AMINA, "شكرا")

    async def failed() -> bool:
        async with core.db.reading() as s:
            rows = (await s.execute(select(OutboxMessage.state, OutboxMessage.last_error))).all()
            reachable = (await s.execute(select(ChannelIdentity.reachable))).scalar_one()
        return ("failed", "blocked") in [tuple(r) for r in rows] and reachable is False

    async with asyncio.timeout(10):
        while not await failed():
            await asyncio.sleep(0.05)
    sends_after_block = [c for c in tg.calls if c["method"] == "sendMessage" and c["status"] == 403]
    assert len(sends_after_block) == 1  # not retried in a loop


async def test_a_429_in_the_middle_of_a_long_text_resends_none_of_its_parts(
    tg: FakeTelegram, core: Core
) -> None:
    assert core.dispatcher is not None
    text = "\n".join(f"سطر رقم {i} من رسالة طويلة جداً" for i in range(900))  # ~3 parts
    tg.fail_next("sendMessage", status=429, retry_after=1, chat_id=AMINA, after=1)
    now = datetime.now(UTC)
    async with core.db.transaction(queued=False) as session:
        await session.execute(
            insert(OutboxMessage),
            [
                {
                    "conversation_id": None,
                    "channel": "telegram",
                    "chat_id": str(AMINA),
                    "kind": "status",
                    "body": {"text": text, "buttons": []},
                    "state": "pending",
                    "due_at": now,
                    "attempts": 0,
                    "created_at": now,
                }
            ],
        )
    core.dispatcher.wake()
    expected = len(split_text(text))
    assert expected >= 3
    await until(lambda: len(tg.messages_to(AMINA)) >= expected, timeout=15)
    await asyncio.sleep(0.5)  # a part sent twice would be here by now
    parts = [m["text"] for m in tg.messages_to(AMINA)]
    assert parts == split_text(text)  # each part once, in order, after the 429
    assert [c["status"] for c in tg.calls if c["method"] == "sendMessage"].count(429) == 1


@pytest.mark.parametrize("length", [5000, 9000])
async def test_long_answers_are_split_under_4096(tg: FakeTelegram, core: Core, length: int) -> None:
    from bot.channels.telegram.sender import TelegramSender

    assert core.bot is not None
    sender = TelegramSender(core.bot, tr.t)
    text = ("سطر طويل من النص. " * 800)[:length]
    await sender.send(str(AMINA), {"text": text, "buttons": []})
    parts = [p["text"] for p in tg.messages_to(AMINA)]
    assert len(parts) in (-(-length // 4096), -(-length // 4096) + 1)
    assert all(len(p) <= 4096 for p in parts)
    assert "".join(parts).replace(" ", "") == text.replace(" ", "")  # nothing lost
