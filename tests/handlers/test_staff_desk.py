"""The staff desk's use cases (handlers/staff_desk.py), on real databases."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.i18n import Catalog
from handlers.clock import FixedClock
from handlers.engine import Engine
from handlers.errors import Refusal
from handlers.requests import TransitionError
from handlers.staff_auth import (
    StaffMember,
    authenticate,
    set_password,
)
from handlers.staff_desk import MAX_REPLY_CHARS, StaffDesk
from handlers.staff_inbox import add_staff
from handlers.types import Incoming
from storage.crypto import Vault
from storage.db import Database
from storage.models import (
    AuditEvent,
    Conversation,
    HandoverCase,
    Message,
    OutboxMessage,
    Survey,
)
from tests.handlers.chats import KEY, NATIONAL_ID, SUNDAY, Chat, submit

tr = Catalog("ar")
PASSWORD = "كلمة سر طويلة 123"


@pytest.fixture
def woken() -> list[int]:
    return []


@pytest.fixture
def desk(database: Database, clock: FixedClock, woken: list[int]) -> StaffDesk:
    return StaffDesk(database, clock, tr.t, Vault(KEY), on_commit=lambda: woken.append(1))


async def staff(database: Database, clock: FixedClock, username: str, role: str) -> StaffMember:
    await add_staff(database, clock, username=username, name=f"موظف {username}", role=role)
    await set_password(database, username, PASSWORD)
    member = await authenticate(database, username, PASSWORD)
    assert member is not None
    return member


async def ask_for_human(engine: Engine, chat: str, channel: str = "web") -> None:
    await engine.handle(Incoming(channel, chat, chat, text="ابي اكلم موظف"))


async def test_case_tabs_put_the_longest_waiting_first(
    database: Database, engine: Engine, desk: StaffDesk, clock: FixedClock
) -> None:
    sara = await staff(database, clock, "sara", "researcher")
    await ask_for_human(engine, "first")
    clock.advance(timedelta(minutes=10))
    await ask_for_human(engine, "second", channel="telegram")
    clock.advance(timedelta(minutes=5))

    rows = await desk.list_cases("open", sara)
    assert [r.channel for r in rows] == ["web", "telegram"]
    assert [r.waiting_since for r in rows] == [SUNDAY, SUNDAY + timedelta(minutes=10)]
    assert all(r.status == "open" and r.assignee is None for r in rows)
    first, second = rows[0].id, rows[1].id

    # Answered: no longer waiting, so it goes after the one still waiting.
    await desk.reply(first, sara, "أهلاً، معك سارة")
    rows = await desk.list_cases("open", sara)
    assert [r.id for r in rows] == [second, first]
    assert rows[1].waiting_since is None and rows[1].assignee == "موظف sara"
    assert [r.id for r in await desk.list_cases("mine", sara)] == [first]
    assert [r.id for r in await desk.list_cases("unclaimed", sara)] == [second]

    # The beneficiary writes again: waiting since that message.
    clock.advance(timedelta(minutes=3))
    await engine.handle(Incoming("web", "first", "first", text="طيب متى يوصلني الرد؟"))
    rows = await desk.list_cases("open", sara)
    assert rows[1].id == first and rows[1].waiting_since == SUNDAY + timedelta(minutes=18)

    await desk.close(second, sara)
    assert [r.id for r in await desk.list_cases("closed", sara)] == [second]
    assert [r.id for r in await desk.list_cases("open", sara)] == [first]


async def test_a_reply_reaches_the_beneficiary_on_their_own_channel(
    database: Database, engine: Engine, desk: StaffDesk, clock: FixedClock, woken: list[int]
) -> None:
    sara = await staff(database, clock, "sara", "researcher")
    await ask_for_human(engine, "web-visitor")
    await ask_for_human(engine, "4242", channel="telegram")
    web_case, tg_case = sorted(r.id for r in await desk.list_cases("open", sara))

    await desk.reply(web_case, sara, "أهلاً، كيف أقدر أخدمك؟")
    transcript = await engine.transcript("web", "web-visitor")
    assert transcript[-1].direction == "out"
    assert transcript[-1].text == "موظف sara من فريق الجمعية:\nأهلاً، كيف أقدر أخدمك؟"
    assert transcript[-1].id > transcript[-2].id > 0
    assert woken == []  # the web chat reads its transcript; nothing to send

    await desk.reply(tg_case, sara, "  مرحباً من تيليجرام  ")
    assert woken == [1]  # the dispatcher is woken for the Telegram message
    async with database.reading() as s:
        pending = (
            (await s.execute(select(OutboxMessage).where(OutboxMessage.channel == "telegram")))
            .scalars()
            .all()
        )
        case = await s.get(HandoverCase, tg_case)
    assert pending[-1].state == "pending" and pending[-1].chat_id == "4242"
    assert pending[-1].body["text"].endswith("مرحباً من تيليجرام")
    assert case is not None and case.status == "claimed" and case.assignee_id == sara.id

    view = await desk.case(tg_case)
    assert [m.author for m in view.messages][-1] == "staff"
    newer = await desk.case(tg_case, after=view.messages[-2].id)
    assert [m.text for m in newer.messages] == [view.messages[-1].text]


async def test_bad_replies_and_closed_cases_change_nothing(
    database: Database, engine: Engine, desk: StaffDesk, clock: FixedClock
) -> None:
    sara = await staff(database, clock, "sara", "researcher")
    await ask_for_human(engine, "v")
    (case_id,) = [r.id for r in await desk.list_cases("open", sara)]

    async def messages() -> int:
        async with database.reading() as s:
            return len((await s.execute(select(Message))).scalars().all())

    before = await messages()
    with pytest.raises(Refusal) as empty:
        await desk.reply(case_id, sara, "   ")
    assert tr(empty.value.message_id) == "اكتب نص الرد أولاً."
    with pytest.raises(Refusal) as long:
        await desk.reply(case_id, sara, "ا" * (MAX_REPLY_CHARS + 1))
    assert long.value.http_status == 413
    with pytest.raises(Refusal) as missing:
        await desk.claim(99999, sara)
    assert missing.value.http_status == 404
    assert await messages() == before

    await desk.close(case_id, sara)
    transcript = await engine.transcript("web", "v")
    assert transcript[-1].text == tr("case-closed-by-staff")
    async with database.reading() as s:
        conversation = (await s.execute(select(Conversation))).scalar_one()
        audit = (await s.execute(select(AuditEvent.action, AuditEvent.actor))).all()
    assert "case_id" not in conversation.state and conversation.state["mode"] == "idle"
    assert ("case.closed", "staff:sara") in audit
    for act in (
        desk.claim(case_id, sara),
        desk.reply(case_id, sara, "مرحبا"),
        desk.close(case_id, sara),
    ):
        with pytest.raises(Refusal) as closed:
            await act
        assert closed.value.http_status == 409
        assert tr(closed.value.message_id, closed.value.arguments) == f"الحالة {case_id} مغلقة."


async def test_requests_are_listed_masked_and_revealed_only_to_an_admin(
    database: Database, engine: Engine, desk: StaffDesk, clock: FixedClock
) -> None:
    sara = await staff(database, clock, "sara", "researcher")
    boss = await staff(database, clock, "boss", "admin")
    reference = await submit(Chat(engine))

    rows = await desk.list_requests()
    assert [r.reference for r in rows] == [reference]
    assert await desk.list_requests(status="submitted", type_=rows[0].type) == rows
    assert await desk.list_requests(status="closed") == []
    assert await desk.list_requests(type_="نوع آخر") == []
    assert await desk.request_types() == [rows[0].type]

    view = await desk.request(reference)
    assert view.national_id_masked == "1*******39"
    assert view.phone_masked == "+9665*****321"
    assert [a.kind for a in view.attachments] == ["photo"]
    assert view.next_statuses == ("under_review", "needs_info", "accepted", "rejected", "closed")

    with pytest.raises(Refusal) as refused:
        await desk.reveal(reference, sara)
    assert refused.value.http_status == 403
    assert "للمشرفين فقط" in tr(refused.value.message_id)
    revealed = await desk.reveal(reference, boss)
    assert (revealed.national_id, revealed.phone) == (NATIONAL_ID, "+966558764321")
    async with database.reading() as s:
        reveals = (
            (await s.execute(select(AuditEvent).where(AuditEvent.action == "request.revealed")))
            .scalars()
            .all()
        )
    assert [(a.actor, a.subject) for a in reveals] == [("staff:boss", f"request:{reference}")]
    with pytest.raises(Refusal):
        await desk.request("0000-00000")


async def test_needs_info_names_what_is_missing_and_tells_the_beneficiary(
    database: Database, engine: Engine, desk: StaffDesk, clock: FixedClock
) -> None:
    sara = await staff(database, clock, "sara", "researcher")
    reference = await submit(Chat(engine))
    with pytest.raises(TransitionError):
        await desk.change_status(reference, "needs_info", None, sara)
    change = await desk.change_status(reference, "needs_info", "صورة الهوية وتقرير طبي حديث", sara)
    assert change.notified and change.to_status == "needs_info"
    transcript = await engine.transcript("web", "amina")
    assert "بحاجة إلى استكمال" in transcript[-1].text
    assert "صورة الهوية وتقرير طبي حديث" in transcript[-1].text
    view = await desk.request(reference)
    assert view.missing_info == "صورة الهوية وتقرير طبي حديث"
    assert view.transitions[-1].actor == "staff:sara"
    with pytest.raises(TransitionError):
        await desk.change_status(reference, "service_delivered", None, sara)


async def test_with_a_staff_group_the_web_actions_show_in_the_cases_topic(
    database: Database, engine: Engine, clock: FixedClock, woken: list[int]
) -> None:
    desk = StaffDesk(
        database, clock, tr.t, Vault(KEY), on_commit=lambda: woken.append(1), staff_chat="-1001"
    )
    sara = await staff(database, clock, "sara", "researcher")
    await ask_for_human(engine, "v")
    (case_id,) = [r.id for r in await desk.list_cases("open", sara)]
    await desk.claim(case_id, sara)
    await desk.reply(case_id, sara, "مرحباً")
    await desk.close(case_id, sara)
    async with database.reading() as s:
        rows = (
            (await s.execute(select(OutboxMessage).where(OutboxMessage.channel == "tgstaff")))
            .scalars()
            .all()
        )
    assert [(r.chat_id, r.body["case_id"]) for r in rows] == [("-1001", case_id)] * 3
    assert [r.body["text"] for r in rows] == [
        tr("staff-claimed", case=case_id, name="موظف sara"),
        tr("staffweb-group-reply", name="موظف sara", text="مرحباً"),
        tr("staff-closed", case=case_id, name="موظف sara"),
    ]
    assert woken == [1, 1, 1]


async def test_closing_a_case_nobody_claimed_makes_it_and_its_survey_the_closers(
    engine: Engine, database: Database, clock: FixedClock, desk: StaffDesk
) -> None:
    sara = await staff(database, clock, "sara", "researcher")
    await ask_for_human(engine, "v1")
    await desk.close(1, sara)
    async with database.reading() as s:
        case = await s.get(HandoverCase, 1)
        survey = (await s.execute(select(Survey))).scalar_one()
    assert case is not None and case.status == "closed" and case.assignee_id == sara.id
    assert survey.trigger == "case_closed" and survey.staff_id == sara.id
    assert (await desk.list_cases("closed", sara))[0].assignee == "موظف sara"
