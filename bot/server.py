"""`python bot.py`: the web chat (and, later, the staff inbox and Telegram) in one process."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn

from bot.config import Settings
from bot.i18n import Catalog
from bot.secrets import load_or_create_secret
from bot.telegram import TelegramPoller, set_commands
from bot.web import create_app
from bot.wiring import Core, build_faq, open_core
from faq.service import FaqService
from handlers.types import ChatEngine


@asynccontextmanager
async def background(core: Core) -> AsyncIterator[None]:
    """The outbox dispatcher and the Telegram poller, when Telegram is configured."""
    if core.bot is None or core.dispatcher is None:
        yield
        return
    await set_commands(core.bot, core.catalog.t)
    stop = asyncio.Event()
    poller = TelegramPoller(core.bot, core.engine, timeout=core.settings.telegram_poll_timeout)
    tasks = [
        asyncio.create_task(core.dispatcher.run(stop), name="outbox-dispatcher"),
        asyncio.create_task(poller.run(stop), name="telegram-poller"),
    ]
    try:
        yield
    finally:
        stop.set()
        # A long poll would hold shutdown for its whole timeout; cancelling it is safe:
        # an update not yet stored was not confirmed, so Telegram delivers it again.
        tasks[1].cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def serve(settings: Settings, catalog: Catalog, faq: FaqService | None = None) -> None:
    faq = faq or build_faq(settings, catalog)

    @asynccontextmanager
    async def engine() -> AsyncIterator[ChatEngine]:
        # Opened by the app's lifespan: the database, the outbox dispatcher and the
        # Telegram poller live exactly as long as the server.
        async with open_core(settings, catalog, faq=faq) as core, background(core):
            yield core.engine

    app = create_app(
        engine_factory=engine,
        catalog=catalog,
        org_name=faq.profile.name,
        secret_key=load_or_create_secret(settings.data_dir, settings.secret_key),
        cookie_secure=settings.cookie_secure,
    )
    config = uvicorn.Config(
        app,
        host=settings.http_host,
        port=settings.http_port,
        proxy_headers=True,
        log_level=settings.log_level,
    )
    await uvicorn.Server(config).serve()
