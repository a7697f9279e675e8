"""`bot.py chat`: talk to the bot in the terminal, as a person or as a script (`--json`)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import TextIO

from bot.cli.common import Subparsers, faq_service
from bot.config import Settings
from bot.i18n import Catalog


def register(sub: Subparsers) -> None:
    chat = sub.add_parser("chat", help="chat with the bot in the terminal")
    chat.add_argument("--org", help="association profile slug")
    chat.add_argument("--profile", type=Path, help="a profile directory")
    chat.add_argument("--user", default="terminal", help="beneficiary id")
    chat.add_argument("--json", action="store_true", help="one JSON line per input line")
    chat.set_defaults(run=cmd_chat)


def cmd_chat(args: argparse.Namespace, settings: Settings, tr: Catalog, out: TextIO) -> int:
    from bot.channels.terminal.chat import run_terminal
    from bot.wiring import open_core

    faq = faq_service(settings, tr, args.org, args.profile)

    async def chat() -> None:
        async with open_core(settings, tr, faq=faq) as core:
            prompt = sys.stdin.isatty() and not args.json
            await run_terminal(
                core.engine, args.user, sys.stdin, out, as_json=args.json, prompt=prompt
            )

    asyncio.run(chat())
    return 0
