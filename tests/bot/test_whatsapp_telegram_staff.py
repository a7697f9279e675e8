"""A WhatsApp beneficiary's case in the Telegram staff group: the card says WhatsApp, a
reply in the topic reaches her over WhatsApp, and past the 24-hour window the group is
told the reply went as a template invitation."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import update

from handlers.clock import SystemClock
from handlers.staff_inbox import add_staff
from storage.models import Conversation
from tests.bot.whatsapp_stack import seen, whatsapp_stack
from tests.fakes.telegram import FakeTelegram
from tests.waiting import until

STAFF_CHAT = -1001234567890
HUDA = 9001


def staff_group(tg: FakeTelegram) -> dict[str, object]:
    """Telegram on, against the fake Bot API, with its staff group."""
    return {
        "TELEGRAM_BOT_TOKEN": tg.token,
        "TELEGRAM_API_BASE": tg.base_url,
        "TELEGRAM_STAFF_CHAT_ID": STAFF_CHAT,
        "telegram_poll_timeout": 1,
    }


async def test_staff_answer_a_whatsapp_case_from_the_telegram_group(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    def group() -> list[dict[str, object]]:
        return tg.messages_to(STAFF_CHAT)

    async with whatsapp_stack(
        tmp_path, **staff_group(tg), telegram_per_chat_interval=0.05
    ) as stack:
        code = await add_staff(
            stack.db, SystemClock(), username="huda", name="هدى", role="researcher"
        )
        tg.user_sends_text(HUDA, f"/link {code}", chat_id=STAFF_CHAT)
        await until(lambda: any("هدى" in str(m["text"]) for m in group()), 20)

        await stack.says("ابي اكلم موظف")
        cards = await until(lambda: [m for m in group() if "🆕" in str(m["text"])], 20)
        assert "واتساب" in str(cards[0]["text"])
        thread = cards[0]["message_thread_id"]

        [reply] = await stack.after(
            _in_topic(tg, thread, "أهلاً، معك هدى من الجمعية")  # type: ignore[arg-type]
        )
        assert "معك هدى" in reply.text

        async with stack.db.transaction() as s:
            await s.execute(
                update(Conversation).values(last_inbound_at=datetime.now(UTC) - timedelta(days=2))
            )
        told = len(group())
        [template] = await stack.after(_in_topic(tg, thread, "هل ما زلت بحاجة؟"))  # type: ignore[arg-type]
        assert seen(template) == "template:tawasul_new_message"
        notice = await until(lambda: [m for m in group()[told:] if "24 ساعة" in str(m["text"])], 20)
        assert notice[0]["message_thread_id"] == thread


async def _in_topic(tg: FakeTelegram, thread: int, text: str) -> None:
    tg.user_sends_text(HUDA, text, chat_id=STAFF_CHAT, message_thread_id=thread)


async def test_a_refused_whatsapp_token_is_told_to_the_staff_group_once(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    async with whatsapp_stack(tmp_path, **staff_group(tg)) as stack:
        stack.wa.fail_next(190, times=100)
        await stack.wa.user_says("966500000001", "السلام عليكم")
        await stack.wa.user_says("966500000002", "مرحبا")
        alerts = await until(
            lambda: [m for m in tg.messages_to(STAFF_CHAT) if "واتساب" in str(m["text"])], 20
        )
        assert "WHATSAPP_ACCESS_TOKEN" in str(alerts[0]["text"])
        await stack.wa.user_says("966500000003", "هلا")
        await asyncio.sleep(1.0)
        told = [m for m in tg.messages_to(STAFF_CHAT) if "توقّف الإرسال" in str(m["text"])]
        assert len(told) == 1
        assert stack.wa.sent == []
