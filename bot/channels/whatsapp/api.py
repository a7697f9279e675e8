"""The Graph API calls Tawasul makes, over httpx: send a message, mark one read, fetch media.

pywa was evaluated first (docs/dependencies.md): its client pins the base URL to
graph.facebook.com, while `WHATSAPP_API_BASE` (a proxy, the tests' server) is part of the
contract, and its web server, background handling and in-memory deduplication are what the
outbox and the stored inbound ids replace; what remained was three calls, written here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from bot.channels.whatsapp.render import read_receipt
from bot.config import Settings

# Meta serves media up to 100 MB (documents); the staff pages take what the form takes.
MAX_MEDIA_BYTES = 25 * 1024 * 1024
TIMEOUT = httpx.Timeout(10.0, connect=5.0)


class GraphError(Exception):
    """An error answer of the Graph API: the HTTP status and Meta's error code."""

    def __init__(self, status: int, code: int | None, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status, self.code, self.message = status, code, message


@dataclass(frozen=True)
class Media:
    data: bytes
    mime: str | None


class CloudApi:
    @classmethod
    def from_settings(cls, settings: Settings) -> CloudApi:
        assert settings.whatsapp_access_token and settings.whatsapp_phone_number_id
        return cls(
            settings.whatsapp_api_base,
            settings.whatsapp_phone_number_id,
            settings.whatsapp_access_token,
        )

    def __init__(
        self, base: str, phone_number_id: str, token: str, *, transport: Any = None
    ) -> None:
        self.messages_url = f"{base}/{phone_number_id}/messages"
        self.base = base
        self._client = httpx.AsyncClient(
            headers={"Authorization": f"Bearer {token}"},
            timeout=TIMEOUT,
            transport=transport,
            limits=httpx.Limits(max_connections=100, max_keepalive_connections=100),
        )

    async def close(self) -> None:
        await self._client.aclose()

    async def send(self, payload: dict[str, Any]) -> str:
        """POST one message; the wamid Meta gave it."""
        answer = await self._post(payload)
        messages = answer.get("messages") or [{}]
        return str(messages[0].get("id") or "")

    async def mark_read(self, wamid: str, *, typing: bool) -> None:
        await self._post(read_receipt(wamid, typing))

    async def media(self, media_id: str) -> Media:
        """A medium's bytes: its metadata (a short-lived URL), then the URL, both signed."""
        meta = _json(await self._client.get(f"{self.base}/{media_id}"))
        if int(meta.get("file_size") or 0) > MAX_MEDIA_BYTES:
            raise GraphError(413, None, "media too large")
        download = await self._client.get(str(meta.get("url") or ""))
        if download.status_code != 200:
            raise GraphError(download.status_code, None, "media download failed")
        return Media(download.content[: MAX_MEDIA_BYTES + 1], meta.get("mime_type"))

    async def _post(self, payload: dict[str, Any]) -> dict[str, Any]:
        return _json(await self._client.post(self.messages_url, json=payload))


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        data = {}
    if not isinstance(data, dict):
        data = {}
    if response.status_code >= 400 or "error" in data:
        found = data.get("error")
        error: dict[str, Any] = found if isinstance(found, dict) else {}
        code = error.get("code")
        raise GraphError(
            response.status_code,
            int(code) if isinstance(code, int) else None,
            str(error.get("message") or response.reason_phrase),
        )
    return data
