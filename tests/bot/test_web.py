"""The website chat's HTTP API, spoken to as a browser would, over ASGI.

The engine comes from the `chat_engine_factory` fixture (conftest.py); `Recording` wraps
it to see what reached the engine, so these tests hold for the fake and the real one.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI
from itsdangerous import URLSafeSerializer, URLSafeTimedSerializer

from bot.channels.web.answers import history_json
from bot.channels.web.app import create_app
from bot.channels.web.bodies import MAX_BODY_BYTES, MAX_TEXT_CHARS
from bot.channels.web.errors import _STATUS_MESSAGES
from bot.channels.web.routes import _PAGE_TEXTS
from bot.channels.web.visitor import _COOKIE_SALT, COOKIE_NAME
from bot.i18n import Catalog
from handlers.replies import Reply
from handlers.types import ChatEngine, Incoming, TranscriptEntry

EngineFactory = Callable[[], AbstractAsyncContextManager[ChatEngine]]
SECRET = "test-secret-key"
ARABIC = re.compile(r"[\u0600-\u06FF]")
JSON = {"Content-Type": "application/json"}


class Recording:
    def __init__(self, engine: ChatEngine) -> None:
        self.engine = engine
        self.calls: list[Incoming] = []

    async def handle(self, incoming: Incoming) -> list[Reply]:
        self.calls.append(incoming)
        return await self.engine.handle(incoming)

    async def transcript(
        self, channel: str, chat_id: str, limit: int = 200
    ) -> list[TranscriptEntry]:
        return await self.engine.transcript(channel, chat_id, limit)


@dataclass
class Served:
    app: FastAPI
    recorder: Recording

    def client(self, cookie: str | None = None) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app),
            base_url="http://testserver",
            cookies={COOKIE_NAME: cookie} if cookie else None,
        )

    @asynccontextmanager
    async def visitor(self) -> AsyncIterator[tuple[httpx.AsyncClient, str]]:
        """A fresh browser that has opened the page: the client and its cookie."""
        async with self.client() as client:
            response = await client.get("/")
            assert response.status_code == 200
            yield client, response.cookies[COOKIE_NAME]


def _app(factory: EngineFactory, recorders: list[Recording], **kwargs: object) -> FastAPI:
    @asynccontextmanager
    async def recording() -> AsyncIterator[ChatEngine]:
        async with factory() as engine:
            recorder = Recording(engine)
            recorders.append(recorder)
            yield recorder

    return create_app(
        engine_factory=recording,
        catalog=Catalog("ar"),
        org_name="جمعية القلوب الصغيرة",
        secret_key=SECRET,
        **kwargs,  # type: ignore[arg-type]
    )


@pytest_asyncio.fixture
async def served(chat_engine_factory: EngineFactory) -> AsyncIterator[Served]:
    recorders: list[Recording] = []
    app = _app(chat_engine_factory, recorders)
    async with app.router.lifespan_context(app):
        yield Served(app, recorders[0])


def _is_arabic_error(response: httpx.Response) -> bool:
    body = response.json()
    return set(body) == {"error"} and bool(ARABIC.search(body["error"]))


# --- the page and the cookie -------------------------------------------------------------


@pytest.mark.asyncio
async def test_page_is_arabic_rtl_and_issues_a_signed_httponly_cookie(served: Served) -> None:
    async with served.client() as client:
        response = await client.get("/")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/html")
        html = response.text
        assert '<html lang="ar" dir="rtl">' in html
        assert "جمعية القلوب الصغيرة" in html
        assert Catalog("ar").t("web-placeholder") in html
        # Everything is served from here: no CDN, no web fonts.
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
        cookie = response.headers["set-cookie"].lower()
        assert f"{COOKIE_NAME}=" in cookie
        assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie
        for asset in re.findall(r"""(?:src|href)="(/static/[^"]+)""", html):
            loaded = await client.get(asset)
            assert loaded.status_code == 200, asset

        again = await client.get("/")
        # Re-signed (its lifetime slides), for the same visitor.
        signer = URLSafeTimedSerializer(SECRET, salt="tawasul.web.visitor")
        first, renewed = response.cookies[COOKIE_NAME], again.cookies[COOKIE_NAME]
        assert signer.loads(renewed) == signer.loads(first)


@pytest.mark.asyncio
async def test_secure_cookie_when_asked(chat_engine_factory: EngineFactory) -> None:
    app = _app(chat_engine_factory, [], cookie_secure=True)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="https://testserver"
        ) as client,
    ):
        response = await client.get("/")
        assert "secure" in response.headers["set-cookie"].lower()


@pytest.mark.asyncio
async def test_english_catalog_gives_a_left_to_right_page(
    chat_engine_factory: EngineFactory,
) -> None:
    app = create_app(
        engine_factory=chat_engine_factory,
        catalog=Catalog("en"),
        org_name="Little Hearts",
        secret_key=SECRET,
    )
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver"
        ) as client,
    ):
        html = (await client.get("/")).text
        assert '<html lang="en" dir="ltr">' in html
        assert Catalog("en").t("web-send") in html


def test_every_web_text_exists_in_both_catalogs() -> None:
    ids = {*_PAGE_TEXTS, *_STATUS_MESSAGES.values(), "web-title", "web-noscript"}
    ids |= {"web-error-too-long", "web-error-internal"}
    for locale in ("ar", "en"):
        catalog = Catalog(locale)
        assert all(catalog.has(i) for i in ids), locale
    assert all(Catalog("ar").t(i) != Catalog("en").t(i) for i in _PAGE_TEXTS)


@pytest.mark.asyncio
async def test_healthz(served: Served) -> None:
    async with served.client() as client:
        response = await client.get("/healthz")
        assert response.status_code == 200
        assert response.json() == {"status": "ok"}
        assert (await client.head("/healthz")).status_code == 200
        assert (await client.get("/readyz")).json() == {"status": "ready"}


# --- chatting ------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_round_trip_and_history_survive_a_reload(served: Served) -> None:
    async with served.visitor() as (client, cookie):
        greeting = await client.post("/api/chat", json={"text": "/start", "id": "m1"})
        assert greeting.status_code == 200
        replies = greeting.json()["replies"]
        assert replies and all(r["text"] for r in replies)
        buttons = [b for r in replies for b in r["buttons"]]
        assert buttons and all(set(b) == {"label", "payload", "nav"} for b in buttons)

        answer = await client.post("/api/chat", json={"text": "وش خدماتكم؟", "id": "m2"})
        assert answer.status_code == 200
        assert answer.json()["replies"]
        # the way back to the menu is marked as navigation, for a row of its own
        (menu,) = [b for r in answer.json()["replies"] for b in r["buttons"] if b["nav"]]
        assert menu == {"label": "🏠 القائمة", "payload": "menu:main", "nav": True}

    incoming = served.recorder.calls[-1]
    assert (incoming.channel, incoming.text) == ("web", "وش خدماتكم؟")
    assert incoming.chat_id == incoming.user_id
    assert incoming.external_id is not None and incoming.external_id.endswith("m2")

    # A reload is a new connection carrying the same cookie.
    async with served.client(cookie) as reloaded:
        history = await reloaded.get("/api/chat/history")
    assert history.status_code == 200
    messages = history.json()["messages"]
    texts = [m["text"] for m in messages]
    assert "وش خدماتكم؟" in texts
    assert {m["direction"] for m in messages} == {"in", "out"}
    for m in messages:
        assert datetime.fromisoformat(m["at"]).tzinfo is not None
        assert isinstance(m["buttons"], list)
    assert messages[-1]["direction"] == "out"


@pytest.mark.asyncio
async def test_the_latest_buttons_stay_pressable_after_a_reload(served: Served) -> None:
    async with served.visitor() as (client, cookie):
        replies = (await client.post("/api/chat", json={"text": "/start"})).json()["replies"]
    offered = [b for r in replies for b in r["buttons"]]
    assert offered

    async with served.client(cookie) as reloaded:
        messages = (await reloaded.get("/api/chat/history")).json()["messages"]
        actions = [a for m in messages for a in m.get("actions", [])]
        assert [a["label"] for a in actions] == [b["label"] for b in offered]
        # Older turns' buttons are shown but not offered again.
        first = actions[0]
        press = {"payload": first["payload"]} if first["payload"] else {"text": first["label"]}
        pressed = await reloaded.post("/api/chat", json=press)
        assert pressed.status_code == 200 and pressed.json()["replies"]
        after = (await reloaded.get("/api/chat/history")).json()["messages"]
        assert after[len(messages)]["direction"] == "in"


@pytest.mark.asyncio
async def test_a_retried_message_is_processed_once(served: Served) -> None:
    async with served.visitor() as (client, _):
        first = await client.post("/api/chat", json={"text": "سؤال واحد", "id": "abc-123"})
        again = await client.post("/api/chat", json={"text": "سؤال واحد", "id": "abc-123"})
        assert first.status_code == again.status_code == 200
        assert first.json()["replies"] and again.json()["replies"] == []
        history = (await client.get("/api/chat/history")).json()["messages"]
    assert [m["text"] for m in history].count("سؤال واحد") == 1

    # Message ids belong to their visitor: someone else's identical id is a new message.
    async with served.visitor() as (other, _):
        theirs = await other.post("/api/chat", json={"text": "سؤال واحد", "id": "abc-123"})
    assert theirs.json()["replies"]


@pytest.mark.asyncio
async def test_two_visitors_do_not_see_each_other(served: Served) -> None:
    async with served.visitor() as (alice, _), served.visitor() as (bob, _):
        await alice.post("/api/chat", json={"text": "رسالة سارة الخاصة"})
        await bob.post("/api/chat", json={"text": "رسالة باسل"})
        alice_texts = [m["text"] for m in (await alice.get("/api/chat/history")).json()["messages"]]
        bob_texts = [m["text"] for m in (await bob.get("/api/chat/history")).json()["messages"]]
    assert "رسالة سارة الخاصة" in alice_texts and "رسالة باسل" not in alice_texts
    assert "رسالة باسل" in bob_texts and "رسالة سارة الخاصة" not in bob_texts
    assert len({c.chat_id for c in served.recorder.calls}) == 2


@pytest.mark.asyncio
@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
async def test_blank_text_gets_no_replies(served: Served, text: str) -> None:
    async with served.visitor() as (client, _):
        response = await client.post("/api/chat", json={"text": text})
    assert response.status_code == 200
    assert response.json() == {"replies": []}
    assert served.recorder.calls == []


@pytest.mark.asyncio
async def test_a_message_at_the_limit_goes_through(served: Served) -> None:
    async with served.visitor() as (client, _):
        response = await client.post("/api/chat", json={"text": "ب" * MAX_TEXT_CHARS})
    assert response.status_code == 200
    assert len(served.recorder.calls) == 1


# --- who may talk ---------------------------------------------------------------------------


def _forged_cookies(genuine: str) -> list[str]:
    visitor = URLSafeTimedSerializer(SECRET, salt=_COOKIE_SALT).loads(genuine)
    # A character inside the signature (the last one may only carry padding bits).
    flipped = genuine[:-5] + ("A" if genuine[-5] != "A" else "B") + genuine[-4:]
    return [
        flipped,
        URLSafeTimedSerializer("another-key", salt=_COOKIE_SALT).dumps(visitor),
        URLSafeTimedSerializer(SECRET, salt="another-salt").dumps(visitor),
        URLSafeTimedSerializer(SECRET, salt=_COOKIE_SALT).dumps(["not", "an", "id"]),
        URLSafeTimedSerializer(SECRET, salt=_COOKIE_SALT).dumps("short"),
        visitor,
        "garbage",
        # The legacy untimed form is honoured only by the page, which re-issues it.
        URLSafeSerializer(SECRET, salt=_COOKIE_SALT).dumps(visitor),
    ]


@pytest.mark.asyncio
async def test_forged_or_missing_cookie_is_refused_and_nothing_is_processed(
    served: Served,
) -> None:
    async with served.visitor() as (owner, genuine):
        await owner.post("/api/chat", json={"text": "بياناتي"})
        before = (await owner.get("/api/chat/history")).json()
    calls = len(served.recorder.calls)

    for cookie in [None, *_forged_cookies(genuine)]:
        async with served.client(cookie) as intruder:
            posted = await intruder.post("/api/chat", json={"text": "اختراق"})
            read = await intruder.get("/api/chat/history")
        assert posted.status_code == read.status_code == 401, cookie
        assert _is_arabic_error(posted) and _is_arabic_error(read)

    assert len(served.recorder.calls) == calls
    async with served.client(genuine) as owner_again:
        assert (await owner_again.get("/api/chat/history")).json() == before


@pytest.mark.asyncio
async def test_the_page_replaces_a_forged_cookie(served: Served) -> None:
    async with served.client("forged.cookie") as client:
        response = await client.get("/")
        fresh = response.cookies[COOKIE_NAME]
        assert fresh != "forged.cookie"
        assert (await client.get("/api/chat/history")).json() == {"messages": []}


# --- bad input never reaches the engine, never gives a 500 ---------------------------------

JUNK = [
    b"",
    b"not json",
    b"\xff\xfe\x00\x81 binary junk \x00",
    b"[]",
    b'"text"',
    b"null",
    b"42",
    b"{}",
    b'{"id": "x1"}',
    b'{"text": 5}',
    b'{"text": null}',
    b'{"text": ["a"]}',
    b'{"text": {"a": 1}}',
    b'{"payload": ["menu:ask"]}',
    b'{"payload": ""}',
    b'{"payload": 7}',
    b'{"payload": "' + b"p" * 300 + b'"}',
    b'{"text": "hi", "payload": "menu:ask"}',
    b'{"text": "hi", "id": 7}',
    b'{"text": "hi", "id": ""}',
    b'{"text": "hi", "id": "' + b"x" * 65 + b'"}',
    b'{"text": "hi", "id": "has space"}',
    b'{"text": "\\ud800"}',
    b'{"text": "hi"',
    b"[" * 40_000,
    '{"text": "مرحبا"}'.encode("utf-16"),
]


@pytest.mark.asyncio
@pytest.mark.parametrize("body", JUNK, ids=range(len(JUNK)))
async def test_junk_bodies_get_an_arabic_4xx(served: Served, body: bytes) -> None:
    async with served.visitor() as (client, _):
        response = await client.post("/api/chat", content=body, headers=JSON)
    assert 400 <= response.status_code < 500
    assert _is_arabic_error(response)
    assert served.recorder.calls == []


@pytest.mark.asyncio
@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded"])
async def test_only_json_is_accepted(served: Served, content_type: str | None) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    async with served.visitor() as (client, _):
        response = await client.post("/api/chat", content=b'{"text": "hi"}', headers=headers)
    assert response.status_code == 415
    assert _is_arabic_error(response)
    assert served.recorder.calls == []


@pytest.mark.asyncio
async def test_too_long_text_and_too_large_bodies_get_413(served: Served) -> None:
    async with served.visitor() as (client, _):
        long_text = await client.post("/api/chat", json={"text": "ب" * (MAX_TEXT_CHARS + 1)})
        assert long_text.status_code == 413 and _is_arabic_error(long_text)
        assert "20" in long_text.json()["error"]

        huge = await client.post("/api/chat", json={"text": "a" * (MAX_BODY_BYTES + 1)})
        assert huge.status_code == 413 and _is_arabic_error(huge)

        async def chunks() -> AsyncIterator[bytes]:
            yield b'{"text": "'
            for _ in range(100):
                yield b"a" * 1024
            yield b'"}'

        # No Content-Length: the limit holds while the body streams in.
        streamed = await client.post("/api/chat", content=chunks(), headers=JSON)
        assert streamed.status_code == 413 and _is_arabic_error(streamed)

        lying = await client.post(
            "/api/chat", content=b"{}", headers={**JSON, "Content-Length": "999999999"}
        )
        assert lying.status_code == 413
    assert served.recorder.calls == []


@pytest.mark.asyncio
async def test_unknown_routes_and_methods_answer_in_arabic(served: Served) -> None:
    async with served.visitor() as (client, _):
        for response in (
            await client.get("/nope"),
            await client.get("/api/chat"),
            await client.delete("/api/chat/history"),
            await client.get("/static/missing.js"),
        ):
            assert response.status_code in (404, 405)
            assert _is_arabic_error(response)


@pytest.mark.asyncio
async def test_an_engine_failure_is_an_arabic_500(served: Served) -> None:
    class Broken:
        async def handle(self, incoming: Incoming) -> list[Reply]:
            raise RuntimeError("database is down")

        async def transcript(
            self, channel: str, chat_id: str, limit: int = 200
        ) -> list[TranscriptEntry]:
            raise RuntimeError("database is down")

    @asynccontextmanager
    async def broken() -> AsyncIterator[ChatEngine]:
        yield Broken()

    app = create_app(engine_factory=broken, catalog=Catalog("ar"), org_name="x", secret_key=SECRET)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, raise_app_exceptions=False),
            base_url="http://testserver",
        ) as client,
    ):
        await client.get("/")
        response = await client.post("/api/chat", json={"text": "hi"})
        assert response.status_code == 500 and _is_arabic_error(response)
        history = await client.get("/api/chat/history")
        assert history.status_code == 500 and _is_arabic_error(history)


# --- the history format ----------------------------------------------------------------------


def test_history_without_payloads_offers_labels_and_naive_times_are_utc() -> None:
    naive = datetime(2025, 3, 1, 9, 30)
    entries = [
        TranscriptEntry("out", "أهلاً", ("قديم",), naive),
        TranscriptEntry("in", "سؤال", (), naive),
        TranscriptEntry("out", "جواب", (), naive),
        TranscriptEntry("out", "اختر", ("نعم", "لا"), naive),
    ]
    messages = history_json(entries)
    assert "actions" not in messages[0]  # an older turn's buttons are history only
    assert "actions" not in messages[2]
    assert messages[3]["actions"] == [
        {"label": "نعم", "payload": None, "nav": False},
        {"label": "لا", "payload": None, "nav": False},
    ]
    assert messages[0]["at"] == "2025-03-01T09:30:00+00:00"


def test_history_keeps_which_buttons_are_navigation() -> None:
    at = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
    entries = [
        TranscriptEntry("out", "قديم", ("جدة", "➡️ رجوع"), at, ("c", "b"), 1, (False, True)),
        TranscriptEntry("in", "سؤال", (), at, id=2),
        TranscriptEntry("out", "اختر", ("جدة", "✖️ إلغاء"), at, ("c", "x"), 3, (False, True)),
    ]
    old, _, latest = history_json(entries)
    assert old["nav"] == [False, True] and "actions" not in old
    assert latest["actions"] == [
        {"label": "جدة", "payload": "c", "nav": False},
        {"label": "✖️ إلغاء", "payload": "x", "nav": True},
    ]
