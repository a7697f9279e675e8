"""Fixtures for the fake server's own tests (the server itself, `tg`, is in tests/conftest.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio
from aiogram import Bot

from tests.fakes.clients import make_bot
from tests.fakes.telegram import FakeTelegram


@pytest_asyncio.fixture
async def bot(tg: FakeTelegram) -> AsyncIterator[Bot]:
    bot = make_bot(tg)
    yield bot
    await bot.session.close()
