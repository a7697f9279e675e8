"""The masked numbers on the staff case page, in a real browser (headless Chromium).

A web visitor typed their national ID and mobile while asking for a person. The
researcher's case page shows both masked, left to right inside the Arabic line, with no
way to reveal them; the admin's shows a reveal button, and pressing it shows the numbers.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from faq.service import FaqService
from handlers.clock import SystemClock
from handlers.types import Incoming
from tests.bot.staff_stack import (
    CLEAR,
    TYPED,
    build_engine,
    staff_app,
    staff_database,
    staff_sign_in,
)
from tests.browser import ARTIFACTS, needs_chromium, serve

pytestmark = needs_chromium

# Where each character of a run is drawn, from the left (a Range per character).
_X_OF = """([selector, run]) => {
  const el = document.querySelector(selector);
  const node = [...el.childNodes].find(n => n.textContent.includes(run));
  const at = node.textContent.indexOf(run);
  return [...run].map((_, i) => {
    const r = document.createRange();
    r.setStart(node, at + i);
    r.setEnd(node, at + i + 1);
    return r.getBoundingClientRect().x;
  });
}"""


@pytest_asyncio.fixture
async def url(tmp_path: Path, faq_service: FaqService) -> AsyncIterator[str]:
    staff = {"sara": "researcher", "boss": "admin"}
    async with staff_database(tmp_path / "staff.db", **staff) as (url, db):
        engine = build_engine(db, faq_service, SystemClock())
        await engine.handle(Incoming("web", "v1", "v1", text=TYPED))
    yield url


@pytest.fixture
def base(url: str, faq_service: FaqService) -> Iterator[str]:
    with serve(staff_app(faq_service, {}, url=url)) as found:
        yield found


async def signed_in(browser: Any, base: str, username: str) -> Any:
    page = await (await browser.new_context(locale="ar-SA")).new_page()
    await staff_sign_in(
        page, f"{base}/staff/login?next=/staff/cases/1", username, "**/staff/cases/1"
    )
    return page


@pytest.mark.asyncio
async def test_staff_read_the_numbers_masked_and_an_admin_reveals_them(
    browser: Any, base: str
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    sara = await signed_in(browser, base, "sara")
    line = await sara.inner_text(".msg-in .msg-text")
    assert "1*******08" in line and "+9665*****567" in line
    body = await sara.inner_text("body")
    assert not any(c in body for c in CLEAR)
    # Inside the Arabic sentence the masks still read left to right.
    xs = await sara.evaluate(_X_OF, [".msg-in .msg-text", "1*******08"])
    assert xs == sorted(xs), xs
    xs = await sara.evaluate(_X_OF, [".msg-in .msg-text", "+9665*****567"])
    assert xs == sorted(xs), xs
    assert await sara.locator("#reveal-identifiers").count() == 0
    await sara.screenshot(path=str(ARTIFACTS / "staff-case-masked-numbers.png"), full_page=True)

    boss = await signed_in(browser, base, "boss")
    body = await boss.inner_text("body")
    assert not any(c in body for c in CLEAR)
    await boss.click("#reveal-identifiers")
    revealed = await boss.inner_text("#revealed-identifiers")
    assert "1000000008" in revealed and "+966551234567" in revealed
    assert "رقم الهوية" in revealed and "الجوال" in revealed
    assert await boss.locator("#identifiers-revealed-note").is_visible()
    await boss.screenshot(path=str(ARTIFACTS / "staff-case-revealed-numbers.png"), full_page=True)
