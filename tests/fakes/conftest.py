"""Fixtures for the fake servers' own tests (the Telegram one, `tg`, is in tests/conftest.py)."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest_asyncio
from aiogram import Bot
from aiohttp import web

from tests.fakes.clients import make_bot, receiver
from tests.fakes.telegram import FakeTelegram
from tests.fakes.whatsapp import FakeWhatsApp


@pytest_asyncio.fixture
async def bot(tg: FakeTelegram) -> AsyncIterator[Bot]:
    bot = make_bot(tg)
    yield bot
    await bot.session.close()


@pytest_asyncio.fixture
async def api(wa: FakeWhatsApp) -> AsyncIterator[httpx.AsyncClient]:
    """A plain HTTP client of the fake, with its bearer token, at the API base."""
    headers = {"Authorization": f"Bearer {wa.token}"}
    async with httpx.AsyncClient(base_url=wa.base_url, headers=headers) as client:
        yield client


class Hook:
    """The bot's webhook endpoint as a test plays it: keeps what arrives, checks the
    signature on the raw body (independently of the fake's ``signature``)."""

    def __init__(self, secret: str) -> None:
        self.secret = secret.encode()
        self.answers: list[int] = []  # statuses to answer with, then 200
        self.posts: list[tuple[dict[str, Any], bool, bytes]] = []

    async def handle(self, request: web.Request) -> web.Response:
        raw = await request.read()
        expected = "sha256=" + hmac.new(self.secret, raw, hashlib.sha256).hexdigest()
        valid = hmac.compare_digest(request.headers.get("X-Hub-Signature-256", ""), expected)
        self.posts.append((json.loads(raw), valid, raw))
        return web.Response(status=self.answers.pop(0) if self.answers else 200)

    def statuses(self) -> list[dict[str, Any]]:
        values = [p["entry"][0]["changes"][0]["value"] for p, _, _ in self.posts]
        return [s for v in values for s in v.get("statuses", [])]


@pytest_asyncio.fixture
async def hook(wa: FakeWhatsApp) -> AsyncIterator[Hook]:
    """A webhook receiver on loopback, set as the fake's ``webhook_url``."""
    hook = Hook(wa.app_secret)
    runner, wa.webhook_url = await receiver(hook.handle)
    yield hook
    await runner.cleanup()
