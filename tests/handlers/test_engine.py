"""The engine on real databases: state, transcript, outbox and cases in one transaction."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.i18n import Catalog
from faq.service import FaqService
from handlers.clock import FixedClock
from handlers.conversation import Dialog
from handlers.engine import Engine
from handlers.hours import Schedule
from handlers.types import Attachment, Incoming
from storage.db import Database
from storage.models import AuditEvent, HandoverCase, Message, OutboxMessage

tr = Catalog("ar")


@pytest.fixture
def engine(database: Database, faq: FaqService, clock: FixedClock) -> Engine:
    return Engine(database, Dialog(faq, tr.t, clock), clock)


def msg(
    text: str = "", *, chat: str = "v1", payload: str | None = None, eid: str | None = None
) -> Incoming:
    return Incoming(
        channel="web", chat_id=chat, user_id=chat, text=text, payload=payload, external_id=eid
    )


async def count(db: Database, model: type) -> int:
    async with db.reading() as s:
        return int((await s.execute(select(func.count()).select_from(model))).scalar_one())


async def test_a_question_is_answered_and_everything_is_recorded(
    engine: Engine, database: Database
) -> None:
    (reply,) = await engine.handle(msg("كم يوم ياخذ الطلب عشان تردون علي"))
    assert "أسبوعين" in reply.text
    history = await engine.transcript("web", "v1")
    assert [e.direction for e in history] == ["in", "out"]
    assert history[1].buttons == ("👍 مفيد", "👎 غير مفيد", "🏠 القائمة")
    assert history[1].payloads == ("rate:up", "rate:down", "menu:main")
    assert history[1].nav == (False, False, True)
    assert await count(database, OutboxMessage) == 1


async def test_a_duplicate_update_is_processed_once(engine: Engine, database: Database) -> None:
    first = await engine.handle(msg("السلام عليكم", eid="m-1"))
    again = await engine.handle(msg("السلام عليكم", eid="m-1"))
    assert first and again == []
    assert await count(database, Message) == 2  # one in, one out


async def test_a_pressed_button_is_logged_with_its_label(engine: Engine) -> None:
    await engine.handle(msg("/start"))
    await engine.handle(msg(payload="menu:ask"))
    history = await engine.transcript("web", "v1")
    assert history[2].text == "اسأل سؤالاً"


async def test_talk_to_a_person_opens_a_case_that_records_the_messages(
    engine: Engine, database: Database, clock: FixedClock
) -> None:
    (opened,) = await engine.handle(msg("ابي اكلم موظف"))
    assert "مسؤول البحث الاجتماعي" in opened.text
    clock.advance(timedelta(minutes=1))
    (ack,) = await engine.handle(msg("عندي سؤال عن علاج ولدي"))
    assert "وصلت رسالتك" in ack.text
    clock.advance(timedelta(minutes=1))
    assert await engine.handle(msg("وعنده موعد الاسبوع الجاي")) == []  # no ack flood
    async with database.reading() as s:
        case = (await s.execute(select(HandoverCase))).scalar_one()
        on_case = (
            (await s.execute(select(Message.text).where(Message.case_id == case.id)))
            .scalars()
            .all()
        )
        audit = (await s.execute(select(AuditEvent.action))).scalars().all()
    assert case.reason == "request" and case.status == "open"
    assert "عندي سؤال عن علاج ولدي" in on_case and "وعنده موعد الاسبوع الجاي" in on_case
    assert audit == ["case.opened"]
    (closed,) = await engine.handle(msg("/cancel"))
    assert "أنهيت" in closed.text
    async with database.reading() as s:
        assert (await s.execute(select(HandoverCase.status))).scalar_one() == "closed"


async def test_two_unanswered_questions_in_a_row_hand_over(
    engine: Engine, database: Database
) -> None:
    await engine.handle(msg("كم سعر الذهب اليوم"))
    assert await count(database, HandoverCase) == 0
    (reply,) = await engine.handle(msg("طيب وش افضل جوال"))
    async with database.reading() as s:
        reason = (await s.execute(select(HandoverCase.reason))).scalar_one()
    assert reason == "unanswered"
    assert "فريق الجمعية" in reply.text


async def test_a_complaint_and_thumbs_down_open_cases_with_their_reason(
    engine: Engine, database: Database
) -> None:
    await engine.handle(msg("عندي شكوى على الموظفة", chat="a"))
    await engine.handle(msg("وين مقركم", chat="b"))
    (sorry,) = await engine.handle(msg(payload="rate:down", chat="b"))
    await engine.handle(msg(payload=sorry.buttons[0].payload, chat="b"))
    await engine.handle(
        msg(chat="c", payload=None)
        if False
        else Incoming(
            channel="web", chat_id="c", user_id="c", attachments=(Attachment("f1", "photo", 1000),)
        )
    )
    async with database.reading() as s:
        reasons = sorted((await s.execute(select(HandoverCase.reason))).scalars().all())
    assert reasons == ["complaint", "media", "not_helpful"]


async def test_out_of_hours_handover_says_when_to_expect_an_answer(
    database: Database, faq: FaqService
) -> None:
    friday_night = FixedClock(datetime(2026, 11, 20, 19, 0, tzinfo=UTC))  # Friday 22:00 Riyadh
    hours = Schedule.from_profile(
        {"days": ["sun", "mon", "tue", "wed", "thu"], "open": "08:00", "close": "16:00"}
    )
    engine = Engine(database, Dialog(faq, tr.t, friday_night, hours), friday_night)
    (reply,) = await engine.handle(msg("ابي اكلم الباحث الاجتماعي"))
    assert "خارج أوقات الدوام" in reply.text
    assert "الأحد" in reply.text and "8:00 صباحاً" in reply.text


async def test_concurrent_messages_of_one_visitor_are_serialised(
    engine: Engine, database: Database
) -> None:
    texts = [f"سؤال رقم {i} عن التسجيل" for i in range(10)]
    await asyncio.gather(*(engine.handle(msg(t, eid=f"id-{i}")) for i, t in enumerate(texts)))
    history = await engine.transcript("web", "v1")
    ins = [e.text for e in history if e.direction == "in"]
    assert sorted(ins) == sorted(texts)
    # every question is immediately followed by its own replies, never interleaved
    assert history[0].direction == "in"


async def test_a_batch_is_handled_in_order_once_each(engine: Engine, database: Database) -> None:
    # What one getUpdates can bring: a new person, a known one twice, and a redelivery.
    await engine.handle(msg("/start", chat="known", eid="u-0"))
    batch = [
        msg("/start", chat="new", eid="u-1"),
        msg(payload="menu:ask", chat="known", eid="u-2"),
        msg("كم يوم ياخذ الطلب عشان تردون علي", chat="known", eid="u-3"),
        msg("/start", chat="new", eid="u-1"),  # the same update twice in one batch
        msg("/start", chat="known", eid="u-0"),  # delivered again from an earlier batch
    ]
    results = await engine.handle_many(batch)
    assert [len(r) > 0 for r in results] == [True, True, True, False, False]
    assert "أسبوعين" in results[2][0].text
    known = [e.text for e in await engine.transcript("web", "known") if e.direction == "in"]
    assert known == ["/start", "اسأل سؤالاً", "كم يوم ياخذ الطلب عشان تردون علي"]
    new = [e.direction for e in await engine.transcript("web", "new")]
    assert new.count("in") == 1


async def test_a_batch_that_fails_is_retried_update_by_update(
    engine: Engine, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = engine.dialog.handle

    def fussy(state, incoming, ctx):  # type: ignore[no-untyped-def]
        if incoming.text == "boom":
            raise RuntimeError("a bug in one update")
        return real(state, incoming, ctx)

    monkeypatch.setattr(engine.dialog, "handle", fussy)
    with pytest.raises(RuntimeError):
        await engine.handle_many(
            [msg("/start", chat="a", eid="b-1"), msg("boom", chat="b", eid="b-2")]
        )
    # The good update was stored on its own; the bad one is not marked as seen, so the
    # channel delivers it again.
    assert [e.direction for e in await engine.transcript("web", "a")] == ["in", "out"]
    assert await engine.transcript("web", "b") == []
    monkeypatch.setattr(engine.dialog, "handle", real)
    (replies,) = await engine.handle_many([msg("/start", chat="b", eid="b-2")])
    assert replies
