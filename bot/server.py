"""`python bot.py`: the web chat, the staff inbox and Telegram in one process.

`serve` builds the web app and runs it under uvicorn. The app's lifespan opens the core
(the database, the engine), the scheduled jobs, the outbox dispatcher and the Telegram
start-up (then its poller, or its webhook's route), and sets on `app.state` what the
routes read: `engine`, `staff` (the staff inbox's `StaffBackend`, None without a desk) and
`telegram` (the webhook's `WebhookServices`).
"""

from __future__ import annotations

import asyncio
import functools
import gc
import hashlib
import logging
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import uvicorn
from aiogram import Bot
from aiogram.exceptions import TelegramRetryAfter
from fastapi import FastAPI

from bot.channels.telegram.client import ALLOWED_UPDATES, set_commands
from bot.channels.telegram.files import TelegramFiles
from bot.channels.telegram.poller import TelegramPoller
from bot.channels.telegram.webhook import Reject, WebhookServices, webhook_router
from bot.channels.web.app import create_app
from bot.channels.web.uploads import FileSources, WebUploads
from bot.channels.whatsapp.files import WhatsAppFiles
from bot.channels.whatsapp.services import WhatsAppServices
from bot.channels.whatsapp.webhook import webhook_router as whatsapp_router
from bot.config import Settings
from bot.health import ChannelState, Health, retry_until_done
from bot.i18n import Catalog, speaking
from bot.secrets import load_or_create_secret
from bot.staff_web import FaqDesk, StaffBackend
from bot.staff_web.faq_views import GUIDE_FILE, read_guide
from bot.wiring import Core, build_faq, open_core, scheduler_for
from faq.service import FaqService
from handlers.clock import SystemClock
from handlers.staff_auth import LoginThrottle
from handlers.types import ChatEngine
from scheduler.leader import Leader
from storage.rejects import record_rejected

log = logging.getLogger(__name__)


@asynccontextmanager
async def background(core: Core, health: Health | None = None) -> AsyncIterator[None]:
    """The scheduled jobs (while this process leads them), and the outbox dispatcher and
    the Telegram poller when Telegram is configured."""
    health = health or Health()
    leader = Leader(
        core.db,
        functools.partial(scheduler_for, core),
        retry=core.settings.leader_retry_seconds,
        on_change=health.set_leading,
    )
    async with leader.running(), _telegram(core, health):
        yield


@asynccontextmanager
async def _telegram(core: Core, health: Health) -> AsyncIterator[None]:
    """The outbox dispatcher (for every channel that pushes) and Telegram's start-up."""
    _whatsapp_health(core, health)
    if core.dispatcher is None:
        health.set("telegram", ChannelState.OFF)
        yield
        return
    stop = asyncio.Event()
    tasks = [asyncio.create_task(core.dispatcher.run(stop), name="outbox-dispatcher")]
    if core.bot is not None:
        health.set("telegram", ChannelState.RETRYING)
        # Beside the web app, never in its way: an unreachable Bot API is retried here
        # while the web chat and the staff inbox serve.
        start = _start_telegram(core, health, stop)
        tasks.append(asyncio.create_task(start, name="telegram-start"))
    else:
        health.set("telegram", ChannelState.OFF)
    try:
        yield
    finally:
        stop.set()
        # A long poll would hold shutdown for its whole timeout; cancelling it is safe:
        # an update not yet stored was not confirmed, so Telegram delivers it again.
        for task in tasks[1:]:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def _whatsapp_health(core: Core, health: Health) -> None:
    sender = core.whatsapp_sender
    if sender is None:
        health.set("whatsapp", ChannelState.OFF)
        return
    health.set("whatsapp", ChannelState.UP)

    def on_state(up: bool) -> None:
        health.set("whatsapp", ChannelState.UP if up else ChannelState.STOPPED)

    sender.on_state = on_state


async def _start_telegram(core: Core, health: Health, stop: asyncio.Event) -> None:
    bot, settings = core.bot, core.settings
    assert bot is not None
    down = functools.partial(health.set, "telegram", ChannelState.RETRYING)
    up = functools.partial(health.set, "telegram", ChannelState.UP)
    connect = functools.partial(_connect, bot, settings)
    if not await retry_until_done(
        "telegram start-up", connect, stop, on_failure=down, retry_after=_retry_after
    ):
        return
    up()
    await _command_menu(core)
    if settings.telegram_webhook_url:
        return
    await _poller(core, bot, on_up=up, on_down=down).run(stop)


def _poller(
    core: Core, bot: Bot, *, on_up: Callable[[], None], on_down: Callable[[], None]
) -> TelegramPoller:
    return TelegramPoller(
        bot,
        core.engine,
        timeout=core.settings.telegram_poll_timeout,
        staff=core.staff,
        staff_chat_id=core.settings.telegram_staff_chat_id,
        on_up=on_up,
        on_down=on_down,
    )


