"""The FAQ editor in a real browser (headless Debian Chromium via Playwright), for
health-coop.

An FAQ editor signs in and lands on the FAQ, opens the working-hours entry, types a new
answer and sees the preview follow (the {phone} placeholder filled), asks the "how would
the bot answer this?" box and reads the decision, the score and the candidates without a
reload, saves, then adds a group of unanswered questions to an entry. Screenshots (desktop
and phone width) go to test-artifacts/; the pages are right to left and never wider than
the screen.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from bot.config import PROFILES_DIR
from faq.profile import missing_phrases
from faq.service import FaqService
from handlers.clock import SystemClock
from tests.bot.staff_stack import (
    build_engine,
    learning_pages,
    staff_app,
    staff_database,
    staff_sign_in,
    tr,
)
from tests.browser import ARTIFACTS, needs_chromium, serve
from tests.handlers.chats import Chat

pytestmark = needs_chromium

PROFILE = PROFILES_DIR / "health-coop"
DESK = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
ANSWER = (
    "تقدر تتواصل مع الجمعية التعاونية للخدمات الصحية من الأحد إلى الخميس، 8 ص – 4 م:\n"
    "• الهاتف: {phone}\n• البريد: {email}\n• أو اكتب لنا هنا في المحادثة"
)
MISSED = ("هل عندكم مواقف سيارات للزوار", "فيه مواقف للسيارات عندكم للزوار؟")


@pytest.fixture(scope="module")
def coop() -> FaqService:
    return FaqService.from_dir(PROFILE, missing_phrases(tr.t))


@pytest_asyncio.fixture
async def seeded(tmp_path: Path, coop: FaqService) -> str:
    """A database with an FAQ editor and two members' questions the bot was unsure of."""
    async with staff_database(tmp_path / "faq.db", huda="faq_editor") as (url, db):
        engine = build_engine(db, coop, SystemClock())
        for n, question in enumerate(MISSED):
            await Chat(engine, f"member{n}").say(question)
    return url


@pytest.fixture
def site(seeded: str, coop: FaqService) -> Iterator[str]:
    pages = learning_pages(coop, PROFILE / "guide.txt")
    app = staff_app(coop, {}, url=seeded, faq_desk=pages, org_name=coop.profile.name)
    with serve(app) as base:
        yield base


async def _fits(page: Any) -> bool:
    return bool(
        await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    )


def _watch(page: Any, errors: list[str]) -> None:
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)


@pytest.mark.asyncio
async def test_an_faq_editor_edits_an_answer_with_a_live_preview_and_asks_the_bot(
    browser: Any, site: str
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    errors: list[str] = []
    context = await browser.new_context(viewport=DESK, locale="ar-SA")
    page = await context.new_page()
    _watch(page, errors)
    await staff_sign_in(page, site + "/staff/login", "huda", "**/staff/faq")
    assert await page.get_attribute("html", "dir") == "rtl"
    assert "channels" in await page.inner_text("#entries")
    assert await _fits(page)
    await page.screenshot(path=str(ARTIFACTS / "staff-faq-list.png"))

    await page.click('a[href="/staff/faq/channels"]')
    await page.wait_for_selector("#answer")
    await page.evaluate("window.__noReload = true")
    guide = await page.inner_text("#guide")
    assert "القنوات المستخدمة للتواصل" in guide and "الاتصالات الهاتفية" in guide
    await page.fill("#answer", ANSWER)
    await page.wait_for_function(
        "(word) => document.getElementById('preview').textContent.includes(word)", arg="البريد"
    )
    preview = await page.inner_text("#preview")
    assert preview.startswith("تقدر تتواصل") and "{phone}" not in preview
    assert tr("missing-phone") in preview

    await page.fill("#ask-question", "متى تفتحون")
    await page.click("#ask-submit")
    await page.wait_for_selector("#ask-result:not([hidden])")
    assert await page.inner_text("#ask-decision") == tr("faqedit-decision-answer")
    assert tr("intent-working_hours") in await page.inner_text("#ask-intent")
    assert float(await page.inner_text("#ask-score")) > 0.5
    assert await page.locator("#ask-candidates li").count() >= 2
    assert await page.evaluate("window.__noReload === true")  # all of it without a reload
    assert await _fits(page)
    await page.screenshot(path=str(ARTIFACTS / "staff-faq-editor.png"), full_page=True)

    await page.click("#save")
    await page.wait_for_selector("#flash")
    assert await page.inner_text("#flash") == tr("faqedit-saved")
    assert "huda" in await page.inner_text("#history")

    await page.click("#nav-unanswered")
    await page.wait_for_selector(".group")
    group = page.locator(".group").first
    assert "مواقف" in await group.inner_text()
    await page.screenshot(path=str(ARTIFACTS / "staff-faq-unanswered.png"), full_page=True)
    await group.locator("select.assign-intent").select_option("location")
    await group.locator(".assign-submit").click()
    await page.wait_for_selector("#flash")
    assert tr("intent-location") in await page.inner_text("#flash")
    assert await page.locator(".group").count() == 0
    await context.close()

    phone = await browser.new_context(viewport=PHONE, is_mobile=True, locale="ar-SA")
    small = await phone.new_page()
    _watch(small, errors)
    await staff_sign_in(small, site + "/staff/login", "huda", "**/staff/faq")
    await small.goto(site + "/staff/faq/channels")
    await small.fill("#ask-question", "وين مكانكم")
    await small.click("#ask-submit")
    await small.wait_for_selector("#ask-result:not([hidden])")
    assert "/staff/faq/channels" in small.url and "?" not in small.url
    assert await _fits(small)
    await small.screenshot(path=str(ARTIFACTS / "staff-faq-editor-phone.png"), full_page=True)
    await phone.close()
    assert errors == []
