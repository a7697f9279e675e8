"""The satisfaction survey on real databases, answered by tapping through the real engine."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from handlers.clock import FixedClock
from handlers.engine import Engine
from handlers.staff_inbox import StaffInbox, add_staff
from handlers.survey_campaign import push_campaign
from handlers.surveys import remind_and_expire, send_due
from storage.db import Database
from storage.models import HandoverCase, OutboxMessage, Staff, SupportRequest, Survey
from tests.handlers.chats import (
    POLICY,
    SUNDAY,
    Chat,
    deliver_service,
    submit,
    submit_as,
    tr,
)


async def survey_arrives(chat: Chat, database: Database, clock: FixedClock) -> None:
    """The person files a request, it is delivered, and two hours on the survey arrives."""
    reference = await submit(chat)
    await deliver_service(database, clock, reference)
    clock.advance(timedelta(hours=2))
    await send_due(database, clock, tr.t, POLICY)


async def surveys(database: Database) -> list[Survey]:
    async with database.reading() as s:
        return list((await s.execute(select(Survey).order_by(Survey.id))).scalars().all())


async def survey_outbox(database: Database, kind: str = "survey") -> list[OutboxMessage]:
    async with database.reading() as s:
        rows = await s.execute(
            select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
        )
        return list(rows.scalars().all())


async def last_text(engine: Engine, chat: Chat) -> str:
    return (await engine.transcript(chat.channel, chat.chat))[-1].text


async def test_a_delivered_service_is_surveyed_once_rated_once_with_a_comment(
    engine: Engine, database: Database, clock: FixedClock
) -> None:
    await add_staff(database, clock, username="huda", name="هدى", role="researcher")
    chat = Chat(engine, channel="telegram")
    reference = await submit(chat)
    await deliver_service(database, clock, reference)
    (survey,) = await surveys(database)
    assert survey.trigger == "service_delivered" and survey.status == "scheduled"
    assert survey.due_at == SUNDAY + timedelta(hours=2)
    async with database.reading() as s:
        huda = (await s.execute(select(Staff.id))).scalar_one()
    assert survey.staff_id == huda and survey.request_id is not None

    clock.advance(timedelta(hours=1))
    assert await send_due(database, clock, tr.t, POLICY) == 0
    clock.advance(timedelta(hours=1))
    assert await send_due(database, clock, tr.t, POLICY) == 1
    assert await send_due(database, clock, tr.t, POLICY) == 0  # sent once
    history = await engine.transcript("telegram", chat.chat)
    question = history[-1]
    assert reference in question.text and "١" in question.text
    assert len(question.buttons) == 5 and question.payloads[4] == f"sv:{survey.id}:5"
    assert all(len(p.encode()) <= 64 for p in question.payloads)
    (row,) = await survey_outbox(database)
    assert row.state == "pending" and row.due_at == clock.now()

    clock.advance(timedelta(minutes=5))
    await chat.say(payload=f"sv:{survey.id}:5")
    assert "سُجّل تقييمك" in chat.text and "ملاحظة" in chat.text
    assert chat.last[-1].buttons[0].label == "تخطٍّ"
    await chat.say("الموظفة كانت متعاونة جداً، شكراً لكم")
    assert "وصلت ملاحظتك" in chat.text
    await chat.say(payload=f"sv:{survey.id}:2")
    assert "مسجّل من قبل" in chat.text
    (survey,) = await surveys(database)
    assert (survey.status, survey.rating) == ("answered", 5)
    assert survey.comment == "الموظفة كانت متعاونة جداً، شكراً لكم"
    assert survey.answered_at == SUNDAY + timedelta(hours=2, minutes=5)
    # The tap shows in the transcript as the button's label, not as its payload.
    texts = [e.text for e in await engine.transcript("telegram", chat.chat)]
    assert "٥ 😍 راضٍ جداً" in texts


async def test_a_typed_arabic_indic_digit_is_the_rating_and_skip_ends_it(
    engine: Engine, database: Database, clock: FixedClock
) -> None:
    chat = Chat(engine)
    await survey_arrives(chat, database, clock)
    await chat.say("٤")
    assert "سُجّل تقييمك" in chat.text
    await chat.press("تخطٍّ")
    assert chat.text == "شكراً لك 🌷"
    await chat.say("٥")  # no survey waits now: an ordinary message, not a second rating
    assert "سُجّل" not in chat.text and "مسجّل" not in chat.text
    (survey,) = await surveys(database)
    assert (survey.rating, survey.comment) == (4, None)


async def test_a_message_long_after_the_rating_is_not_taken_for_a_comment(
    engine: Engine, database: Database, clock: FixedClock
) -> None:
    chat = Chat(engine)
    await survey_arrives(chat, database, clock)
    await chat.say("3")
    assert "ملاحظة" in chat.text
    clock.advance(timedelta(days=2))
    await chat.say("كم مدة دراسة الطلب")
    assert "أسبوعين" in chat.text  # answered as the question it is
    (survey,) = await surveys(database)
    assert (survey.rating, survey.comment) == (3, None)


async def test_a_reply_at_night_is_not_held_but_the_survey_is(
    engine: Engine, database: Database, clock: FixedClock
) -> None:
    chat = Chat(engine, channel="telegram")
    reference = await submit(chat)
    await deliver_service(database, clock, reference)
    clock.at = datetime(2026, 11, 22, 20, 30, tzinfo=UTC)  # 23:30 Riyadh
    await send_due(database, clock, tr.t, POLICY)
    await chat.say("السلام عليكم")
    async with database.reading() as s:
        rows = (await s.execute(select(OutboxMessage.kind, OutboxMessage.due_at))).all()
    reply_due = [due for kind, due in rows if kind == "reply"][-1]
    survey_due = [due for kind, due in rows if kind == "survey"][-1]
    assert reply_due == clock.now()
    assert survey_due == datetime(2026, 11, 23, 5, 0, tzinfo=UTC)  # Monday 08:00 Riyadh


async def test_one_reminder_after_a_day_then_it_closes_after_a_week(
    engine: Engine, database: Database, clock: FixedClock
) -> None:
    chat = Chat(engine)
    await survey_arrives(chat, database, clock)
    clock.advance(timedelta(hours=23))
    assert await remind_and_expire(database, clock, tr.t, POLICY) == (0, 0)
    clock.advance(timedelta(hours=1))
    assert await remind_and_expire(database, clock, tr.t, POLICY) == (1, 0)
    assert "تذكير" in await last_text(engine, chat)
    clock.advance(timedelta(days=2))
    assert await remind_and_expire(database, clock, tr.t, POLICY) == (0, 0)  # only one
    clock.advance(timedelta(days=5))
    assert await remind_and_expire(database, clock, tr.t, POLICY) == (0, 1)
    (survey,) = await surveys(database)
    assert survey.status == "expired"
    await chat.say(payload=f"sv:{survey.id}:3")  # the old message's button, after it closed
    assert "انتهت مدة هذا الاستبيان" in chat.text
    (survey,) = await surveys(database)
    assert survey.rating is None


async def test_quiet_hours_hold_the_survey_until_morning(
    engine: Engine, database: Database, clock: FixedClock
) -> None:
    chat = Chat(engine, channel="telegram")
    reference = await submit(chat)
    clock.at = datetime(2026, 11, 22, 18, 30, tzinfo=UTC)  # 21:30 Riyadh
    await deliver_service(database, clock, reference)
    (survey,) = await surveys(database)
    morning = datetime(2026, 11, 23, 5, 0, tzinfo=UTC)  # Monday 08:00 Riyadh
    assert survey.due_at == morning
    clock.at = morning
    assert await send_due(database, clock, tr.t, POLICY) == 1
    (row,) = await survey_outbox(database)
    assert row.due_at == morning


async def test_a_case_closed_by_staff_or_by_the_beneficiary_is_surveyed(
    engine: Engine, database: Database, clock: FixedClock
) -> None:
    inbox = StaffInbox(database, clock, tr.t, "-100", POLICY)
    code = await add_staff(database, clock, username="huda", name="هدى", role="researcher")
    await inbox.handle(
        update_id=1, user_id=7, text=f"/link {code}", thread_id=None, reply_to=None, callback=None
    )
    amina, omar = Chat(engine, "amina"), Chat(engine, "omar")
    await amina.say("ابي اكلم موظف")
    await omar.say("ابي اكلم موظف")
    async with database.reading() as s:
        first, second = (await s.execute(select(HandoverCase.id).order_by(HandoverCase.id))).all()
    for n, action in enumerate(("claim", "close", "close")):
        await inbox.handle(
            update_id=10 + n,
            user_id=7,
            text="",
            thread_id=None,
            reply_to=None,
            callback=f"case:{action}:{first[0]}",
        )
    await omar.say("/cancel")
    by_case = {s.case_id: s for s in await surveys(database)}
    assert set(by_case) == {first[0], second[0]}
    assert {s.trigger for s in by_case.values()} == {"case_closed"}
    async with database.reading() as s:
        huda = (await s.execute(select(Staff.id))).scalar_one()
    assert by_case[first[0]].staff_id == huda and by_case[second[0]].staff_id is None
    clock.advance(timedelta(hours=2))
    assert await send_due(database, clock, tr.t, POLICY) == 2
    assert "تواصلك الأخير" in await last_text(engine, amina)
    await amina.say("5")
    assert "سُجّل تقييمك" in amina.text


async def test_a_campaign_surveys_each_request_once_even_when_run_again(
    engine: Engine, database: Database, clock: FixedClock
) -> None:
    for name in ("amina", "omar", "sara"):
        await submit_as(engine, name)
    async with database.reading() as s:
        references = (await s.execute(select(SupportRequest.reference))).scalars().all()
    for reference in references[:2]:
        await deliver_service(database, clock, str(reference))
    seen: list[tuple[int, int]] = []
    count = await push_campaign(
        database,
        clock,
        tr.t,
        POLICY,
        status="service_delivered",
        since=SUNDAY - timedelta(days=1),
        batch=1,
        progress=lambda done, total: seen.append((done, total)),
    )
    assert count == 2 and seen == [(1, 2), (2, 2)]
    again = await push_campaign(
        database, clock, tr.t, POLICY, status="service_delivered", since=SUNDAY - timedelta(days=1)
    )
    assert again == 0
    campaign = [s for s in await surveys(database) if s.trigger == "campaign"]
    assert len(campaign) == 2 and {s.status for s in campaign} == {"sent"}
    # A campaign's messages are told apart, so `survey push` can follow their delivery.
    assert len(await survey_outbox(database, "campaign")) == 2
    later = await push_campaign(
        database, clock, tr.t, POLICY, status="service_delivered", since=SUNDAY + timedelta(days=1)
    )
    assert later == 0


async def test_three_processes_sending_at_once_send_each_survey_once(
    engine: Engine, database: Database, clock: FixedClock
) -> None:
    for name in ("amina", "omar", "sara"):
        await submit_as(engine, name)
    async with database.reading() as s:
        references = (await s.execute(select(SupportRequest.reference))).scalars().all()
    for reference in references:
        await deliver_service(database, clock, str(reference))
    clock.advance(timedelta(hours=2))
    # On PostgreSQL three engines, as three processes would have; SQLite has one writer.
    pg = not database.is_sqlite
    others = [Database(database.url, schema=database.schema) if pg else database for _ in "ab"]
    try:
        sent = await asyncio.gather(
            send_due(database, clock, tr.t, POLICY),
            *(send_due(db, clock, tr.t, POLICY) for db in others),
        )
    finally:
        for db in others:
            if pg:
                await db.dispose()
    assert sum(sent) == 3
    assert len(await survey_outbox(database)) == 3


# -- "تقييم الخدمة" from the menu (issue 11) ----------------------------------------------------


async def test_rating_from_the_menu_with_nothing_to_rate_takes_general_feedback(
    engine: Engine, database: Database
) -> None:
    chat = Chat(engine)
    await chat.say(payload="intent:feedback")
    assert chat.text == tr("feedback-general-ask") and "التركيز على" not in chat.text
    assert [b.label for b in chat.last[-1].buttons] == ["🏠 القائمة"]
    await chat.say("4")  # a rating, never «ما قدرت أجاوب»
    assert "سُجّل تقييمك" in chat.text and "ما قدرت" not in chat.text
    await chat.say("الموظفين متعاونين")
    assert chat.text == tr("survey-comment-thanks")
    await chat.say("تقييم الخدمة")
    await chat.say("اتمنى يكون فيه فرع في الطائف")
    assert chat.text == tr("feedback-general-thanks")
    rows = await surveys(database)
    assert [(s.trigger, s.status, s.rating, s.comment) for s in rows] == [
        ("feedback", "answered", 4, "الموظفين متعاونين"),
        ("feedback", "answered", None, "اتمنى يكون فيه فرع في الطائف"),
    ]
    assert all(s.request_id is None and s.case_id is None for s in rows)


async def test_rating_from_the_menu_rates_the_delivered_service_once(
    engine: Engine, database: Database, clock: FixedClock
) -> None:
    chat = Chat(engine)
    reference = await submit(chat)
    await deliver_service(database, clock, reference)
    await chat.say(payload="intent:feedback")
    assert reference in chat.text and len(chat.last[-1].buttons) == 5
    await chat.say("٤")
    assert "سُجّل تقييمك" in chat.text
    (survey,) = await surveys(database)
    assert (survey.trigger, survey.status, survey.rating) == ("service_delivered", "answered", 4)
    clock.advance(timedelta(hours=3))
    assert await send_due(database, clock, tr.t, POLICY) == 0  # not asked a second time
    await chat.say(payload="intent:feedback")
    assert chat.text == tr("feedback-general-ask")  # nothing left to rate


async def test_rating_from_the_menu_rates_a_closed_case(
    engine: Engine, database: Database, clock: FixedClock
) -> None:
    chat = Chat(engine)
    await chat.say("ابي اكلم موظف")
    await chat.say("انهاء المحادثة")
    clock.advance(timedelta(minutes=1))
    await chat.say("تقييم الخدمة")
    assert "تواصلك الأخير" in chat.text
    await chat.say("5")
    (survey,) = await surveys(database)
    assert (survey.trigger, survey.status, survey.rating) == ("case_closed", "answered", 5)
    assert survey.case_id is not None
