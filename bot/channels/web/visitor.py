"""Who is talking on the website: a random id in a signed cookie, the only key to their chat.

The cookie (`tawasul_visitor`) is signed with itsdangerous, HttpOnly, SameSite=Lax and
Secure over HTTPS. Framed by another site (`embed_origins`) over HTTPS it is a third-party
cookie: SameSite=None and Partitioned (CHIPS), kept per embedding site.
"""

from __future__ import annotations

import re
import secrets

from fastapi import Request
from fastapi.responses import Response
from itsdangerous import BadData, URLSafeSerializer, URLSafeTimedSerializer

from handlers.errors import Refusal

COOKIE_NAME = "tawasul_visitor"
# Sliding: renewed on every visit of the page, and the signature itself expires with it.
COOKIE_MAX_AGE = 90 * 24 * 3600
_COOKIE_SALT = "tawasul.web.visitor"
_VISITOR_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


class VisitorCookie:
    """Reads, renews and issues the visitor's cookie."""

    def __init__(self, secret_key: str, *, cookie_secure: bool, embeddable: bool) -> None:
        self.signer = URLSafeTimedSerializer(secret_key, salt=_COOKIE_SALT)
        # Cookies signed before they expired: read once more on a page visit, then re-issued.
        self.legacy = URLSafeSerializer(secret_key, salt=_COOKIE_SALT)
        self.cookie_secure = cookie_secure
        self.embeddable = embeddable

    def read(self, request: Request, *, renewing: bool = False) -> str | None:
        """The visitor's id, or None without a valid cookie."""
        raw = request.cookies.get(COOKIE_NAME)
        value = self._loads(raw, renewing) if raw else None
        return value if isinstance(value, str) and _VISITOR_ID.fullmatch(value) else None

    def require(self, request: Request) -> str:
        visitor = self.read(request)
        if visitor is None:
            raise Refusal("web-error-unauthorized", http_status=401)
        return visitor

    def of_page_visit(self, request: Request) -> str:
        """The returning visitor's id, or a new one."""
        return self.read(request, renewing=True) or secrets.token_urlsafe(16)

    def issue(self, request: Request, response: Response, visitor: str) -> None:
        secure = self._over_https(request)
        # Framed by another site, the cookie is a third-party one: only SameSite=None
        # (which requires Secure) lets it through, partitioned to that site.
        embedded = self.embeddable and secure
        response.set_cookie(
            COOKIE_NAME,
            self.signer.dumps(visitor),
            max_age=COOKIE_MAX_AGE,
            path="/",
            httponly=True,
            samesite="none" if embedded else "lax",
            secure=secure,
        )
        if embedded:
            _partition_last_cookie(response)

    def _loads(self, raw: str, renewing: bool) -> object:
        try:
            return self.signer.loads(raw, max_age=COOKIE_MAX_AGE)
        except BadData:
            if not renewing:
                return None
        try:
            return self.legacy.loads(raw)
        except BadData:
            return None

    def _over_https(self, request: Request) -> bool:
        # uvicorn's proxy_headers set the scheme from X-Forwarded-Proto, but only for the
        # proxies it trusts (FORWARDED_ALLOW_IPS, loopback by default).
        return self.cookie_secure or request.url.scheme == "https"


def _partition_last_cookie(response: Response) -> None:
    """Add CHIPS' `Partitioned` (Starlette sets it only on Python 3.14+): a framed chat's
    cookie is kept per embedding site, which browsers that block third-party cookies allow."""
    for i in range(len(response.raw_headers) - 1, -1, -1):
        name, value = response.raw_headers[i]
        if name == b"set-cookie":
            response.raw_headers[i] = (name, value + b"; Partitioned")
            return
