"""`python bot.py`: the web chat (and, later, the staff inbox and Telegram) in one process."""

from __future__ import annotations

import asyncio
import gc
import hashlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import uvicorn

from bot.config import Settings
from bot.i18n import Catalog, speaking
from bot.secrets import load_or_create_secret
from bot.staff_web import StaffBackend
from bot.telegram import ALLOWED_UPDATES, TelegramPoller, set_commands, webhook_router
from bot.telegram_files import TelegramFiles
from bot.web import create_app
from bot.wiring import Core, build_faq, open_core
from faq.service import FaqService
from handlers.clock import SystemClock
from handlers.staff_auth import LoginThrottle
from handlers.types import ChatEngine
from scheduler.jobs import build_scheduler


@asynccontextmanager
async def background(core: Core) -> AsyncIterator[None]:
    """The scheduled jobs, and the outbox dispatcher and the Telegram poller when Telegram
    is configured."""
    scheduler = build_scheduler(core)
    scheduler.start()
    try:
        async with _telegram(core):
            yield
    finally:
        scheduler.shutdown(wait=False)


@asynccontextmanager
async def _telegram(core: Core) -> AsyncIterator[None]:
    if core.bot is None or core.dispatcher is None:
        yield
        return
    await set_commands(core.bot, core.catalog.t)
    settings = core.settings
    stop = asyncio.Event()
    tasks = [asyncio.create_task(core.dispatcher.run(stop), name="outbox-dispatcher")]
    if settings.telegram_webhook_url:
        await core.bot.set_webhook(
            settings.telegram_webhook_url,
            secret_token=webhook_secret(settings),
            allowed_updates=ALLOWED_UPDATES,
        )
    else:
        # Polling and a webhook exclude each other: Telegram answers getUpdates with 409.
        await core.bot.delete_webhook()
        poller = TelegramPoller(
            core.bot,
            core.engine,
            timeout=settings.telegram_poll_timeout,
            staff=core.staff,
            staff_chat_id=settings.telegram_staff_chat_id,
        )
        tasks.append(asyncio.create_task(poller.run(stop), name="telegram-poller"))
    try:
        yield
    finally:
        stop.set()
        # A long poll would hold shutdown for its whole timeout; cancelling it is safe:
        # an update not yet stored was not confirmed, so Telegram delivers it again.
        for task in tasks[1:]:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def webhook_secret(settings: Settings) -> str:
    """The webhook's secret token: configured, or derived from the signing key."""
    if settings.telegram_webhook_secret:
        return settings.telegram_webhook_secret
    key = load_or_create_secret(settings.data_dir, settings.secret_key)
    # Telegram allows 1-256 characters of A-Z a-z 0-9 _ -
    return hashlib.sha256(f"telegram-webhook:{key}".encode()).hexdigest()


def freeze_startup_heap() -> None:
    """Move what start-up built (the FAQ model, the catalogs, aiogram's and pydantic's
    type graphs) out of the cyclic garbage collector's sight: it lives as long as the
    process, and walking it took ~0.6 s per full collection, several times a minute under
    load."""
    gc.collect()
    gc.freeze()


async def serve(settings: Settings, catalog: Catalog, faq: FaqService | None = None) -> None:
    faq = faq or build_faq(settings, catalog)
    # The web pages (the chat's and the staff inbox's) in the association's own words.
    catalog = speaking(catalog, faq.profile)
    # What the lifespan opened, for the routes that need more than the engine.
    opened: dict[str, Any] = {}
    # Outlives a restart of the lifespan: forgetting failed sign-ins must cost more than that.
    throttle = LoginThrottle(SystemClock())

    @asynccontextmanager
    async def engine() -> AsyncIterator[ChatEngine]:
        # Opened by the app's lifespan: the database, the outbox dispatcher and the
        # Telegram poller live exactly as long as the server.
        async with open_core(settings, catalog, faq=faq) as core, background(core):
            opened.update(bot=core.bot, staff=core.staff)
            if core.desk is not None:
                files = TelegramFiles(core.bot) if core.bot is not None else None
                opened["desk"] = StaffBackend(core.desk, files, throttle)
            try:
                yield core.engine
            finally:
                opened.clear()

    app = create_app(
        engine_factory=engine,
        catalog=catalog,
        org_name=faq.profile.name,
        secret_key=load_or_create_secret(settings.data_dir, settings.secret_key),
        cookie_secure=settings.cookie_secure,
        staff=lambda: opened.get("desk"),
    )
    if settings.telegram_bot_token and settings.telegram_webhook_url:
        router = webhook_router(
            lambda: (opened.get("bot"), opened.get("staff")),
            webhook_secret(settings),
            catalog.t,
            settings.telegram_staff_chat_id,
        )
        app.include_router(router)
    freeze_startup_heap()
    config = uvicorn.Config(
        app,
        host=settings.http_host,
        port=settings.http_port,
        proxy_headers=True,
        log_level=settings.log_level,
    )
    await uvicorn.Server(config).serve()
