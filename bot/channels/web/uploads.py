"""Files a website-chat visitor attaches: read bounded, typed by their bytes, kept privately.

A visitor's upload is one `multipart/form-data` POST with a `file` part (and an optional
`id` for retries). It is read while it streams in and refused as soon as it passes
`MAX_UPLOAD_BYTES`, so no body is ever held whole beyond that. What it is comes from its
first bytes (JPEG, PNG, WebP, HEIC/HEIF or PDF), never from its name or the browser's
Content-Type; the stored name gets the extension of what it really is.

The bytes go under the data directory (`<data_dir>/uploads/<32 hex>`, mode 0600, the
folder 0700), which nothing serves; the conversation keeps only `file_id = "web:<hex>"`,
like a Telegram file id. Staff read it back through `WebUploads.fetch`, the file source
for the web channel (see bot/staff_web.FileSource), after the desk has checked their
access and recorded the look.
"""

from __future__ import annotations

import asyncio
import os
import re
import secrets
import unicodedata
from collections.abc import AsyncIterable
from dataclasses import dataclass
from pathlib import Path

from python_multipart import MultipartParser
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import parse_options_header

from bot.channels.telegram.files import FetchedFile
from bot.staff_web import FileSource
from handlers.errors import Refusal
from handlers.types import Attachment

# Under the form's own limit (handlers/request_form.MAX_ATTACHMENT_BYTES), so the form
# never has to refuse a file the page already took.
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# The multipart framing around the file: boundaries, part headers, the id field.
_FRAMING_BYTES = 16 * 1024
MAX_UPLOAD_BODY_BYTES = MAX_UPLOAD_BYTES + _FRAMING_BYTES
_MAX_NAME_CHARS = 80
_MAX_ID_BYTES = 64
_STORED_ID = re.compile(r"^[0-9a-f]{32}$")
_PREFIX = "web:"

# HEIF's `ftyp` brands: the HEVC-coded ones a phone camera writes, and the generic ones.
_HEIC_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs"})
_HEIF_BRANDS = frozenset({b"mif1", b"msf1"})


@dataclass(frozen=True)
class FileType:
    kind: str  # "photo" | "document", as the form and the staff pages know them
    mime: str
    extension: str


JPEG = FileType("photo", "image/jpeg", "jpg")
PNG = FileType("photo", "image/png", "png")
WEBP = FileType("photo", "image/webp", "webp")
HEIC = FileType("photo", "image/heic", "heic")
HEIF = FileType("photo", "image/heif", "heif")
PDF = FileType("document", "application/pdf", "pdf")


class UploadRefused(Refusal):
    """Why an upload was not taken."""


def sniff(head: bytes) -> FileType | None:
    """The accepted type these first bytes begin, or None for anything else."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"%PDF-"):
        return PDF
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in _HEIC_BRANDS:
            return HEIC
        if brand in _HEIF_BRANDS:
            return HEIF
    return None


def clean_name(raw: str, file_type: FileType, fallback: str) -> str:
    """A name safe to show and to download under: no path, no controls or direction
    marks (which can make «exe.png» read as «png.exe»), the real type's extension."""
    base = re.split(r"[\\/]", raw)[-1]
    base = "".join(c for c in base if unicodedata.category(c)[0] != "C").strip(" .")
    stem = base.rsplit(".", 1)[0].strip(" .") if "." in base else base
    stem = stem[:_MAX_NAME_CHARS] or fallback
    return f"{stem}.{file_type.extension}"


@dataclass
class _Part:
    headers: dict[str, bytes]
    field: str = ""
    filename: str | None = None


