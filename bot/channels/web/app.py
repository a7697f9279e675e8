"""The website chat channel: a FastAPI app serving the chat page and its JSON API.

`create_app(...)` builds the app; the engine is entered in the app's lifespan and kept on
`app.state.engine`, so nothing is created at import time.

Who is talking: each visitor gets a random id in a cookie (`tawasul_visitor`) signed with
itsdangerous, HttpOnly, SameSite=Lax (Secure when `cookie_secure`).  The conversation is
`Incoming(channel="web", chat_id=<visitor>, user_id=<visitor>)`, so the cookie is the only
key to it: the API answers 401 without a valid one and never looks at anyone else's chat.

API (every error is `{"error": <text from the catalog>}`, never FastAPI's English default):

- `POST /api/chat` — body `{"text": str}` or `{"payload": str}`, exactly one of them, plus
  an optional `"id"` (1-64 characters of `A-Z a-z 0-9 . _ : -`) chosen by the page for
  this message.  A retried POST with the same id is processed once; the engine sees it as
  `external_id = "<visitor>:<id>"`, so one visitor's ids can never shadow another's.
  Answers `{"replies": [{"text": str, "buttons": [{"label": str, "payload": str,
  "nav": bool}]}]}` (`nav`: a way back or out, drawn in a row of its own);
  blank text answers `{"replies": []}` without reaching the engine.
  401 bad or missing cookie · 400 not JSON, not an object, wrong types, both or neither of
  text and payload · 413 text over `MAX_TEXT_CHARS` or body over `MAX_BODY_BYTES` ·
  415 not `application/json` (which also keeps other sites from posting a plain form).
- `POST /api/chat/upload` — `multipart/form-data` with one `file` part (an image: JPEG,
  PNG, WebP, HEIC; or a PDF; at most `MAX_UPLOAD_BYTES`, typed by its bytes) and an
  optional `id` as above; it reaches the engine as an `Incoming` with one `Attachment`
  (`file_id="web:<id>"`), exactly like a photo sent on Telegram, and answers like
  `/api/chat`. Needs the header `X-Tawasul-Upload: 1`, which no other site's form can
  add, and is refused when the browser says the request came from another site.
  401 no cookie · 403 cross-site · 413 too big · 415 not multipart or not an accepted
  type · 400 no file. Nothing is stored on a refusal. See bot/channels/web/uploads.py.
- `GET /api/chat/history` — the visitor's transcript, oldest first:
  `{"messages": [{"direction": "in"|"out", "text": str, "buttons": [label, …],
  "at": ISO 8601, "nav"?: [bool, …], "actions"?: [{"label": str, "payload": str|null,
  "nav": bool}], "files"?: [name, …]}]}` (`files`: what an incoming message attached).
  `actions` is present on the outgoing messages after the visitor's last message (the
  bot's latest turn) that have buttons: those buttons are still pressable after a reload.
  `payload` is null when the transcript kept no payloads for them; the page then sends the
  label as text, which the engine matches like a typed button label. Each message has an
  increasing `id`. With `?after=ID`: only the messages after that id (what staff or a
  status change said since the page last looked; the page asks every few seconds), and
  `"reset": true` when more came than one answer holds, so the page redraws it all.
- `GET /healthz` — `{"status": "ok"}` and each channel's state (`"telegram": "up"`,
  `"retrying"` or `"off"`); the web is up whenever this answers.
- `GET /readyz` — 200 once the database answers, 503 while it doesn't.
- `GET /` — the chat page; `/static/…` its stylesheet and script (nothing from a CDN).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import secrets
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import UTC
from pathlib import Path
from typing import Any, cast

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from itsdangerous import BadData, URLSafeSerializer, URLSafeTimedSerializer
from starlette.exceptions import HTTPException as StarletteHTTPException

from bot.channels.web import api_models as api
from bot.channels.web.body_limit import BodyLimit, read_at_most
from bot.channels.web.uploads import (
    MAX_UPLOAD_BODY_BYTES,
    MAX_UPLOAD_BYTES,
    UploadRefused,
    WebUploads,
    read_upload,
)
from bot.health import Health
from bot.i18n import Catalog
from bot.staff_web import StaffBackend
from bot.staff_web import install as install_staff_web
from bot.staff_web.session import SESSION_COOKIE as STAFF_COOKIE
from handlers.errors import Refusal
from handlers.replies import Reply
from handlers.types import Attachment, ChatEngine, Incoming, TranscriptEntry

log = logging.getLogger(__name__)

EngineFactory = Callable[[], AbstractAsyncContextManager[ChatEngine]]

# The templates and static files belong to the whole web side (chat and staff inbox).
WEB_DIR = Path(__file__).resolve().parents[2]
TEMPLATES_DIR = WEB_DIR / "templates"
STATIC_DIR = WEB_DIR / "static"

COOKIE_NAME = "tawasul_visitor"
# Sliding: renewed on every visit of the page, and the signature itself expires with it.
COOKIE_MAX_AGE = 90 * 24 * 3600
_COOKIE_SALT = "tawasul.web.visitor"
_VISITOR_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
_MESSAGE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")

# Arabic is two bytes a character in UTF-8, so 20,000 characters of it fit well inside the
# body limit: for real messages the character limit is the one that speaks.
MAX_TEXT_CHARS = 20_000
MAX_BODY_BYTES = 64 * 1024
MAX_PAYLOAD_CHARS = 256
# How many of the latest messages a poll for new ones looks at.
POLL_WINDOW = 50

# The page loads only its own files; the texts blob is JSON, which CSP does not execute.
_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; object-src 'none'; "
    "frame-ancestors 'self'"
)
_SECURITY_HEADERS = {
    "Content-Security-Policy": _CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def security_headers(embed_origins: Sequence[str]) -> dict[str, str]:
    """The chat page's headers: framed only by itself and the association's own sites."""
    if not embed_origins:
        return {**_SECURITY_HEADERS, "X-Frame-Options": "SAMEORIGIN"}
    # X-Frame-Options can't name other origins; browsers that know CSP ignore it anyway.
    return {**_SECURITY_HEADERS, "Content-Security-Policy": f"{_CSP} {' '.join(embed_origins)}"}


_NO_STORE = {"Cache-Control": "no-store", "Vary": "Cookie"}

_PAGE_TEXTS = (
    "web-subtitle",
    "web-placeholder",
    "web-input-label",
    "web-send",
    "web-typing",
    "web-from-bot",
    "web-from-me",
    "web-error-send",
    "web-error-load",
    "web-retry",
    "web-attach",
    "web-upload-too-big",
    "web-upload-failed",
)
# The header the page adds to an upload: a plain cross-site form cannot send it.
UPLOAD_HEADER = "x-tawasul-upload"
_UPLOAD_MB = MAX_UPLOAD_BYTES // (1024 * 1024)

_STATUS_MESSAGES = {
    400: "web-error-bad-request",
    401: "web-error-unauthorized",
    403: "web-error-cross-site",
    404: "web-error-not-found",
    405: "web-error-method",
    413: "web-error-too-large",
    415: "web-error-unsupported-type",
    422: "web-error-bad-request",
}


def _asset_version(path: Path) -> str:
    # Browsers cache /static; the content hash in the URL makes a deploy reach them at once.
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def _reply_json(reply: Reply) -> dict[str, object]:
    return {
        "text": reply.text,
        "buttons": [{"label": b.label, "payload": b.payload, "nav": b.nav} for b in reply.buttons],
    }


def _history_json(entries: list[TranscriptEntry]) -> list[dict[str, object]]:
    last_in = max((i for i, e in enumerate(entries) if e.direction == "in"), default=-1)
    messages: list[dict[str, object]] = []
    for i, entry in enumerate(entries):
        at = entry.at if entry.at.tzinfo is not None else entry.at.replace(tzinfo=UTC)
        item: dict[str, object] = {
            "direction": entry.direction,
            "text": entry.text,
            "buttons": list(entry.buttons),
            "at": at.isoformat(),
            "id": entry.id,
        }
        if entry.files:
            item["files"] = list(entry.files)
        nav = entry.nav if len(entry.nav) == len(entry.buttons) else ()
        if any(nav):
            item["nav"] = list(nav)
        if entry.direction == "out" and i > last_in and entry.buttons:
            # An engine that keeps no payloads (or not all of them) still offers the labels.
            payloads = entry.payloads
            known = len(payloads) == len(entry.buttons)
            item["actions"] = [
                {
                    "label": label,
                    "payload": payloads[n] if known else None,
                    "nav": bool(nav and nav[n]),
                }
                for n, label in enumerate(entry.buttons)
            ]
        messages.append(item)
    return messages


def _parse_chat_body(raw: bytes) -> tuple[str, str | None, str | None]:
    """(text, payload, message id) from a POST body, or Refusal."""
    try:
        # JSON between systems is UTF-8 (RFC 8259); json.loads would also guess UTF-16/32.
        data = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError):
        # ValueError covers bad JSON and bytes that are not UTF-8.
        raise Refusal("web-error-bad-request", http_status=400) from None
    if not isinstance(data, dict):
        raise Refusal("web-error-bad-request", http_status=400)
    text, payload, message_id = data.get("text"), data.get("payload"), data.get("id")
    if (text is None) == (payload is None):
        raise Refusal("web-error-bad-request", http_status=400)
    if message_id is not None and (
        not isinstance(message_id, str) or not _MESSAGE_ID.fullmatch(message_id)
    ):
        raise Refusal("web-error-bad-request", http_status=400)
    if payload is not None:
        if not isinstance(payload, str) or not payload or len(payload) > MAX_PAYLOAD_CHARS:
            raise Refusal("web-error-bad-request", http_status=400)
        _require_encodable(payload)
        return "", payload, message_id
    if not isinstance(text, str):
        raise Refusal("web-error-bad-request", http_status=400)
    if len(text) > MAX_TEXT_CHARS:
        raise Refusal("web-error-too-long", http_status=413, limit=MAX_TEXT_CHARS)
    _require_encodable(text)
    # NUL truncates text in some databases and drivers; it is never meant by a visitor.
    return text.replace("\x00", ""), None, message_id


def _require_encodable(value: str) -> None:
    # JSON may carry lone surrogates ("\ud800"), which no database or channel can store.
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise Refusal("web-error-bad-request", http_status=400) from None


def require_same_site(request: Request) -> None:
    """Uploads are multipart, which any site's form may post: only the page's own do."""
    if request.headers.get(UPLOAD_HEADER) != "1":
        raise Refusal("web-error-cross-site", http_status=403)
    # Sent by every current browser; "none" is the visitor's own doing (typed, bookmarked).
    if request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
        raise Refusal("web-error-cross-site", http_status=403)


async def receive(request: Request, uploads: WebUploads) -> tuple[Attachment, str | None]:
    """The visitor's file stored, or Refusal with the catalog's reason (nothing stored)."""
    declared = request.headers.get("content-length")
    if declared is not None and not declared.isdigit():
        raise Refusal("web-error-bad-request", http_status=400)
    if declared is not None and int(declared) > MAX_UPLOAD_BODY_BYTES:
        raise Refusal("web-upload-too-big", http_status=413, mb=_UPLOAD_MB)
    try:
        received = await read_upload(request.headers.get("content-type", ""), request.stream())
        if received.message_id is not None and not _MESSAGE_ID.fullmatch(received.message_id):
            raise Refusal("web-error-bad-request", http_status=400)
        attachment = await uploads.store(received)
    except UploadRefused as exc:
        raise Refusal(exc.message_id, http_status=exc.http_status, mb=_UPLOAD_MB) from None
    return attachment, received.message_id


async def _read_body(request: Request) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and not declared.isdigit():
        raise Refusal("web-error-bad-request", http_status=400)
    body = await read_at_most(request, MAX_BODY_BYTES)
    if body is None:
        raise Refusal("web-error-too-large", http_status=413)
    return body


def _partition_last_cookie(response: Response) -> None:
    """Add CHIPS' `Partitioned` (Starlette sets it only on Python 3.14+): a framed chat's
    cookie is kept per embedding site, which browsers that block third-party cookies allow."""
    for i in range(len(response.raw_headers) - 1, -1, -1):
        name, value = response.raw_headers[i]
        if name == b"set-cookie":
            response.raw_headers[i] = (name, value + b"; Partitioned")
            return


def create_app(
    *,
    engine_factory: EngineFactory,
    catalog: Catalog,
    org_name: str,
    secret_key: str,
    cookie_secure: bool = False,
    staff: Callable[[], StaffBackend | None] | None = None,
    health: Health | None = None,
    embed_origins: Sequence[str] = (),
    uploads: WebUploads | None = None,
    openapi: bool = False,
) -> FastAPI:
    if not secret_key:
        raise ValueError("secret_key must not be empty: it signs the visitors' cookies")
    signer = URLSafeTimedSerializer(secret_key, salt=_COOKIE_SALT)
    # Cookies signed before they expired: read once more on a page visit, then re-issued.
    legacy = URLSafeSerializer(secret_key, salt=_COOKIE_SALT)
    page_headers = security_headers(embed_origins)
    templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
    assets = {
        "css": f"/static/chat.css?v={_asset_version(STATIC_DIR / 'chat.css')}",
        "js": f"/static/chat.js?v={_asset_version(STATIC_DIR / 'chat.js')}",
    }
    staff_assets = {
        "css": f"/static/staff.css?v={_asset_version(STATIC_DIR / 'staff.css')}",
        "js": f"/static/staff.js?v={_asset_version(STATIC_DIR / 'staff.js')}",
    }
    rtl = catalog.locale == "ar"

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with engine_factory() as engine:
            app.state.engine = engine
            app.state.staff = staff() if staff is not None else None
            try:
                yield
            finally:
                del app.state.engine, app.state.staff

    app = FastAPI(
        title="Tawasul web chat",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        # The JSON APIs' description, for staff tools and integrators (TAWASUL_OPENAPI);
        # no docs UI: Swagger's would load from a CDN.
        openapi_url="/openapi.json" if openapi else None,
    )
    if openapi:
        api.install_openapi(app, COOKIE_NAME, STAFF_COOKIE)
    refusal = json.dumps({"error": catalog.t("web-error-too-large")}, ensure_ascii=False)
    # The upload route reads under its own limit and says so in its own words; the floor
    # here sits above it, so it only stops bodies declared far beyond any photo or PDF.
    overrides = {"/api/chat/upload": 2 * MAX_UPLOAD_BODY_BYTES} if uploads else {}
    app.add_middleware(BodyLimit, refusal=refusal.encode(), overrides=overrides)
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    if staff is not None:
        install_staff_web(
            app,
            catalog=catalog,
            org_name=org_name,
            secret_key=secret_key,
            cookie_secure=cookie_secure,
            templates=templates,
            assets=staff_assets,
        )

    def error_response(
        status: int,
        msg_id: str,
        args: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> JSONResponse:
        return JSONResponse(
            {"error": catalog.t(msg_id, args)},
            status_code=status,
            headers={**_NO_STORE, **(headers or {})},
        )

    async def on_api_error(request: Request, exc: Exception) -> Response:
        err = cast(Refusal, exc)
        return error_response(err.http_status, err.message_id, err.arguments)

    async def on_http_error(request: Request, exc: Exception) -> Response:
        err = cast(StarletteHTTPException, exc)
        fallback = "web-error-internal" if err.status_code >= 500 else "web-error-bad-request"
        msg_id = _STATUS_MESSAGES.get(err.status_code, fallback)
        return error_response(err.status_code, msg_id, headers=err.headers)

    async def on_validation_error(request: Request, exc: Exception) -> Response:
        return error_response(422, "web-error-bad-request")

    async def on_crash(request: Request, exc: Exception) -> Response:
        log.exception("web chat: unhandled error on %s", request.url.path, exc_info=exc)
        return error_response(500, "web-error-internal")

    app.add_exception_handler(Refusal, on_api_error)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(Exception, on_crash)

    def visitor_of(request: Request, *, renewing: bool = False) -> str | None:
        raw = request.cookies.get(COOKIE_NAME)
        if not raw:
            return None
        try:
            value = signer.loads(raw, max_age=COOKIE_MAX_AGE)
        except BadData:
            if not renewing:
                return None
            try:
                value = legacy.loads(raw)
            except BadData:
                return None
        if isinstance(value, str) and _VISITOR_ID.fullmatch(value):
            return value
        return None

    def over_https(request: Request) -> bool:
        # uvicorn's proxy_headers set the scheme from X-Forwarded-Proto, but only for the
        # proxies it trusts (FORWARDED_ALLOW_IPS, loopback by default).
        return cookie_secure or request.url.scheme == "https"

    def require_visitor(request: Request) -> str:
        visitor = visitor_of(request)
        if visitor is None:
            raise Refusal("web-error-unauthorized", http_status=401)
        return visitor

    def engine_of(request: Request) -> ChatEngine:
        return cast(ChatEngine, request.app.state.engine)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def page(request: Request) -> Response:
        visitor = visitor_of(request, renewing=True) or secrets.token_urlsafe(16)
        texts = {key: catalog.t(key, {"mb": _UPLOAD_MB}) for key in _PAGE_TEXTS}
        response = templates.TemplateResponse(
            request,
            "chat.html",
            {
                "lang": catalog.locale,
                "dir": "rtl" if rtl else "ltr",
                "title": catalog.t("web-title", name=org_name),
                "org_name": org_name,
                "noscript": catalog.t("web-noscript"),
                "texts": texts,
                "assets": assets,
                "uploads": uploads is not None,
                "upload_max_bytes": MAX_UPLOAD_BYTES,
            },
            headers={**_NO_STORE, **page_headers},
        )
        # Re-set on every visit: it renews the expiry for visitors who keep coming back.
        secure = over_https(request)
        # Framed by another site, the cookie is a third-party one: only SameSite=None
        # (which requires Secure) lets it through, partitioned to that site.
        embedded = bool(embed_origins) and secure
        response.set_cookie(
            COOKIE_NAME,
            signer.dumps(visitor),
            max_age=COOKIE_MAX_AGE,
            path="/",
            httponly=True,
            samesite="none" if embedded else "lax",
            secure=secure,
        )
        if embedded:
            _partition_last_cookie(response)
        return response

    embed_script = (
        (TEMPLATES_DIR / "embed.js")
        .read_text(encoding="utf-8")
        .replace(
            "__TAWASUL_TEXTS__",
            json.dumps(
                {"open": catalog.t("web-embed-open"), "close": catalog.t("web-embed-close")},
                ensure_ascii=False,
            ),
        )
    )

    @app.get("/embed.js", include_in_schema=False)
    async def embed() -> Response:
        # Loaded by the association's pages: a script tag is not subject to CORS.
        headers = {"Cache-Control": "public, max-age=3600", "X-Content-Type-Options": "nosniff"}
        return Response(embed_script, media_type="text/javascript", headers=headers)

    status = health or Health()

    # HEAD as well, for load balancers; the description names GET only.
    @app.get("/healthz", response_model=None, responses={200: {"model": api.Health}})
    @app.head("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        # The web is up if this answers; each channel says its own state beside it.
        return status.report()

    @app.get("/readyz", responses={200: {"model": api.Readiness}, 503: {"model": api.Readiness}})
    @app.head("/readyz", include_in_schema=False)
    async def readyz(request: Request) -> JSONResponse:
        if health is None:  # no database behind this app's report: ready once started
            ready = hasattr(request.app.state, "engine")
        else:
            ready = await status.ready()
        body = {"status": "ready" if ready else "unavailable"}
        return JSONResponse(body, status_code=200 if ready else 503)

    @app.post(
        "/api/chat",
        responses={200: {"model": api.ChatAnswer}, **api.errors(400, 401, 413, 415)},
        openapi_extra=api.secured(api.VISITOR_AUTH, **api.json_body(api.ChatRequest)),
    )
    async def chat(request: Request) -> JSONResponse:
        visitor = require_visitor(request)
        content_type = request.headers.get("content-type", "")
        if content_type.split(";")[0].strip().lower() != "application/json":
            raise Refusal("web-error-unsupported-type", http_status=415)
        text, payload, message_id = _parse_chat_body(await _read_body(request))
        if payload is None and not text.strip():
            return JSONResponse({"replies": []}, headers=_NO_STORE)
        incoming = Incoming(
            channel="web",
            chat_id=visitor,
            user_id=visitor,
            text=text,
            payload=payload,
            external_id=f"{visitor}:{message_id}" if message_id else None,
        )
        replies = await engine_of(request).handle(incoming)
        return JSONResponse({"replies": [_reply_json(r) for r in replies]}, headers=_NO_STORE)

    @app.post("/api/chat/upload")
    async def upload(request: Request) -> JSONResponse:
        visitor = require_visitor(request)
        if uploads is None:
            raise Refusal("web-error-not-found", http_status=404)
        require_same_site(request)
        attachment, message_id = await receive(request, uploads)
        incoming = Incoming(
            channel="web",
            chat_id=visitor,
            user_id=visitor,
            attachments=(attachment,),
            external_id=f"{visitor}:{message_id}" if message_id else None,
        )
        replies = await engine_of(request).handle(incoming)
        return JSONResponse({"replies": [_reply_json(r) for r in replies]}, headers=_NO_STORE)

    @app.get(
        "/api/chat/history",
        responses={200: {"model": api.History}, **api.errors(400, 401)},
        openapi_extra=api.secured(
            api.VISITOR_AUTH,
            parameters=[api.query("after", api.AFTER_PATTERN, "Only the messages after this id.")],
        ),
    )
    async def history(request: Request) -> JSONResponse:
        visitor = require_visitor(request)
        raw_after = request.query_params.get("after")
        if raw_after is None:
            entries = await engine_of(request).transcript("web", visitor)
            return JSONResponse({"messages": _history_json(entries)}, headers=_NO_STORE)
        if not raw_after.isdigit() or len(raw_after) > 18:
            raise Refusal("web-error-bad-request", http_status=400)
        after = int(raw_after)
        # What staff (or a status change) said since the page last looked: the page asks
        # every few seconds, so a short window is enough; a gap makes it redraw everything.
        entries = await engine_of(request).transcript("web", visitor, POLL_WINDOW)
        messages = _history_json(entries)
        newer = [m for m in messages if cast(int, m["id"]) > after]
        gap = after > 0 and len(entries) >= POLL_WINDOW and len(newer) == len(messages)
        return JSONResponse({"messages": newer, "reset": gap}, headers=_NO_STORE)

    return app
