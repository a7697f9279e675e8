"""The website chat in a real browser: headless Chromium (Debian's) driven by Playwright.

It opens the page as a newcomer would, reads the greeting, asks, presses a button, reloads,
and keeps screenshots (desktop and phone width) under test-artifacts/ for a human to look at.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractAsyncContextManager
from typing import Any

import pytest

from bot.channels.web.app import create_app
from bot.i18n import Catalog
from handlers.types import ChatEngine
from tests.browser import ARTIFACTS, needs_chromium, serve

ORG_NAME = "جمعية القلوب الصغيرة لرعاية مرضى القلب من الأطفال"
BOT = ".turn.bot:not(.typing) .bubble"
ME = ".turn.me .bubble"
ACTIVE_CHIP = ".chip:not([disabled])"

pytestmark = needs_chromium

EngineFactory = Callable[[], AbstractAsyncContextManager[ChatEngine]]


@pytest.fixture
def base_url(chat_engine_factory: EngineFactory) -> Iterator[str]:
    app = create_app(
        engine_factory=chat_engine_factory,
        catalog=Catalog("ar"),
        org_name=ORG_NAME,
        secret_key="browser-test-key",
    )
    with serve(app) as url:
        yield url


async def _idle(page: Any) -> None:
    await page.wait_for_selector("body[data-state=idle]")


async def _bot_count_above(page: Any, count: int) -> None:
    await page.wait_for_function(
        "([sel, n]) => document.querySelectorAll(sel).length > n", arg=[BOT, count]
    )
    await _idle(page)


@pytest.mark.asyncio
async def test_a_newcomer_chats_presses_a_button_and_reloads(browser: Any, base_url: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    context = await browser.new_context(viewport={"width": 1280, "height": 860}, locale="ar-SA")
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    await page.goto(base_url + "/")
    assert await page.get_attribute("html", "dir") == "rtl"
    assert await page.get_attribute("html", "lang") == "ar"
    assert ORG_NAME in await page.inner_text("header")

    # A first visit: the bot greets on its own and offers buttons.
    await _bot_count_above(page, 0)
    assert (await page.locator(BOT).first.inner_text()).strip()
    assert await page.locator(ACTIVE_CHIP).count() >= 1
    assert await page.locator(ME).count() == 0  # the page's /start is not the visitor's words

    # Pressing a greeting button: its label shows as the visitor's message, and the bot answers.
    bots = await page.locator(BOT).count()
    first_chip = page.locator(ACTIVE_CHIP).first
    label = (await first_chip.inner_text()).strip()
    await first_chip.click()
    await _bot_count_above(page, bots)
    assert (await page.locator(ME).last.inner_text()).strip() == label

    # Typing a question (two lines) and pressing Enter; an empty box sends nothing.
    await page.click("#send")
    assert await page.locator(ME).count() == 1
    bots = await page.locator(BOT).count()
    await page.fill("#input", "السلام عليكم")
    await page.press("#input", "Shift+Enter")
    await page.type("#input", "وش خدماتكم؟")
    await page.press("#input", "Enter")
    await _bot_count_above(page, bots)
    assert await page.locator(ME).last.inner_text() == "السلام عليكم\nوش خدماتكم؟"
    assert await page.input_value("#input") == ""

    # What a visitor types is text, never markup.
    bots = await page.locator(BOT).count()
    attack = '<img src=x onerror="window.__pwned=1"><b>bold</b>'
    await page.fill("#input", attack)
    await page.click("#send")
    await _bot_count_above(page, bots)
    assert await page.locator(ME).last.inner_text() == attack
    assert await page.locator("#messages img, #messages b").count() == 0
    assert await page.evaluate("window.__pwned") is None

    await page.screenshot(path=str(ARTIFACTS / "web-chat-desktop.png"))
    before = await page.locator(f"{BOT}, {ME}").all_inner_texts()

    # A reload redraws the same conversation, and the latest buttons still work.
    await page.reload()
    await page.wait_for_function(
        "([sel, n]) => document.querySelectorAll(sel).length >= n",
        arg=[f"{BOT}, {ME}", len(before)],
    )
    await _idle(page)
    assert await page.locator(f"{BOT}, {ME}").all_inner_texts() == before
    if await page.locator(ACTIVE_CHIP).count():
        bots = await page.locator(BOT).count()
        await page.locator(ACTIVE_CHIP).first.click()
        await _bot_count_above(page, bots)

    # The same visitor on a phone: nothing overflows sideways at 360-390 px.
    cookies = await context.cookies()
    phone = await browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True
    )
    await phone.add_cookies(cookies)
    small = await phone.new_page()
    await small.goto(base_url + "/")
    await small.wait_for_selector(BOT)
    await _idle(small)
    assert await small.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    await small.screenshot(path=str(ARTIFACTS / "web-chat-phone.png"))
    await small.set_viewport_size({"width": 360, "height": 740})
    assert await small.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    await phone.close()
    await context.close()
    assert errors == []


@pytest.mark.asyncio
async def test_a_failed_send_shows_the_error_banner(browser: Any, base_url: str) -> None:
    context = await browser.new_context(viewport={"width": 1024, "height": 768})
    page = await context.new_page()
    await page.goto(base_url + "/")
    await _bot_count_above(page, 0)

    async def fail(route: Any) -> None:
        await route.abort()

    await page.route("**/api/chat", fail)
    await page.fill("#input", "هل وصلت رسالتي؟")
    await page.press("#input", "Enter")
    banner = page.locator("#banner")
    await banner.wait_for(state="visible")
    assert Catalog("ar").t("web-error-send") in await banner.inner_text()
    await _idle(page)

    # Retrying once the network is back delivers the message and clears the banner.
    await page.unroute("**/api/chat", fail)
    await page.click("#banner-retry")
    await banner.wait_for(state="hidden")
    await _idle(page)
    assert "هل وصلت رسالتي؟" in await page.locator(ME).all_inner_texts()
    await context.close()


@pytest.mark.asyncio
async def test_a_lost_session_says_so_and_keeps_the_typed_text(browser: Any, base_url: str) -> None:
    context = await browser.new_context(viewport={"width": 1024, "height": 768})
    page = await context.new_page()
    await page.goto(base_url + "/")
    await _bot_count_above(page, 0)

    await context.clear_cookies()
    await page.fill("#input", "رسالة بعد انتهاء الجلسة")
    await page.press("#input", "Enter")
    banner = page.locator("#banner")
    await banner.wait_for(state="visible")
    assert Catalog("ar").t("web-error-unauthorized") in await banner.inner_text()
    assert not await page.locator("#banner-retry").is_visible()
    await _idle(page)
    assert await page.input_value("#input") == "رسالة بعد انتهاء الجلسة"
    await context.close()


async def _rows(page: Any) -> list[list[tuple[str, float]]]:
    """The last bot turn's button rows: each chip's label and its top edge."""
    return await page.evaluate(
        """() => {
          const turns = document.querySelectorAll('.turn.bot:not(.typing)');
          const last = turns[turns.length - 1];
          return Array.from(last.querySelectorAll('.chips')).map((row) =>
            Array.from(row.querySelectorAll('.chip')).map((chip) =>
              [chip.textContent, chip.getBoundingClientRect().top]));
        }"""
    )


@pytest.mark.asyncio
async def test_the_menu_button_sits_in_a_row_of_its_own_below_the_choices(
    browser: Any, base_url: str
) -> None:
    context = await browser.new_context(viewport={"width": 1280, "height": 860}, locale="ar-SA")
    page = await context.new_page()
    await page.goto(base_url + "/")
    await _bot_count_above(page, 0)
    bots = await page.locator(BOT).count()
    await page.fill("#input", "وين مقركم")
    await page.press("#input", "Enter")
    await _bot_count_above(page, bots)
    for _ in range(2):  # as answered, then as redrawn from the history after a reload
        choices, navigation = await _rows(page)
        assert [label for label, _ in choices] == ["👍 مفيد", "👎 غير مفيد"]
        assert [label for label, _ in navigation] == ["🏠 القائمة"]
        assert navigation[0][1] > max(top for _, top in choices)
        await page.reload()
        await page.wait_for_selector(ACTIVE_CHIP)
        await _idle(page)
    bots = await page.locator(BOT).count()
    await page.locator(".chips.nav .chip").click()
    await _bot_count_above(page, bots)
    assert "تقييم الخدمة" in await page.locator(".turn.bot").last.inner_text()
    await context.close()
