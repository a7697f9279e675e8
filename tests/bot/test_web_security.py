"""The web chat's cookie lifetime, framing and embed snippet (issue 12, findings 8 and 9)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from itsdangerous import TimestampSigner, URLSafeSerializer, URLSafeTimedSerializer

from bot.channels.web.app import EngineFactory, create_app
from bot.channels.web.visitor import COOKIE_MAX_AGE, COOKIE_NAME
from bot.i18n import Catalog

SECRET = "test-secret-for-security"
SALT = "tawasul.web.visitor"


@asynccontextmanager
async def _client(
    factory: EngineFactory, base_url: str = "http://testserver", **kwargs: Any
) -> AsyncIterator[httpx.AsyncClient]:
    app: FastAPI = create_app(
        engine_factory=factory,
        catalog=Catalog("ar"),
        org_name="جمعية القلوب الصغيرة",
        secret_key=SECRET,
        **kwargs,
    )
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=base_url) as client,
    ):
        yield client


@pytest.mark.asyncio
async def test_the_chat_is_framed_only_by_itself_by_default(
    chat_engine_factory: EngineFactory,
) -> None:
    async with _client(chat_engine_factory) as client:
        page = await client.get("/")
    assert "frame-ancestors 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "SAMEORIGIN"


@pytest.mark.asyncio
async def test_the_associations_sites_may_frame_it_and_get_a_cookie_that_works_framed(
    chat_engine_factory: EngineFactory,
) -> None:
    origins = ("https://www.example.org", "https://example.org")
    async with _client(
        chat_engine_factory, base_url="https://chat.example.org", embed_origins=origins
    ) as client:
        page = await client.get("/")
    csp = page.headers["content-security-policy"]
    assert "frame-ancestors 'self' https://www.example.org https://example.org" in csp
    assert "x-frame-options" not in page.headers
    cookie = page.headers["set-cookie"].lower()
    assert "samesite=none" in cookie and "secure" in cookie and "partitioned" in cookie


@pytest.mark.asyncio
async def test_the_embed_snippet_is_served_with_the_catalogs_label(
    chat_engine_factory: EngineFactory,
) -> None:
    async with _client(chat_engine_factory) as client:
        script = await client.get("/embed.js")
    assert script.status_code == 200
    assert script.headers["content-type"].startswith("text/javascript")
    assert Catalog("ar").t("web-embed-open") in script.text
    assert "__TAWASUL_TEXTS__" not in script.text


@pytest.mark.asyncio
async def test_the_visitor_cookie_expires_and_slides(chat_engine_factory: EngineFactory) -> None:
    async with _client(chat_engine_factory, base_url="https://chat.example.org") as client:
        page = await client.get("/")
        cookie = page.headers["set-cookie"].lower()
        assert f"max-age={COOKIE_MAX_AGE}" in cookie and "secure" in cookie  # came over HTTPS
        assert COOKIE_MAX_AGE == 90 * 24 * 3600
        signed = page.cookies[COOKIE_NAME]
        visitor = URLSafeTimedSerializer(SECRET, salt=SALT).loads(signed)

        # A cookie signed more than 90 days ago is refused by the API …
        stale = URLSafeTimedSerializer(SECRET, salt=SALT, signer=_SignedLongAgo).dumps(visitor)
        client.cookies.clear()
        history = await _get(client, "/api/chat/history", stale)
        assert history.status_code == 401
        # … and a cookie from before expiry existed is renewed once on a page visit.
        legacy = URLSafeSerializer(SECRET, salt=SALT).dumps(visitor)
        client.cookies.clear()
        renewed = await _get(client, "/", legacy)
        fresh = renewed.cookies[COOKIE_NAME]
        assert URLSafeTimedSerializer(SECRET, salt=SALT).loads(fresh) == visitor
        client.cookies.clear()
        refused = await _get(client, "/api/chat/history", legacy)
        assert refused.status_code == 401


class _SignedLongAgo(TimestampSigner):
    def get_timestamp(self) -> int:
        return int(time.time()) - COOKIE_MAX_AGE - 60


async def _get(client: httpx.AsyncClient, path: str, cookie: str) -> httpx.Response:
    client.cookies.set(COOKIE_NAME, cookie)
    return await client.get(path)


@pytest.mark.asyncio
async def test_every_endpoint_refuses_a_body_over_its_limit_unread(
    chat_engine_factory: EngineFactory,
) -> None:
    from bot.channels.web.body_limit import DEFAULT_LIMIT

    big = b"a=" + b"x" * (DEFAULT_LIMIT + 10)

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted as it comes
        for i in range(0, len(big), 65536):
            yield big[i : i + 65536]

    async with _client(chat_engine_factory) as client:
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        declared = await client.post("/anything", content=big, headers=form)
        assert declared.status_code == 413
        await client.get("/")  # a visitor's cookie
        as_json = {"Content-Type": "application/json"}
        streamed = await client.post("/api/chat", content=chunks(), headers=as_json)
        assert streamed.status_code == 413
