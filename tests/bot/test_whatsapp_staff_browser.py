"""A researcher answers a WhatsApp beneficiary from the staff web inbox, in Chromium: the
case says it came by WhatsApp, each reply shows WhatsApp's ticks, and a day later the page
warns before a reply that the 24-hour window has closed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select, update

from handlers.staff_auth import set_password
from storage.models import Conversation, HandoverCase
from tests.bot.whatsapp_stack import USER, WhatsAppStack, whatsapp_stack
from tests.browser import ARTIFACTS, chromium, needs_chromium

pytestmark = needs_chromium
PASSWORD = "كلمة سر طويلة 123"


async def signed_in(browser: object, stack: WhatsAppStack) -> object:
    context = await browser.new_context(  # type: ignore[attr-defined]
        viewport={"width": 1280, "height": 900}, locale="ar-SA"
    )
    page = await context.new_page()
    await page.goto(stack.url + "/staff/login")
    await page.fill("#username", "sara")
    await page.fill("#password", PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_url("**/staff/cases")
    return page


async def test_a_whatsapp_case_in_the_staff_inbox(tmp_path: Path) -> None:
    async with whatsapp_stack(tmp_path) as stack, chromium() as browser:
        stack.wa.auto_statuses = ["sent", "delivered", "read"]
        await stack.says("ابي اكلم موظف")
        await stack.staff_member()
        await set_password(stack.db, "sara", PASSWORD)
        async with stack.db.reading() as s:
            case_id = (await s.execute(select(HandoverCase.id))).scalar_one()
        page = await signed_in(browser, stack)
        assert "واتساب" in await page.inner_text(".case-item")
        await page.goto(f"{stack.url}/staff/cases/{case_id}")
        assert await page.inner_text("#case-channel") == "واتساب"
        before = len(stack.wa.messages_to(USER))
        await page.fill("#reply-text", "أهلاً بك، معك سارة من الجمعية. كيف أقدر أخدمك؟")
        await page.click("#reply-send")
        await stack.settled(lambda: len(stack.wa.messages_to(USER)) > before)
        await stack.wa.flush()
        # Without a reload: the page's poll moves the reply's ticks on to read.
        tick = page.locator(".msg-out.author-staff .msg-delivery.delivery-read")
        await tick.wait_for(timeout=15_000)
        assert "قُرئت" in await tick.inner_text()
        assert await page.locator("#window-closed").count() == 0
        # A day and a half later: the page says a reply would go as a template.
        async with stack.db.transaction() as s:
            await s.execute(
                update(Conversation).values(last_inbound_at=datetime.now(UTC) - timedelta(hours=36))
            )
        await page.reload()
        notice = await page.inner_text("#window-closed")
        assert "24 ساعة" in notice and "قالب" in notice
        ARTIFACTS.mkdir(exist_ok=True)
        await page.screenshot(path=str(ARTIFACTS / "staff-whatsapp-case.png"), full_page=True)
