"""The support request form through the engine, on real databases."""

from __future__ import annotations

import base64
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from handlers.clock import Clock, FixedClock
from handlers.dates import format_date
from handlers.engine import Engine
from handlers.requests import TransitionError, set_status
from handlers.types import Attachment
from storage import data_keys
from storage.crypto import Vault
from storage.db import Database
from storage.models import (
    Beneficiary,
    HandoverCase,
    Message,
    OutboxMessage,
    RequestAttachment,
    RequestTransition,
    SupportRequest,
)
from tests.bidi import plain
from tests.handlers.chats import (
    KEY,
    NATIONAL_ID,
    SUNDAY,
    Chat,
    fill_until_summary,
    submit,
    tr,
)


async def test_the_form_files_a_request_with_a_reference_and_the_review_period(
    engine: Engine, database: Database
) -> None:
    chat = Chat(engine)
    reference = await submit(chat)
    assert reference.startswith("2611-")
    assert "خلال مدة لا تقل عن أسبوعين" in chat.text
    async with database.reading() as s:
        request = (await s.execute(select(SupportRequest))).scalar_one()
        transitions = (await s.execute(select(RequestTransition))).scalars().all()
        files = (await s.execute(select(RequestAttachment))).scalars().all()
        beneficiary = await s.get(Beneficiary, request.beneficiary_id)
        national_id = await data_keys.open_token(s, Vault(KEY), request.national_id_enc)
        phone = await data_keys.open_token(s, Vault(KEY), request.phone_enc)
    assert request.status == "submitted" and request.reference == reference
    assert request.full_name == "سارة محمد العتيبي" and request.city == "جدة"
    assert national_id == NATIONAL_ID and phone == "+966558764321"
    assert request.declaration_version == "v-test" and request.declared_at == SUNDAY
    assert [(t.from_status, t.to_status) for t in transitions] == [(None, "submitted")]
    assert [(f.file_id, f.kind, f.size) for f in files] == [("file-1", "photo", 120_000)]
    assert beneficiary is not None and beneficiary.national_id_hash == Vault(KEY).keyed_hash(
        NATIONAL_ID
    )


async def test_each_bad_field_names_its_rule_and_keeps_the_step(engine: Engine) -> None:
    chat = Chat(engine)
    await chat.say("ابي اقدم طلب")
    await chat.say("Sara Alotaibi")
    assert tr("form-name-latin") in chat.text
    await chat.say("سارة العتيبي")
    await chat.say("١٠٠٠٠٠٠٠٠")  # nine digits
    assert "9" in chat.text and "2️⃣" not in chat.text
    await chat.say("1098765438")
    assert tr("form-national-id-checksum") in chat.text
    await chat.say("1098-7654-39")
    assert "3️⃣" in chat.text
    await chat.say("0112345678")
    assert tr("form-mobile-landline") in chat.text
    await chat.say("+966 50 123 4567")
    assert "4️⃣" in chat.text


async def test_back_cancel_and_a_question_in_the_middle(engine: Engine) -> None:
    chat = Chat(engine)
    await chat.say("ابي اقدم طلب")
    await chat.say("سارة العتيبي")
    await chat.say("رجوع")
    assert "1️⃣" in chat.text
    await chat.say("سارة العتيبي")
    await chat.say(NATIONAL_ID)
    await chat.say("كم مدة دراسة الطلب؟")
    assert "أسبوعين" in chat.last[0].text and "3️⃣" in chat.last[-1].text
    await chat.say("0501234567")
    assert "4️⃣" in chat.text
    await chat.press("✖️ إلغاء")
    assert "ألغيت" in chat.text
    await chat.say("كم مدة دراسة الطلب")
    assert "أسبوعين" in chat.text and "4️⃣" not in chat.text


async def test_edit_a_field_from_the_summary_then_back_to_the_summary(engine: Engine) -> None:
    chat = Chat(engine)
    await fill_until_summary(chat)
    await chat.press("✏️ تعديل حقل")
    await chat.press("المدينة")
    await chat.say("الطائف")
    assert "📋" in chat.text and "الطائف" in chat.text


async def test_refusing_the_declaration_keeps_the_draft(engine: Engine, database: Database) -> None:
    chat = Chat(engine)
    await fill_until_summary(chat)
    await chat.press("✅ البيانات صحيحة")
    await chat.press("لا أوافق")
    assert "محفوظ" in chat.text
    await chat.press("أقرّ وأوافق")
    assert "رقم طلبك" in chat.text


