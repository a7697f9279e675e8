"""A beneficiary's journeys over WhatsApp, end to end against the fake Cloud API: an FAQ
answer, the whole request form with a photo and her own contact, a status message and
its completion outside the 24-hour window as a template, a handover answered by staff,
and what Meta does wrong on the way (131047 after a send, 130429, 131056, 190)."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select, update

from handlers.clock import SystemClock
from handlers.quiet import QuietHours
from handlers.survey_campaign import push_campaign
from handlers.surveys import SurveyPolicy
from storage.models import ChannelIdentity, Conversation, HandoverCase, SupportRequest
from tests.bot.whatsapp_stack import (
    USER,
    WhatsAppStack,
    catalog,
    options,
    seen,
    whatsapp_stack,
)
from tests.conftest import PG_URL

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 2000


@pytest.fixture(params=["sqlite", *(["postgresql"] if PG_URL else [])])
async def stack(request: pytest.FixtureRequest, tmp_path: Path):  # type: ignore[no-untyped-def]
    postgres = PG_URL if request.param == "postgresql" else None
    async with whatsapp_stack(tmp_path, postgres=postgres) as running:
        yield running


async def close_window(stack: WhatsAppStack, hours: float = 25) -> None:
    """As if the beneficiary last wrote `hours` ago."""
    async with stack.db.transaction() as s:
        await s.execute(
            update(Conversation).values(last_inbound_at=datetime.now(UTC) - timedelta(hours=hours))
        )


async def file_request(stack: WhatsAppStack) -> str:
    """The whole form, a photo and her own contact card included; the reference."""
    await stack.says("ابي اقدم طلب")
    await stack.says("سارة محمد العتيبي")
    await stack.says("1098765439")
    await stack.after(
        stack.wa.user_sends(stack.wa.contact(USER, "+966 55 123 4567", contact_wa_id=USER))
    )
    await stack.says("جدة")
    await stack.says("1")
    await stack.says("بنتي عمرها سنتين وعندها ثقب في القلب وتحتاج عملية")
    media = stack.wa.add_media(JPEG, "image/jpeg")
    await stack.after(stack.wa.user_sends(stack.wa.image(USER, media, caption=None)))
    await stack.press("تم")
    await stack.press("صحيحة")
    [receipt] = await stack.press("أقر")
    found = re.search(r"[0-9]{4}-[0-9]{5}", receipt.text)
    assert found, receipt.text
    return found.group(0)


async def test_an_faq_answer_comes_with_its_three_buttons(stack: WhatsAppStack) -> None:
    [answer] = await stack.says("وين مقركم")
    assert answer.payload["interactive"]["type"] == "button"
    titles = [t for _, t in options(answer)]
    assert len(titles) == 3 and all(len(t) <= 20 for t in titles)


async def test_the_whole_form_over_whatsapp_files_a_request_with_the_photo(
    stack: WhatsAppStack,
) -> None:
    reference = await file_request(stack)
    async with stack.db.reading() as s:
        request = (await s.execute(select(SupportRequest))).scalar_one()
    assert request.reference == reference and request.full_name == "سارة محمد العتيبي"
    # The photo was fetched into the data directory as it arrived (media ids expire).
    kept = stack.data_dir / "uploads" / "whatsapp"
    await stack.settled(lambda: kept.exists() and any(kept.iterdir()))
    assert [p.read_bytes() for p in kept.iterdir()] == [JPEG]
    # Nothing the bot sent was refused by the fake for its shape.
    assert all(c.status == 200 for c in stack.wa.calls if c.method == "POST")


async def test_a_status_outside_the_window_goes_as_its_template_and_the_message_follows(
    stack: WhatsAppStack,
) -> None:
    reference = await file_request(stack)
    await close_window(stack)
    before = len(stack.wa.messages_to(USER))
    await stack.desk.change_status(
        reference, "needs_info", "صورة الهوية", await stack.staff_member()
    )
    [template] = await stack.answers(1)
    assert seen(template) == "template:tawasul_status_update"
    params = template.payload["template"]["components"][0]["parameters"]
    assert params[0]["text"] == reference and "استكمال" in params[1]["text"]
    assert [m.state for m in await stack.outbox()][-1] == "held"
    # She taps the template's button: the window is open, the full message follows.
    [message] = await stack.after(stack.wa.user_taps(USER, "window:open", "عرض التفاصيل"))
    assert "صورة الهوية" in message.text
    assert len(stack.wa.messages_to(USER)) == before + 2
    # Completing it works as on every channel: the button, then the document.
    await stack.press("استكمال")
    media = stack.wa.add_media(JPEG, "image/jpeg")
    [done] = await stack.after(stack.wa.user_sends(stack.wa.image(USER, media)))
    assert reference in done.text


async def test_a_handover_answered_by_staff_reaches_her_on_whatsapp(stack: WhatsAppStack) -> None:
    await stack.says("ابي اكلم موظف")
    async with stack.db.reading() as s:
        case_id = (await s.execute(select(HandoverCase.id))).scalar_one()
    await stack.desk.reply(case_id, await stack.staff_member(), "أهلاً، كيف أقدر أخدمك؟")
    [reply] = await stack.answers(1)
    assert "أهلاً، كيف أقدر أخدمك؟" in reply.text and "سارة" in reply.text
    view = await stack.desk.case(case_id)
    assert not view.window_closed
    # A day later the window has closed: the page says so, and a reply goes as a template.
    await close_window(stack)
    assert (await stack.desk.case(case_id)).window_closed
    await stack.desk.reply(case_id, await stack.staff_member(), "هل ما زلت بحاجة للمساعدة؟")
    [template] = await stack.answers(1)
    assert seen(template) == "template:tawasul_new_message"


async def test_131047_after_a_send_falls_back_to_the_template_once(stack: WhatsAppStack) -> None:
    await stack.says("السلام عليكم")
    await stack.says("ابي اكلم موظف")
    async with stack.db.reading() as s:
        case_id = (await s.execute(select(HandoverCase.id))).scalar_one()
    stack.wa.close_window(USER)  # Meta's clock says the window closed; ours doesn't yet
    await stack.desk.reply(case_id, await stack.staff_member(), "رد الموظف")
    sent = await stack.answers(2)  # the free-form reply (failed later), then the template
    assert [m.type for m in sent] == ["text", "template"]
    await stack.settled(lambda: [m for m in stack.wa.sent if m.error == 131047])
    assert [m.state for m in await stack.outbox()][-1] == "held"
    # She writes again: the held reply goes, once.
    await stack.wa.user_says(USER, "نعم")
    await stack.settled(lambda: sum("رد الموظف" in m.text for m in stack.wa.messages_to(USER)) == 2)
    await asyncio.sleep(0.5)
    # The refused one and the one that arrived; no third, no second template.
    assert sum("رد الموظف" in m.text for m in stack.wa.messages_to(USER)) == 2
    assert sum(m.type == "template" for m in stack.wa.messages_to(USER)) == 1


async def test_rate_limits_are_waited_out_and_nothing_is_lost(stack: WhatsAppStack) -> None:
    stack.wa.fail_next(130429)
    stack.wa.fail_next(131056)
    [reply] = await stack.says("السلام عليكم")
    assert reply.payload["interactive"]["type"] == "list"
    assert [m.state for m in await stack.outbox()] == ["sent"]


async def test_a_refused_token_stops_the_channel_instead_of_failing_every_message(
    stack: WhatsAppStack,
) -> None:
    stack.wa.fail_next(190, times=50)
    await stack.wa.user_says(USER, "السلام عليكم")
    async with httpx.AsyncClient() as client:

        async def stopped() -> bool:
            report = (await client.get(stack.url + "/healthz")).json()
            return report.get("whatsapp") == "stopped"

        for _ in range(200):
            if await stopped():
                break
            await asyncio.sleep(0.1)
        assert await stopped()
    rows = await stack.outbox()
    assert [r.state for r in rows] == ["pending"]  # kept for when the token works again
    assert stack.wa.sent == []


async def test_statuses_in_any_order_end_as_read(stack: WhatsAppStack) -> None:
    stack.wa.auto_statuses = ["sent", "delivered", "read"]
    stack.wa.shuffle_statuses = True
    await stack.says("السلام عليكم")
    await stack.wa.flush()

    async def read() -> bool:
        return [r.delivery for r in await stack.outbox()] == ["read"]

    for _ in range(200):
        if await read():
            break
        await asyncio.sleep(0.05)
    assert await read()


async def test_a_redelivered_message_is_answered_once(stack: WhatsAppStack) -> None:
    payload = stack.wa.text_message(USER, "السلام عليكم")
    delivered = await stack.after(stack.wa.deliver(payload, times=3))
    assert stack.wa.webhooks[-1].status == 200 and len(delivered) == 1
    await asyncio.sleep(0.5)
    assert len(stack.wa.messages_to(USER)) == 1


async def test_a_voice_note_gets_the_polite_answer_and_a_failed_download_crashes_nothing(
    stack: WhatsAppStack,
) -> None:
    media = stack.wa.add_media(b"OggS" + b"\x00" * 100, "audio/ogg")
    stack.wa.fail_media_download(media)
    [reply] = await stack.after(stack.wa.user_sends(stack.wa.voice(USER, media)))
    assert reply.text
    [reply] = await stack.says("السلام عليكم")
    assert reply.type == "interactive"


async def test_a_survey_outside_the_window_is_invited_by_template_then_asked(
    stack: WhatsAppStack,
) -> None:
    reference = await file_request(stack)
    me = await stack.staff_member()
    for status in ("accepted", "service_delivered"):
        await stack.desk.change_status(reference, status, None, me)
        await stack.answers(1)
    await close_window(stack, hours=48)
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    # Pushed now, whatever the hour: in quiet hours the invitation would wait until 8.
    awake = SurveyPolicy(quiet=QuietHours(windows=()))
    queued = await push_campaign(
        stack.db, SystemClock(), catalog.t, awake, status="service_delivered", since=today
    )
    assert queued == 1
    stack.app.state.whatsapp.wake()
    [invite] = await stack.answers(1)
    assert seen(invite) == "template:tawasul_survey_invite"
    button = invite.payload["template"]["components"][-1]
    assert button["sub_type"] == "quick_reply"
    payload = button["parameters"][0]["payload"]
    [question] = await stack.after(stack.wa.user_taps(USER, payload, "ابدأ التقييم"))
    ratings = [title for _, title in options(question)]
    assert len(ratings) >= 5, ratings
    [thanks] = await stack.press(ratings[0].split()[0])
    assert thanks.text


async def test_the_staff_inbox_shows_what_whatsapp_said_of_each_reply(
    stack: WhatsAppStack,
) -> None:
    stack.wa.auto_statuses = ["sent", "delivered", "read"]
    await stack.says("ابي اكلم موظف")
    async with stack.db.reading() as s:
        case_id = (await s.execute(select(HandoverCase.id))).scalar_one()
    await stack.desk.reply(case_id, await stack.staff_member(), "وصلتني رسالتك")
    await stack.answers(1)
    await stack.wa.flush()

    async def ticks() -> list[str | None]:
        view = await stack.desk.case(case_id)
        return [m.delivery for m in view.messages if m.direction == "out"]

    for _ in range(100):
        if (await ticks())[-1] == "read":
            break
        await asyncio.sleep(0.05)
    assert (await ticks())[-1] == "read"


async def test_131047_in_the_answer_to_a_send_goes_as_a_template_at_once(
    stack: WhatsAppStack,
) -> None:
    await stack.says("ابي اكلم موظف")
    async with stack.db.reading() as s:
        case_id = (await s.execute(select(HandoverCase.id))).scalar_one()
    stack.wa.fail_next(131047)
    await stack.desk.reply(case_id, await stack.staff_member(), "رد بعد يومين")
    [template] = await stack.answers(1)
    assert seen(template) == "template:tawasul_new_message"
    assert [r.state for r in await stack.outbox()][-1] == "held"


@pytest.mark.parametrize(
    ("code", "state", "unreachable"),
    [(131026, "failed", True), (131051, "failed", False), (131048, "pending", False)],
)
async def test_meta_refusals_end_as_the_code_says(
    stack: WhatsAppStack, code: int, state: str, unreachable: bool
) -> None:
    stack.wa.fail_next(code)
    await stack.wa.user_says(USER, "السلام عليكم")

    async def settled_state() -> str:
        return [r.state for r in await stack.outbox()][-1]

    await stack.settled(lambda: any(c.error == code for c in stack.wa.calls))
    for _ in range(100):
        if await settled_state() != "sending":
            break
        await asyncio.sleep(0.02)
    assert await settled_state() == state
    if state == "pending":  # held back by Meta: tried again in an hour, not now
        due = (await stack.outbox())[-1].due_at
        assert due > datetime.now(UTC) + timedelta(minutes=50)
    assert stack.wa.sent == []
    async with stack.db.reading() as s:
        reachable = (await s.execute(select(ChannelIdentity.reachable))).scalar_one()
    assert reachable is not unreachable


async def test_a_template_meta_cannot_deliver_fails_its_held_message(
    stack: WhatsAppStack,
) -> None:
    await stack.says("ابي اكلم موظف")
    async with stack.db.reading() as s:
        case_id = (await s.execute(select(HandoverCase.id))).scalar_one()
    await close_window(stack)
    await stack.desk.reply(case_id, await stack.staff_member(), "هل ما زلت بحاجة؟")
    [template] = await stack.answers(1)
    for _ in range(100):
        if [r.state for r in await stack.outbox()][-1] == "held":
            break
        await asyncio.sleep(0.02)
    failed = stack.wa.status(template.wamid, "failed", USER, error_code=131026)
    assert await stack.wa.deliver(failed) == [200]
    rows = await stack.outbox()
    assert (rows[-1].state, rows[-1].delivery) == ("failed", "failed")
    async with stack.db.reading() as s:
        reachable = (await s.execute(select(ChannelIdentity.reachable))).scalar_one()
    assert reachable is False
