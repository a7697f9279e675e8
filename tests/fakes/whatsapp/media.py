"""Media: the uploads a test adds, their lookup (``GET /{version}/{media_id}``) and download."""

from __future__ import annotations

import hashlib
import itertools
import secrets

from aiohttp import web

from tests.fakes.whatsapp.records import Media
from tests.fakes.whatsapp.wire import ApiError, JsonDict

_media_ids = itertools.count(1_000_000_000_000_001)


def missing(media_id: str) -> ApiError:
    """Meta's answer for an id it does not know (or no longer keeps)."""
    return ApiError(
        100,
        f"Unsupported get request. Object with ID '{media_id}' does not exist, cannot be "
        "loaded due to missing permissions, or does not support this operation.",
        subcode=33,
    )


class MediaStore:
    """``add_media``, ``expire_media``, ``fail_media_download`` and the two GET handlers."""

    base_root: str  # http://127.0.0.1:PORT, from the server

    def _setup_media(self) -> None:
        self.media: dict[str, Media] = {}

    def add_media(self, data: bytes, mime: str, filename: str | None = None) -> str:
        """Keep ``data`` as a user's upload; the media id, as a webhook would carry it."""
        media_id = str(next(_media_ids))
        digest = hashlib.sha256(data).hexdigest()
        token = secrets.token_urlsafe(12)
        self.media[media_id] = Media(media_id, data, mime, digest, filename, token)
        return media_id

    def expire_media(self, media_id: str) -> None:
        """Meta keeps media for a while only: from now on both GETs answer "does not exist"."""
        self.media[media_id].expired = True

    def fail_media_download(self, media_id: str, times: int | None = None) -> None:
        """The download answers 500: the next ``times`` tries, or all of them (None)."""
        self.media[media_id].failures = times

    def _media_info(self, media_id: str) -> JsonDict:
        media = self._live_media(media_id, missing(media_id))
        return {
            "messaging_product": "whatsapp",
            "url": f"{self.base_root}/media/{media_id}?token={media.url_token}",
            "mime_type": media.mime,
            "sha256": media.sha256,
            "file_size": len(media.data),
            "id": media_id,
        }

    def _media_bytes(self, media_id: str, token: str | None, at: float) -> web.Response:
        media = self._live_media(media_id, ApiError(100, "Media not found", status=404))
        if token != media.url_token:
            raise ApiError(100, "Media not found", status=404)
        media.downloads.append(at)
        if media.failures is None or media.failures > 0:
            if media.failures is not None:
                media.failures -= 1
            raise ApiError(1, status=500)
        return web.Response(body=media.data, content_type=media.mime.split(";")[0])

    def _live_media(self, media_id: str, error: ApiError) -> Media:
        media = self.media.get(media_id)
        if media is None or media.expired:
            raise error
        return media
