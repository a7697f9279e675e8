"""The web chat's page and its JSON API; every route reads its services from `app.state`.

Who is talking: the signed visitor cookie (bot/channels/web/visitor.py). The conversation is
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
  status change said since the page last looked), and `"reset": true` when more came than
  one answer holds, so the page redraws it all. With `&wait=S` too (0-25): a long poll;
  when nothing is newer, the answer waits up to S seconds for something new in this
  visitor's chat (written by any process on the database), and comes as soon as it is.
- `GET /` — the chat page; `/static/…` its stylesheet and script (nothing from a CDN);
  `GET /embed.js` the script that frames it in the association's own pages.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from typing import cast

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from bot.channels.web import api_models as api
from bot.channels.web.answers import history_json, reply_json
from bot.channels.web.bodies import UPLOAD_MB, parse_chat_body, read_body, receive, require_json
from bot.channels.web.security import NO_STORE, require_same_site
from bot.channels.web.state import WebChat, chat_of, engine_of, wakeups_of
from bot.channels.web.uploads import MAX_UPLOAD_BYTES
from handlers.errors import Refusal
from handlers.replies import Reply
from handlers.types import Incoming
from storage.notify import web_chat

# How many of the latest messages a poll for new ones looks at.
POLL_WINDOW = 50

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

router = APIRouter()


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
async def page(request: Request) -> Response:
    chat = chat_of(request)
    visitor = chat.visitors.of_page_visit(request)
    response = chat.templates.TemplateResponse(
        request, "chat.html", _page_context(chat), headers={**NO_STORE, **chat.page_headers}
    )
    # Re-set on every visit: it renews the expiry for visitors who keep coming back.
    chat.visitors.issue(request, response, visitor)
    return response


def _page_context(chat: WebChat) -> dict[str, object]:
    catalog = chat.catalog
    return {
        "lang": catalog.locale,
        "dir": "rtl" if catalog.locale == "ar" else "ltr",
        "title": catalog.t("web-title", name=chat.org_name),
        "org_name": chat.org_name,
        "noscript": catalog.t("web-noscript"),
        "texts": {key: catalog.t(key, {"mb": UPLOAD_MB}) for key in _PAGE_TEXTS},
        "assets": chat.assets,
        "uploads": chat.uploads is not None,
        "upload_max_bytes": MAX_UPLOAD_BYTES,
    }


@router.get("/embed.js", include_in_schema=False)
async def embed(request: Request) -> Response:
    # Loaded by the association's pages: a script tag is not subject to CORS.
    headers = {"Cache-Control": "public, max-age=3600", "X-Content-Type-Options": "nosniff"}
    return Response(chat_of(request).embed_script, media_type="text/javascript", headers=headers)


@router.post(
    "/api/chat",
    responses={200: {"model": api.ChatAnswer}, **api.errors(400, 401, 413, 415)},
    openapi_extra=api.secured(api.VISITOR_AUTH, **api.json_body(api.ChatRequest)),
)
async def chat(request: Request) -> JSONResponse:
    visitor = chat_of(request).visitors.require(request)
    require_json(request)
    text, payload, message_id = parse_chat_body(await read_body(request))
    if payload is None and not text.strip():
        return JSONResponse({"replies": []}, headers=NO_STORE)
    incoming = Incoming(
        channel="web",
        chat_id=visitor,
        user_id=visitor,
        text=text,
        payload=payload,
        external_id=_external_id(visitor, message_id),
    )
    return _replies(await engine_of(request).handle(incoming))


@router.post("/api/chat/upload")
async def upload(request: Request) -> JSONResponse:
    chat = chat_of(request)
    visitor = chat.visitors.require(request)
    if chat.uploads is None:
        raise Refusal("web-error-not-found", http_status=404)
    require_same_site(request)
    attachment, message_id = await receive(request, chat.uploads)
    incoming = Incoming(
        channel="web",
        chat_id=visitor,
        user_id=visitor,
        attachments=(attachment,),
        external_id=_external_id(visitor, message_id),
    )
    return _replies(await engine_of(request).handle(incoming))


def _external_id(visitor: str, message_id: str | None) -> str | None:
    # Scoped to the visitor: one visitor's ids can never shadow another's.
    return f"{visitor}:{message_id}" if message_id else None


def _replies(replies: list[Reply]) -> JSONResponse:
    return JSONResponse({"replies": [reply_json(r) for r in replies]}, headers=NO_STORE)


@router.get(
    "/api/chat/history",
    responses={200: {"model": api.History}, **api.errors(400, 401)},
    openapi_extra=api.secured(
        api.VISITOR_AUTH,
        parameters=[
            api.query("after", api.AFTER_PATTERN, "Only the messages after this id."),
            api.query("wait", api.WAIT_PATTERN, api.WAIT_DESCRIPTION),
        ],
    ),
)
async def history(request: Request) -> JSONResponse:
    visitor = chat_of(request).visitors.require(request)
    raw_after = request.query_params.get("after")
    if raw_after is None:
        entries = await engine_of(request).transcript("web", visitor)
        return JSONResponse({"messages": history_json(entries)}, headers=NO_STORE)
    if not raw_after.isdigit() or len(raw_after) > 18:
        raise Refusal("web-error-bad-request", http_status=400)
    wait = _wait(request.query_params.get("wait"))
    answer = await _long_poll(request, visitor, int(raw_after), wait)
    return JSONResponse(answer, headers=NO_STORE)


def _wait(raw: str | None) -> int:
    if raw is None:
        return 0
    if not re.fullmatch(api.WAIT_PATTERN, raw):
        raise Refusal("web-error-bad-request", http_status=400)
    return int(raw)


async def _long_poll(request: Request, visitor: str, after: int, wait: int) -> dict[str, object]:
    """What is newer than `after`; when nothing is, the first news within `wait` seconds."""
    wakeups = wakeups_of(request)
    if wait <= 0 or wakeups is None:
        return await _since(request, visitor, after)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait
    with wakeups.waiting(web_chat(visitor)) as woken:
        while True:
            woken.clear()  # before reading: news while we read is not lost
            answer = await _since(request, visitor, after)
            left = deadline - loop.time()
            if answer["messages"] or answer["reset"] or left <= 0 or wakeups.released:
                return answer
            # Woken by something that brought nothing newer (a reconnection): wait on.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(woken.wait(), left)


async def _since(request: Request, visitor: str, after: int) -> dict[str, object]:
    # What staff (or a status change) said since the page last looked: the page asks
    # again at once, so a short window is enough; a gap makes it redraw everything.
    entries = await engine_of(request).transcript("web", visitor, POLL_WINDOW)
    messages = history_json(entries)
    newer = [m for m in messages if cast(int, m["id"]) > after]
    gap = after > 0 and len(entries) >= POLL_WINDOW and len(newer) == len(messages)
    return {"messages": newer, "reset": gap}
