"""Erasure and the copy at the core: what is destroyed, what stays for the reports."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from handlers.clock import FixedClock
from handlers.engine import Engine
from handlers.privacy_erase import OpenMatters, erase
from handlers.privacy_export import export
from handlers.privacy_subject import Subject
from storage import data_keys
from storage.crypto import DecryptionError, Vault
from storage.db import Database, Session
from storage.key_models import DataKey
from storage.models import Message, SupportRequest, Survey
from tests.handlers.chats import KEY, NATIONAL_ID, Chat, move, submit

VAULT = Vault(KEY)


async def _with_survey_comment(database: Database, engine: Engine) -> str:
    reference = await submit(Chat(engine))
    async with database.transaction() as s:
        request = (await s.execute(select(SupportRequest))).scalar_one()
        conversation_id = request.conversation_id
        s.add(
            Survey(
                beneficiary_id=request.beneficiary_id,
                conversation_id=conversation_id,
                request_id=request.id,
                trigger="service_delivered",
                status="answered",
                due_at=request.submitted_at,
                rating=4,
                comment="الموظفة سارة ساعدتني كثيرًا",
                created_at=request.submitted_at,
            )
        )
    return reference


async def _count(s: Session, query: object) -> int:
    return int((await s.execute(query)).scalar_one())  # type: ignore[call-overload]


async def test_an_open_request_stops_the_erasure_until_staff_force_it(
    database: Database, engine: Engine, clock: FixedClock
) -> None:
    reference = await _with_survey_comment(database, engine)
    audited: list[tuple[str, dict[str, object]]] = []
    subject = Subject(national_id=NATIONAL_ID)
    with pytest.raises(OpenMatters) as refused:
        await erase(database, clock, VAULT, subject, reason="طلب", actor="staff:huda")
    assert refused.value.requests == [reference]

    done = await erase(
        database,
        clock,
        VAULT,
        subject,
        reason="طلب المستفيد",
        actor="staff:huda",
        force_open=True,
        audit=lambda _s, action, about, details, _now: audited.append((action, details)),
    )
    assert not done.already and done.keys == 1 and done.forced == (reference,)
    assert done.overwritten["requests"] == 1 and done.overwritten["surveys"] == 1
    assert audited and audited[0][0] == "privacy.erased"
    assert audited[0][1]["reason"] == "طلب المستفيد"

    async with database.reading() as s:
        request = (await s.execute(select(SupportRequest))).scalar_one()
        survey = (await s.execute(select(Survey))).scalar_one()
        texts = (await s.execute(select(Message.text))).scalars().all()
        keys = await _count(s, select(func.count()).select_from(DataKey))
    assert request.full_name == request.description == "" and request.status == "submitted"
    assert survey.comment is None and survey.rating == 4  # the rating counts in the reports
    assert set(texts) == {""} and keys == 0


async def test_a_destroyed_key_shreds_every_copy_of_the_sealed_values(
    database: Database, engine: Engine, clock: FixedClock
) -> None:
    reference = await submit(Chat(engine))
    async with database.reading() as s:
        request = (await s.execute(select(SupportRequest))).scalar_one()
        kept = request.national_id_enc  # as an old backup would still have it
        assert await data_keys.open_token(s, VAULT, kept) == NATIONAL_ID
    await move(database, clock, reference, "rejected")
    await move(database, clock, reference, "closed")
    subject = Subject(reference=reference)
    await erase(database, clock, VAULT, subject, reason="x", actor="cli")
    async with database.reading() as s:
        with pytest.raises(DecryptionError):
            await data_keys.open_token(s, VAULT, kept)

    again = await erase(database, clock, VAULT, subject, reason="x", actor="cli")
    assert again.already and again.keys == 0


async def test_the_copy_holds_the_request_with_its_identifiers_and_the_transcript(
    database: Database, engine: Engine, clock: FixedClock
) -> None:
    reference = await submit(Chat(engine))
    copy = await export(database, clock, VAULT, Subject(reference=reference))
    (request,) = copy["requests"]
    assert request["national_id"] == NATIONAL_ID and request["phone"] == "+966558764321"
    assert request["full_name"] == "سارة محمد العتيبي"
    assert request["attachments"][0]["name"] == "report.jpg"
    assert any("ثقب في القلب" in m["text"] for m in copy["transcript"])
    assert copy["channels"] == [
        {"channel": "web", "user": "amina", "since": copy["profile"]["created_at"]}
    ]


async def test_the_same_person_from_a_second_channel_brings_their_key_and_loses_both(
    database: Database, engine: Engine, clock: FixedClock
) -> None:
    await submit(Chat(engine))  # on the web
    second = Chat(engine, "5550001", channel="telegram")
    await second.say("ابي اقدم طلب مساعدة")
    for answer in ("سارة محمد العتيبي", NATIONAL_ID, "٠٥٥٨٧٦٤٣٢١"):
        await second.say(answer)
    await second.press("جدة")
    await second.press("دعم أسر أطفال القلب")
    await second.say("نحتاج مساعدة في السكن قرب المستشفى")
    await second.press("✔️ تم")
    await second.press("✅ البيانات صحيحة")
    await second.press("أقرّ وأوافق")
    assert "رقم طلبك" in second.text
    async with database.reading() as s:
        owners = set((await s.execute(select(DataKey.beneficiary_id))).scalars())
        requests = (await s.execute(select(SupportRequest))).scalars().all()
        opened = [await data_keys.open_token(s, VAULT, r.national_id_enc) for r in requests]
    assert len(owners) == 1 and opened == [NATIONAL_ID, NATIONAL_ID]  # one person, one owner

    subject = Subject(national_id=NATIONAL_ID)
    done = await erase(database, clock, VAULT, subject, reason="x", actor="cli", force_open=True)
    assert done.overwritten["requests"] == 2
    async with database.reading() as s:
        assert await _count(s, select(func.count()).select_from(DataKey)) == 0
        for r in requests:
            with pytest.raises(DecryptionError):
                await data_keys.open_token(s, VAULT, r.national_id_enc)