async def _connect(bot: Bot, settings: Settings) -> None:
    if settings.telegram_webhook_url:
        await bot.set_webhook(
            settings.telegram_webhook_url,
            secret_token=webhook_secret(settings),
            allowed_updates=ALLOWED_UPDATES,
        )
    else:
        # Polling and a webhook exclude each other: Telegram answers getUpdates with 409.
        await bot.delete_webhook()


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
    app = build_app(settings, speaking(catalog, faq.profile), faq)
    freeze_startup_heap()
    config = uvicorn.Config(
        app,
        host=settings.http_host,
        port=settings.http_port,
        proxy_headers=bool(settings.trusted_proxies),
        forwarded_allow_ips=settings.trusted_proxies or None,
        log_level=settings.log_level,
    )
    await Server(config, app).serve()


class Server(uvicorn.Server):
    """uvicorn, whose shutdown first ends the web chat's long polls: each would otherwise
    hold it (and a deploy) for the rest of its wait."""

    def __init__(self, config: uvicorn.Config, app: FastAPI) -> None:
        super().__init__(config)
        self.app = app

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        wakeups = getattr(self.app.state, "wakeups", None)
        if wakeups is not None:
            wakeups.release()
        await super().shutdown(sockets=sockets)


def build_app(settings: Settings, catalog: Catalog, faq: FaqService) -> FastAPI:
    """The web app whose lifespan runs everything else."""
    health = Health()
    # Under the data directory, which nothing serves; staff read them through the desk.
    uploads = WebUploads(settings.data_dir / "uploads")
    # Outlives a restart of the lifespan: forgetting failed sign-ins must cost more than that.
    throttle = LoginThrottle(SystemClock())

    def engine_factory() -> AbstractAsyncContextManager[ChatEngine]:
        # Called by the lifespan, when `app` below exists.
        staff = functools.partial(_staff_backend, uploads=uploads, throttle=throttle)
        return _running(app, settings, catalog, faq, health, staff)

    app = create_app(
        engine_factory=engine_factory,
        catalog=catalog,
        org_name=faq.profile.name,
        secret_key=load_or_create_secret(settings.data_dir, settings.secret_key),
        cookie_secure=settings.cookie_secure,
        staff=lambda: app.state.staff,
        health=health,
        embed_origins=settings.embed_origin_list(),
        uploads=uploads,
        openapi=settings.openapi,
    )
    app.state.staff = app.state.telegram = app.state.whatsapp = app.state.wakeups = None
    if settings.telegram_bot_token and settings.telegram_webhook_url:
        secret = webhook_secret(settings)
        app.include_router(webhook_router(secret, catalog.t, settings.telegram_staff_chat_id))
    if settings.whatsapp_enabled:
        app.include_router(
            whatsapp_router(
                settings.whatsapp_app_secret,
                settings.whatsapp_verify_token,
                catalog.t,
                settings.whatsapp_phone_number_id,
            )
        )
    return app


def _staff_backend(
    core: Core, *, uploads: WebUploads, throttle: LoginThrottle
) -> StaffBackend | None:
    if core.desk is None:
        return None
    telegram = TelegramFiles(core.bot) if core.bot is not None else None
    files = FileSources(telegram, _whatsapp_files(core), uploads)
    return StaffBackend(core.desk, files, throttle, faq=_faq_desk(core))


def _faq_desk(core: Core) -> FaqDesk | None:
    """The FAQ editor's pages: the learning FAQ, and its guide to show beside the answers."""
    if core.learning is None or core.live is None:
        return None
    guide = read_guide(core.settings.profile_dir() / GUIDE_FILE)
    return FaqDesk(core.learning, core.live, guide)


def _whatsapp_files(core: Core) -> WhatsAppFiles | None:
    if core.whatsapp is None:
        return None
    return WhatsAppFiles(core.whatsapp, core.settings.data_dir / "uploads" / "whatsapp")


def _whatsapp_services(core: Core) -> WhatsAppServices | None:
    if core.whatsapp is None:
        return None
    keep = _whatsapp_files(core) if core.settings.whatsapp_keep_media else None
    wake = core.dispatcher.wake if core.dispatcher is not None else None
    return WhatsAppServices(core.whatsapp, core.db, core.engine.clock, files=keep, wake=wake)


@asynccontextmanager
async def _running(
    app: FastAPI,
    settings: Settings,
    catalog: Catalog,
    faq: FaqService,
    health: Health,
    staff_backend: Callable[[Core], StaffBackend | None],
) -> AsyncIterator[ChatEngine]:
    """The app's lifespan: the database, the outbox dispatcher and the Telegram poller
    live exactly as long as the server."""
    async with open_core(settings, catalog, faq=faq) as core, background(core, health):
        app.state.staff = staff_backend(core)
        app.state.telegram = WebhookServices(core.bot, core.staff, _rejecter(core))
        app.state.whatsapp = whatsapp = _whatsapp_services(core)
        app.state.wakeups = core.wakeups
        health.database = core.db.ping
        try:
            yield core.engine
        finally:
            app.state.staff = app.state.telegram = app.state.whatsapp = None
            app.state.wakeups = None
            health.database = None
            if whatsapp is not None:
                await whatsapp.aclose()
