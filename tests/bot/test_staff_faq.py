"""The FAQ editor over HTTP (ASGI), against a real database (SQLite and PostgreSQL), for
health-coop (whose people are «الأعضاء»).

Who may open it (FAQ editors and admins; a researcher gets 403, an FAQ editor no cases),
each action changing what the bot answers once the background retrain is in service
(saving an answer, reverting it, assigning a group, creating an entry, marking a group out
of scope), and bad input (an empty answer, an unknown entry, a bad id, no CSRF token)
refused with an Arabic message while nothing changes.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI

from bot.config import PROFILES_DIR
from faq.profile import missing_phrases
from faq.service import FaqService
from handlers.faq_learning import FaqLearning, LiveFaq
from storage.db import Database
from tests.bot.staff_stack import (
    add_member,
    arabic_page,
    client,
    csrf_of,
    learning_pages,
    sign_in,
    staff_app,
    tr,
)
from tests.handlers.chats import Chat

PROFILE = PROFILES_DIR / "health-coop"
HOURS = "متى تفتحون"
PARKING = "هل عندكم مواقف سيارات للزوار"  # clarify: location or services
PETROL = "كم سعر البنزين اليوم"  # handover: nothing like it
NEW_ANSWER = "نستقبل الأعضاء من الأحد إلى الخميس. للاستفسار: {phone}"
_chats = itertools.count()


@pytest.fixture(scope="module")
def coop() -> FaqService:
    return FaqService.from_dir(PROFILE, missing_phrases(tr.t))


@pytest_asyncio.fixture
async def faq_app(
    database: Database, coop: FaqService
) -> AsyncIterator[tuple[FastAPI, dict[str, Any]]]:
    holder: dict[str, Any] = {}
    pages = learning_pages(coop, PROFILE / "guide.txt")
    application = staff_app(coop, holder, db=database, faq_desk=pages)
    async with application.router.lifespan_context(application):
        await add_member(database, "sara", "researcher")
        await add_member(database, "boss", "admin")
        await add_member(database, "huda", "faq_editor")
        yield application, holder


def learning_of(holder: dict[str, Any]) -> FaqLearning:
    learning: FaqLearning = holder["faq"].learning
    return learning


def live_of(holder: dict[str, Any]) -> LiveFaq:
    live: LiveFaq = holder["faq"].live
    return live


async def in_service(holder: dict[str, Any]) -> int:
    """Wait until the background retrain has put the database's version in service."""
    wanted = await learning_of(holder).version()
    for _ in range(600):
        if live_of(holder).version >= wanted:
            return wanted
        await asyncio.sleep(0.05)
    raise AssertionError(f"FAQ version {wanted} never went into service")


async def bot_says(holder: dict[str, Any], question: str) -> str:
    """What a new member reads after typing `question` in the web chat."""
    chat = Chat(holder["engine"], f"member{next(_chats)}")
    await chat.say(question)
    return chat.text


@asynccontextmanager
async def signed_in_as(application: FastAPI, username: str) -> AsyncIterator[httpx.AsyncClient]:
    async with client(application) as browser:
        assert (await sign_in(browser, username)).status_code == 303
        yield browser


async def test_faq_editors_and_admins_edit_the_faq_researchers_cannot(
    faq_app: tuple[FastAPI, dict[str, Any]],
) -> None:
    application, _ = faq_app
    async with client(application) as researcher:
        assert (await sign_in(researcher, "sara")).headers["location"] == "/staff/cases"
        cases = await researcher.get("/staff/cases")
        assert 'href="/staff/faq"' not in cases.text  # no link to a page they can't open
        for path in ("/staff/faq", "/staff/faq/working_hours", "/staff/faq/unanswered"):
            refused = await researcher.get(path)
            assert refused.status_code == 403 and arabic_page(refused, tr("faqedit-error-role"))
        api = await researcher.post("/staff/api/faq/ask", data={"q": HOURS})
        assert api.status_code == 403 and api.json() == {"error": tr("faqedit-error-role")}

    async with client(application) as editor:
        # Signed in, an FAQ editor lands on the FAQ, and never sees a case or a request.
        assert (await sign_in(editor, "huda")).headers["location"] == "/staff/faq"
        assert (await editor.get("/staff")).headers["location"] == "/staff/faq"
        page = await editor.get("/staff/faq")
        assert page.status_code == 200 and arabic_page(page, tr("faqedit-title"))
        assert tr("staffweb-role-faq_editor") in page.text
        assert (
            'href="/staff/cases"' not in page.text and 'href="/staff/faq/unanswered"' in page.text
        )
        for path in ("/staff/cases", "/staff/requests", "/staff/reports", "/staff/cases/1"):
            refused = await editor.get(path)
            assert refused.status_code == 403 and arabic_page(refused, tr("faqedit-error-role"))

    async with client(application) as admin:
        await sign_in(admin, "boss")
        for path in ("/staff/faq", "/staff/faq/working_hours", "/staff/cases"):
            assert (await admin.get(path)).status_code == 200


