"""Numbers and masked identifiers read left to right inside Arabic, as Chromium draws them.

Reading the string proves nothing here: "2612-00001" is the right string and still shows as
"00001-2612" in a right-to-left line. So the test files a request in the web chat as a
visitor would, then measures where Chromium put the glyphs (a DOM Range over the text
node, one character at a time) and asserts that the year part of the reference lies left
of its serial part, the first digit of the masked national ID left of its last two, and the
country code of the masked phone left of its last three digits: in the chat, in the case
transcript and on the staff request page. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from faq.service import FaqService
from handlers import fields
from tests.bidi import plain
from tests.bot.staff_stack import staff_app, staff_database, staff_sign_in
from tests.browser import ARTIFACTS, needs_chromium, serve
from tests.handlers.chats import NATIONAL_ID

pytestmark = needs_chromium

BOT = ".turn.bot:not(.typing) .bubble"
CHIP = ".chip:not([disabled])"
PHONE_TYPED = "0558764321"
MASKED_ID = fields.mask_national_id(NATIONAL_ID)  # 1*******39
MASKED_PHONE = fields.mask_phone("+966558764321")  # +9665*****321
# Where each part starts inside the run: the parts must appear in this order, left to right.
ID_PARTS = (0, len(MASKED_ID) - 2)
PHONE_PARTS = (0, 1, len(MASKED_PHONE) - 3)

# The left edge of chosen characters of `needle`, in the last element under `selector`
# whose text holds it: what the reader sees, whatever order the string has.
_MEASURE = """
([selector, needle, offsets]) => {
  const hosts = [...document.querySelectorAll(selector)]
    .filter((el) => el.textContent.includes(needle));
  const host = hosts[hosts.length - 1];
  if (!host) return null;
  const walker = document.createTreeWalker(host, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.data.indexOf(needle);
    if (at < 0) continue;
    return offsets.map((offset) => {
      const range = document.createRange();
      range.setStart(node, at + offset);
      range.setEnd(node, at + offset + 1);
      return range.getBoundingClientRect().left;
    });
  }
  return null;
}
"""


@pytest_asyncio.fixture
async def database_url(tmp_path: Path) -> str:
    """A database with an admin, who may see the request page."""
    async with staff_database(tmp_path / "bidi.db", boss="admin") as (url, _):
        return url


@pytest.fixture
def base(database_url: str, faq_service: FaqService) -> Iterator[str]:
    with serve(staff_app(faq_service, {}, url=database_url)) as url:
        yield url


class Reading:
    """What a reader sees, checked run by run; every misordered run is listed at the end."""

    def __init__(self) -> None:
        self.wrong: list[str] = []

    async def check(
        self, page: Any, selector: str, needle: str, offsets: tuple[int, ...], where: str
    ) -> None:
        found = await page.evaluate(_MEASURE, [selector, needle, list(offsets)])
        assert found is not None, f"{where}: {needle!r} is not shown in {selector}"
        lefts = [float(x) for x in found]
        if lefts != sorted(lefts) or len(set(lefts)) != len(lefts):
            self.wrong.append(f"{where}: {needle!r} drawn with its parts at x={lefts}")

    async def reference(self, page: Any, selector: str, reference: str, where: str) -> None:
        """The year part left of the serial part: 2612-00001, never 00001-2612."""
        await self.check(page, selector, reference, (0, reference.index("-") + 1), where)

    async def masks(self, page: Any, selectors: tuple[str, str], where: str) -> None:
        await self.check(page, selectors[0], MASKED_ID, ID_PARTS, where)
        await self.check(page, selectors[1], MASKED_PHONE, PHONE_PARTS, where)


async def _idle(page: Any) -> None:
    await page.wait_for_selector("body[data-state=idle]")


async def _answered(page: Any, before: int) -> str:
    await page.wait_for_function(
        "([sel, n]) => document.querySelectorAll(sel).length > n", arg=[BOT, before]
    )
    await _idle(page)
    return str(await page.locator(BOT).last.inner_text())


async def say(page: Any, text: str) -> str:
    before = await page.locator(BOT).count()
    await page.fill("#input", text)
    await page.press("#input", "Enter")
    return await _answered(page, before)


async def press(page: Any, label: str) -> str:
    before = await page.locator(BOT).count()
    await page.locator(CHIP, has_text=label).first.click()
    return await _answered(page, before)


async def shot(page: Any, name: str) -> None:
    await page.screenshot(path=str(ARTIFACTS / name), full_page=True)


async def file_a_request(page: Any, base: str, reading: Reading) -> str:
    """Through the web chat, as a visitor types it; the reference the bot gave."""
    await page.goto(base + "/")
    await _idle(page)
    assert await page.get_attribute("html", "dir") == "rtl"
    await say(page, "ابي اقدم طلب مساعدة")
    for answer in ("سارة محمد العتيبي", NATIONAL_ID, PHONE_TYPED):
        await say(page, answer)
    await press(page, "جدة")
    await press(page, "علاج أمراض القلب للأطفال")
    await say(page, "بنتي عمرها سنتين وعندها ثقب في القلب وتحتاج عملية")
    summary = await press(page, "تم")
    assert MASKED_ID in summary and MASKED_PHONE in summary
    await page.screenshot(path=str(ARTIFACTS / "bidi-chat-summary.png"))
    await reading.masks(page, (BOT, BOT), "the form summary in the chat")
    await press(page, "البيانات صحيحة")
    filed = plain(await press(page, "أقرّ وأوافق"))
    reference = filed.split("رقم طلبك: ")[1].split()[0]
    await page.screenshot(path=str(ARTIFACTS / "bidi-chat-filed.png"))
    await reading.reference(page, BOT, reference, "the filing message in the chat")
    return reference


@pytest.mark.asyncio
async def test_references_and_masked_numbers_read_left_to_right_in_chat_and_staff_pages(
    browser: Any, base: str
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    reading = Reading()
    visitor = await browser.new_context(viewport={"width": 1024, "height": 900}, locale="ar-SA")
    chat = await visitor.new_page()
    reference = await file_a_request(chat, base, reading)

    # The follow-up lists it; asking for a person opens a case with the transcript.
    await say(chat, "وين وصل طلبي")
    await reading.reference(chat, BOT, reference, "follow my request in the chat")
    await say(chat, "ابي اكلم موظف")

    # The same conversation on a phone, redrawn from the transcript.
    small = await browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True
    )
    await small.add_cookies(await visitor.cookies())
    phone = await small.new_page()
    await phone.goto(base + "/")
    await _idle(phone)
    await shot(phone, "bidi-chat-phone.png")
    await reading.masks(phone, (BOT, BOT), "the summary in the chat on a phone")
    await reading.reference(phone, BOT, reference, "the chat on a phone")

    staff = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="ar-SA")
    desk = await staff.new_page()
    await staff_sign_in(desk, base + "/staff/login", "boss", "**/staff/cases")
    await desk.goto(f"{base}/staff/requests/{reference}")
    await shot(desk, "bidi-staff-request.png")
    await reading.reference(desk, "h1", reference, "the staff request page")
    await reading.masks(desk, ("#national-id", "#phone"), "the staff request page")

    await desk.goto(f"{base}/staff/requests")
    await reading.reference(desk, ".case-title", reference, "the staff request list")

    await desk.goto(f"{base}/staff/cases")
    await desk.locator(".case-item a").first.click()
    await desk.wait_for_selector("#transcript")
    await shot(desk, "bidi-staff-case.png")
    transcript = "#transcript .msg-text"
    await reading.masks(desk, (transcript, transcript), "the case transcript")
    await reading.reference(desk, transcript, reference, "the case transcript")

    for context in (staff, small, visitor):
        await context.close()
    assert reading.wrong == [], "\n".join(reading.wrong)
