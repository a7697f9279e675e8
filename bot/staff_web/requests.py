"""Beneficiaries' requests: /staff/requests?status=&type=&q= (q: a reference, however
typed) and /staff/requests/{ref} (status changes with a note, reveal for admins)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import Response

from bot.staff_web.pages import desk_page, read_form, render, see_other
from bot.staff_web.session import Signed, check_csrf
from bot.staff_web.state import backend, config_of
from handlers.desk_views import Revealed
from handlers.errors import Refusal
from handlers.references import normalize_reference
from handlers.requests import STATUSES
from handlers.staff_desk import MAX_NOTE_CHARS, StaffDesk


@dataclass(frozen=True)
class _Asked:
    """The list's filters as asked for (any the desk doesn't know: none), and the search."""

    status: str | None
    type_: str | None
    types: list[str]
    typed: str


async def _asked(request: Request, desk: StaffDesk) -> _Asked:
    status = request.query_params.get("status") or None
    if status not in STATUSES:
        status = None
    types = await desk.request_types()
    type_ = request.query_params.get("type") or None
    if type_ not in types:
        type_ = None
    # NUL: PostgreSQL refuses it in any text (500); no reference has one.
    typed = request.query_params.get("q", "").replace("\x00", "").strip()[:40]
    return _Asked(status, type_, types, typed)


async def requests_page(request: Request, signed: Signed) -> Response:
    desk = backend(request).desk
    asked = await _asked(request, desk)
    reference = normalize_reference(asked.typed) if asked.typed else None
    rows = await desk.list_requests(status=asked.status, type_=asked.type_, reference=reference)
    if reference and len(rows) == 1:
        # A reference typed in the search box: straight to its request.
        return see_other(f"/staff/requests/{quote(rows[0].reference)}")
    context = {
        "rows": rows,
        "statuses": STATUSES,
        "types": asked.types,
        "status": asked.status,
        "type": asked.type_,
        "q": asked.typed,
        "nav": "requests",
    }
    return render(request, "staff/requests.html", context, signed=signed)


def reference_of(request: Request) -> str:
    return str(request.path_params.get("reference", "")).replace("\x00", "")[:32]


async def show_request(
    request: Request,
    signed: Signed,
    *,
    revealed: Revealed | None = None,
    error: str | None = None,
    status: int = 200,
    note: str = "",
    chosen: str = "",
) -> Response:
    view = await backend(request).desk.request(reference_of(request))
    context = {
        "view": view,
        "revealed": revealed,
        "error": error,
        "note": note,
        "chosen": chosen,
        "max_note": MAX_NOTE_CHARS,
        "saved": request.query_params.get("saved") == "1",
        "nav": "requests",
    }
    return render(request, "staff/request.html", context, status=status, signed=signed)


async def request_page(request: Request, signed: Signed) -> Response:
    typed = reference_of(request)
    canonical = normalize_reference(typed)
    if canonical != typed:
        # ٢٦١٢-٠٠٠٠١ typed in the address bar: the request's one address.
        return see_other(f"/staff/requests/{quote(canonical)}")
    return await show_request(request, signed)


async def reveal(request: Request, signed: Signed) -> Response:
    check_csrf(signed, request, await read_form(request))
    revealed = await backend(request).desk.reveal(reference_of(request), signed.me)
    return await show_request(request, signed, revealed=revealed)


def _web_error(request: Request, exc: Refusal) -> str:
    """The inbox's own wording where the command line's names a flag (--note)."""
    catalog = config_of(request).catalog
    web_id = exc.message_id.replace("status-error-", "staffweb-error-", 1)
    return catalog.t(web_id if catalog.has(web_id) else exc.message_id, exc.arguments)


async def change_status(request: Request, signed: Signed) -> Response:
    form = await read_form(request)
    check_csrf(signed, request, form)
    reference = reference_of(request)
    note, wanted = form.get("note", ""), form.get("status", "")
    desk = backend(request).desk
    try:
        change = await desk.change_status(reference, wanted, note or None, signed.me)
    except Refusal as exc:
        # Saved again as it stands, the form must ask for what was chosen, not the first.
        error = _web_error(request, exc)
        return await show_request(
            request, signed, error=error, status=exc.http_status, note=note, chosen=wanted
        )
    return see_other(f"/staff/requests/{quote(change.reference)}?saved=1")


router = APIRouter(prefix="/staff")
router.add_api_route("/requests", desk_page(requests_page), methods=["GET"])
router.add_api_route("/requests/{reference}", desk_page(request_page), methods=["GET"])
router.add_api_route("/requests/{reference}/reveal", desk_page(reveal), methods=["POST"])
router.add_api_route("/requests/{reference}/status", desk_page(change_status), methods=["POST"])
