"""Files attached in the website chat, over HTTP (ASGI), on SQLite and PostgreSQL.

A visitor's photo or PDF goes through the engine like a Telegram photo: the form's
attachments step counts it, the filed request keeps it, and a staff member opens it from
the request page (the look audited). Everything else is refused in Arabic, and a refusal
leaves nothing on disk and nothing in the conversation.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI
from sqlalchemy import select

from bot.channels.web.uploads import (
    MAX_UPLOAD_BYTES,
    WebUploads,
    clean_name,
    sniff,
)
from bot.channels.web.visitor import COOKIE_NAME
from faq.service import FaqService
from handlers.clock import SystemClock
from handlers.request_form import MAX_ATTACHMENT_BYTES
from handlers.requests import set_status
from handlers.types import Incoming
from storage.db import Database
from storage.models import AuditEvent, RequestAttachment, SupportRequest
from tests.bot.attached import EXE, PDF, png_bytes
from tests.bot.staff_stack import add_member, sign_in, staff_app, tr
from tests.handlers.chats import NATIONAL_ID

ARABIC = re.compile(r"[\u0600-\u06FF]")
UPLOAD = {"X-Tawasul-Upload": "1"}


@pytest_asyncio.fixture
async def site(
    database: Database, faq_service: FaqService, tmp_path: Path
) -> AsyncIterator[tuple[FastAPI, dict[str, Any], Path]]:
    holder: dict[str, Any] = {}
    root = tmp_path / "uploads"
    uploads = WebUploads(root)
    app = staff_app(faq_service, holder, db=database, files=uploads, uploads=uploads)
    async with app.router.lifespan_context(app):
        await add_member(database, "boss", "admin")
        yield app, holder, root


class Visitor:
    """A browser on the chat page: its cookie, what it sends, the buttons it was offered."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client
        self.replies: list[dict[str, Any]] = []

    async def say(self, text: str) -> str:
        return self._keep(await self.client.post("/api/chat", json={"text": text}))

    async def press(self, label: str) -> str:
        payload = next(
            b["payload"] for r in self.replies for b in r["buttons"] if b["label"] == label
        )
        return self._keep(await self.client.post("/api/chat", json={"payload": payload}))

    async def upload(self, name: str, body: bytes, mime: str = "image/png", **kw: Any) -> Any:
        response = await self.client.post(
            "/api/chat/upload",
            files={"file": (name, body, mime)},
            headers=kw.pop("headers", UPLOAD),
            **kw,
        )
        if response.status_code == 200:
            self._keep(response)
        return response

    def _keep(self, response: httpx.Response) -> str:
        assert response.status_code == 200, response.text
        self.replies = response.json()["replies"]
        return "\n".join(r["text"] for r in self.replies)