async def test_an_unfinished_form_resumes_later_and_expires_after_its_time(
    engine: Engine, clock: FixedClock
) -> None:
    chat = Chat(engine)
    await chat.say("ابي اقدم طلب")
    await chat.say("سارة العتيبي")
    clock.advance(timedelta(days=2))
    await chat.say("السلام عليكم")
    assert tr("form-continue") in [b.label for b in chat.last[-1].buttons]
    await chat.press(tr("form-continue"))
    assert "2️⃣" in chat.text
    clock.advance(timedelta(days=8))
    await chat.say("وين مقركم")
    assert "انتهت صلاحية" in chat.last[0].text
    assert "📍" in chat.last[-1].text


async def test_two_open_requests_of_one_type_are_refused(engine: Engine) -> None:
    chat = Chat(engine)
    reference = await submit(chat)
    await chat.say("ابي اقدم طلب")
    for answer in ("سارة محمد العتيبي", NATIONAL_ID, "0501234567"):
        await chat.say(answer)
    await chat.press("جدة")
    await chat.press("علاج أمراض القلب للأطفال")
    assert reference in chat.text and "5️⃣" not in chat.text


async def test_the_same_national_id_on_two_channels_is_one_beneficiary(
    engine: Engine, database: Database
) -> None:
    await submit(Chat(engine, "amina"))
    other = Chat(engine, "tg-777", channel="telegram")
    await other.say("ابي اقدم طلب")
    for answer in ("سارة محمد العتيبي", NATIONAL_ID, "0501234567"):
        await other.say(answer)
    await other.press("جدة")
    await other.press("دعم أسر أطفال القلب")
    await other.say("احتاج مساعدة في مصاريف السفر للعلاج في جدة")
    await other.press("✔️ تم")
    await other.press("✅ البيانات صحيحة")
    await other.press("أقرّ وأوافق")
    async with database.reading() as s:
        owners = (await s.execute(select(SupportRequest.beneficiary_id))).scalars().all()
    assert len(owners) == 2 and len(set(owners)) == 1
    await other.say("وش صار على طلبي")
    assert other.text.count("📄") == 2


async def test_needs_info_reaches_the_beneficiary_who_completes_it(
    engine: Engine, database: Database, clock: FixedClock
) -> None:
    chat = Chat(engine)
    reference = await submit(chat)
    with pytest.raises(TransitionError):
        await set_status(
            database,
            clock,
            tr.t,
            reference=reference,
            status="needs_info",
            note=None,
            actor="staff:huda",
        )
    with pytest.raises(TransitionError):
        await set_status(
            database,
            clock,
            tr.t,
            reference=reference,
            status="service_delivered",
            note=None,
            actor="staff:huda",
        )
    change = await set_status(
        database,
        clock,
        tr.t,
        reference=reference,
        status="needs_info",
        note="صورة التقرير الطبي الأخير",
        actor="staff:huda",
    )
    assert change.notified
    history = await engine.transcript("web", "amina")
    assert (
        "بحاجة إلى استكمال" in history[-1].text and "صورة التقرير الطبي الأخير" in history[-1].text
    )
    await chat.say("وش صار على طلبي")
    assert "صورة التقرير الطبي الأخير" in chat.text
    await chat.press(tr("requests-complete", reference=reference))
    await chat.say(
        attachments=(Attachment("file-2", "document", 50_000, "report.pdf", "application/pdf"),)
    )
    assert "عاد طلبك" in chat.text
    async with database.reading() as s:
        request = (await s.execute(select(SupportRequest))).scalar_one()
        transitions = (
            await s.execute(select(RequestTransition.to_status, RequestTransition.actor))
        ).all()
        statuses = (await s.execute(select(OutboxMessage.kind))).scalars().all()
    assert request.status == "under_review" and request.missing_info is None
    assert transitions[-1] == ("under_review", "web:amina")
    assert "status" in statuses


async def test_no_identifier_is_kept_in_the_clear(engine: Engine, database: Database) -> None:
    await submit(Chat(engine))
    async with database.reading() as s:
        texts = (await s.execute(select(Message.text))).scalars().all()
    joined = "\n".join(texts)
    assert NATIONAL_ID not in joined and "558764321" not in joined
    assert "1*******39" in joined
    if database.is_sqlite:
        await database.dispose()  # flush the WAL into the file
        path = Path(database.url.split(":///", 1)[1])
        raw = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
        for secret in (NATIONAL_ID, "558764321", base64.b64encode(NATIONAL_ID.encode()).decode()):
            assert secret.encode() not in raw
            assert secret.encode("utf-16-le") not in raw


