"""The staff inbox in a real browser (headless Debian Chromium via Playwright).

Two people at once: a visitor in the website chat who has filed a request and asks for a
person, and a researcher at the staff inbox. The researcher signs in, claims the case,
replies, and the reply appears in the visitor's chat without a reload; the visitor's next
message appears on the case page the same way; moving the request to needs-info reaches
the visitor too. And after a delivered service: the visitor taps ٥ on the survey in the
web chat and the researcher sees it in the CSAT chart and the CSV export; the researcher's
"show" is refused (admins only), a forged CSRF token is refused, and a signed-out browser
is sent to sign in. Screenshots (desktop and phone width) go to test-artifacts/.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from itsdangerous import URLSafeSerializer

from bot.channels.web.visitor import _COOKIE_SALT, COOKIE_NAME
from bot.i18n import Catalog
from faq.service import FaqService
from handlers.clock import FixedClock, SystemClock
from handlers.surveys import SurveyPolicy, send_due
from tests.bot.staff_stack import (
    PASSWORD,
    SECRET,
    build_engine,
    staff_app,
    staff_database,
    staff_sign_in,
)
from tests.browser import ARTIFACTS, needs_chromium, serve
from tests.handlers.chats import Chat, deliver_service, submit

pytestmark = needs_chromium

VISITOR_BOT = ".turn.bot:not(.typing) .bubble"
tr = Catalog("ar")
REPLY = "أهلاً بك، معك سارة من فريق الجمعية. كيف أقدر أساعدك؟"
NOTE = "صورة الهوية الوطنية وتقرير طبي حديث"
PHONE = {"width": 390, "height": 844}
ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


@dataclass(frozen=True)
class Site:
    base: str
    visitor: str  # the web chat visitor id (their cookie)
    reference: str  # the request they filed


@pytest_asyncio.fixture
async def seeded(tmp_path: Path, faq_service: FaqService) -> tuple[str, str, str]:
    """A database with a researcher and a request a web chat visitor filed."""
    visitor = "v" + secrets.token_hex(10)
    async with staff_database(tmp_path / "staff.db", sara="researcher") as (url, db):
        reference = await submit(Chat(build_engine(db, faq_service, SystemClock()), visitor))
    return url, visitor, reference


@pytest.fixture
def site(seeded: tuple[str, str, str], faq_service: FaqService) -> Iterator[Site]:
    url, visitor, reference = seeded
    with serve(staff_app(faq_service, {}, url=url)) as base:
        yield Site(base, visitor, reference)


def _watch(page: Any, errors: list[str]) -> None:
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)


async def _mark(page: Any) -> None:
    """A flag that only survives if the page is never reloaded."""
    await page.evaluate("window.__noReload = true")


async def _not_reloaded(page: Any) -> bool:
    return bool(await page.evaluate("window.__noReload === true"))


async def _fits(page: Any) -> bool:
    return bool(
        await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    )


@pytest.mark.asyncio
async def test_a_researcher_answers_a_web_visitor_who_sees_it_without_reloading(
    browser: Any, site: Site
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    errors: list[str] = []

    # The visitor: their chat on a phone, with the cookie of the conversation they had.
    visitor_ctx = await browser.new_context(viewport=PHONE, is_mobile=True, locale="ar-SA")
    cookie = URLSafeSerializer(SECRET, salt=_COOKIE_SALT).dumps(site.visitor)
    await visitor_ctx.add_cookies([{"name": COOKIE_NAME, "value": cookie, "url": site.base}])
    chat = await visitor_ctx.new_page()
    _watch(chat, errors)
    await chat.goto(site.base + "/")
    await chat.wait_for_selector("body[data-state=idle]")
    assert site.reference in await chat.inner_text("#messages")
    bots = await chat.locator(VISITOR_BOT).count()
    await chat.fill("#input", "ابي اكلم موظف")
    await chat.press("#input", "Enter")
    await chat.wait_for_function(
        "([sel, n]) => document.querySelectorAll(sel).length > n", arg=[VISITOR_BOT, bots]
    )
    await chat.wait_for_selector("body[data-state=idle]")
    await _mark(chat)

    # The researcher: the inbox sends them to sign in, then back to the cases.
    staff_ctx = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="ar-SA")
    desk = await staff_ctx.new_page()
    _watch(desk, errors)
    await desk.goto(site.base + "/staff/cases")
    assert "/staff/login" in desk.url
    assert await desk.get_attribute("html", "dir") == "rtl"
    await desk.fill("#username", "sara")
    await desk.fill("#password", "wrong password")
    await desk.click("button[type=submit]")
    assert "غير صحيحة" in await desk.inner_text("#login-error")
    # Only the password is to be typed again.
    assert await desk.input_value("#username") == "sara"
    assert await desk.input_value("#password") == ""
    # The refused sign-in page is a 401, which Chromium reports on the console: expected.
    assert [e for e in errors if "401" not in e] == []
    errors.clear()
    await desk.fill("#password", PASSWORD)
    await desk.click("button[type=submit]")
    await desk.wait_for_url("**/staff/cases")
    item = desk.locator(".case-item").first
    assert "ينتظر منذ" in await item.inner_text()
    assert "محادثة الموقع" in await item.inner_text()
    await desk.screenshot(path=str(ARTIFACTS / "staff-cases-desktop.png"), full_page=True)

    await item.locator("a").click()
    await desk.wait_for_selector("#transcript")
    assert "ابي اكلم موظف" in await desk.inner_text("#transcript")
    await desk.click("#claim")
    await desk.wait_for_selector("#case-status")
    assert await desk.inner_text("#case-status") == "مستلمة"
    assert await desk.locator("#claim").count() == 0

    await desk.fill("#reply-text", REPLY)
    await desk.click("#reply-send")
    await desk.wait_for_selector("#reply-sent")

    # The reply reaches the visitor's open chat by itself: the page's long poll (20 s) is
    # answered when it is written, well before its wait ends.
    await chat.wait_for_function(
        "(text) => [...document.querySelectorAll('.turn.bot .bubble')]"
        ".some((b) => b.textContent.includes(text))",
        arg=REPLY,
        timeout=10_000,
    )
    assert await _not_reloaded(chat)
    last_bot = await chat.locator(VISITOR_BOT).last.inner_text()
    assert last_bot == f"موظف sara من فريق الجمعية:\n{REPLY}"
    await chat.screenshot(path=str(ARTIFACTS / "staff-reply-in-web-chat-phone.png"))

    # …and what the visitor writes back reaches the case page by itself.
    await _mark(desk)
    await chat.fill("#input", "شكراً لكم، عندي سؤال عن طلبي")
    await chat.press("#input", "Enter")
    await desk.wait_for_function(
        "(text) => document.getElementById('transcript').textContent.includes(text)",
        arg="عندي سؤال عن طلبي",
    )
    assert await _not_reloaded(desk)
    await desk.screenshot(path=str(ARTIFACTS / "staff-case-desktop.png"), full_page=True)

    # The request: found by its number typed in Arabic-Indic digits…
    await desk.goto(f"{site.base}/staff/requests?status=submitted")
    await desk.fill("#filter-reference", site.reference.translate(ARABIC_DIGITS))
    await desk.click("#filter-apply")
    await desk.wait_for_selector("#status-form")
    assert desk.url.endswith(f"/staff/requests/{site.reference}")
    assert "*" in await desk.inner_text("#national-id")
    assert await desk.locator("#reveal").count() == 0  # a researcher is not offered it
    # …needs-info without saying what is missing: refused, the choice kept.
    await desk.select_option("#new-status", "needs_info")
    await desk.click("#status-submit")
    assert "--note" not in await desk.inner_text("#status-error")
    assert await desk.inner_text("#status-error") == tr("staffweb-error-needs-note")
    assert await desk.input_value("#new-status") == "needs_info"
    assert await desk.inner_text("#request-status") == "مُقدَّم"
    await desk.screenshot(path=str(ARTIFACTS / "staff-request-needs-note-desktop.png"))
    # The refusal is a 409, which Chromium reports on the console: expected.
    assert [e for e in errors if "409" not in e] == []
    errors.clear()
    await desk.fill("#note", NOTE)
    await desk.click("#status-submit")
    await desk.wait_for_selector("#status-saved")
    assert await desk.inner_text("#request-status") == "بحاجة إلى استكمال"
    assert NOTE in await desk.inner_text("#missing-info")

    await chat.wait_for_function(
        "(text) => [...document.querySelectorAll('.turn.bot .bubble')]"
        ".some((b) => b.textContent.includes(text))",
        arg=NOTE,
    )
    assert await _not_reloaded(chat)
    told = await chat.locator(VISITOR_BOT).last.inner_text()
    assert site.reference in told and "بحاجة إلى استكمال" in told
    await chat.screenshot(path=str(ARTIFACTS / "staff-needs-info-in-web-chat-phone.png"))

    # The same inbox on a phone: nothing spills sideways.
    phone_ctx = await browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, locale="ar-SA"
    )
    await phone_ctx.add_cookies(await staff_ctx.cookies())
    phone = await phone_ctx.new_page()
    _watch(phone, errors)
    for path, shot in (
        ("/staff/cases", "staff-cases-phone.png"),
        ("/staff/cases/1", "staff-case-phone.png"),
        (f"/staff/requests/{site.reference}", "staff-request-phone.png"),
        ("/staff/requests", "staff-requests-phone.png"),
    ):
        await phone.goto(site.base + path)
        assert "/staff/login" not in phone.url
        assert await _fits(phone), path
        await phone.screenshot(path=str(ARTIFACTS / shot), full_page=True)
    await desk.screenshot(path=str(ARTIFACTS / "staff-request-desktop.png"), full_page=True)

    for context in (phone_ctx, staff_ctx, visitor_ctx):
        await context.close()
    assert errors == []


@pytest_asyncio.fixture
async def rated_site(tmp_path: Path, faq_service: FaqService) -> AsyncIterator[Site]:
    """A visitor whose request was served: the survey job has sent them the survey."""
    visitor = "v" + secrets.token_hex(10)
    async with staff_database(tmp_path / "staff.db", sara="researcher") as (url, db):
        clock = SystemClock()
        reference = await submit(Chat(build_engine(db, faq_service, clock), visitor))
        await deliver_service(db, clock, reference, actor="staff:sara")
        # A day on: past the delay and any quiet hours, whenever the suite runs.
        later = FixedClock(clock.now() + timedelta(days=1))
        assert await send_due(db, later, tr.t, SurveyPolicy()) == 1
    with serve(staff_app(faq_service, {}, url=url)) as base:
        yield Site(base, visitor, reference)


@pytest.mark.asyncio
async def test_a_rating_in_the_web_chat_shows_in_the_staff_csat_chart(
    browser: Any, rated_site: Site
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    site = rated_site
    visitor_ctx = await browser.new_context(viewport=PHONE, is_mobile=True, locale="ar-SA")
    cookie = URLSafeSerializer(SECRET, salt=_COOKIE_SALT).dumps(site.visitor)
    await visitor_ctx.add_cookies([{"name": COOKIE_NAME, "value": cookie, "url": site.base}])
    chat = await visitor_ctx.new_page()
    await chat.goto(site.base + "/")
    await chat.wait_for_selector("body[data-state=idle]")
    # The survey's five buttons; the visitor gives the highest rating.
    five = chat.locator("button", has_text="٥").last
    await five.click()
    await chat.wait_for_selector("body[data-state=idle]")
    await chat.screenshot(path=str(ARTIFACTS / "survey-rated-in-web-chat-phone.png"))

    staff_ctx = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="ar-SA")
    desk = await staff_ctx.new_page()
    await staff_sign_in(desk, site.base + "/staff/reports", "sara", "**/staff/reports")
    assert "5.0 من 5 (إجابة واحدة)" in await desk.inner_text("[data-testid=csat-average]")
    # The distribution chart has one answer, at 5; the chart is drawn right to left.
    fives = desk.locator("[data-testid=chart-distribution] [data-label='5 ★']")
    assert await fives.first.get_attribute("data-value") == "1"
    assert await desk.locator("[data-testid=chart-csat-over-time] svg").count() == 1
    await desk.screenshot(path=str(ARTIFACTS / "staff-reports-desktop.png"), full_page=True)
    phone_ctx = await browser.new_context(viewport=PHONE, is_mobile=True, locale="ar-SA")
    await phone_ctx.add_cookies(await staff_ctx.cookies())
    phone = await phone_ctx.new_page()
    await phone.goto(site.base + "/staff/reports")
    assert await _fits(phone)
    await phone.screenshot(path=str(ARTIFACTS / "staff-reports-phone.png"), full_page=True)
    csv = await desk.request.get(site.base + "/staff/reports/surveys.csv")
    assert csv.status == 200 and "text/csv" in csv.headers["content-type"]
    assert "5" in (await csv.text())

    # A researcher is not offered the reveal, and the server refuses it to her anyway.
    await desk.goto(f"{site.base}/staff/requests/{site.reference}")
    masked = await desk.inner_text("#national-id")
    assert "*" in masked and await desk.locator("#reveal").count() == 0
    token = await desk.input_value("#status-form input[name=csrf]")
    refused = await desk.request.post(
        f"{site.base}/staff/requests/{site.reference}/reveal", form={"csrf": token}
    )
    assert refused.status == 403 and "للمشرفين فقط" in await refused.text()
    await desk.goto(f"{site.base}/staff/requests/{site.reference}")
    assert await desk.inner_text("#national-id") == masked
    # A form whose CSRF token was tampered with is refused, and changes nothing.
    status = await desk.inner_text("#request-status")
    await desk.eval_on_selector("#status-form input[name=csrf]", "el => el.value = 'forged'")
    await desk.click("#status-submit")
    assert "انتهت صلاحية النموذج" in await desk.inner_text("body")
    await desk.screenshot(path=str(ARTIFACTS / "staff-csrf-refused-desktop.png"))
    await desk.goto(f"{site.base}/staff/requests/{site.reference}")
    assert await desk.inner_text("#request-status") == status
    # Signed out, nothing under /staff answers: the browser is sent to sign in.
    fresh = await browser.new_context(locale="ar-SA")
    stranger = await fresh.new_page()
    await stranger.goto(f"{site.base}/staff/requests/{site.reference}")
    assert "/staff/login" in stranger.url
