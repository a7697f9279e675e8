"""The composition root: the one place that builds the core from configuration.

`bot.py` (through `bot/cli/`) asks for a `Core`; tests build theirs the same way with
their own settings, database and clock.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING

from bot.config import Settings
from bot.errors import NotMigrated
from bot.i18n import Catalog, speaking
from faq.digits import with_digits
from faq.profile import missing_phrases
from faq.service import FaqService, load_out_of_scope
from handlers import faq_edits, fields, staff_alerts
from handlers.clock import Clock, SystemClock
from handlers.conversation import Dialog
from handlers.engine import Engine
from handlers.faq_learning import FaqLearning, LiveFaq
from handlers.form_prompts import FormConfig
from handlers.hours import Schedule
from handlers.request_form import RequestForm
from handlers.staff_desk import StaffDesk
from handlers.staff_inbox import STAFF_CHANNEL, StaffInbox
from handlers.surveys import SurveyPolicy
from handlers.types import Translate
from handlers.windows import ServiceWindow
from scheduler.dispatcher import Dispatcher, Limits, Sender
from storage.crypto import Vault, key_sources, load_or_create_master_key
from storage.db import Database, sqlite_url
from storage.notify import FAQ, OUTBOX, Wakeups

if TYPE_CHECKING:
    from aiogram import Bot
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    from bot.channels.whatsapp.api import CloudApi
    from bot.channels.whatsapp.sender import WhatsAppSender


# The dispatcher's idle poll where wake-ups reach every process (PostgreSQL's NOTIFY): a
# safety net for rows that fall due later (a retry, a survey after quiet hours) and for
# writers that wake nobody (the shell commands); one a second is cheap, the budget's
# wait hint keeps a spent budget from costing a transaction.
PUSHED_IDLE_POLL = 1.0
# How often each process asks the database whether staff changed the FAQ: a wake-up says
# so at once on PostgreSQL; the poll is for SQLite's other processes (the shell commands).
FAQ_POLL = 2.0


@dataclass
class Core:
    settings: Settings
    catalog: Catalog
    faq: FaqService
    db: Database
    engine: Engine
    dispatcher: Dispatcher | None = None
    bot: Bot | None = None  # Telegram, when TELEGRAM_BOT_TOKEN is set
    staff: StaffInbox | None = None  # the staff group, when TELEGRAM_STAFF_CHAT_ID is set
    desk: StaffDesk | None = None  # the staff web inbox's use cases
    # Survey timing and quiet hours, from the profile.
    surveys: SurveyPolicy = field(default_factory=SurveyPolicy)
    # WhatsApp's Cloud API and its outbox sender, when WHATSAPP_ACCESS_TOKEN is set
    whatsapp: CloudApi | None = None
    whatsapp_sender: WhatsAppSender | None = None
    # "Look now", here and in the other processes on the database (storage/notify.py).
    wakeups: Wakeups = field(default_factory=Wakeups)
    # The FAQ that learns: its version in service (`live.current()`), and staff's edits.
    live: LiveFaq | None = None
    learning: FaqLearning | None = None


def database_for(settings: Settings) -> Database:
    return Database(settings.database_url or sqlite_url(settings.data_dir))


def build_faq(settings: Settings, catalog: Catalog) -> FaqService:
    return FaqService.from_dir(
        settings.profile_dir(), missing_phrases(catalog.t), cache_dir=settings.faq_cache_dir()
    )


def build_vault(settings: Settings) -> Vault:
    def sources() -> list[bytes]:
        new = settings.new_encryption_key
        return key_sources(settings.data_dir, settings.encryption_key, new)

    master = load_or_create_master_key(settings.data_dir, settings.encryption_key)
    return Vault(master, reload=sources)


def build_form(settings: Settings, catalog: Catalog, faq: FaqService, clock: Clock) -> RequestForm:
    profile = faq.profile
    declaration = profile.declaration or catalog.t("form-default-declaration")
    config = FormConfig(
        form_name=profile.request_form,
        services=profile.services,
        period=profile.review_period.phrase,
        declaration=declaration,
        # The wording a person accepted is identified with the request.
        declaration_version=hashlib.sha256(declaration.encode()).hexdigest()[:12],
        draft_ttl=timedelta(days=settings.draft_ttl_days),
        cities=fields.cities_near(profile.city),
    )
    tr = with_digits(catalog.t, profile.digits)
    return RequestForm(tr, build_vault(settings), config, clock.now)


@asynccontextmanager
async def open_core(
    settings: Settings,
    catalog: Catalog,
    *,
    faq: FaqService | None = None,
    clock: Clock | None = None,
) -> AsyncIterator[Core]:
    clock = clock or SystemClock()
    faq = faq or build_faq(settings, catalog)
    # Every text the core writes names the association's people in its own words.
    catalog = speaking(catalog, faq.profile)
    db = database_for(settings)
    wakeups = Wakeups(db)
    try:
        await _require_schema(db, catalog)
        core = build_core(settings, catalog, faq, db, clock, wakeups)
        await wakeups.start()
        try:
            assert core.learning is not None
            async with _learning(core.learning):
                yield core
        finally:
            await wakeups.close()
            if core.bot is not None:
                await core.bot.session.close()
            if core.whatsapp is not None:
                await core.whatsapp.close()
    finally:
        await db.dispose()


@asynccontextmanager
async def _learning(learning: FaqLearning) -> AsyncIterator[None]:
    """Staff's edits so far before the first question; later ones while the core runs."""
    await learning.refresh()
    watching = asyncio.create_task(learning.watch(FAQ_POLL), name="faq-watch")
    try:
        yield
    finally:
        watching.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watching


