"""`python bot.py`: the web chat, the staff inbox and Telegram in one process."""

from __future__ import annotations

import asyncio
import gc
import hashlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import uvicorn
from aiogram.exceptions import TelegramRetryAfter

from bot.channels.telegram.adapter import (
    ALLOWED_UPDATES,
    Reject,
    TelegramPoller,
    set_commands,
    webhook_router,
)
from bot.channels.telegram.files import TelegramFiles
from bot.channels.web.app import create_app
from bot.channels.web.uploads import FileSources, WebUploads
from bot.config import Settings
from bot.health import ChannelState, Health, retry_until_done
from bot.i18n import Catalog, speaking
from bot.secrets import load_or_create_secret
from bot.staff_web import StaffBackend
from bot.wiring import Core, build_faq, open_core
from faq.service import FaqService
from handlers.clock import SystemClock
from handlers.staff_auth import LoginThrottle
from handlers.types import ChatEngine
from scheduler.jobs import build_scheduler
from storage.rejects import record_rejected

log = logging.getLogger(__name__)


@asynccontextmanager
async def background(core: Core, health: Health | None = None) -> AsyncIterator[None]:
    """The scheduled jobs, and the outbox dispatcher and the Telegram poller when Telegram
    is configured."""
    scheduler = build_scheduler(
        core.db,
        core.engine.clock,
        core.catalog.t,
        core.surveys,
        profile=core.faq.profile,
        form=core.engine.dialog.form,
        wake=core.dispatcher.wake if core.dispatcher is not None else None,
        staff_chat=core.staff.staff_chat if core.staff is not None else None,
    )
    scheduler.start()
    try:
        async with _telegram(core, health or Health()):
            yield
    finally:
        scheduler.shutdown(wait=False)


@asynccontextmanager
async def _telegram(core: Core, health: Health) -> AsyncIterator[None]:
    if core.bot is None or core.dispatcher is None:
        health.set("telegram", ChannelState.OFF)
        yield
        return
    health.set("telegram", ChannelState.RETRYING)
    stop = asyncio.Event()
    tasks = [
        asyncio.create_task(core.dispatcher.run(stop), name="outbox-dispatcher"),
        # Beside the web app, never in its way: an unreachable Bot API is retried here
        # while the web chat and the staff inbox serve.
        asyncio.create_task(_start_telegram(core, health, stop), name="telegram-start"),
    ]
    try:
        yield
    finally:
        stop.set()
        # A long poll would hold shutdown for its whole timeout; cancelling it is safe:
        # an update not yet stored was not confirmed, so Telegram delivers it again.
        for task in tasks[1:]:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def _start_telegram(core: Core, health: Health, stop: asyncio.Event) -> None:
    bot, settings = core.bot, core.settings
    assert bot is not None
    webhook_url = settings.telegram_webhook_url

    async def connect() -> None:
        if webhook_url:
            await bot.set_webhook(
                webhook_url, secret_token=webhook_secret(settings), allowed_updates=ALLOWED_UPDATES
            )
        else:
            # Polling and a webhook exclude each other: Telegram answers getUpdates with 409.
            await bot.delete_webhook()

    def down() -> None:
        health.set("telegram", ChannelState.RETRYING)

    def up() -> None:
        health.set("telegram", ChannelState.UP)

    if not await retry_until_done(
        "telegram start-up", connect, stop, on_failure=down, retry_after=_retry_after
    ):
        return
    up()
    await _command_menu(core)
    if webhook_url:
        return
    poller = TelegramPoller(
        bot,
        core.engine,
        timeout=settings.telegram_poll_timeout,
        staff=core.staff,
        staff_chat_id=settings.telegram_staff_chat_id,
        on_up=up,
        on_down=down,
    )
    await poller.run(stop)


async def _command_menu(core: Core) -> None:
    """The command menu is cosmetic: a server that refuses or lacks it doesn't stop the bot."""
    assert core.bot is not None
    try:
        await asyncio.wait_for(set_commands(core.bot, core.catalog.t), timeout=15)
    except Exception as exc:
        log.warning("setMyCommands skipped (%s)", type(exc).__name__)


def _retry_after(exc: BaseException) -> float | None:
    return float(exc.retry_after) if isinstance(exc, TelegramRetryAfter) else None


def _rejecter(core: Core) -> Reject:
    async def reject(external_id: str | None, reason: str, size: int) -> None:
        await record_rejected(
            core.db, "telegram", external_id, reason, size, core.engine.clock.now()
        )

    return reject


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
    health = Health()
    # Under the data directory, which nothing serves; staff read them through the desk.
    uploads = WebUploads(settings.data_dir / "uploads")

    @asynccontextmanager
    async def engine() -> AsyncIterator[ChatEngine]:
        # Opened by the app's lifespan: the database, the outbox dispatcher and the
        # Telegram poller live exactly as long as the server.
        async with open_core(settings, catalog, faq=faq) as core, background(core, health):
            opened.update(bot=core.bot, staff=core.staff, reject=_rejecter(core))
            health.database = core.db.ping
            if core.desk is not None:
                telegram = TelegramFiles(core.bot) if core.bot is not None else None
                files = FileSources(telegram, uploads)
                opened["desk"] = StaffBackend(core.desk, files, throttle)
            try:
                yield core.engine
            finally:
                opened.clear()
                health.database = None

    app = create_app(
        engine_factory=engine,
        catalog=catalog,
        org_name=faq.profile.name,
        secret_key=load_or_create_secret(settings.data_dir, settings.secret_key),
        cookie_secure=settings.cookie_secure,
        staff=lambda: opened.get("desk"),
        health=health,
        embed_origins=settings.embed_origin_list(),
        uploads=uploads,
        openapi=settings.openapi,
    )
    if settings.telegram_bot_token and settings.telegram_webhook_url:
        router = webhook_router(
            lambda: (opened.get("bot"), opened.get("staff")),
            webhook_secret(settings),
            catalog.t,
            settings.telegram_staff_chat_id,
            reject=lambda: opened.get("reject"),
        )
        app.include_router(router)
    freeze_startup_heap()
    config = uvicorn.Config(
        app,
        host=settings.http_host,
        port=settings.http_port,
        proxy_headers=bool(settings.trusted_proxies),
        forwarded_allow_ips=settings.trusted_proxies or None,
        log_level=settings.log_level,
    )
    await uvicorn.Server(config).serve()