def browser(app: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


@asynccontextmanager
async def open_chat(app: FastAPI) -> AsyncIterator[tuple[httpx.AsyncClient, Visitor]]:
    """A browser that has opened the chat page (so it has its cookie)."""
    async with browser(app) as client:
        assert (await client.get("/")).status_code == 200
        yield client, Visitor(client)


async def reach_attachments(visitor: Visitor) -> None:
    await visitor.say("ابي اقدم طلب مساعدة")
    for answer in ("سارة محمد العتيبي", NATIONAL_ID, "٠٥٥٨٧٦٤٣٢١"):
        await visitor.say(answer)
    await visitor.press("جدة")
    await visitor.press("علاج أمراض القلب للأطفال")
    text = await visitor.say("بنتي عمرها سنتين وعندها ثقب في القلب وتحتاج عملية")
    assert "7️⃣" in text


def stored(root: Path) -> list[Path]:
    return sorted(root.iterdir()) if root.exists() else []


def refused(response: httpx.Response, status: int, msg_id: str) -> bool:
    expected = tr(msg_id, mb=MAX_UPLOAD_BYTES // (1024 * 1024))
    return response.status_code == status and response.json() == {"error": expected}


def test_the_limit_is_within_the_forms_and_types_come_from_the_bytes() -> None:
    assert MAX_UPLOAD_BYTES <= MAX_ATTACHMENT_BYTES
    samples = {
        "image/png": png_bytes(),
        "image/jpeg": b"\xff\xd8\xff\xe0" + b"\x00" * 12,
        "image/webp": b"RIFF\x00\x00\x00\x00WEBPVP8 ",
        "image/heic": b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic",
        "application/pdf": PDF,
    }
    for mime, head in samples.items():
        found = sniff(head)
        assert found is not None and found.mime == mime
    assert sniff(EXE) is None and sniff(b"") is None and sniff(b"<html><body>") is None
    png = sniff(png_bytes())
    assert png is not None
    # No path, no direction override turning «gnp.exe» around, the real type's extension.
    assert clean_name("../../C:\\x\\scan\u202egnp.exe", png, "f") == "scangnp.png"
    assert clean_name("", png, "web-1a2b") == "web-1a2b.png"
    assert clean_name("تقرير طبي.JPG", png, "f") == "تقرير طبي.png"


async def test_a_photo_at_the_forms_step_is_received_filed_and_opened_by_staff(
    site: tuple[FastAPI, dict[str, Any], Path], database: Database
) -> None:
    app, _holder, root = site
    async with open_chat(app) as (client, visitor):
        await reach_attachments(visitor)
        image = png_bytes()
        answer = await visitor.upload("فحص القلب.png", image)
        assert answer.status_code == 200
        assert "استلمت المرفق" in "\n".join(r["text"] for r in answer.json()["replies"])
        [path] = stored(root)
        assert path.read_bytes() == image and path.stat().st_mode & 0o777 == 0o600
        assert root.stat().st_mode & 0o777 == 0o700

        history = (await client.get("/api/chat/history")).json()["messages"]
        assert [m["files"] for m in history if "files" in m] == [["فحص القلب.png"]]

        await visitor.press(tr("form-done"))
        await visitor.press(tr("form-confirm"))
        text = await visitor.press(tr("form-accept"))
        reference = text.split("رقم طلبك: ")[1].split()[0].strip("\u2066\u2069")

    async with database.reading() as s:
        [row] = (await s.execute(select(RequestAttachment))).scalars().all()
    assert row.channel == "web" and row.file_id == f"web:{path.name}"
    assert (row.kind, row.size, row.name, row.mime) == (
        "photo",
        len(image),
        "فحص القلب.png",
        "image/png",
    )

    async with browser(app) as staff:
        await sign_in(staff, "boss")
        page = await staff.get(f"/staff/requests/{reference}")
        link = f"/staff/requests/{reference}/attachments/{row.id}"
        assert link in page.text and "فحص القلب.png" in page.text
        file = await staff.get(link)
        assert file.status_code == 200 and file.content == image
        assert file.headers["content-type"] == "image/png"
        assert file.headers["content-disposition"].startswith("inline;")
        assert file.headers["x-content-type-options"] == "nosniff"
    async with database.reading() as s:
        looks = (
            await s.execute(
                select(AuditEvent.actor).where(AuditEvent.action == "request.attachment_viewed")
            )
        ).all()
    assert looks == [("staff:boss",)]


async def test_a_pdf_is_a_document_and_a_retry_is_processed_once(
    site: tuple[FastAPI, dict[str, Any], Path],
) -> None:
    app, holder, _root = site
    seen: list[Incoming] = []
    engine = holder["engine"]
    handle = engine.handle

    async def recording(incoming: Incoming) -> Any:
        seen.append(incoming)
        return await handle(incoming)

    engine.handle = recording
    async with open_chat(app) as (_client, visitor):
        first = await visitor.upload("report.pdf", PDF, "application/pdf", data={"id": "m-1"})
        again = await visitor.upload("report.pdf", PDF, "application/pdf", data={"id": "m-1"})
    assert first.status_code == 200 and first.json()["replies"]
    assert again.status_code == 200 and again.json()["replies"] == []
    [a] = seen[0].attachments
    assert (a.kind, a.mime, a.name, a.size) == (
        "document",
        "application/pdf",
        "report.pdf",
        len(PDF),
    )
    assert seen[0].channel == "web" and seen[0].chat_id == seen[0].user_id != ""
    assert seen[0].external_id is not None and seen[0].external_id.endswith(":m-1")


async def test_a_file_outside_the_form_opens_a_case_whose_page_serves_it(
    site: tuple[FastAPI, dict[str, Any], Path], database: Database
) -> None:
    app, _holder, _root = site
    async with open_chat(app) as (_client, visitor):
        answer = await visitor.upload("تقرير.pdf", PDF, "application/pdf")
    assert "فريق الجمعية" in answer.json()["replies"][0]["text"]
    async with browser(app) as staff:
        await sign_in(staff, "boss")
        page = await staff.get("/staff/cases/1")
        link = re.search(r'href="(/staff/cases/1/messages/\d+/files/0)"', page.text)
        assert link, "no link to the file on the case page"
        file = await staff.get(link.group(1))
    assert file.status_code == 200 and file.content == PDF
    assert file.headers["content-type"] == "application/pdf"
    assert file.headers["content-disposition"].endswith("''" + quote("تقرير.pdf"))
    assert file.headers["x-content-type-options"] == "nosniff"
    async with database.reading() as s:
        looks = (
            await s.execute(select(AuditEvent.actor).where(AuditEvent.action == "case.file_viewed"))
        ).all()
    assert looks == [("staff:boss",)]


async def test_a_missing_document_is_completed_by_uploading_it(
    site: tuple[FastAPI, dict[str, Any], Path], database: Database
) -> None:
    app, _holder, _root = site
    async with open_chat(app) as (_client, visitor):
        await reach_attachments(visitor)
        await visitor.press(tr("form-done"))
        await visitor.press(tr("form-confirm"))
        text = await visitor.press(tr("form-accept"))
        reference = text.split("رقم طلبك: ")[1].split()[0].strip("\u2066\u2069")
        await set_status(
            database,
            SystemClock(),
            tr,
            reference=reference,
            status="needs_info",
            note="تقرير طبي حديث",
            actor="staff:boss",
        )
        async with database.reading() as s:
            request = (await s.execute(select(SupportRequest))).scalar_one()
        await visitor.client.post("/api/chat", json={"payload": f"complete:{request.id}"})
        done = await visitor.upload("تقرير.pdf", PDF, "application/pdf")
        assert done.status_code == 200 and reference in done.json()["replies"][0]["text"]
    async with database.reading() as s:
        request = (await s.execute(select(SupportRequest))).scalar_one()
        files = (await s.execute(select(RequestAttachment))).scalars().all()
    assert request.status == "under_review"
    assert [(f.channel, f.kind, f.name, f.mime) for f in files] == [
        ("web", "document", "تقرير.pdf", "application/pdf")
    ]


async def test_refusals_are_arabic_and_store_nothing(
    site: tuple[FastAPI, dict[str, Any], Path],
) -> None:
    app, _holder, root = site
    async with open_chat(app) as (client, visitor):
        renamed = await visitor.upload("photo.png", EXE, "image/png")
        assert refused(renamed, 415, "web-upload-wrong-type")
        assert ARABIC.search(renamed.json()["error"])

        big = png_bytes() + b"\x00" * MAX_UPLOAD_BYTES
        assert refused(await visitor.upload("big.png", big), 413, "web-upload-too-big")
        assert "10" in tr("web-upload-too-big", mb=10)

        async def chunks() -> AsyncIterator[bytes]:
            # No Content-Length: the limit holds while the body streams in.
            boundary = b"--b0undary"
            yield boundary + b'\r\nContent-Disposition: form-data; name="file"; filename="x.png"'
            yield b"\r\nContent-Type: image/png\r\n\r\n" + png_bytes()
            for _ in range(MAX_UPLOAD_BYTES // 65536 + 2):
                yield b"\x00" * 65536

        streamed = await client.post(
            "/api/chat/upload",
            content=chunks(),
            headers={**UPLOAD, "Content-Type": "multipart/form-data; boundary=b0undary"},
        )
        assert refused(streamed, 413, "web-upload-too-big")

        no_file = await client.post(
            "/api/chat/upload", data={"id": "m-2"}, files={}, headers=UPLOAD
        )
        # httpx sends a urlencoded body when there are no files: not multipart at all.
        assert refused(no_file, 415, "web-upload-not-multipart")
        only_id = await client.post(
            "/api/chat/upload",
            content=b'--b0\r\nContent-Disposition: form-data; name="id"\r\n\r\nm-3\r\n--b0--\r\n',
            headers={**UPLOAD, "Content-Type": "multipart/form-data; boundary=b0"},
        )
        assert refused(only_id, 400, "web-upload-missing")
        empty = await visitor.upload("empty.png", b"")
        assert refused(empty, 400, "web-upload-missing")

        cross = await visitor.upload("a.png", png_bytes(), headers={})
        assert refused(cross, 403, "web-error-cross-site")
        other_site = await visitor.upload(
            "a.png", png_bytes(), headers={**UPLOAD, "Sec-Fetch-Site": "cross-site"}
        )
        assert refused(other_site, 403, "web-error-cross-site")
        history = (await client.get("/api/chat/history")).json()["messages"]

    async with browser(app) as stranger:
        anonymous = await Visitor(stranger).upload("a.png", png_bytes())
        assert refused(anonymous, 401, "web-error-unauthorized")
        stranger.cookies.set(COOKIE_NAME, "forged.value")
        forged = await Visitor(stranger).upload("a.png", png_bytes())
        assert refused(forged, 401, "web-error-unauthorized")

    assert stored(root) == []
    # The page's greeting aside, nothing reached the conversation.
    assert [m for m in history if m["direction"] == "in"] == []


async def test_without_an_uploads_folder_there_is_no_button_and_no_endpoint(
    database: Database, faq_service: FaqService
) -> None:
    app = staff_app(faq_service, {}, db=database)
    async with app.router.lifespan_context(app), open_chat(app) as (client, visitor):
        page = await client.get("/")
        assert 'id="attach"' not in page.text
        missing = await visitor.upload("a.png", png_bytes())
        assert refused(missing, 404, "web-error-not-found")


async def test_the_page_offers_the_button_with_an_arabic_label(
    site: tuple[FastAPI, dict[str, Any], Path],
) -> None:
    app, _, _ = site
    async with browser(app) as client:
        page = (await client.get("/")).text
    assert f'aria-label="{tr("web-attach")}"' in page
    assert 'type="file"' in page and "application/pdf" in page
    assert f'data-max-bytes="{MAX_UPLOAD_BYTES}"' in page


@pytest.mark.parametrize("channel", ["telegram", "web"])
async def test_the_web_source_reads_only_its_own_ids(tmp_path: Path, channel: str) -> None:
    uploads = WebUploads(tmp_path / "u")
    for file_id in ("web:../../etc/passwd", "web:" + "0" * 32, "AgACAgQ", "web:"):
        assert await uploads.fetch(channel, file_id) is None