async def _require_schema(db: Database, catalog: Catalog) -> None:
    if db.is_sqlite:
        await db.upgrade()
    elif not await db.is_current():
        raise NotMigrated(catalog.t("cli-error-not-migrated"))


def build_core(
    settings: Settings,
    catalog: Catalog,
    faq: FaqService,
    db: Database,
    clock: Clock,
    wakeups: Wakeups | None = None,
) -> Core:
    """The engine, the staff desk and, with a bot token, Telegram's side, over `db`."""
    wakeups = wakeups or Wakeups()
    schedule = Schedule.from_profile(faq.profile.schedule)
    surveys = SurveyPolicy.from_profile(faq.profile.surveys, faq.profile.quiet_hours)
    form = build_form(settings, catalog, faq, clock)
    # What beneficiaries read comes in the profile's digits; the catalog itself is shared.
    tr = with_digits(catalog.t, faq.profile.digits)
    live, learning = build_learning(settings, catalog, faq, db, clock, wakeups)
    dialog = Dialog(live, tr, clock, schedule, form)
    senders: dict[str, Sender] = {}
    limits: dict[str, Limits] = {}
    bot, staff = None, None
    if settings.telegram_bot_token:
        bot, staff = _telegram(settings, catalog, db, clock, tr, surveys, senders, limits)
    whatsapp = None
    if settings.whatsapp_enabled:
        group = staff.staff_chat if staff is not None else None
        whatsapp = _whatsapp(settings, faq, db, clock, tr, group, senders, limits)
    dispatcher = _dispatcher(settings, db, senders, limits, clock) if senders else None
    if dispatcher is not None:
        wakeups.listen(OUTBOX, dispatcher.wake)
    # Whichever process's dispatcher claims a message queued here, it looks at once; and
    # a web visitor's page hears of what staff (or a status change) wrote in their chat.
    wake = wakeups.waker(OUTBOX)
    db.on_written = wakeups.written
    engine = Engine(db, dialog, clock, on_commit=wake, staff=staff)
    staff_chat = staff.staff_chat if staff is not None else None
    vault = build_vault(settings)
    desk = StaffDesk(db, clock, tr, vault, surveys, on_commit=wake, staff_chat=staff_chat)
    core = Core(
        settings, catalog, faq, db, engine, dispatcher, bot, staff, desk, surveys, wakeups=wakeups
    )
    if whatsapp is not None:
        core.whatsapp, core.whatsapp_sender = whatsapp
    core.live, core.learning = live, learning
    return core


def build_learning(
    settings: Settings,
    catalog: Catalog,
    faq: FaqService,
    db: Database,
    clock: Clock,
    wakeups: Wakeups | None = None,
) -> tuple[LiveFaq, FaqLearning]:
    """The FAQ in service (`faq`, version 0 until staff's edits are loaded) and its edits.

    Every edit wakes every process (this one too), which retrains from the database.
    """
    profile, base = faq.profile, list(faq.entries.values())
    missing = missing_phrases(catalog.t)
    directory = settings.profile_dir(profile.slug)
    out_of_scope = load_out_of_scope(directory) if directory.is_dir() else []
    live = LiveFaq(faq)
    build = faq_edits.Retrainer(profile, base, missing, live, out_of_scope=out_of_scope)
    on_change = wakeups.waker(FAQ) if wakeups is not None else None
    learning = FaqLearning(
        db, clock, live, profile.slug, build, base=base, missing=missing, on_change=on_change
    )
    if wakeups is not None:
        wakeups.listen(FAQ, learning.wake)
    return live, learning