async def test_the_entry_page_shows_the_answer_its_guide_section_and_the_associations_words(
    faq_app: tuple[FastAPI, dict[str, Any]],
) -> None:
    application, _ = faq_app
    async with signed_in_as(application, "huda") as editor:
        page = await editor.get("/staff/faq/services")
        assert page.status_code == 200
        html = page.text
        assert arabic_page(page, tr("intent-services"))
        assert '<bdi dir="ltr" class="intent-id">services</bdi>' in html
        # The guide section the answer came from, from profiles/health-coop/guide.txt.
        assert 'id="guide"' in html and "الأهداف التفصيلية" in html
        assert "الاستشارات الصحية" in html
        # The association's own word for its people, in the page's own texts.
        assert "المعاينة كما يقرؤها العضو" in html and "كما يكتبه العضو" in html
        # The ask box without script: posted (never in a URL), the same page again.
        form = {"csrf": csrf_of(html), "q": HOURS, "back": "services"}
        asked = await editor.post("/staff/faq/ask", data=form)
        assert asked.status_code == 200 and 'id="guide"' in asked.text
        assert tr("faqedit-decision-answer") in asked.text
        assert tr("intent-working_hours") in asked.text


async def test_saving_an_answer_changes_what_the_bot_says_and_a_revert_undoes_it(
    faq_app: tuple[FastAPI, dict[str, Any]],
) -> None:
    application, holder = faq_app
    learning = learning_of(holder)
    before = await bot_says(holder, HOURS)
    async with signed_in_as(application, "huda") as editor:
        page = await editor.get("/staff/faq/working_hours")
        token = csrf_of(page.text)
        preview = await editor.post(
            "/staff/api/faq/preview", data={"answer": NEW_ANSWER}, headers={"X-CSRF-Token": token}
        )
        assert preview.status_code == 200
        assert preview.json()["preview"].startswith("نستقبل الأعضاء")
        assert "{phone}" not in preview.json()["preview"]

        saved = await editor.post(
            "/staff/faq/working_hours", data={"csrf": token, "answer": NEW_ANSWER}
        )
        assert saved.headers["location"] == "/staff/faq/working_hours?done=saved"
        shown = await editor.get(saved.headers["location"])
        assert tr("faqedit-saved") in shown.text and "نستقبل الأعضاء" in shown.text
        assert "huda" in shown.text.split('id="history"')[1]  # who, in the history

        await in_service(holder)
        after = await bot_says(holder, HOURS)
        assert after.startswith("نستقبل الأعضاء من الأحد إلى الخميس") and after != before

        edit = (await learning.history())[0]
        reverted = await editor.post(
            f"/staff/faq/edits/{edit.id}/revert", data={"csrf": token, "back": "entry"}
        )
        assert reverted.headers["location"] == "/staff/faq/working_hours?done=reverted"
        await in_service(holder)
        assert await bot_says(holder, HOURS) == before


async def test_bad_input_is_refused_in_arabic_and_changes_nothing(
    faq_app: tuple[FastAPI, dict[str, Any]],
) -> None:
    application, holder = faq_app
    learning = learning_of(holder)
    await bot_says(holder, PETROL)  # a group to act on
    async with signed_in_as(application, "huda") as editor:
        page = await editor.get("/staff/faq/working_hours")
        token = csrf_of(page.text)
        empty = await editor.post("/staff/faq/working_hours", data={"csrf": token, "answer": " "})
        assert empty.status_code == 400
        assert arabic_page(empty, tr("faqedit-error-empty-answer"))
        unknown = await editor.post("/staff/faq/no_such", data={"csrf": token, "answer": "x"})
        assert unknown.status_code == 404
        assert arabic_page(unknown, tr("faqedit-error-unknown-intent", intent="no_such"))
        assert (await editor.get("/staff/faq/no_such")).status_code == 404
        forged = await editor.post(
            "/staff/faq/working_hours", data={"csrf": "forged", "answer": NEW_ANSWER}
        )
        assert forged.status_code == 403 and arabic_page(forged, tr("staffweb-error-csrf"))
        no_token = await editor.post("/staff/api/faq/preview", data={"answer": "x"})
        assert no_token.status_code == 403

        key = (await learning.groups())[0].key
        create = {"csrf": token, "group": key, "questions": PETROL, "answer": "لا"}
        for intent, message in (
            ("Petrol Price", tr("faqedit-error-bad-id", max=40)),
            ("working_hours", tr("faqedit-error-id-taken", intent="working_hours")),
        ):
            refused = await editor.post(
                "/staff/faq/unanswered/create", data={**create, "intent": intent}
            )
            assert refused.status_code == 400 and arabic_page(refused, message)
            assert 'id="group-error"' in refused.text
        no_questions = {**create, "intent": "petrol", "questions": "\n \n"}
        refused = await editor.post("/staff/faq/unanswered/create", data=no_questions)
        assert arabic_page(refused, tr("faqedit-error-no-questions"))
        choose = {"csrf": token, "group": key, "intent": ""}
        refused = await editor.post("/staff/faq/unanswered/assign", data=choose)
        assert arabic_page(refused, tr("faqedit-error-choose-entry"))
        gone = {"csrf": token, "group": "no-such-group"}
        refused = await editor.post("/staff/faq/unanswered/reject", data=gone)
        assert refused.status_code == 400
        assert arabic_page(refused, tr("teach-error-unknown-group", group="no-such-group"))
        unknown_edit = await editor.post("/staff/faq/edits/999/revert", data={"csrf": token})
        assert unknown_edit.status_code == 400
        assert arabic_page(unknown_edit, tr("teach-error-unknown-edit", edit=999))

    assert await learning.version() == 0 and await learning.history() == []
    assert [g.key for g in await learning.groups()] == [key]


