"""Attaching a file in the website chat, in a real browser (headless Debian Chromium).

A visitor fills the request form up to its attachments step, picks a PNG through the
page's real file input (and first a program renamed .png, which is refused in Arabic in
the chat), sees «received», presses done and files the request; an admin then opens the
request page and downloads the very same bytes. Screenshots of the chat with the
paperclip button (desktop and 390 px) go to test-artifacts/.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from bot.channels.web.uploads import MAX_UPLOAD_BYTES, WebUploads
from bot.i18n import Catalog
from faq.service import FaqService
from tests.bot.attached import EXE, png_bytes
from tests.bot.staff_stack import staff_app, staff_database, staff_sign_in
from tests.browser import ARTIFACTS, needs_chromium, serve
from tests.handlers.chats import NATIONAL_ID

pytestmark = needs_chromium

BOT = ".turn.bot:not(.typing):not(.notice) .bubble"
ME = ".turn.me .bubble"
NOTICE = ".turn.notice .bubble"
tr = Catalog("ar")


@pytest_asyncio.fixture
async def database_url(tmp_path: Path) -> str:
    async with staff_database(tmp_path / "uploads.db", boss="admin") as (url, _):
        return url


@pytest.fixture
def base(database_url: str, faq_service: FaqService, tmp_path: Path) -> Iterator[str]:
    uploads = WebUploads(tmp_path / "uploads")
    app = staff_app(faq_service, {}, url=database_url, files=uploads, uploads=uploads)
    with serve(app) as url:
        yield url


async def _answered(page: Any, count: int) -> str:
    """Waits for a bot message beyond `count` and the page to settle; the last one."""
    await page.wait_for_function(
        "([sel, n]) => document.querySelectorAll(sel).length > n", arg=[BOT, count]
    )
    await page.wait_for_selector("body[data-state=idle]")
    return str(await page.locator(BOT).last.inner_text())


async def _type(page: Any, text: str) -> str:
    count = await page.locator(BOT).count()
    await page.fill("#input", text)
    await page.press("#input", "Enter")
    return await _answered(page, count)


async def _press(page: Any, label: str) -> str:
    count = await page.locator(BOT).count()
    await page.locator(".chip:not([disabled])", has_text=label).first.click()
    return await _answered(page, count)


async def _pick(page: Any, name: str, mime: str, data: bytes) -> None:
    await page.set_input_files("#file", files=[{"name": name, "mimeType": mime, "buffer": data}])


@pytest.mark.asyncio
async def test_a_visitor_attaches_a_png_and_an_admin_downloads_it(browser: Any, base: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    errors: list[str] = []
    context = await browser.new_context(viewport={"width": 1280, "height": 860}, locale="ar-SA")
    page = await context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    await page.goto(base + "/")
    await page.wait_for_selector("body[data-state=idle]")
    attach = page.locator("#attach")
    assert await attach.get_attribute("aria-label") == tr("web-attach")
    assert await attach.is_visible()

    await _type(page, "ابي اقدم طلب مساعدة")
    for answer in ("سارة محمد العتيبي", NATIONAL_ID, "٠٥٥٨٧٦٤٣٢١"):
        await _type(page, answer)
    await _press(page, "جدة")
    await _press(page, "علاج أمراض القلب للأطفال")
    step = await _type(page, "بنتي عمرها سنتين وعندها ثقب في القلب وتحتاج عملية")
    assert "7️⃣" in step

    # A program renamed .png: refused in Arabic, in the chat, and the step goes on.
    await _pick(page, "صورة.png", "image/png", EXE)
    await page.wait_for_selector(NOTICE)
    await page.wait_for_selector("body[data-state=idle]")
    assert await page.locator(NOTICE).last.inner_text() == tr("web-upload-wrong-type")

    # Too big: the page says so at once, without sending it.
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    await _pick(page, "كبير.png", "image/png", png_bytes() + bytes(MAX_UPLOAD_BYTES))
    await page.wait_for_function(
        "([sel, text]) => [...document.querySelectorAll(sel)].some((b) => b.textContent === text)",
        arg=[NOTICE, tr("web-upload-too-big", mb=MAX_UPLOAD_BYTES // (1024 * 1024))],
    )
    assert posts == []

    image = png_bytes(48, 32)
    count = await page.locator(BOT).count()
    await _pick(page, "فحص القلب.png", "image/png", image)
    received = await _answered(page, count)
    assert "استلمت المرفق" in received
    assert await page.locator(ME).last.inner_text() == "📎 فحص القلب.png"
    await page.screenshot(path=str(ARTIFACTS / "web-chat-upload-desktop.png"))

    # The same chat at 390 px: the button fits beside the box, nothing overflows.
    phone = await browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True
    )
    await phone.add_cookies(await context.cookies())
    small = await phone.new_page()
    await small.goto(base + "/")
    await small.wait_for_selector(BOT)
    await small.wait_for_selector("body[data-state=idle]")
    assert "📎 فحص القلب.png" in await small.locator(ME).all_inner_texts()
    assert await small.locator("#attach").is_visible()
    assert await small.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    await small.screenshot(path=str(ARTIFACTS / "web-chat-upload-phone.png"))
    await phone.close()

    await _press(page, tr("form-done"))
    await _press(page, tr("form-confirm"))
    filed = await _press(page, tr("form-accept"))
    assert "رقم طلبك" in filed
    reference = filed.split("رقم طلبك: ")[1].split()[0].strip("\u2066\u2069")
    await context.close()

    staff = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="ar-SA")
    desk = await staff.new_page()
    await staff_sign_in(desk, base + "/staff/login", "boss", "**/staff/cases")
    await desk.goto(f"{base}/staff/requests/{reference}")
    files = desk.locator("#attachments li")
    assert await files.count() == 1
    assert "فحص القلب.png" in await files.first.inner_text()
    link = files.first.locator("a")
    async with staff.expect_page() as opened:
        await link.click()
    viewer = await opened.value
    await viewer.wait_for_load_state()
    width = await viewer.evaluate("document.images.length ? document.images[0].naturalWidth : 0")
    assert width == 48  # Chromium shows the picture itself
    href = await link.get_attribute("href")
    download = await staff.request.get(base + href)
    assert download.status == 200 and await download.body() == image
    assert download.headers["content-type"] == "image/png"
    assert download.headers["x-content-type-options"] == "nosniff"
    await staff.close()
    assert errors == []