class _Collector:
    """The parser's callbacks: the one `file` part into a bounded buffer, and the `id`."""

    def __init__(self) -> None:
        self.data = bytearray()
        self.filename: str | None = None
        self.message_id = bytearray()
        self.files = 0
        self.ended = False
        self._part = _Part({})
        self._header = (bytearray(), bytearray())

    def callbacks(self) -> dict[str, object]:
        return {
            "on_part_begin": self._begin,
            "on_header_field": lambda d, s, e: self._header[0].extend(d[s:e]),
            "on_header_value": lambda d, s, e: self._header[1].extend(d[s:e]),
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_done,
            "on_part_data": self._data,
            "on_end": self._end,
        }

    def _begin(self) -> None:
        self._part = _Part({})

    def _header_end(self) -> None:
        name, value = self._header
        self._part.headers[bytes(name).decode("latin-1").lower()] = bytes(value)
        self._header = (bytearray(), bytearray())

    def _headers_done(self) -> None:
        _, options = parse_options_header(self._part.headers.get("content-disposition", b""))
        self._part.field = options.get(b"name", b"").decode("utf-8", "replace")
        filename = options.get(b"filename")
        if self._part.field == "file":
            self.files += 1
            if self.files > 1:
                raise UploadRefused("web-upload-missing", http_status=400)
            # Browsers send the name as raw UTF-8 in the header.
            self.filename = filename.decode("utf-8", "replace") if filename else ""

    def _data(self, data: bytes, start: int, end: int) -> None:
        if self._part.field == "file":
            _append(self.data, data[start:end], MAX_UPLOAD_BYTES, "web-upload-too-big", 413)
        elif self._part.field == "id":
            _append(self.message_id, data[start:end], _MAX_ID_BYTES, "web-error-bad-request", 400)

    def _end(self) -> None:
        self.ended = True


def _append(part: bytearray, data: bytes, limit: int, message_id: str, status: int) -> None:
    """Keep a part's bytes; refused as soon as they pass the part's limit."""
    part.extend(data)
    if len(part) > limit:
        raise UploadRefused(message_id, http_status=status)


@dataclass(frozen=True)
class Received:
    data: bytes
    filename: str
    message_id: str | None


async def read_upload(content_type: str, chunks: AsyncIterable[bytes]) -> Received:
    """The file part of a multipart body, read no further than the limits allow."""
    media, options = parse_options_header(content_type)
    boundary = options.get(b"boundary")
    if media != b"multipart/form-data" or not boundary:
        raise UploadRefused("web-upload-not-multipart", http_status=415)
    collector = _Collector()
    try:
        parser = MultipartParser(boundary, collector.callbacks())  # type: ignore[arg-type]
        await _parse(parser, chunks)
    except FormParserError:
        raise UploadRefused("web-error-bad-request", http_status=400) from None
    if not collector.ended:
        raise UploadRefused("web-error-bad-request", http_status=400)
    if collector.filename is None or not collector.data:
        raise UploadRefused("web-upload-missing", http_status=400)
    message_id = bytes(collector.message_id).decode("ascii", "replace") or None
    return Received(bytes(collector.data), collector.filename, message_id)


async def _parse(parser: MultipartParser, chunks: AsyncIterable[bytes]) -> None:
    total = 0
    async for chunk in chunks:
        total += len(chunk)
        if total > MAX_UPLOAD_BODY_BYTES:
            raise UploadRefused("web-upload-too-big", http_status=413)
        parser.write(chunk)
    parser.finalize()


class WebUploads:
    """The uploads folder: where the web chat stores files and staff read them back."""

    def __init__(self, root: Path) -> None:
        self.root = root

    async def store(self, received: Received) -> Attachment:
        """Keep an accepted file; its Attachment for the visitor's conversation."""
        file_type = sniff(received.data[:16])
        if file_type is None:
            raise UploadRefused("web-upload-wrong-type", http_status=415)
        stored_id = secrets.token_hex(16)
        await asyncio.to_thread(self._write, stored_id, received.data)
        name = clean_name(received.filename, file_type, fallback=f"web-{stored_id[:8]}")
        return Attachment(
            file_id=_PREFIX + stored_id,
            kind=file_type.kind,
            size=len(received.data),
            name=name,
            mime=file_type.mime,
        )

    async def fetch(self, channel: str, file_id: str) -> FetchedFile | None:
        """The stored bytes, or None when the id is not one of ours (or is gone)."""
        if channel != "web" or not file_id.startswith(_PREFIX):
            return None
        stored_id = file_id[len(_PREFIX) :]
        if not _STORED_ID.fullmatch(stored_id):
            return None
        try:
            data = await asyncio.to_thread((self.root / stored_id).read_bytes)
        except OSError:
            return None
        return FetchedFile(data)

    def _write(self, stored_id: str, data: bytes) -> None:
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        # O_EXCL: a name is never reused; 0600 from the start, not after a chmod.
        fd = os.open(self.root / stored_id, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(data)


class FileSources:
    """Several file sources as one: the first that has the file answers."""

    def __init__(self, *sources: FileSource | None) -> None:
        self.sources = [s for s in sources if s is not None]

    async def fetch(self, channel: str, file_id: str) -> FetchedFile | None:
        for source in self.sources:
            fetched = await source.fetch(channel, file_id)
            if fetched is not None:
                return fetched
        return None
