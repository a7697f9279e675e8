"""Photos and documents people send on WhatsApp: kept by media id, fetched for staff.

A message names its file by Meta's media id, which expires (days, not months). With
`whatsapp_keep_media` (the default) the file is fetched into the data directory as it
arrives (`<data_dir>/uploads/whatsapp/<sha256 of the id>`, 0600, nothing serves it); staff
opening it read that copy, or Meta's while the id still works. A download that fails
leaves the message as it is; staff see that the file could not be fetched.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
from pathlib import Path

import httpx

from bot.channels.telegram.files import FetchedFile
from bot.channels.whatsapp.api import CloudApi, GraphError
from handlers.types import Attachment

log = logging.getLogger(__name__)

CHANNEL = "whatsapp"
# What Meta sends as media; the rest (a location, an unsupported message) has no file.
MEDIA_KINDS = frozenset({"photo", "document", "voice", "audio", "video", "sticker"})


class WhatsAppFiles:
    def __init__(self, api: CloudApi, root: Path) -> None:
        self.api, self.root = api, root

    async def fetch(self, channel: str, file_id: str) -> FetchedFile | None:
        """The file's bytes, from our copy or from Meta; None when neither has it."""
        if channel != CHANNEL:
            return None
        kept = await asyncio.to_thread(self._read, file_id)
        if kept is not None:
            return FetchedFile(kept)
        data = await self._download(file_id)
        return FetchedFile(data) if data is not None else None

    async def keep(self, attachments: tuple[Attachment, ...]) -> int:
        """Fetch each medium into the data directory now; how many were kept."""
        kept = 0
        for attachment in attachments:
            if attachment.kind not in MEDIA_KINDS or self._path(attachment.file_id).exists():
                continue
            data = await self._download(attachment.file_id)
            if data is not None:
                await asyncio.to_thread(self._write, attachment.file_id, data)
                kept += 1
        return kept

    async def _download(self, media_id: str) -> bytes | None:
        try:
            return (await self.api.media(media_id)).data
        except (GraphError, httpx.HTTPError) as exc:
            log.warning("whatsapp: a medium could not be fetched (%s)", type(exc).__name__)
            return None

    def _path(self, media_id: str) -> Path:
        # Hashed: a media id is Meta's string, never a path of ours.
        return self.root / hashlib.sha256(media_id.encode()).hexdigest()

    def _read(self, media_id: str) -> bytes | None:
        try:
            return self._path(media_id).read_bytes()
        except OSError:
            return None

    def _write(self, media_id: str, data: bytes) -> None:
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        temporary = self._path(media_id).with_suffix(".part")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        temporary.replace(self._path(media_id))
