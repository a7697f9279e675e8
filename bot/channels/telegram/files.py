"""Files beneficiaries sent on Telegram, fetched for staff who open them on the web.

The request keeps only Telegram's file id (nothing is copied at filing time); staff read
the file through the Bot API's getFile and its download URL, by the app's own Bot.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiohttp import ClientError

# The Bot API serves bot downloads up to 20 MB; a file refused there is reported as gone.
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class FetchedFile:
    data: bytes


class TelegramFiles:
    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def fetch(self, channel: str, file_id: str) -> FetchedFile | None:
        """The file's bytes, or None when Telegram no longer has it (or it is not ours)."""
        if channel != "telegram":
            return None
        try:
            file = await self.bot.get_file(file_id)
            if not file.file_path or (file.file_size or 0) > MAX_DOWNLOAD_BYTES:
                return None
            buffer = BytesIO()
            await self.bot.download_file(file.file_path, destination=buffer)
        except (TelegramAPIError, ClientError):
            return None
        return FetchedFile(buffer.getvalue())
