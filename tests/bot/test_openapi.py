"""The published description of the JSON APIs (TAWASUL_OPENAPI=1), held to by schemathesis.

Off by default: /openapi.json answers 404 in Arabic like any unknown address. On, it
describes the web chat API, the health checks and the staff inbox's JSON endpoint (not
the pages nor Telegram's webhook), and schemathesis sends what the description allows,
signed in as a visitor and as staff, checking every answer against it: no 5xx, only the
documented statuses and content types, bodies of the documented shape.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from itsdangerous import URLSafeTimedSerializer
from schemathesis.generation.modes import GenerationMode
from sqlalchemy import select

from bot.channels.web.app import create_app
from bot.channels.web.visitor import _COOKIE_SALT, COOKIE_NAME
from bot.config import Settings
from bot.health import Health
from bot.staff_web import StaffBackend
from bot.staff_web.session import _SESSION_SALT, SESSION_COOKIE
from faq.service import FaqService
from handlers.clock import SystemClock
from handlers.staff_auth import staff_member
from handlers.staff_desk import StaffDesk
from handlers.types import ChatEngine, Incoming
from storage.crypto import Vault
from storage.db import Database
from storage.models import Staff
from tests.bot.staff_stack import KEY, ORG_NAME, SECRET, add_member, build_engine, tr

VISITOR = "openapivisitor000001"
DESCRIBED = {
    "/api/chat",
    "/api/chat/history",
    "/healthz",
    "/readyz",
    "/staff/api/cases/{case_id}/messages",
}


def api_app(
    faq: FaqService, holder: dict[str, Any], url: str = "", openapi: bool = True
) -> FastAPI:
    """The app over a database its lifespan opens (schemathesis runs it on its own loop)."""
    health = Health()

    @asynccontextmanager
    async def factory() -> AsyncIterator[ChatEngine]:
        db = Database(url)
        await db.upgrade()
        clock = SystemClock()
        engine = build_engine(db, faq, clock)
        holder["backend"] = StaffBackend(StaffDesk(db, clock, tr.t, Vault(KEY)))
        health.database = db.ping
        await seed(db, engine, holder)
        try:
            yield engine
        finally:
            holder.clear()
            await db.dispose()

    return create_app(
        engine_factory=factory,
        catalog=tr,
        org_name=ORG_NAME,
        secret_key=SECRET,
        staff=lambda: holder.get("backend"),
        health=health,
        openapi=openapi,
    )


async def seed(db: Database, engine: ChatEngine, holder: dict[str, Any]) -> None:
    """A case to read, a visitor with a transcript, and both signed in."""
    await engine.handle(Incoming("web", "v-case", "v-case", text="ابي اكلم موظف"))
    await engine.handle(Incoming("web", VISITOR, VISITOR, text="السلام عليكم"))
    await add_member(db, "sara", "researcher")
    async with db.reading() as session:
        staff_id = (await session.execute(select(Staff.id))).scalar_one()
    me = await staff_member(db, staff_id)
    assert me is not None
    session_cookie = URLSafeTimedSerializer(SECRET, salt=_SESSION_SALT).dumps(
        {"s": me.id, "c": secrets.token_urlsafe(24), "p": me.stamp}
    )
    visitor_cookie = URLSafeTimedSerializer(SECRET, salt=_COOKIE_SALT).dumps(VISITOR)
    holder["cookies"] = {COOKIE_NAME: visitor_cookie, SESSION_COOKIE: session_cookie}


def load(tmp_path: Path, faq: FaqService) -> tuple[schemathesis.BaseSchema, dict[str, Any]]:
    """The description, from a running app: loading it starts the app's lifespan, which
    schemathesis' pytest plugin ends with the test."""
    holder: dict[str, Any] = {}
    url = f"sqlite+aiosqlite:///{tmp_path / 'api.db'}"
    return schemathesis.openapi.from_asgi("/openapi.json", api_app(faq, holder, url)), holder


OPERATIONS = [
    ("POST", "/api/chat"),
    ("GET", "/api/chat/history"),
    ("GET", "/healthz"),
    ("GET", "/readyz"),
    ("GET", "/staff/api/cases/{case_id}/messages"),
]


def test_the_api_keeps_to_its_published_description(
    tmp_path: Path, faq_service: FaqService
) -> None:
    schema, holder = load(tmp_path, faq_service)
    # (Each operation in one test: schemathesis' own parametrisation doesn't run on
    # pytest 9, and its plugin ends the app's lifespan after every test.)
    for method, path in OPERATIONS:
        operation = schema[path][method]

        # What the description allows; the hostile rest is tests/bot/test_http_fuzz.py's.
        @given(case=operation.as_strategy(GenerationMode.POSITIVE))
        @settings(
            max_examples=40, deadline=None, database=None, suppress_health_check=list(HealthCheck)
        )
        def keeps_to_it(case: Any) -> None:
            # Signed in: the generated cookie values would only ever be refused.
            case.cookies = dict(holder["cookies"])
            case.call_and_validate()

        keeps_to_it()


def test_the_description_names_the_json_apis_only(tmp_path: Path, faq_service: FaqService) -> None:
    described = load(tmp_path, faq_service)[0].raw_schema
    assert set(described["paths"]) == DESCRIBED
    schemes = described["components"]["securitySchemes"]
    assert schemes["visitorCookie"] == {"type": "apiKey", "in": "cookie", "name": COOKIE_NAME}
    assert schemes["staffSession"]["name"] == SESSION_COOKIE
    body = described["paths"]["/api/chat"]["post"]["requestBody"]["content"]["application/json"]
    assert body["schema"]["oneOf"] == [{"required": ["text"]}, {"required": ["payload"]}]
    # The page's long poll: `after` and how long to wait for news (at most 25 s).
    history = described["paths"]["/api/chat/history"]["get"]["parameters"]
    patterns = {p["name"]: p["schema"]["pattern"] for p in history}
    assert patterns == {"after": r"^[0-9]{1,18}$", "wait": r"^([0-9]|1[0-9]|2[0-5])$"}


async def test_off_by_default_and_no_docs_page(faq_service: FaqService, tmp_path: Path) -> None:
    assert Settings(_env_file=None).openapi is False  # type: ignore[call-arg]
    for openapi in (False, True):
        url = f"sqlite+aiosqlite:///{tmp_path / f'openapi-{openapi}.db'}"
        holder: dict[str, Any] = {}
        app = api_app(faq_service, holder, url, openapi=openapi)
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://testserver"
            ) as client,
        ):
            described = await client.get("/openapi.json")
            # The interactive pages would load Swagger or ReDoc from a CDN: never served.
            for page in ("/docs", "/redoc"):
                refused = await client.get(page)
                assert refused.status_code == 404
                assert refused.json() == {"error": tr("web-error-not-found")}
        if openapi:
            assert described.status_code == 200
            assert set(described.json()["paths"]) == DESCRIBED
        else:
            assert described.status_code == 404
            assert described.json() == {"error": tr("web-error-not-found")}


def test_the_setting_reads_tawasul_openapi(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TAWASUL_OPENAPI", "1")
    assert Settings(_env_file=None).openapi is True  # type: ignore[call-arg]
