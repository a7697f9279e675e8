"""What beneficiaries attached, for staff the desk lets see it: a request's attachments
and the files sent in a case's messages, fetched from their channel (the backend's
`FileSource`)."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import Response

from bot.staff_web.cases import case_id_of
from bot.staff_web.pages import NO_STORE, desk_page
from bot.staff_web.requests import reference_of
from bot.staff_web.session import Signed
from bot.staff_web.state import StaffBackend, backend
from handlers.desk_views import AttachmentView
from handlers.errors import Refusal

# Shown in the browser; anything else is offered as a download.
_INLINE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp", "application/pdf"})


def _number(request: Request, name: str) -> int:
    raw = str(request.path_params.get(name, ""))
    if not raw.isdigit() or len(raw) > 18:
        raise Refusal("staffweb-error-no-attachment", http_status=404)
    return int(raw)


async def attachment(request: Request, signed: Signed) -> Response:
    back = backend(request)
    found = await back.desk.attachment(
        reference_of(request), _number(request, "attachment_id"), signed.me
    )
    return await _send_file(back, found)


async def case_file(request: Request, signed: Signed) -> Response:
    back = backend(request)
    found = await back.desk.case_file(
        case_id_of(request), _number(request, "message_id"), _number(request, "n"), signed.me
    )
    return await _send_file(back, found)


async def _send_file(back: StaffBackend, found: AttachmentView) -> Response:
    fetched = await back.files.fetch(found.channel, found.file_id) if back.files else None
    if fetched is None:
        raise Refusal("staffweb-error-attachment-unavailable", http_status=404)
    mime = found.mime or ("image/jpeg" if found.kind == "photo" else "")
    inline = mime in _INLINE_TYPES
    name = found.name or f"attachment-{found.id}"
    disposition = "inline" if inline else "attachment"
    return Response(
        content=fetched.data,
        media_type=mime if inline else "application/octet-stream",
        headers={
            **NO_STORE,
            "Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(name)}",
            "X-Content-Type-Options": "nosniff",
            # A file a beneficiary sent is never run as this site's page.
            "Content-Security-Policy": "sandbox; default-src 'none'; img-src 'self'",
        },
    )


router = APIRouter(prefix="/staff")
router.add_api_route(
    "/requests/{reference}/attachments/{attachment_id}", desk_page(attachment), methods=["GET"]
)
router.add_api_route(
    "/cases/{case_id}/messages/{message_id}/files/{n}", desk_page(case_file), methods=["GET"]
)
