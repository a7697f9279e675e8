"""The aiogram `Bot`: made for Telegram or a server of our choosing, its command menu, and
what the bot asks Telegram for."""

from __future__ import annotations

from typing import Any

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.methods import (
    AnswerCallbackQuery,
    CreateForumTopic,
    DeleteWebhook,
    EditMessageText,
    GetFile,
    GetUpdates,
    SendMessage,
    SetMyCommands,
    SetWebhook,
)
from aiogram.methods import (
    Response as ApiResponse,
)
from aiogram.types import BotCommand

from handlers.types import Translate

# Telegram's limit on a message's text, both ways.
MAX_TEXT = 4096
COMMANDS = ("start", "menu", "help", "cancel")
ALLOWED_UPDATES = ["message", "callback_query"]


def make_bot(token: str, api_base: str | None) -> Bot:
    """A Bot on Telegram, or on the server TELEGRAM_API_BASE names (self-hosted or a test)."""
    _pin_response_models()
    if api_base:
        session = AiohttpSession(api=TelegramAPIServer.from_base(api_base.rstrip("/")))
        return Bot(token, session=session)
    return Bot(token)


# aiogram parses every answer with `Response[<the method's result>]`; pydantic keeps such
# parametrized classes only weakly, so after each garbage collection it built them again
# (a tenth of the adapter's CPU time under load). The methods the bot calls are pinned here.
_PINNED: dict[Any, type] = {}
_METHODS = (
    SendMessage,
    GetUpdates,
    AnswerCallbackQuery,
    EditMessageText,
    CreateForumTopic,
    GetFile,
    SetMyCommands,
    SetWebhook,
    DeleteWebhook,
)


def _pin_response_models() -> None:
    for method in _METHODS:
        returning = method.__returning__
        if returning not in _PINNED:
            _PINNED[returning] = ApiResponse[returning]  # type: ignore[valid-type]


async def set_commands(bot: Bot, tr: Translate) -> None:
    await bot.set_my_commands(
        [BotCommand(command=c, description=tr(f"tg-command-{c}")) for c in COMMANDS]
    )
