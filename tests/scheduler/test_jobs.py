"""The periodic jobs, called directly with an injected clock, on real databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from bot.config import Settings
from bot.health import Health
from bot.i18n import Catalog
from bot.server import background
from bot.wiring import open_core
from faq.service import FaqService
from handlers.clock import FixedClock
from handlers.engine import Engine
from handlers.staff_inbox import STAFF_CHANNEL
from handlers.surveys import SurveyPolicy
from scheduler.jobs import (
    JOB_IDS,
    build_scheduler,
    expire_drafts,
    remind_unclaimed,
    review_overdue,
    still_under_review,
)
from storage.db import Database
from storage.models import AuditEvent, Conversation, HandoverCase, OutboxMessage
from tests.handlers.chats import Chat, submit

tr = Catalog("ar")
POLICY = SurveyPolicy()


async def staff_rows(database: Database) -> list[str]:
    async with database.reading() as s:
        rows = await s.execute(
            select(OutboxMessage.body)
            .where(OutboxMessage.channel == STAFF_CHANNEL)
            .order_by(OutboxMessage.id)
        )
        return [str(body["text"]) for body in rows.scalars()]


async def test_a_request_under_review_hears_from_us_every_week(
    engine: Engine, database: Database, clock: FixedClock
) -> None:
    chat = Chat(engine, channel="telegram")
    reference = await submit(chat)
    clock.advance(timedelta(days=6))
    assert await still_under_review(database, clock, tr.t, POLICY) == 0
    clock.advance(timedelta(days=1))
    assert await still_under_review(database, clock, tr.t, POLICY) == 1
    assert await still_under_review(database, clock, tr.t, POLICY) == 0
    update = (await engine.transcript("telegram", chat.chat))[-1].text
    assert reference in update
    assert "«مُقدَّم»" in update and "هـ" in update and "م)" in update
    clock.advance(timedelta(days=7))
    assert await still_under_review(database, clock, tr.t, POLICY) == 1


async def test_a_weekly_update_due_at_night_waits_for_the_morning(
    engine: Engine, database: Database, clock: FixedClock
) -> None:
    chat = Chat(engine, channel="telegram")
    clock.at = datetime(2026, 11, 22, 20, 0, tzinfo=UTC)  # 23:00 Riyadh
    await submit(chat)
    clock.advance(timedelta(days=7))
    assert await still_under_review(database, clock, tr.t, POLICY) == 1
    async with database.reading() as s:
        row = (
            await s.execute(select(OutboxMessage).where(OutboxMessage.kind == "update"))
        ).scalar_one()
    assert row.due_at == datetime(2026, 11, 30, 5, 0, tzinfo=UTC)  # Monday 08:00 Riyadh


async def test_staff_hear_once_when_a_request_is_past_its_review_period(
    engine: Engine, database: Database, clock: FixedClock
) -> None:
    reference = await submit(Chat(engine))
    clock.advance(timedelta(days=13))
    assert await review_overdue(database, clock, tr.t, review_days=14, staff_chat="-100") == 0
    clock.advance(timedelta(days=1))
    assert await review_overdue(database, clock, tr.t, review_days=14, staff_chat="-100") == 1
    assert await review_overdue(database, clock, tr.t, review_days=14, staff_chat="-100") == 0
    (alert,) = await staff_rows(database)
    assert reference in alert and "14" in alert and "مدة الدراسة" in alert
    # A guide without a number of days ("a specified period") has nothing to measure.
    assert await review_overdue(database, clock, tr.t, review_days=None, staff_chat=None) == 0


async def test_without_a_staff_group_the_overdue_alert_is_an_audit_event(
    engine: Engine, database: Database, clock: FixedClock
) -> None:
    reference = await submit(Chat(engine))
    clock.advance(timedelta(days=15))
    assert await review_overdue(database, clock, tr.t, review_days=14, staff_chat=None) == 1
    assert await staff_rows(database) == []
    async with database.reading() as s:
        subjects = (
            await s.execute(
                select(AuditEvent.subject).where(AuditEvent.action == "request.review_overdue")
            )
        ).scalars()
        assert list(subjects) == [f"request:{reference}"]


async def test_an_expired_draft_is_announced_without_waiting_for_the_person(
    engine: Engine, database: Database, clock: FixedClock
) -> None:
    chat = Chat(engine)
    await chat.say("ابي اقدم طلب مساعدة")
    await chat.say("سارة محمد العتيبي")
    await Chat(engine, "omar").say("السلام عليكم")  # no draft: left alone
    form = engine.dialog.form
    assert form is not None
    clock.advance(timedelta(days=6))
    assert await expire_drafts(database, clock, form, POLICY) == 0
    clock.advance(timedelta(days=2))
    assert await expire_drafts(database, clock, form, POLICY) == 1
    assert await expire_drafts(database, clock, form, POLICY) == 0
    assert "انتهت صلاحية طلبك" in (await engine.transcript("web", "amina"))[-1].text
    async with database.reading() as s:
        states = (await s.execute(select(Conversation.state))).scalars().all()
    assert not any("form" in state for state in states)
    await chat.say("ابي اقدم طلب مساعدة")  # a fresh start, no second expiry notice
    assert "انتهت" not in chat.text and "1️⃣" in chat.text


async def test_staff_are_reminded_of_unclaimed_cases_until_one_claims(
    engine: Engine, database: Database, clock: FixedClock
) -> None:
    await Chat(engine).say("ابي اكلم موظف")
    clock.advance(timedelta(hours=1))
    assert await remind_unclaimed(database, clock, tr.t, staff_chat="-100") == 0
    clock.advance(timedelta(hours=1))
    assert await remind_unclaimed(database, clock, tr.t, staff_chat="-100") == 1
    clock.advance(timedelta(minutes=30))
    assert await remind_unclaimed(database, clock, tr.t, staff_chat="-100") == 0
    clock.advance(timedelta(hours=2))
    assert await remind_unclaimed(database, clock, tr.t, staff_chat="-100") == 1
    reminders = await staff_rows(database)
    assert len(reminders) == 2 and "#1" in reminders[1] and "4 ساعة" in reminders[1]
    async with database.transaction() as s:
        case = (await s.execute(select(HandoverCase))).scalar_one()
        case.status, case.assignee_id = "claimed", None
    clock.advance(timedelta(hours=3))
    assert await remind_unclaimed(database, clock, tr.t, staff_chat="-100") == 0


async def test_the_scheduler_registers_each_job_once_under_its_fixed_id(
    tmp_path: Path, faq: FaqService
) -> None:
    settings = Settings(data_dir=tmp_path, org="little-hearts")
    clock = FixedClock(datetime(2026, 11, 22, 7, 0, tzinfo=UTC))
    async with open_core(settings, tr, faq=faq, clock=clock) as core:
        scheduler = build_scheduler(
            core.db,
            clock,
            tr.t,
            core.surveys,
            profile=core.faq.profile,
            form=core.engine.dialog.form,
            wake=None,
            staff_chat=None,
        )
        assert sorted(j.id for j in scheduler.get_jobs()) == sorted(JOB_IDS)
        health = Health()
        async with background(core, health):  # the server starts and stops it
            # SQLite: one process, which runs its scheduler at once.
            assert health.report()["scheduler"] == "leader"
