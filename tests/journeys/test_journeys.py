"""The journey suite: every scripted conversation in data/ played through the real engine
(SQLite and PostgreSQL), and the web ones again in headless Chromium in the real web chat.

`pytest tests/journeys -k ID` plays one journey; a failing one prints the whole
conversation, every line typed and every reply with its buttons. README.md says how to
add a journey.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

import pytest
from sqlalchemy import func, select

from handlers.clock import FixedClock
from handlers.engine import Engine
from handlers.replies import Reply
from handlers.types import Attachment, Incoming
from storage.db import Database
from storage.models import Base, Conversation
from tests.journeys.conftest import WebChats, build_engine
from tests.journeys.journeys import (
    Journey,
    JourneyError,
    Log,
    NoSuchButton,
    Seen,
    Step,
    check,
    load_all,
    pick_button,
)

JOURNEYS = load_all()
WEB_JOURNEYS = [j for j in JOURNEYS if j.on("web")]
CHAT = "journey"
# The files a channel would hand over for each kind the data names.
FILES = {
    "photo": ("photo", 120_000, "photo.jpg", "image/jpeg"),
    "document": ("document", 80_000, "report.pdf", "application/pdf"),
    "voice": ("voice", 30_000, None, "audio/ogg"),
    "sticker": ("sticker", 20_000, None, "image/webp"),
}
# What a channel reports when the person shares their own number (Telegram's contact).
OWN_NUMBER = "966551234567"
BOT_TURN = ".turn.bot:not(.typing)"
ACTIVE_CHIP = ".turn.bot .chip:not([disabled])"


class Channel(Protocol):
    """One way of playing a journey: a step in, what the person sees out."""

    async def play(self, step: Step) -> list[Seen]: ...

    async def state(self) -> Mapping[str, Any] | None: ...


def test_there_are_enough_journeys_and_every_org_has_some() -> None:
    assert len(JOURNEYS) >= 60
    assert {j.org for j in JOURNEYS} == {
        "little-hearts",
        "takatuf",
        "qader",
        "alhuda",
        "health-coop",
    }
    assert WEB_JOURNEYS


async def play(journey: Journey, channel: Channel, where: str) -> Log:
    log = Log(journey, where)
    for number, step in enumerate(journey.steps, 1):
        try:
            replies = await channel.play(step)
        except NoSuchButton as exc:
            log.turn(number, step, [], None, [str(exc)])
            log.note("the journey stopped here: nothing to press")
            return log
        state = await channel.state()
        problems = check(step, replies, state)
        said = "\n".join(r.text for r in replies)
        problems += [f"a reply says {w!r}" for w in journey.never_says if w in said]
        log.turn(number, step, replies, state, problems)
    return log


# -- the engine ---------------------------------------------------------------------------


class EngineChannel:
    """The core itself, as any channel adapter calls it."""

    def __init__(self, engine: Engine, db: Database) -> None:
        self.engine, self.db = engine, db
        self.last: list[Reply] = []
        self.files = 0

    async def play(self, step: Step) -> list[Seen]:
        self.last = await self.engine.handle(self._incoming(step))
        return [Seen(r.text, tuple(b.label for b in r.buttons)) for r in self.last]

    def _incoming(self, step: Step) -> Incoming:
        if step.action == "say":
            return Incoming("web", CHAT, CHAT, text=step.value)
        if step.action == "press":
            buttons = [b for r in self.last for b in r.buttons]
            chosen = buttons[pick_button([b.label for b in buttons], step.value)]
            return Incoming("web", CHAT, CHAT, payload=chosen.payload)
        if step.action == "contact":
            if step.value == "own":
                return Incoming("web", CHAT, CHAT, contact=OWN_NUMBER)
            return Incoming("web", CHAT, CHAT, foreign_contact=True)
        self.files += 1
        kind, size, name, mime = FILES[step.value]
        file = Attachment(f"{step.value}-{self.files}", kind, size, name, mime)
        return Incoming("web", CHAT, CHAT, attachments=(file,))

    async def state(self) -> Mapping[str, Any] | None:
        async with self.db.reading() as s:
            query = select(Conversation.state).where(
                Conversation.channel == "web", Conversation.chat_id == CHAT
            )
            return (await s.execute(query)).scalar_one_or_none()


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize("journey", JOURNEYS, ids=[j.id for j in JOURNEYS])
async def test_journey_through_the_engine(
    journey: Journey, journey_db: Database, clock: FixedClock, tmp_path: Path
) -> None:
    channel = EngineChannel(build_engine(journey_db, journey.org, clock, tmp_path), journey_db)
    backend = "sqlite" if journey_db.is_sqlite else "postgresql"
    log = await play(journey, channel, f"engine on {backend}")
    for needle, where in await stored_in_clear(journey_db, journey.never_stored):
        log.note(f"never_stored {needle!r} is stored in clear in {where}")
    if log.failures:
        pytest.fail(log.report(), pytrace=False)


async def watermarks(db: Database) -> dict[str, int]:
    """The highest id of every table now: what a later scan may skip."""
    marks: dict[str, int] = {}
    async with db.reading() as s:
        for table in Base.metadata.sorted_tables:
            if _serial(table):
                top = (await s.execute(select(func.max(table.c.id)))).scalar_one_or_none()
                marks[table.name] = int(top or 0)
    return marks


async def stored_in_clear(
    db: Database, needles: Sequence[str], after: Mapping[str, int] | None = None
) -> list[tuple[str, str]]:
    """(string, table.column) for every needle found in any column of any row."""
    if not needles:
        return []
    found: list[tuple[str, str]] = []
    async with db.reading() as s:
        for table in Base.metadata.sorted_tables:
            query = select(table)
            if after is not None and _serial(table):
                query = query.where(table.c.id > after.get(table.name, 0))
            for row in (await s.execute(query)).mappings():
                for column, value in row.items():
                    text = _as_text(value)
                    found += [(n, f"{table.name}.{column}") for n in needles if n in text]
    return sorted(set(found))


def _serial(table: Any) -> bool:
    """Numbered by an integer id (a data key's id is random text: its table is read whole)."""
    if "id" not in table.c:
        return False
    try:
        return table.c.id.type.python_type is int
    except NotImplementedError:
        return False


def _as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


# -- the web chat in Chromium -------------------------------------------------------------


class BrowserChannel:
    """A visitor in the real web chat page: types into the box and presses the chips."""

    def __init__(self, page: Any, db: Database, conversation: int) -> None:
        self.page, self.db, self.conversation = page, db, conversation

    async def play(self, step: Step) -> list[Seen]:
        before = await self.page.locator(BOT_TURN).count()
        if step.action == "press":
            chips = self.page.locator(ACTIVE_CHIP)
            index = pick_button(await chips.all_inner_texts(), step.value)
            await self._sent(chips.nth(index).click())
        else:
            await self.page.fill("#input", step.value)
            await self._sent(self.page.press("#input", "Enter"))
        return await self._turns_after(before)

    async def _sent(self, action: Any) -> None:
        async with self.page.expect_response(
            lambda r: r.url.endswith("/api/chat") and r.request.method == "POST"
        ):
            await action
        await self.page.wait_for_selector("body[data-state=idle]")

    async def _turns_after(self, before: int) -> list[Seen]:
        turns = self.page.locator(BOT_TURN)
        seen: list[Seen] = []
        for n in range(before, await turns.count()):
            turn = turns.nth(n)
            text = await turn.locator(".bubble").inner_text()
            labels = await turn.locator(".chip").all_inner_texts()
            seen.append(Seen(text.strip(), tuple(label.strip() for label in labels)))
        return seen

    async def state(self) -> Mapping[str, Any] | None:
        async with self.db.reading() as s:
            query = select(Conversation.state).where(Conversation.id == self.conversation)
            return (await s.execute(query)).scalar_one_or_none()


async def open_chat(browser: Any, url: str, db: Database) -> tuple[Any, Any, int]:
    """A new visitor opens the chat; the page greets by itself. The conversation's id."""
    context = await browser.new_context(viewport={"width": 1024, "height": 768}, locale="ar-SA")
    page = await context.new_page()
    await page.goto(url + "/")
    await page.wait_for_selector(f"{BOT_TURN} .bubble")
    await page.wait_for_selector("body[data-state=idle]")
    async with db.reading() as s:
        query = select(func.max(Conversation.id)).where(Conversation.channel == "web")
        conversation = int((await s.execute(query)).scalar_one())
    return context, page, conversation


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize("journey", WEB_JOURNEYS, ids=[f"web-{j.id}" for j in WEB_JOURNEYS])
async def test_journey_in_the_web_chat(journey: Journey, browser: Any, web_chats: WebChats) -> None:
    url = web_chats.url(journey.org)
    db = Database(web_chats.database_url(journey.org))
    try:
        marks = await watermarks(db)
        context, page, conversation = await open_chat(browser, url, db)
        try:
            log = await play(journey, BrowserChannel(page, db, conversation), "web chat")
        finally:
            await context.close()
        for needle, where in await stored_in_clear(db, journey.never_stored, marks):
            log.note(f"never_stored {needle!r} is stored in clear in {where}")
    finally:
        await db.dispose()
    if log.failures:
        pytest.fail(log.report(), pytrace=False)


# -- the format itself --------------------------------------------------------------------


def test_a_malformed_journey_is_refused_with_its_file_and_step(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text(
        "- id: lost-step\n  org: little-hearts\n  steps:\n    - say: hi\n      pres: x\n",
        encoding="utf-8",
    )
    with pytest.raises(JourneyError, match=r"broken.yaml: lost-step: step 1: unknown key"):
        load_all(tmp_path)


def test_web_journeys_hold_only_what_the_web_chat_can_do(tmp_path: Path) -> None:
    (tmp_path / "web.yaml").write_text(
        "- id: photo-on-the-web\n  org: qader\n  channels: [engine, web]\n"
        "  steps:\n    - attach: photo\n",
        encoding="utf-8",
    )
    with pytest.raises(JourneyError, match="cannot be played in the web chat"):
        load_all(tmp_path)


def test_a_press_takes_the_exact_label_before_a_part_of_one() -> None:
    labels = ["✔️ تم", "تم الإرسال", "\u2066تم\u2069"]
    assert pick_button(labels, "تم") == 2
    assert pick_button(labels[:2], "تم") == 0
    with pytest.raises(NoSuchButton):
        pick_button(labels, "القائمة")