# -- the step's own answer first, and the ways out of the form (issue 11) ------------------------


def menu(engine: Engine) -> list[str]:
    """The main menu's labels in this association's words (its referral role)."""
    return [b.label for b in engine.dialog.menu_buttons()]


def labels(chat: Chat) -> list[str]:
    return [b.label for b in chat.last[-1].buttons]


async def cases(database: Database) -> list[HandoverCase]:
    async with database.reading() as s:
        return list((await s.execute(select(HandoverCase))).scalars().all())


@pytest.mark.parametrize(
    "name", ["محمد الغامدي", "احمد الزهراني", "عبدالله محمد الشهري", "امل محمد"]
)
async def test_a_name_at_the_name_step_is_the_name(
    engine: Engine, database: Database, name: str
) -> None:
    chat = Chat(engine)
    await chat.say("ابي اقدم طلب")
    await chat.say(name)
    assert chat.text == tr("form-ask-national_id") and not await cases(database)


async def test_a_lone_given_name_gets_the_name_steps_error_every_time(
    engine: Engine, database: Database
) -> None:
    chat = Chat(engine)
    await chat.say("ابي اقدم طلب")
    for _ in range(2):
        await chat.say("محمد")
        assert chat.text == tr("form-name-one-part") and labels(chat) == ["✖️ إلغاء"]
    assert not await cases(database) and "سجّلت شكواك" not in chat.text
    await chat.say("محمد الغامدي")
    assert "2️⃣" in chat.text


@pytest.mark.parametrize("word", ["ابغى الغي", "ابي الغي", "إلغاء", "الغاء", "cancel"])
async def test_cancel_words_at_the_name_step_cancel_and_show_the_menu(
    engine: Engine, word: str
) -> None:
    chat = Chat(engine)
    await chat.say("ابي اقدم طلب")
    await chat.say(word)
    assert "ألغيت" in chat.text and labels(chat) == menu(engine)
    await chat.say("ابي اقدم طلب")
    assert "1️⃣" in chat.text  # nothing was kept: a fresh form


@pytest.mark.parametrize("word", ["اكمل بعدين", "ابي اكمل بعدين", "later", "القائمة"])
async def test_pausing_keeps_the_draft_and_frees_the_next_message(
    engine: Engine, word: str
) -> None:
    chat = Chat(engine)
    await chat.say("ابي اقدم طلب")
    await chat.say("سارة العتيبي")
    await chat.say(word)
    assert "حفظت" in chat.text and "تقديم طلب" in chat.text and labels(chat) == menu(engine)
    await chat.say("وين مقركم")  # handled as a question, not as the national ID
    assert "📍" in chat.text and tr("form-national-id-not-digits") not in chat.text
    await chat.say("ابي اقدم طلب")
    assert labels(chat) == [tr("form-continue"), tr("form-restart")]
    await chat.press(tr("form-continue"))
    assert chat.text == tr("form-ask-national_id")
    await chat.say(NATIONAL_ID)
    assert "3️⃣" in chat.text


async def test_a_real_question_leaves_the_step_and_the_step_comes_back(engine: Engine) -> None:
    chat = Chat(engine)
    await chat.say("ابي اقدم طلب")
    await chat.say("كم مدة دراسة الطلب")  # passes the name check, but asks
    assert "أسبوعين" in chat.last[0].text and chat.last[-1].text == tr("form-ask-name")
    await chat.say("سارة العتيبي")
    await chat.say("وش المستندات المطلوبة")
    assert chat.last[-1].text == tr("form-ask-national_id")


async def test_a_complaint_mid_form_opens_a_case_and_the_draft_waits(
    engine: Engine, database: Database
) -> None:
    chat = Chat(engine)
    await chat.say("ابي اقدم طلب")
    await chat.say("سارة العتيبي")
    await chat.say("ابي اكلم موظف")
    assert "حفظت" in chat.last[0].text and len(await cases(database)) == 1
    assert labels(chat) == ["إنهاء المحادثة"]
    await chat.press("إنهاء المحادثة")
    assert labels(chat) == menu(engine)
    await chat.say("ابي اقدم طلب")
    await chat.press(tr("form-continue"))
    assert chat.text == tr("form-ask-national_id")


