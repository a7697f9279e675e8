"""Every route fuzzed in-process (issue 12): thousands of generated requests, not one 5xx.

The real app as bot/server.py builds it (web chat, staff inbox, Telegram webhook, health)
over a real engine and database, spoken to over ASGI with whatever a hostile or broken
client could send: any method and path (traversal, odd unicode, percent-encoded bytes),
query strings, headers, cookies (forged, and validly signed ones so the signed-in routes
are reached, with the CSRF token right and wrong), and bodies (JSON of any shape, forms,
multipart, huge, truncated, deeply nested, lone surrogates, the wrong content type).

Every answer is below 500, and every refusal says why in Arabic: JSON `{"error": …}` for
the APIs and the webhook, an Arabic page for the staff's pages.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, cast
from urllib.parse import quote, urlencode

import httpx
import pytest_asyncio
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from itsdangerous import TimestampSigner, URLSafeSerializer, URLSafeTimedSerializer

from bot.channels.telegram.webhook import (
    SECRET_HEADER,
    WEBHOOK_PATH,
    WebhookServices,
    webhook_router,
)
from bot.channels.web.app import create_app
from bot.channels.web.visitor import _COOKIE_SALT, COOKIE_NAME
from bot.health import Health
from bot.staff_web import StaffBackend
from bot.staff_web.session import _SESSION_SALT, LOGIN_COOKIE, SESSION_COOKIE
from faq.service import FaqService
from handlers.clock import SystemClock
from handlers.staff_desk import StaffDesk
from handlers.staff_inbox import StaffInbox
from handlers.types import ChatEngine, Incoming
from storage.crypto import Vault
from storage.db import Database
from storage.rejects import record_rejected
from tests.bot.staff_stack import (
    KEY,
    ORG_NAME,
    PASSWORD,
    SECRET,
    add_member,
    build_engine,
    tr,
)
from tests.handlers.chats import Chat, submit

ARABIC = re.compile(r"[\u0600-\u06FF]")
WEBHOOK_SECRET = "fuzz-webhook-secret"
STAFF_CHAT = -1009876543210
# About 2,100 requests in all per database; TAWASUL_FUZZ_SCALE=10 for a long hunt.
SCALE = float(os.environ.get("TAWASUL_FUZZ_SCALE", "1"))
FUZZ = settings(
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)


def examples(n: int) -> settings:
    return settings(FUZZ, max_examples=max(1, int(n * SCALE)))


# -- the app, as bot/server.py wires it ---------------------------------------------------


@dataclass
class Stack:
    app: FastAPI
    holder: dict[str, Any]
    visitor: str = ""
    # role -> (session cookie, its CSRF token); "leaver" is the one the fuzz signs out.
    sessions: dict[str, tuple[str, str]] = field(default_factory=dict)
    login: tuple[str, str] = ("", "")
    case_id: int = 0
    reference: str = ""

    @property
    def transport(self) -> httpx.ASGITransport:
        return httpx.ASGITransport(app=self.app)

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=self.transport, base_url="http://testserver")


def build_app(db: Database, faq: FaqService, holder: dict[str, Any]) -> FastAPI:
    health = Health()

    async def reject(update_id: str | None, reason: str, size: int) -> None:
        await record_rejected(db, "telegram", update_id, reason, size, SystemClock().now())

    @asynccontextmanager
    async def factory() -> AsyncIterator[ChatEngine]:
        clock = SystemClock()
        inbox = StaffInbox(db, clock, tr.t, str(STAFF_CHAT))
        engine = build_engine(db, faq, clock)
        engine.staff = inbox
        desk = StaffDesk(db, clock, tr.t, Vault(KEY), staff_chat=inbox.staff_chat)
        holder.update(engine=engine, backend=StaffBackend(desk))
        app.state.telegram = WebhookServices(None, inbox, reject)
        health.database = db.ping
        try:
            yield engine
        finally:
            holder.clear()
            app.state.telegram = None
            health.database = None

    app = create_app(
        engine_factory=factory,
        catalog=tr,
        org_name=ORG_NAME,
        secret_key=SECRET,
        staff=lambda: holder.get("backend"),
        health=health,
    )
    app.include_router(webhook_router(WEBHOOK_SECRET, tr.t, STAFF_CHAT))
    return app


def _csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF field on the page"
    return found.group(1)


async def sign_in(stack: Stack, username: str) -> tuple[str, str]:
    async with stack.client() as browser:
        page = await browser.get("/staff/login")
        form = {"csrf": _csrf_of(page.text), "username": username, "password": PASSWORD}
        signed = await browser.post("/staff/login", data=form)
        assert signed.status_code == 303, signed.text
        cases = await browser.get("/staff/cases")
        return signed.cookies[SESSION_COOKIE], _csrf_of(cases.text)


@pytest_asyncio.fixture
async def stack(database: Database, faq_service: FaqService) -> AsyncIterator[Stack]:
    holder: dict[str, Any] = {}
    app = build_app(database, faq_service, holder)
    async with app.router.lifespan_context(app):
        built = Stack(app, holder)
        for username, role in (("sara", "researcher"), ("boss", "admin"), ("leaver", "admin")):
            await add_member(database, username, role)
        engine = holder["engine"]
        await engine.handle(Incoming("web", "v-case", "v-case", text="ابي اكلم موظف"))
        built.case_id = 1
        built.reference = await submit(Chat(engine, "v-filer"))
        async with built.client() as browser:
            built.visitor = (await browser.get("/")).cookies[COOKIE_NAME]
            page = await browser.get("/staff/login")
            built.login = (page.cookies[LOGIN_COOKIE], _csrf_of(page.text))
        for username in ("sara", "boss", "leaver"):
            built.sessions[username] = await sign_in(built, username)
        yield built


# -- what every answer must be ------------------------------------------------------------


def assert_clear(response: httpx.Response, what: str) -> None:
    status = response.status_code
    assert status < 500, f"{status} for {what}: {response.text[:300]}"
    if status < 400 or response.request.method == "HEAD":
        return
    kind = response.headers.get("content-type", "")
    if kind.startswith("application/json"):
        error = response.json().get("error")
        assert isinstance(error, str) and ARABIC.search(error), f"{status} for {what}: {error!r}"
    else:
        assert kind.startswith("text/html"), f"{status} ({kind}) for {what}"
        html = response.text
        assert '<html lang="ar" dir="rtl">' in html and ARABIC.search(html), what


async def send(stack: Stack, request: FuzzRequest) -> httpx.Response:
    built = httpx.Request(
        request.method,
        # Absolute: a path starting with "//" is a path here, not a host.
        "http://testserver" + request.url,
        headers=request.headers,
        content=_streamed(request.body) if request.streamed else request.body,
    )
    # The transport itself: a client would choke on a Location built from a forged Host.
    response = await stack.transport.handle_async_request(built)
    await response.aread()
    response.request = built
    assert_clear(response, repr(request)[:500])
    return response


async def _streamed(body: bytes | None) -> AsyncIterator[bytes]:
    data = body or b""
    for start in range(0, max(len(data), 1), 4096):
        yield data[start : start + 4096]


@dataclass
class FuzzRequest:
    method: str
    url: str
    headers: list[tuple[bytes, bytes]]
    body: bytes | None
    streamed: bool = False

    def __repr__(self) -> str:
        body = self.body if self.body is None or len(self.body) < 200 else self.body[:200]
        size = 0 if self.body is None else len(self.body)
        return f"{self.method} {self.url} {self.headers} ({size} bytes) {body!r}"


# -- the pieces of a request --------------------------------------------------------------

# Text of any kind, lone surrogates included (JSON can carry them escaped).
ANY_TEXT = st.text(st.characters(codec=None), max_size=40)
PRINTABLE = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)
ODD_SEGMENTS = st.sampled_from(
    [
        "",
        ".",
        "..",
        "%2e%2e",
        "..%2f..%2fbot%2fweb.py",
        "%2e%2e%2f%2e%2e%2fpyproject.toml",
        "%00",
        "%ff",
        "%c0%af",
        "%252e",
        "0",
        "-1",
        "1.5",
        "1e3",
        "0x1",
        " 1",
        "٣",
        "١٢٣",
        "٢٦١٢-٠٠٠٠١",
        "99999999999999999999999999",
        "9223372036854775808",
        "😀",
        "\u202e1",
        "\u200f",
        "ﷺ",
        "a" * 300,
    ]
)
SEGMENT = st.one_of(
    ODD_SEGMENTS,
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    PRINTABLE.map(lambda s: quote(s, safe="")),
)
JSON_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | ANY_TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(ANY_TEXT, inner, max_size=4),
    max_leaves=12,
)
# What a key holder could sign (itsdangerous writes UTF-8: no lone surrogates).
SIGNABLE = st.recursive(
    st.none() | st.booleans() | st.integers() | PRINTABLE,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(PRINTABLE, inner, max_size=3),
    max_leaves=8,
)
CONTENT_TYPES = st.sampled_from(
    [
        None,
        "application/json",
        "application/json; charset=utf-8",
        "APPLICATION/JSON",
        "application/json;",
        "application/x-www-form-urlencoded",
        "application/x-www-form-urlencoded; charset=latin-1",
        "multipart/form-data; boundary=fuzz",
        "multipart/form-data",
        "text/plain",
        "",
        ";",
        "application/jsonx",
        "text/html; charset=ü",
    ]
)
QUERY_KEYS = st.sampled_from(
    ["tab", "status", "type", "q", "after", "since", "until", "next", "sent", "saved", "v"]
)
QUERY_VALUES = st.one_of(
    SEGMENT,
    st.sampled_from(
        [
            "open",
            "mine",
            "closed",
            "submitted",
            "needs_info",
            "2026-01-01",
            "2026-02-30",
            "٢٠٢٦-٠١-٠١",
            "/staff/cases",
            "//evil.example",
            "https://evil.example/",
            "/staff/login",
            "\\\\evil",
        ]
    ),
    PRINTABLE,
)


@st.composite
def query_strings(draw: st.DrawFn) -> str:
    if draw(st.booleans()):
        return ""
    if draw(st.integers(0, 9)) == 0:  # not even well-formed
        return "?" + draw(st.sampled_from(["&&", "=", "a=%ff%fe", "%", "after", "after=&after=1"]))
    pairs = draw(st.lists(st.tuples(QUERY_KEYS | PRINTABLE, QUERY_VALUES), max_size=4))
    return "?" + urlencode(pairs)


def _dumps(value: object, ascii_only: bool) -> bytes:
    # Lone surrogates: escaped when ASCII-only, raw (invalid UTF-8) bytes otherwise.
    return json.dumps(value, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")


def _multipart(fields: dict[str, str], cut: int | None) -> bytes:
    parts = [
        f'--fuzz\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
        for k, v in fields.items()
    ]
    body = ("".join(parts) + "--fuzz--\r\n").encode("utf-8", "surrogatepass")
    return body if cut is None else body[:cut]


BODY_KINDS: tuple[str, ...] = ("none", "shaped", "shaped", "shaped", "json", "form")
BODY_KINDS += ("multipart", "bytes", "cut", "deep", "huge")


@st.composite
def bodies(draw: st.DrawFn, shaped: st.SearchStrategy[Any]) -> bytes | None:
    """A body for a route whose expected shape `shaped` draws; often something else."""
    kind = draw(st.sampled_from(BODY_KINDS))
    if kind == "none":
        return None
    if kind == "shaped":
        return cast(bytes, draw(shaped))
    if kind == "json":
        return _dumps(draw(JSON_VALUE), draw(st.booleans()))
    if kind == "form":
        fields = draw(st.dictionaries(QUERY_KEYS | PRINTABLE, PRINTABLE, max_size=4))
        return urlencode(fields).encode()
    if kind == "multipart":
        fields = draw(st.dictionaries(PRINTABLE, ANY_TEXT, max_size=3))
        return _multipart(fields, draw(st.none() | st.integers(0, 200)))
    if kind == "bytes":
        return draw(st.binary(max_size=200))
    if kind == "cut":
        whole = draw(shaped) or b"{}"
        return whole[: draw(st.integers(0, max(0, len(whole) - 1)))]
    if kind == "deep":
        opener = draw(st.sampled_from([b"[", b'{"text":', b'{"a":[']))
        return opener * draw(st.sampled_from([100, 1000, 100_000]))
    size = draw(st.sampled_from([64 * 1024 + 1, 1024 * 1024 + 1, 3 * 1024 * 1024]))
    return draw(st.sampled_from([b"x", b'{"text":"' + "ب".encode() * 10, b"["])) * (size // 10 + 1)


@st.composite
def headers(
    draw: st.DrawFn, cookie: str, extra: list[tuple[bytes, bytes]] | None = None
) -> list[tuple[bytes, bytes]]:
    found: list[tuple[bytes, bytes]] = list(extra or [])
    content_type = draw(CONTENT_TYPES)
    if content_type is not None:
        found.append((b"content-type", content_type.encode()))
    if cookie:
        found.append((b"cookie", cookie.encode("utf-8", "surrogatepass")))
    odd = st.sampled_from(
        [
            (b"x-forwarded-for", b"203.0.113.9, 10.0.0.1"),
            (b"x-forwarded-proto", b"https"),
            (b"x-forwarded-for", b"not an address"),
            (b"accept-language", b"en-US,en;q=0.5"),
            (b"accept", b"application/json"),
            (b"origin", b"https://evil.example"),
            (b"referer", b"https://evil.example/\xff"),
            (b"user-agent", "متصفح 😀".encode()),
            (b"content-length", b"abc"),
            (b"content-length", b"99999999999999999999"),
            (b"content-length", b"-1"),
            (b"host", b"[::1"),
            (b"host", b"evil.example:notaport"),
            (b"host", "مثال.السعودية".encode()),
            (b"x-csrf-token", b"\xff\xfe"),
        ]
    )
    found.extend(draw(st.lists(odd, max_size=2)))
    return found


GET_OR_POST = st.sampled_from(["GET", "POST"])
NO_HEADERS: st.SearchStrategy[list[tuple[bytes, bytes]]] = st.just([])


@st.composite
def requests_to(
    draw: st.DrawFn,
    paths: st.SearchStrategy[str],
    body: st.SearchStrategy[Any],
    cookie: st.SearchStrategy[str],
    methods: st.SearchStrategy[str] = GET_OR_POST,
    extra_headers: st.SearchStrategy[list[tuple[bytes, bytes]]] = NO_HEADERS,
) -> FuzzRequest:
    method = draw(
        st.one_of(
            methods,
            st.sampled_from(["PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "PROPFIND"]),
        )
        if draw(st.integers(0, 7)) == 0
        else methods
    )
    sent = (
        draw(bodies(body))
        if method not in ("GET", "HEAD") or draw(st.integers(0, 9)) == 0
        else None
    )
    return FuzzRequest(
        method=method,
        url=draw(paths) + draw(query_strings()),
        headers=draw(headers(draw(cookie), draw(extra_headers))),
        body=sent,
        streamed=sent is not None and draw(st.integers(0, 5)) == 0,
    )


# -- cookies: forged, malformed, and validly signed ---------------------------------------


class _OldSigner(TimestampSigner):
    def get_timestamp(self) -> int:
        return 1_000_000_000  # 2001: long expired


def visitor_cookies(stack: Stack) -> st.SearchStrategy[str]:
    timed = URLSafeTimedSerializer(SECRET, salt=_COOKIE_SALT)
    expired = URLSafeTimedSerializer(SECRET, salt=_COOKIE_SALT, signer=_OldSigner)
    legacy = URLSafeSerializer(SECRET, salt=_COOKIE_SALT)
    value = st.one_of(
        st.just(stack.visitor),
        st.just(stack.visitor),
        st.just(legacy.dumps("legacyvisitor0000001")),
        st.just(expired.dumps("expiredvisitor000001")),
        SIGNABLE.map(timed.dumps),  # signed, but not a visitor id
        st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_.", max_size=60),
        ANY_TEXT,
    )
    return st.one_of(
        st.just(""),
        value.map(lambda v: f"{COOKIE_NAME}={v}"),
        st.sampled_from([f"{COOKIE_NAME}=", f"{COOKIE_NAME}", "; ;", '=; a="b'])
        | ANY_TEXT.map(lambda v: f"{COOKIE_NAME}={v}; other={v}"),
    )


def staff_cookies(stack: Stack, who: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    sessions = URLSafeTimedSerializer(SECRET, salt=_SESSION_SALT)
    odd_sessions = st.one_of(
        SIGNABLE,
        st.fixed_dictionaries(
            {
                "s": st.one_of(
                    st.integers(), st.booleans(), st.sampled_from([2**63, -1]), PRINTABLE
                ),
                "c": st.one_of(PRINTABLE, st.integers()),
                "p": st.one_of(PRINTABLE, st.none()),
            }
        ),
    ).map(sessions.dumps)

    def of(name: str) -> st.SearchStrategy[str]:
        if name in stack.sessions:
            return st.just(stack.sessions[name][0])
        if name == "forged":
            return odd_sessions | ANY_TEXT
        return st.just("")

    def cookie(value: str) -> str:
        return f"{SESSION_COOKIE}={value}" if value else ""

    return who.flatmap(of).map(cookie)


# -- the web chat -------------------------------------------------------------------------


@st.composite
def chat_bodies(draw: st.DrawFn) -> bytes:
    fields = {
        "text": st.one_of(ANY_TEXT, JSON_VALUE, st.sampled_from(["", "  ", "\x00", "ب" * 20_001])),
        "payload": st.one_of(
            ANY_TEXT, JSON_VALUE, st.sampled_from(["menu:main", "x" * 257, "\x00", "menu:\x00"])
        ),
        "id": st.one_of(
            st.from_regex(r"[A-Za-z0-9._:-]{1,64}", fullmatch=True), ANY_TEXT, JSON_VALUE
        ),
    }
    chosen = draw(st.lists(st.sampled_from(list(fields)), unique=True, max_size=3))
    data = {name: draw(fields[name]) for name in chosen}
    return _dumps(data, draw(st.booleans()))


def web_paths() -> st.SearchStrategy[str]:
    fixed = st.sampled_from(
        [
            "/",
            "/api/chat",
            "/api/chat",
            "/api/chat",
            "/api/chat/history",
            "/api/chat/history",
            "/healthz",
            "/readyz",
            "/embed.js",
            "/static/chat.css",
            "/static/chat.js",
        ]
    )
    odd = st.builds(
        lambda a, b: f"/{a}/{b}", st.sampled_from(["api", "static", "api/chat"]), SEGMENT
    )
    return st.one_of(fixed, fixed, odd)


@given(data=st.data())
@examples(700)
async def test_the_web_chat_answers_anything_in_arabic(stack: Stack, data: st.DataObject) -> None:
    request = data.draw(
        requests_to(web_paths(), chat_bodies(), visitor_cookies(stack)), label="request"
    )
    await send(stack, request)


# -- the staff inbox ----------------------------------------------------------------------


def staff_paths(stack: Stack) -> st.SearchStrategy[str]:
    case = st.one_of(st.just(str(stack.case_id)), SEGMENT)
    ref = st.one_of(st.just(stack.reference), st.just(quote("٢٦١١-٠٠٠٠١")), SEGMENT)
    return st.one_of(
        st.sampled_from(
            [
                "/staff",
                "/staff/",
                "/staff/login",
                "/staff/logout",
                "/staff/cases",
                "/staff/requests",
                "/staff/reports",
                "/staff/reports/requests.csv",
                "/staff/reports/surveys.csv",
            ]
        ),
        case.map(lambda c: f"/staff/cases/{c}"),
        st.tuples(case, st.sampled_from(["claim", "reply", "close", "reveal"])).map(
            lambda p: f"/staff/cases/{p[0]}/{p[1]}"
        ),
        case.map(lambda c: f"/staff/api/cases/{c}/messages"),
        st.tuples(case, SEGMENT, SEGMENT).map(
            lambda p: f"/staff/cases/{p[0]}/messages/{p[1]}/files/{p[2]}"
        ),
        ref.map(lambda r: f"/staff/requests/{r}"),
        st.tuples(ref, st.sampled_from(["reveal", "status"])).map(
            lambda p: f"/staff/requests/{p[0]}/{p[1]}"
        ),
        st.tuples(ref, SEGMENT).map(lambda p: f"/staff/requests/{p[0]}/attachments/{p[1]}"),
        SEGMENT.map(lambda s: f"/staff/{s}"),
        SEGMENT.map(lambda s: f"/staff/api/{s}"),
    )


@st.composite
def staff_forms(draw: st.DrawFn, csrf: str) -> bytes:
    token = draw(st.sampled_from([csrf, csrf, "", "wrong", csrf + "x"]) | PRINTABLE)
    fields = {
        "csrf": st.just(token),
        "text": st.one_of(ANY_TEXT, st.sampled_from(["", "ب" * 5000])),
        "note": st.one_of(ANY_TEXT, st.sampled_from(["", "ن" * 3000])),
        "status": st.sampled_from(["submitted", "in_review", "needs_info", "approved", "rejected"])
        | ANY_TEXT,
        "next": QUERY_VALUES,
        "username": st.sampled_from(["sara", "boss", "nobody", ""]) | ANY_TEXT,
        "password": ANY_TEXT,
    }
    chosen = draw(st.lists(st.sampled_from(list(fields)), unique=True, max_size=4))
    pairs = [("csrf", token)] + [(k, draw(fields[k])) for k in chosen if k != "csrf"]
    if draw(st.booleans()):
        # Percent-encoded lone surrogates and bytes that are no UTF-8 at all.
        return "&".join(f"{quote(k)}={quote(v, errors='surrogatepass')}" for k, v in pairs).encode()
    return urlencode(pairs, errors="surrogatepass").encode() + draw(
        st.sampled_from([b"", b"&%ff=%fe"])
    )


@given(data=st.data())
@examples(500)
async def test_the_staff_inbox_answers_anything_in_arabic(
    stack: Stack, data: st.DataObject
) -> None:
    who = data.draw(
        st.sampled_from(["sara", "sara", "boss", "boss", "forged", "none"]), label="who"
    )
    csrf = stack.sessions[who][1] if who in stack.sessions else "no-session"
    login_cookie, login_csrf = stack.login
    cookie = data.draw(staff_cookies(stack, st.just(who)))
    if data.draw(st.booleans()):
        cookie = "; ".join(c for c in (cookie, f"{LOGIN_COOKIE}={login_cookie}") if c)
    token = st.sampled_from([csrf, "wrong"]).map(lambda t: [(b"x-csrf-token", t.encode())])
    request = data.draw(
        requests_to(
            staff_paths(stack),
            staff_forms(login_csrf if data.draw(st.booleans()) else csrf),
            st.just(cookie),
            extra_headers=st.just([]) | token,
        ),
        label="request",
    )
    signing_in = request.url.startswith("/staff/login") and request.method == "POST"
    # Each sign-in costs an argon2 hash on purpose: a few, not hundreds.
    if signing_in and data.draw(st.integers(0, 19)) != 0:
        request.method = "GET"
    await send(stack, request)


async def test_a_signed_out_session_is_refused_and_signing_in_again_works(stack: Stack) -> None:
    cookie, csrf = stack.sessions["leaver"]
    headers = [
        (b"cookie", f"{SESSION_COOKIE}={cookie}".encode()),
        (b"content-type", b"application/x-www-form-urlencoded"),
    ]
    body = urlencode({"csrf": csrf}).encode()
    out = await send(stack, FuzzRequest("POST", "/staff/logout", headers, body))
    assert out.status_code == 303 and out.headers["location"] == "/staff/login"
    after = await send(stack, FuzzRequest("GET", "/staff/api/cases/1/messages", headers, None))
    assert after.status_code == 401
    stack.sessions["leaver"] = await sign_in(stack, "leaver")


# -- the Telegram webhook -----------------------------------------------------------------

TG_ID = st.one_of(
    st.integers(min_value=-(2**40), max_value=2**40),
    st.sampled_from([STAFF_CHAT, 0, 2**63, -(2**63) - 1, 10**30]),
)


@st.composite
def updates(draw: st.DrawFn) -> bytes:
    person = st.fixed_dictionaries(
        {"id": TG_ID, "is_bot": st.booleans(), "first_name": ANY_TEXT},
        optional={"username": ANY_TEXT, "language_code": ANY_TEXT},
    )
    chat = st.fixed_dictionaries(
        {"id": TG_ID, "type": st.sampled_from(["private", "group", "supergroup", "channel"])}
    )
    message = st.fixed_dictionaries(
        {"message_id": TG_ID, "date": st.integers(-(2**40), 2**40), "chat": chat},
        optional={
            "from": person,
            "text": ANY_TEXT
            | st.just("ب" * 5000)
            | st.sampled_from(["/start", "/menu x", "/cancel"]),
            "caption": ANY_TEXT,
            "message_thread_id": TG_ID,
            "photo": st.lists(
                st.fixed_dictionaries(
                    {
                        "file_id": ANY_TEXT,
                        "file_unique_id": ANY_TEXT,
                        "width": TG_ID,
                        "height": TG_ID,
                    },
                    optional={"file_size": TG_ID},
                ),
                max_size=2,
            ),
            "document": st.fixed_dictionaries(
                {"file_id": ANY_TEXT, "file_unique_id": ANY_TEXT},
                optional={"file_name": ANY_TEXT, "mime_type": ANY_TEXT, "file_size": TG_ID},
            ),
            "contact": st.fixed_dictionaries(
                {"phone_number": ANY_TEXT, "first_name": ANY_TEXT},
                optional={"user_id": TG_ID},
            ),
            "reply_to_message": st.fixed_dictionaries(
                {"message_id": TG_ID, "date": st.just(1764500000), "chat": chat},
                optional={"text": ANY_TEXT},
            ),
            "entities": JSON_VALUE,
        },
    )
    callback = st.fixed_dictionaries(
        {"id": ANY_TEXT, "from": person, "chat_instance": ANY_TEXT},
        optional={"data": ANY_TEXT, "message": message},
    )
    update = st.fixed_dictionaries(
        {"update_id": TG_ID | ANY_TEXT},
        optional={"message": message, "callback_query": callback, "edited_message": message},
    )
    return _dumps(draw(update), draw(st.booleans()))


def webhook_headers() -> st.SearchStrategy[list[tuple[bytes, bytes]]]:
    secret = st.sampled_from(
        [WEBHOOK_SECRET, WEBHOOK_SECRET, WEBHOOK_SECRET, "", "wrong", WEBHOOK_SECRET + " "]
    )
    return st.one_of(
        secret.map(lambda s: [(SECRET_HEADER.lower().encode(), s.encode())]),
        st.just([(SECRET_HEADER.lower().encode(), b"\xff\xfe")]),
        st.just([]),
    )


@given(data=st.data())
@examples(500)
async def test_the_webhook_never_answers_a_5xx(stack: Stack, data: st.DataObject) -> None:
    paths = st.one_of(
        st.just(WEBHOOK_PATH), st.just(WEBHOOK_PATH), SEGMENT.map(lambda s: f"/telegram/{s}")
    )
    request = data.draw(
        requests_to(
            paths,
            updates(),
            st.just(""),
            methods=st.just("POST"),
            extra_headers=webhook_headers(),
        ),
        label="request",
    )
    await send(stack, request)


# -- anything at all ----------------------------------------------------------------------


@given(data=st.data())
@examples(400)
async def test_any_method_on_any_path_is_refused_in_arabic(
    stack: Stack, data: st.DataObject
) -> None:
    depth = st.lists(SEGMENT, min_size=1, max_size=4).map(lambda parts: "/" + "/".join(parts))
    prefix = st.sampled_from(["", "/api", "/static", "/staff", "/telegram", "/static/..", "//"])
    paths = st.builds(lambda p, rest: p + rest, prefix, depth)
    methods = st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"])
    cookies = st.one_of(
        visitor_cookies(stack), staff_cookies(stack, st.sampled_from(["boss", "forged"]))
    )
    request = data.draw(
        requests_to(paths, st.binary(max_size=100), cookies, methods=methods), label="request"
    )
    await send(stack, request)


async def test_a_signed_session_naming_no_possible_account_is_signed_out(stack: Stack) -> None:
    # Found by the fuzz: an id past 64 bits reached the database (500 on SQLite).
    sessions = URLSafeTimedSerializer(SECRET, salt=_SESSION_SALT)
    for staff_id in (2**63, 10**30, -1, True):
        cookie = sessions.dumps({"s": staff_id, "c": "x", "p": "x"})
        headers = [(b"cookie", f"{SESSION_COOKIE}={cookie}".encode())]
        api = await send(stack, FuzzRequest("GET", "/staff/api/cases/1/messages", headers, None))
        assert api.status_code == 401
        assert api.json() == {"error": tr("staffweb-error-signed-out")}
        page = await send(stack, FuzzRequest("GET", "/staff/cases", headers, None))
        assert page.status_code == 303


async def test_a_forged_host_header_gets_no_5xx(stack: Stack) -> None:
    for host in (b"[::1", b"evil.example:notaport"):
        headers = [(b"host", host)]
        for path in ("/static/.", "/staff/cases", "/api/chat/history", "/"):
            response = await send(stack, FuzzRequest("GET", path, headers, None))
            assert response.status_code < 500


async def test_a_nul_in_a_reference_finds_nothing_instead_of_a_5xx(stack: Stack) -> None:
    # Found by the fuzz: PostgreSQL refuses NUL in a text parameter (500).
    cookie = stack.sessions["sara"][0]
    headers = [(b"cookie", f"{SESSION_COOKIE}={cookie}".encode())]
    missing = await send(stack, FuzzRequest("GET", "/staff/requests/%00", headers, None))
    assert missing.status_code == 404
    search = await send(stack, FuzzRequest("GET", "/staff/requests?q=%00", headers, None))
    assert search.status_code == 200
