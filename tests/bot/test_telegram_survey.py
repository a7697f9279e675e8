"""The survey on Telegram: sent by the dispatcher, answered with the inline buttons."""

from __future__ import annotations

from sqlalchemy import select, update

from bot.i18n import Catalog
from bot.wiring import Core
from handlers.clock import SystemClock
from handlers.quiet import QuietHours
from handlers.surveys import SurveyPolicy, send_due
from storage.models import Survey
from tests.bot.telegram_users import User, labels, until
from tests.fakes.telegram import FakeTelegram

tr = Catalog("ar")
AMINA = 7001
# The test may run at any hour: no quiet hours here (tests/handlers/test_quiet.py has them).
ALWAYS = SurveyPolicy(quiet=QuietHours(windows=()))


async def test_a_closed_case_is_surveyed_and_rated_once_on_telegram(
    tg: FakeTelegram, core: Core
) -> None:
    amina = User(tg, AMINA)
    await amina.says("ابي اكلم موظف")
    (closed,) = await amina.says("/cancel")
    assert "أنهيت" in closed["text"]
    async with core.db.transaction() as s:
        survey = (await s.execute(select(Survey))).scalar_one()
        assert survey.trigger == "case_closed" and survey.status == "scheduled"
        # Two hours later, as far as this test is concerned.
        await s.execute(update(Survey).values(due_at=SystemClock().now()))
    before = len(amina.inbox)
    assert await send_due(core.db, SystemClock(), tr.t, ALWAYS) == 1
    assert core.dispatcher is not None
    core.dispatcher.wake()
    (question,) = await until(lambda: amina.inbox[before:] or None)
    assert "تواصلك الأخير" in question["text"]
    assert labels(question)[0] == "١ 😞 غير راضٍ إطلاقاً" and len(labels(question)) == 5

    (thanks,) = await amina.presses("٥ 😍 راضٍ جداً")
    assert "سُجّل تقييمك" in thanks["text"] and labels(thanks) == ["تخطٍّ"]
    (again,) = await amina.presses("٢ 🙁 غير راضٍ")
    assert "مسجّل من قبل" in again["text"]
    async with core.db.reading() as s:
        survey = (await s.execute(select(Survey))).scalar_one()
    assert (survey.status, survey.rating) == ("answered", 5)