async def test_navigation_buttons_are_marked_apart_from_the_choices(engine: Engine) -> None:
    chat = Chat(engine)
    await chat.say("ابي اقدم طلب")
    await chat.say("سارة العتيبي")
    await chat.say(NATIONAL_ID)
    await chat.say("0501234567")
    city = chat.last[-1]
    navigation = [b.label for b in city.buttons if b.nav]
    assert navigation == ["➡️ رجوع", "✖️ إلغاء"]
    assert "جدة" in [b.label for b in city.buttons if not b.nav]
    await chat.say("رجوع")
    assert "3️⃣" in chat.text


async def test_the_receipt_offers_the_menu(engine: Engine) -> None:
    chat = Chat(engine)
    await submit(chat)
    assert labels(chat) == menu(engine)


async def test_a_handover_ends_with_a_request_and_the_form_starts(
    engine: Engine, database: Database
) -> None:
    chat = Chat(engine)
    await chat.say("ابي اكلم موظف")
    await chat.say("ابي اقدم طلب")
    assert tr("case-closed-by-you") in chat.text and "1️⃣" in chat.text
    (case,) = await cases(database)
    assert case.status == "closed"
    await chat.say("محمد الغامدي")
    assert "2️⃣" in chat.text


async def needs_info(chat: Chat, database: Database, clock: Clock, missing: str) -> str:
    reference = await submit(chat)
    await set_status(
        database,
        clock,
        tr.t,
        reference=reference,
        status="needs_info",
        note=missing,
        actor="staff:huda",
    )
    await chat.say("وش صار على طلبي")
    await chat.press(tr("requests-complete", reference=reference))
    return reference


@pytest.mark.parametrize("answer", ["سأحضرها للمقر", "ما عندي", "بجيبها بعدين"])
async def test_needs_info_can_be_answered_in_words_once_without_a_loop(
    engine: Engine, database: Database, clock: FixedClock, answer: str
) -> None:
    chat = Chat(engine)
    reference = await needs_info(chat, database, clock, "صورة التقرير الطبي الأخير")
    assert "اكتب المعلومة المطلوبة أو ردّك" in chat.text
    await chat.say(answer)
    date = format_date(clock.now(), tr.t)
    assert plain(chat.text) == tr("complete-note-done", reference=reference, date=date)
    assert labels(chat) == menu(engine)
    async with database.reading() as s:
        request = (await s.execute(select(SupportRequest))).scalar_one()
        last = (
            (await s.execute(select(RequestTransition).order_by(RequestTransition.id.desc())))
            .scalars()
            .first()
        )
    assert request.status == "under_review" and request.missing_info is None
    assert last is not None and last.note == answer and last.actor == "web:amina"
    await chat.say("ما عندي")  # no longer completing: an ordinary message
    assert "أرسل المستند الناقص" not in chat.text


async def test_needs_info_information_is_accepted_as_written(
    engine: Engine, database: Database, clock: FixedClock
) -> None:
    chat = Chat(engine)
    await needs_info(chat, database, clock, "اسم المستشفى الذي يتابع حالة الطفلة")
    await chat.say("مستشفى الملك فيصل التخصصي بجدة")
    assert "عاد طلبك للدراسة" in chat.text
    async with database.reading() as s:
        notes = (await s.execute(select(RequestTransition.note))).scalars().all()
    assert notes[-1] == "مستشفى الملك فيصل التخصصي بجدة"


async def test_words_at_the_attachments_step_end_it_and_reach_staff(
    engine: Engine, database: Database
) -> None:
    chat = Chat(engine)
    await chat.say("ابي اقدم طلب")
    for answer in ("سارة محمد العتيبي", NATIONAL_ID, "٠٥٥٨٧٦٤٣٢١"):
        await chat.say(answer)
    await chat.press("جدة")
    await chat.press("علاج أمراض القلب للأطفال")
    await chat.say("بنتي عمرها سنتين وعندها ثقب في القلب وتحتاج عملية")
    await chat.say("كم مدة دراسة الطلب؟")  # a question here is answered, the step stays
    assert "أسبوعين" in chat.last[0].text and "7️⃣" in chat.last[-1].text
    await chat.say("سأحضرها للمقر")
    assert "📋" in chat.text
    await chat.press("✅ البيانات صحيحة")
    await chat.press("أقرّ وأوافق")
    assert "رقم طلبك" in chat.text
    async with database.reading() as s:
        (first,) = (await s.execute(select(RequestTransition))).scalars().all()
    assert first.to_status == "submitted" and first.note == "سأحضرها للمقر"
