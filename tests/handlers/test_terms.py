"""Each association's own words in the chat: health-coop serves members (العضو, «طلب خدمة
عضو»), and who a person is handed to is the profile's referral role; the form offers the
association's own city first."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.config import PROFILES_DIR
from bot.i18n import Catalog, speaking
from faq.builder import build_profile
from faq.profile import missing_phrases
from faq.service import FaqService
from handlers import fields
from handlers.clock import FixedClock
from handlers.requests import set_status
from handlers.surveys import SurveyPolicy, send_due
from storage.db import Database
from storage.models import SupportRequest
from tests.handlers.chats import NATIONAL_ID, Chat, file_request, form_engine, shown

tr = Catalog("ar")
SUNDAY = datetime(2026, 11, 22, 7, 0, tzinfo=UTC)
POLICY = SurveyPolicy()
NAMED = "مستفيد"
GUIDES = Path(__file__).resolve().parents[1] / "faq" / "guides"


@cache
def faq_of(slug: str) -> FaqService:
    return FaqService.from_dir(PROFILES_DIR / slug, missing_phrases(tr.t))


async def to_city_step(chat: Chat) -> None:
    await chat.say(payload="intent:how_to_apply")
    for answer in ("سارة محمد العتيبي", NATIONAL_ID, "0558764321"):
        await chat.say(answer)


@pytest.mark.parametrize("slug", ["health-coop", "little-hearts"])
async def test_the_chat_names_the_associations_people_and_its_referral_role(
    database: Database, slug: str
) -> None:
    faq = faq_of(slug)
    profile = faq.profile
    said = speaking(tr, profile)
    clock = FixedClock(SUNDAY)
    chat = Chat(form_engine(database, faq, clock))
    seen: list[str] = []

    await chat.say("القائمة")
    seen.append(shown(chat))
    assert f"التحدث مع {profile.referral_role}" in [b.label for b in chat.last[-1].buttons]

    await file_request(chat, seen)
    intro, submitted = seen[1], seen[-1]
    assert profile.request_form in intro and profile.request_form in submitted
    assert "رقم طلبك" in submitted
    async with database.reading() as s:
        reference = (await s.execute(select(SupportRequest.reference))).scalar_one()

    for status in ("under_review", "accepted", "service_delivered"):
        clock.advance(timedelta(hours=1))
        await set_status(
            database,
            clock,
            said.t,
            reference=reference,
            status=status,
            note=None,
            actor="staff:huda",
            surveys=POLICY,
        )
    clock.advance(timedelta(hours=2))
    await send_due(database, clock, said.t, POLICY)
    transcript = [m.text for m in await chat.engine.transcript(chat.channel, chat.chat)]
    status_message = next(t for t in transcript if said("status-service_delivered") in t)
    survey = transcript[-1]
    assert "🌟" in survey
    seen += [status_message, survey]

    await chat.say(payload="survey:skip")  # whatever the survey makes of it, then a person
    await chat.say("القائمة")
    await chat.press(f"التحدث مع {profile.referral_role}")
    handover = shown(chat)
    assert f"سيرد عليك {profile.referral_role}" in handover
    seen.append(handover)

    everything = "\n".join(seen)
    assert profile.beneficiary_indefinite in everything  # in the form's own name
    if slug == "health-coop":
        assert "طلب خدمة عضو" in everything
        assert NAMED not in everything, everything


async def test_qader_without_a_referral_role_offers_the_catalogs_default(
    database: Database,
) -> None:
    chat = Chat(form_engine(database, faq_of("qader"), FixedClock(SUNDAY)))
    await chat.say("القائمة")
    role = tr("default-referral-role")
    assert f"التحدث مع {role}" in [b.label for b in chat.last[-1].buttons]


@pytest.mark.parametrize(
    ("slug", "first"),
    [
        ("qader", "تبوك"),
        ("alhuda", "رابغ"),
        ("little-hearts", "مكة المكرمة"),
        ("takatuf", fields.KNOWN_CITIES[0]),
    ],
)
async def test_the_associations_own_city_comes_first(
    database: Database, slug: str, first: str
) -> None:
    chat = Chat(form_engine(database, faq_of(slug), FixedClock(SUNDAY)))
    await to_city_step(chat)
    cities = [b.label for b in chat.last[-1].buttons if b.payload.startswith("form:city:")]
    assert cities[0] == first
    assert len(cities) == len(set(cities))  # listed once, not again further down
    await chat.press(first)
    assert "5️⃣" in chat.text  # the city was taken: on to the request type


def test_the_home_city_is_put_first_once_in_its_listed_spelling() -> None:
    assert fields.cities_near("مكه")[:2] == ("مكة المكرمة", fields.KNOWN_CITIES[0])
    assert fields.cities_near("مكه").count("مكة المكرمة") == 1
    assert (
        fields.cities_near("الخرج")[0] == "الخرج"
    )  # a place not in the list, as the admin wrote it
    assert fields.cities_near(None) == fields.KNOWN_CITIES
    assert fields.cities_near("123") == fields.KNOWN_CITIES  # not a place: the usual list


@pytest.mark.parametrize(("guide", "city"), [("amal", "الأحساء"), ("noor", "جازان")])
def test_the_builder_finds_where_the_association_is(guide: str, city: str) -> None:
    text = (GUIDES / f"{guide}.txt").read_text(encoding="utf-8")
    assert build_profile(text, guide, tr.t)[0].city == city
    # A letterhead that names the region on a line of its own («بمنطقة …», «بمحافظة …»).
    lines = text.splitlines()
    moved = "\n".join([lines[0].replace(f" ب{city}", ""), f"بمحافظة {city}", *lines[1:]])
    assert build_profile(moved.replace(f" ب{city}", ""), guide, tr.t)[0].city == city


@pytest.mark.parametrize(
    ("slug", "city"),
    [("qader", "تبوك"), ("alhuda", "رابغ"), ("little-hearts", "مكة المكرمة"), ("takatuf", None)],
)
def test_each_profile_says_where_the_association_is(slug: str, city: str | None) -> None:
    assert faq_of(slug).profile.city == city
