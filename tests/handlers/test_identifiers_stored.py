"""Identifiers typed where they don't belong never reach the database in clear.

Through the real engine on SQLite and PostgreSQL, on the web and Telegram channels: a
national ID and a mobile in a question, in a handover, at the name step, in a request's
description, in a completion and in a survey comment. Afterwards every text and JSON
column of every row of every table is read back, and none holds the digits.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.i18n import Catalog
from faq.bidi import ltr
from faq.service import FaqService
from handlers.clock import FixedClock
from handlers.engine import Engine
from handlers.staff_inbox import StaffInbox
from handlers.surveys import send_due
from storage import data_keys
from storage.crypto import Vault
from storage.db import Database
from storage.models import HandoverCase, Message, OutboxMessage, SupportRequest, Survey
from tests.handlers.chats import (
    KEY,
    NATIONAL_ID,
    POLICY,
    Chat,
    fill_until_summary,
    form_engine,
    move,
)
from tests.handlers.stored import copies_in

tr = Catalog("ar")
STAFF_CHAT = "-100777"
CHANNELS = ["web", "telegram"]
# Typed in free text; the 9 national digits of a mobile cover every way it is written.
ID = "1000000008"
OTHER_ID = "2000000006"
PHONE, OTHER_PHONE, NEW_PHONE = "551234567", "561234567", "571234567"
FORM_PHONE = "558764321"  # what fill_until_summary types at the phone step
SECRETS = (ID, OTHER_ID, NATIONAL_ID, PHONE, OTHER_PHONE, NEW_PHONE, FORM_PHONE)
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212.\u00a0]")


@pytest.fixture
def engine(database: Database, faq: FaqService, clock: FixedClock) -> Engine:
    engine = form_engine(database, faq, clock)
    # The Telegram staff group gets every case and its messages.
    engine.staff = StaffInbox(database, clock, tr.t, STAFF_CHAT)
    return engine


async def clear_copies(database: Database) -> list[str]:
    """Every stored value, in every table, that holds one of SECRETS however written."""
    return await copies_in(database, SECRETS, _SEPARATORS)


async def texts_in(database: Database) -> list[str]:
    async with database.reading() as s:
        return list((await s.execute(select(Message.text).order_by(Message.id))).scalars())


async def staff_group(database: Database) -> str:
    async with database.reading() as s:
        rows = await s.execute(
            select(OutboxMessage.body).where(OutboxMessage.chat_id == STAFF_CHAT)
        )
        return "\n".join(str(body["text"]) for body in rows.scalars())


@pytest.mark.parametrize("channel", CHANNELS)
async def test_numbers_in_a_question_and_a_handover_are_masked_for_staff_and_kept_encrypted(
    engine: Engine, database: Database, clock: FixedClock, channel: str
) -> None:
    chat = Chat(engine, channel=channel)
    await chat.say("رقم هويتي 1000000008 وجوالي 0551234567 ابي اكلم موظف")
    # The matcher saw enough of it: a person takes over.
    assert "مسؤول البحث الاجتماعي" in chat.text
    clock.advance(timedelta(minutes=1))
    await chat.say("ورقم هوية أخوي ٢٠٠٠٠٠٠٠٠٦ وجواله +966 56 123 4567")

    masked = f"رقم هويتي {ltr('1*******08')} وجوالي {ltr('+9665*****567')} ابي اكلم موظف"
    second = f"ورقم هوية أخوي {ltr('2*******06')} وجواله {ltr('+9665*****567')}"
    history = [e.text for e in await engine.transcript(channel, chat.chat)]
    assert masked in history and second in history
    group = await staff_group(database)
    assert masked in group and second in group  # the case card, then the message
    assert await clear_copies(database) == []

    async with database.reading() as s:
        rows = (await s.execute(select(Message).where(Message.direction == "in"))).scalars()
        tokens = [m.identifiers_enc for m in rows]
        case = (await s.execute(select(HandoverCase))).scalar_one()
        # Sealed under the beneficiary's own data key, which the master key unwraps.
        opened = [await data_keys.open_json(s, Vault(KEY), t) for t in tokens if t]
    assert case.reason == "request"
    assert all(t.startswith("dk1.") for t in tokens if t)
    assert opened == [
        [{"kind": "national_id", "value": ID}, {"kind": "phone", "value": "+966" + PHONE}],
        [
            {"kind": "national_id", "value": OTHER_ID},
            {"kind": "phone", "value": "+966" + OTHER_PHONE},
        ],
    ]


@pytest.mark.parametrize("channel", CHANNELS)
async def test_an_id_at_the_name_step_a_description_a_completion_and_a_comment_are_masked(
    engine: Engine, database: Database, clock: FixedClock, channel: str
) -> None:
    chat = Chat(engine, channel=channel)
    await chat.say("ابي اقدم طلب مساعدة")
    await chat.say(ID)  # at the name step
    assert tr("form-name-digits") in chat.text
    assert ltr("1*******08") in await texts_in(database)
    assert await clear_copies(database) == []

    await chat.say(payload="form:cancel")
    await fill_until_summary(chat)
    await chat.press(tr("form-edit"))
    await chat.press(tr("form-field-description"))
    await chat.say("بنتي تحتاج عملية في القلب، وجوال أبوها 0561234567 للتواصل")
    assert ltr("+9665*****567") in chat.text  # the summary shows it masked
    await chat.press(tr("form-confirm"))
    await chat.press(tr("form-accept"))
    reference = chat.text.split("رقم طلبك: ")[1].split()[0]

    await move(database, clock, reference, "needs_info", note="رقم هوية الأم")
    await chat.say("وش صار على طلبي")
    await chat.press(tr("requests-complete", reference=reference))
    await chat.press(tr("form-field-description"))
    await chat.say("رقم هوية أمها 2000000006 وهي المرافقة في المستشفى")
    assert "عاد طلبك" in chat.text

    await move(database, clock, reference, "accepted")
    await move(database, clock, reference, "service_delivered")
    clock.advance(timedelta(hours=2))
    await send_due(database, clock, tr.t, POLICY)
    await chat.say("٥")
    await chat.say("شكراً لكم، وجوالي الجديد ٠٥٧١٢٣٤٥٦٧ لو احتجتوني")
    assert "وصلت ملاحظتك" in chat.text

    async with database.reading() as s:
        request = (await s.execute(select(SupportRequest))).scalar_one()
        survey = (await s.execute(select(Survey))).scalar_one()
    assert request.description == (f"رقم هوية أمها {ltr('2*******06')} وهي المرافقة في المستشفى")
    assert survey.comment == f"شكراً لكم، وجوالي الجديد {ltr('+9665*****567')} لو احتجتوني"
    assert await clear_copies(database) == []
