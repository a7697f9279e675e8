"""`python bot.py`: the web chat (and, later, the staff inbox and Telegram) in one process."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn

from bot.config import Settings
from bot.i18n import Catalog
from bot.secrets import load_or_create_secret
from bot.web import create_app
from bot.wiring import build_faq, open_core
from faq.service import FaqService
from handlers.types import ChatEngine


async def serve(settings: Settings, catalog: Catalog, faq: FaqService | None = None) -> None:
    faq = faq or build_faq(settings, catalog)

    @asynccontextmanager
    async def engine() -> AsyncIterator[ChatEngine]:
        # Opened by the app's lifespan: the database lives exactly as long as the server.
        async with open_core(settings, catalog, faq=faq) as core:
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
