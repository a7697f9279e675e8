"""`bot.py` with no command: run the bot (web chat, staff inbox, Telegram when configured)."""

from __future__ import annotations

import argparse
import asyncio
from typing import TextIO

from bot.cli.common import faq_service
from bot.config import Settings
from bot.i18n import Catalog


def cmd_serve(args: argparse.Namespace, settings: Settings, tr: Catalog, out: TextIO) -> int:
    from bot.server import serve

    faq = faq_service(settings, tr, None, None)
    asyncio.run(serve(settings, tr, faq))
    return 0