async def test_each_action_on_a_group_changes_what_the_bot_answers(
    faq_app: tuple[FastAPI, dict[str, Any]],
) -> None:
    application, holder = faq_app
    learning = learning_of(holder)
    for question in ("فيه مواقف للسيارات عندكم للزوار؟", PETROL):
        await bot_says(holder, question)
    # Offered choices, this member pressed one: the strongest hint for staff.
    member = Chat(holder["engine"], "presser")
    await member.say(PARKING)
    await member.press(tr("intent-location"))
    async with signed_in_as(application, "huda") as editor:
        page = await editor.get("/staff/faq/unanswered")
        assert arabic_page(page, tr("faqedit-unanswered-title"))
        groups = await learning.groups()
        assert [g.count for g in groups] == sorted((g.count for g in groups), reverse=True)
        parking = next(g for g in groups if PARKING in g.examples)
        petrol = next(g for g in groups if PETROL in g.examples)
        assert f'data-group="{parking.key}"' in page.text and PETROL in page.text
        assert parking.picked == {"location": 1}
        picked = page.text.split('class="candidates-line picked"')[1].split("</p>")[0]
        assert tr("intent-location") in picked and "×1" in picked
        # Every entry to assign to, by its Arabic label.
        assert f"{tr('intent-location')} (location)" in page.text
        token = csrf_of(page.text)

        assigned = await editor.post(
            "/staff/faq/unanswered/assign",
            data={"csrf": token, "group": parking.key, "intent": "location"},
        )
        assert assigned.headers["location"] == "/staff/faq/unanswered?done=assign&intent=location"
        flash = await editor.get(assigned.headers["location"])
        assert tr("faqedit-done-assign", label=tr("intent-location")) in flash.text
        assert f'data-group="{parking.key}"' not in flash.text

        created = await editor.post(
            "/staff/faq/unanswered/create",
            data={
                "csrf": token,
                "group": petrol.key,
                "intent": "fuel",
                "questions": f"{PETROL}\nبكم لتر البنزين",
                "answer": "لا نبيع الوقود؛ اسأل محطة قريبة.",
            },
        )
        assert created.headers["location"] == "/staff/faq/unanswered?done=create&intent=fuel"
        await in_service(holder)
        assert (await bot_says(holder, PARKING)).startswith(
            live_of(holder).current().answer_text("location") or "?"
        )
        assert "لا نبيع الوقود" in await bot_says(holder, "بكم لتر البنزين")
        listing = await editor.get("/staff/faq")
        assert 'href="/staff/faq/fuel"' in listing.text

        await bot_says(holder, "وش رأيك في المباراة امس")
        group = next(g for g in await learning.groups() if "المباراة" in g.examples[0])
        rejected = await editor.post(
            "/staff/faq/unanswered/reject", data={"csrf": token, "group": group.key}
        )
        assert rejected.headers["location"] == "/staff/faq/unanswered?done=reject"
        assert tr("faqedit-done-reject") in (await editor.get(rejected.headers["location"])).text
        await in_service(holder)
        match = live_of(holder).current().match("وش رأيك في المباراة امس")
        assert match.decision == "handover"


async def test_the_ask_box_says_decision_score_and_candidates_with_their_labels(
    faq_app: tuple[FastAPI, dict[str, Any]],
) -> None:
    application, _ = faq_app
    async with signed_in_as(application, "boss") as admin:
        token = {"X-CSRF-Token": csrf_of((await admin.get("/staff/faq")).text)}

        async def ask(question: str) -> httpx.Response:
            return await admin.post("/staff/api/faq/ask", data={"q": question}, headers=token)

        answered = (await ask(HOURS)).json()
        assert answered["decision"] == "answer" and answered["intent"] == "working_hours"
        assert answered["decision_label"] == tr("faqedit-decision-answer")
        assert answered["label"] == tr("intent-working_hours")
        assert float(answered["score"]) > 0.5 and answered["answer"]
        unsure = (await ask(PARKING)).json()
        assert unsure["decision"] == "clarify" and unsure["answer"] is None
        labels = {c["intent"]: c["label"] for c in unsure["candidates"]}
        assert labels["location"] == tr("intent-location")
        empty = await ask(" ")
        assert empty.status_code == 400 and empty.json() == {"error": tr("faqedit-ask-empty")}
        # Only with the session's token, like every form.
        forged = await admin.post("/staff/api/faq/ask", data={"q": HOURS})
        assert forged.status_code == 403
