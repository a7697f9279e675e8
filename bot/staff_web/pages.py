"""How every staff page answers: the page's context (organisation, assets, the labels the
templates call), refusals as a page (or JSON under /staff/api), the way to the sign-in
page, and the posted form.

Nothing under /staff answers without a session: pages redirect to /staff/login?next=…,
the JSON endpoints under /staff/api answer 401.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from functools import partial
from typing import Any
from urllib.parse import parse_qs, quote

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from bot.channels.web.body_limit import read_at_most
from bot.staff_web.session import Signed, signed_in
from bot.staff_web.state import backend_if_any, config_of, tr_of
from handlers.dates import format_date, format_time
from handlers.errors import Refusal
from handlers.staff_auth import StaffMember
from handlers.types import Translate

MAX_FORM_BYTES = 64 * 1024

NO_STORE = {"Cache-Control": "no-store", "Vary": "Cookie"}
_SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; base-uri 'none'; form-action 'self'; object-src 'none'; "
        "frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}

Endpoint = Callable[[Request], Awaitable[Response]]
Handler = Callable[[Request, Signed], Awaitable[Response]]


def _when(tr: Translate, moment: datetime | None) -> str:
    if moment is None:
        return ""
    return f"{format_date(moment, tr)} — {format_time(moment, tr)}"


def _actor(tr: Translate, who: str) -> str:
    """Staff by username; a beneficiary never by their channel id (it keys their chat)."""
    kind, _, name = who.partition(":")
    if kind == "staff" and name:
        return name
    if kind in ("web", "telegram", "whatsapp", "terminal"):
        return tr("staffweb-author-beneficiary")
    return who


def _waited(since: datetime, now: datetime, tr: Translate) -> str:
    minutes = max(0, int((now - since).total_seconds() // 60))
    if minutes < 60:
        return tr("staffweb-minutes", n=minutes)
    if minutes < 48 * 60:
        return tr("staffweb-hours", n=minutes // 60)
    return tr("staffweb-days", n=minutes // (24 * 60))


def _base_context(request: Request, signed: Signed | None) -> dict[str, Any]:
    config = config_of(request)
    tr = config.catalog.t
    found = backend_if_any(request)
    now = found.desk.clock.now() if found is not None else None
    return {
        "t": tr,
        "lang": config.catalog.locale,
        "dir": "rtl" if config.catalog.locale == "ar" else "ltr",
        "org_name": config.org_name,
        "assets": config.assets,
        "me": signed.me if signed else None,
        "csrf": signed.csrf if signed else "",
        "when": partial(_when, tr),
        "actor": partial(_actor, tr),
        "waited": (lambda since: _waited(since, now, tr)) if now else (lambda since: ""),
        "nav": "",
    }


def render(
    request: Request,
    name: str,
    context: Mapping[str, Any],
    *,
    status: int = 200,
    signed: Signed | None = None,
) -> Response:
    return config_of(request).templates.TemplateResponse(
        request,
        name,
        {**_base_context(request, signed), **context},
        status_code=status,
        headers={**NO_STORE, **_SECURITY_HEADERS},
    )


def see_other(url: str) -> Response:
    return RedirectResponse(url, status_code=303, headers=NO_STORE)


def refusal_page(request: Request, exc: Refusal) -> Response:
    text = tr_of(request)(exc.message_id, exc.arguments)
    if request.url.path.startswith("/staff/api/"):
        return JSONResponse({"error": text}, status_code=exc.http_status, headers=NO_STORE)
    signed = getattr(request.state, "staff", None)
    return render(
        request, "staff/error.html", {"message": text}, status=exc.http_status, signed=signed
    )


def refusals_as_pages(endpoint: Endpoint) -> Endpoint:
    async def run(request: Request) -> Response:
        try:
            return await endpoint(request)
        except Refusal as exc:
            return refusal_page(request, exc)

    return run


def _to_login(request: Request) -> Response:
    if request.url.path.startswith("/staff/api/"):
        raise Refusal("staffweb-error-signed-out", http_status=401)
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if request.method != "GET":
        # A form posted after the session ended: back to the page it came from.
        target = request.url.path.rsplit("/", 1)[0]
    return see_other(f"/staff/login?next={quote(target, safe='')}")


def staff_page(handler: Handler, may: Callable[[StaffMember], bool] | None = None) -> Endpoint:
    """A page for signed-in staff (those `may` lets in: 403 for the others): the sign-in
    page otherwise; refusals as pages."""

    async def signed_only(request: Request) -> Response:
        signed = await signed_in(request)
        if signed is None:
            return _to_login(request)
        if may is not None and not may(signed.me):
            raise Refusal("faqedit-error-role", http_status=403)
        return await handler(request, signed)

    return refusals_as_pages(signed_only)


def desk_page(handler: Handler) -> Endpoint:
    """Cases, requests, reports: personal data, for researchers and admins only."""
    return staff_page(handler, lambda me: me.works_cases)


def faq_page(handler: Handler) -> Endpoint:
    """The FAQ editor's pages: for FAQ editors and admins."""
    return staff_page(handler, lambda me: me.edits_faq)


def landing(me: StaffMember) -> str:
    """Where a member goes after signing in, or opening /staff: their first page."""
    return "/staff/cases" if me.works_cases else "/staff/faq"


async def read_form(request: Request) -> dict[str, str]:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        raise Refusal("staffweb-error-bad-form", http_status=415)
    body = await read_at_most(request, MAX_FORM_BYTES)
    if body is None:
        raise Refusal("staffweb-error-too-large", http_status=413)
    try:
        parsed = parse_qs(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
    except (UnicodeDecodeError, ValueError):
        raise Refusal("staffweb-error-bad-form", http_status=400) from None
    return {k: v[0].replace("\x00", "") for k, v in parsed.items() if v}


async def _unknown(request: Request, signed: Signed) -> Response:
    raise Refusal("staffweb-error-not-found", http_status=404)


# Included last: any other path under /staff needs a session before it may even say
# "not found".
fallback = APIRouter(prefix="/staff")
fallback.add_api_route("/{rest:path}", staff_page(_unknown), methods=["GET", "POST"])
