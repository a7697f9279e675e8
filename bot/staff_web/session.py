"""The staff session and the sign-in form's token, both signed cookies.

The session (`tawasul_staff`, path /staff, HttpOnly, SameSite=Lax, Secure when
`cookie_secure`) holds the staff id, a CSRF token and a stamp of the password hash: a new
password, a deactivated account or twelve hours end it. Every POST carries the session's
CSRF token (form field `csrf` or header `X-CSRF-Token`). The sign-in form has its own
token in a short-lived cookie (`tawasul_staff_login`, path /staff/login).
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

from bot.staff_web.state import backend, config_of
from handlers.errors import Refusal
from handlers.staff_auth import StaffMember, staff_member

SESSION_COOKIE = "tawasul_staff"
LOGIN_COOKIE = "tawasul_staff_login"
SESSION_MAX_AGE = 12 * 3600
LOGIN_MAX_AGE = 3600

_SESSION_SALT = "tawasul.staff.session"
_LOGIN_SALT = "tawasul.staff.login"


@dataclass(frozen=True)
class Signed:
    """The signed-in staff member and their session's CSRF token."""

    me: StaffMember
    csrf: str


def _signer(request: Request, salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(config_of(request).secret_key, salt=salt)


def _set_cookie(request: Request, response: Response, name: str, value: str, **where: Any) -> None:
    secure = config_of(request).cookie_secure
    response.set_cookie(name, value, httponly=True, samesite="lax", secure=secure, **where)


def _session_data(request: Request) -> tuple[int, str, object] | None:
    """Staff id, CSRF token and password stamp from a well-formed session cookie."""
    raw = request.cookies.get(SESSION_COOKIE)
    if not raw:
        return None
    try:
        data = _signer(request, _SESSION_SALT).loads(raw, max_age=SESSION_MAX_AGE)
    except BadSignature:  # SignatureExpired is one too
        return None
    if not isinstance(data, dict):
        return None
    staff_id, csrf, stamp = data.get("s"), data.get("c"), data.get("p")
    if not isinstance(staff_id, int) or not isinstance(csrf, str):
        return None
    if isinstance(staff_id, bool) or not 0 < staff_id < 2**63:
        # Only a key holder could sign it, but no database could look it up (500).
        return None
    return staff_id, csrf, stamp


async def signed_in(request: Request) -> Signed | None:
    """Who this request's session belongs to (kept on `request.state.staff`), if anyone."""
    data = _session_data(request)
    if data is None:
        return None
    staff_id, csrf, stamp = data
    me = await staff_member(backend(request).desk.db, staff_id)
    if me is None or not isinstance(stamp, str) or not hmac.compare_digest(stamp, me.stamp):
        return None
    signed = Signed(me, csrf)
    request.state.staff = signed
    return signed


def start_session(request: Request, response: Response, me: StaffMember) -> None:
    session = {"s": me.id, "c": secrets.token_urlsafe(24), "p": me.stamp}
    value = _signer(request, _SESSION_SALT).dumps(session)
    _set_cookie(request, response, SESSION_COOKIE, value, max_age=SESSION_MAX_AGE, path="/staff")
    response.delete_cookie(LOGIN_COOKIE, path="/staff/login")


def forget_session(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/staff")


def check_csrf(signed: Signed, request: Request, form: Mapping[str, str]) -> None:
    sent = form.get("csrf") or request.headers.get("x-csrf-token") or ""
    if not hmac.compare_digest(sent.encode(), signed.csrf.encode()):
        raise Refusal("staffweb-error-csrf", http_status=403)


def give_login_token(request: Request, response: Response, token: str) -> None:
    """The sign-in form's token, for `check_login_csrf` to compare with what it posts."""
    value = _signer(request, _LOGIN_SALT).dumps(token)
    _set_cookie(request, response, LOGIN_COOKIE, value, max_age=LOGIN_MAX_AGE, path="/staff/login")


def check_login_csrf(request: Request, form: Mapping[str, str]) -> None:
    raw = request.cookies.get(LOGIN_COOKIE, "")
    try:
        expected = (
            str(_signer(request, _LOGIN_SALT).loads(raw, max_age=LOGIN_MAX_AGE)) if raw else ""
        )
    except BadSignature:
        expected = ""
    sent = form.get("csrf", "")
    if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise Refusal("staffweb-error-csrf", http_status=403)
