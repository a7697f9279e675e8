"""The Telegram tests' side of the fake Bot API: the running core, and users who talk to it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from bot.config import Settings
from bot.i18n import Catalog
from bot.server import background
from bot.wiring import Core, open_core
from faq.service import FaqService
from tests.fakes.telegram import FakeTelegram
from tests.waiting import until as wait_until

tr = Catalog("ar")


@asynccontextmanager
async def running_core(
    tg: FakeTelegram, data_dir: Path, faq: FaqService, **settings: Any
) -> AsyncIterator[Core]:
    """The core against the fake server (1 s long polls), with its background tasks running."""
    values = {
        "data_dir": data_dir,
        "TELEGRAM_BOT_TOKEN": tg.token,
        "TELEGRAM_API_BASE": tg.base_url,
        "telegram_poll_timeout": 1,
        **settings,
    }
    async with open_core(Settings.model_validate(values), tr, faq=faq) as core, background(core):
        yield core


async def until(check: Callable[[], Any], timeout: float = 10.0) -> Any:
    return await wait_until(check, timeout)


class User:
    """A Telegram user talking to the bot through the fake server."""

    def __init__(self, tg: FakeTelegram, user_id: int) -> None:
        self.tg, self.id = tg, user_id

    @property
    def inbox(self) -> list[dict[str, Any]]:
        return self.tg.messages_to(self.id)

    async def says(self, text: str, expect: int = 1) -> list[dict[str, Any]]:
        before = len(self.inbox)
        self.tg.user_sends_text(self.id, text)
        await until(lambda: len(self.inbox) >= before + expect)
        return self.inbox[before:]

    async def presses(self, label: str, expect: int = 1) -> list[dict[str, Any]]:
        message, data = self._button(label)
        before = len(self.inbox)
        self.tg.user_presses(self.id, message["message_id"], data)
        await until(lambda: len(self.inbox) >= before + expect)
        return self.inbox[before:]

    def _button(self, label: str) -> tuple[dict[str, Any], str]:
        for message in reversed(self.inbox):
            rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
            for button in (b for row in rows for b in row):
                if button["text"] == label:
                    return message, str(button["callback_data"])
        raise AssertionError(f"no button {label!r}")


def labels(message: dict[str, Any]) -> list[str]:
    markup = message.get("reply_markup") or {}
    rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
    return [b["text"] for row in rows for b in row]
