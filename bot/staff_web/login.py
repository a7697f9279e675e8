"""Signing in and out of the staff pages (/staff/login, /staff/logout).

Failed sign-ins are throttled per username and per client address
(handlers/staff_auth.LoginThrottle, kept on the backend so it outlives the app).
"""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import Response

from bot.staff_web.pages import (
    landing,
    read_form,
    refusals_as_pages,
    render,
    see_other,
    staff_page,
)
from bot.staff_web.session import (
    Signed,
    check_csrf,
    check_login_csrf,
    forget_session,
    give_login_token,
    signed_in,
    start_session,
)
from bot.staff_web.state import backend, tr_of
from handlers.staff_auth import StaffMember, authenticate, end_sessions


def _safe_next(target: str | None) -> str:
    """Only a path inside /staff: `next` must not send anyone to another site. "" for
    none (or one refused): the member's own first page (`landing`), once they are known."""
    if not target:
        return ""
    parts = urlsplit(target)
    outside = parts.scheme or parts.netloc or not target.startswith("/staff") or "\\" in target
    return "" if outside or target.startswith("/staff/login") else target


def login_page(
    request: Request,
    next_url: str,
    *,
    error: str | None = None,
    status: int = 200,
    username: str = "",
) -> Response:
    token = secrets.token_urlsafe(24)
    response = render(
        request,
        "staff/login.html",
        {"next": next_url, "login_csrf": token, "error": error, "username": username},
        status=status,
    )
    give_login_token(request, response, token)
    return response


async def login_form(request: Request) -> Response:
    next_url = _safe_next(request.query_params.get("next"))
    signed = await signed_in(request)
    if signed is not None:
        return see_other(next_url or landing(signed.me))
    return login_page(request, next_url)


async def _attempt(request: Request, username: str, password: str) -> StaffMember | int | None:
    """The member these credentials sign in, None if they don't, or the seconds to wait."""
    back = backend(request)
    # The peer, or the client a trusted proxy names (uvicorn reads X-Forwarded-For
    # only from TAWASUL_TRUSTED_PROXIES).
    client = request.client.host if request.client else "unknown"
    attempt = back.throttle.begin(username, client)
    if isinstance(attempt, int):
        return attempt
    me = await back.throttle.verify(attempt, lambda: authenticate(back.desk.db, username, password))
    back.throttle.ended(attempt, success=me is not None)
    return me


async def login(request: Request) -> Response:
    form = await read_form(request)
    check_login_csrf(request, form)
    next_url = _safe_next(form.get("next"))
    username = form.get("username", "").strip()
    me = await _attempt(request, username, form.get("password", ""))
    tr = tr_of(request)
    if isinstance(me, int):
        minutes = max(1, -(-me // 60))
        error = tr("staffweb-login-throttled", minutes=minutes)
        return login_page(request, next_url, error=error, status=429, username=username)
    if me is None:
        error = tr("staffweb-login-failed")
        return login_page(request, next_url, error=error, status=401, username=username)
    response = see_other(next_url or landing(me))
    start_session(request, response, me)
    return response


async def logout(request: Request, signed: Signed) -> Response:
    check_csrf(signed, request, await read_form(request))
    # Server-side: the cookie (and any copy of it) stops working now.
    await end_sessions(backend(request).desk.db, signed.me.id)
    response = see_other("/staff/login")
    forget_session(response)
    return response


router = APIRouter(prefix="/staff")
router.add_api_route("/login", refusals_as_pages(login_form), methods=["GET"], name="login_form")
router.add_api_route("/login", refusals_as_pages(login), methods=["POST"], name="login")
router.add_api_route("/logout", staff_page(logout), methods=["POST"])