def _telegram(
    settings: Settings,
    catalog: Catalog,
    db: Database,
    clock: Clock,
    tr: Translate,
    surveys: SurveyPolicy,
    senders: dict[str, Sender],
    limits: dict[str, Limits],
) -> tuple[Bot, StaffInbox | None]:
    """The bot and, with a staff group, the staff inbox; their senders and limits."""
    assert settings.telegram_bot_token
    # Imported only with a token: aiogram's models take seconds to build, which every
    # command-line run (chat, request, staff …) would otherwise pay for nothing.
    from bot.channels.telegram.client import make_bot
    from bot.channels.telegram.sender import StaffSender, TelegramSender

    bot = make_bot(settings.telegram_bot_token, settings.telegram_api_base)
    shared = _telegram_limits(settings)
    paid = settings.telegram_paid_broadcast
    senders["telegram"] = TelegramSender(bot, catalog.t, paid_broadcast=paid)
    limits["telegram"] = shared
    staff: StaffInbox | None = None
    if settings.telegram_staff_chat_id is not None:
        staff = StaffInbox(db, clock, tr, str(settings.telegram_staff_chat_id), surveys)
        senders[STAFF_CHANNEL], limits[STAFF_CHANNEL] = StaffSender(bot, staff), shared
    return bot, staff


def _telegram_limits(settings: Settings) -> Limits:
    """One token, one budget: the beneficiaries' chats and the staff group share it, under
    the bot's own id (two associations' bots on one database each have their own)."""
    assert settings.telegram_bot_token
    paid = settings.telegram_paid_broadcast
    return Limits(
        per_chat_interval=settings.telegram_per_chat_interval,
        per_second=settings.telegram_paid_per_second if paid else settings.telegram_per_second,
        group_per_minute=settings.telegram_group_per_minute,
        bucket="telegram:" + settings.telegram_bot_token.split(":", 1)[0],
    )


def _whatsapp(
    settings: Settings,
    faq: FaqService,
    db: Database,
    clock: Clock,
    tr: Translate,
    staff_chat: str | None,
    senders: dict[str, Sender],
    limits: dict[str, Limits],
) -> tuple[CloudApi, WhatsAppSender]:
    """The Cloud API client and its outbox sender, within the number's limits."""
    from bot.channels.whatsapp.api import CloudApi
    from bot.channels.whatsapp.sender import WhatsAppSender
    from bot.channels.whatsapp.templates import Templates

    api = CloudApi.from_settings(settings)
    templates = Templates.from_settings(settings, faq.profile.name)
    # A token Meta refuses stops the channel: staff hear it once, in the staff group.
    alert = functools.partial(_alert_staff, db, clock, staff_chat, tr)
    sender = WhatsAppSender(api, ServiceWindow(db, clock), templates, tr, on_halt=alert)
    senders["whatsapp"] = sender
    limits["whatsapp"] = Limits(
        per_chat_interval=settings.whatsapp_per_recipient_interval,
        per_second=settings.whatsapp_per_second,
        bucket=f"whatsapp:{settings.whatsapp_phone_number_id}",
    )
    return api, sender


async def _alert_staff(
    db: Database, clock: Clock, staff_chat: str | None, tr: Translate, reason: str
) -> None:
    await staff_alerts.alert(db, clock, staff_chat, tr("wa-auth-failed", reason=reason))


def _dispatcher(
    settings: Settings,
    db: Database,
    senders: dict[str, Sender],
    limits: dict[str, Limits],
    clock: Clock,
) -> Dispatcher:
    return Dispatcher(
        db,
        senders,
        clock,
        limits=limits,
        # On PostgreSQL a message queued by any process wakes every dispatcher (NOTIFY):
        # the idle poll is only for rows that fall due later (retries), and the sweep.
        idle_poll=1.0 if db.is_sqlite else PUSHED_IDLE_POLL,
        reclaim_after=timedelta(seconds=settings.outbox_reclaim_after),
    )


def scheduler_for(core: Core) -> AsyncIOScheduler:
    """The periodic jobs of this process's core (run by whichever process leads)."""
    from scheduler.jobs import build_scheduler  # the serving process's only: chat needs none

    return build_scheduler(
        core.db,
        core.engine.clock,
        core.catalog.t,
        core.surveys,
        profile=core.faq.profile,
        form=core.engine.dialog.form,
        wake=core.dispatcher.wake if core.dispatcher is not None else None,
        staff_chat=core.staff.staff_chat if core.staff is not None else None,
        periods=core.settings.job_intervals,
    )
