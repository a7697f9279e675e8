"""`python bot.py` as a real process on a free port, spoken to over loopback HTTP: where it
stores (`Backend`), the process (`Server`), and what a visitor of the web chat does."""

from __future__ import annotations

import asyncio
import contextlib
import http.cookiejar
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.channels.web.visitor import COOKIE_NAME
from storage.db import Database, sqlite_url
from tests.processes import ROOT, clean_env

SECRET = "server-process-test-secret"
# Start-up trains the FAQ model: a few seconds here, allow for a slow, busy machine.
STARTUP_TIMEOUT_S = 60.0
# 200 visitors on a 2-core machine queue for seconds (each one's wait is not measured here).
REQUEST_TIMEOUT = httpx.Timeout(60.0)
HANDOVER = "ابي اكلم موظف"
NATIONAL_ID = "1098765439"
PHONE = "0551234567"
FORM = [
    ("say", "ابي اقدم طلب"),
    ("say", "سارة محمد العتيبي"),
    ("say", NATIONAL_ID),
    ("say", PHONE),
    ("say", "جدة"),
    ("say", "1"),
    ("say", "بنتي عمرها سنتين وعندها ثقب في القلب وتحتاج عملية"),
    ("press", "تم"),
    ("press", "البيانات صحيحة"),
    ("press", "أقرّ"),
]
SUBMITTED = "رقم طلبك"


def _no_cookie_jar() -> http.cookiejar.CookieJar:
    # One shared client serves many visitors: it must never keep anyone's cookie.
    return http.cookiejar.CookieJar(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))


@dataclass
class Backend:
    name: str
    data_dir: Path
    database_url: str  # "" = SQLite under data_dir

    def env(self, port: int) -> dict[str, str]:
        return clean_env(
            TAWASUL_ORG="little-hearts",
            TAWASUL_LOCALE="ar",
            TAWASUL_DATA_DIR=str(self.data_dir),
            TAWASUL_DATABASE_URL=self.database_url,
            TAWASUL_SECRET_KEY=SECRET,
            TAWASUL_HTTP_HOST="127.0.0.1",
            TAWASUL_HTTP_PORT=str(port),
            PYTHONUNBUFFERED="1",
        )

    def database(self) -> Database:
        """A connection of the test's own to what the server stores."""
        return Database(self.database_url or sqlite_url(self.data_dir))


@dataclass
class Server:
    backend: Backend
    port: int
    log_path: Path
    proc: subprocess.Popen[bytes] | None = None
    started: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    async def start(self) -> None:
        assert self.proc is None or self.proc.poll() is not None, "already running"
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "bot.py"],
                cwd=ROOT,
                env=self.backend.env(self.port),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.started.append(self.proc)
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        async with httpx.AsyncClient(base_url=self.base_url, timeout=2.0) as client:
            while True:
                if self.proc.poll() is not None:
                    pytest.fail(f"server exited with {self.proc.returncode}:\n{self.log_tail()}")
                try:
                    if (await client.get("/healthz")).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    pytest.fail(f"server not healthy in {STARTUP_TIMEOUT_S} s:\n{self.log_tail()}")
                await asyncio.sleep(0.1)

    def kill(self) -> None:
        """SIGKILL: no shutdown handler, no flush, no goodbye."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop_all(self) -> None:
        for proc in self.started:
            if proc.poll() is None:
                proc.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=10)


async def new_visitor(client: httpx.AsyncClient) -> dict[str, str]:
    """Open the page as a new browser would; the headers that carry its cookie."""
    response = await client.get("/")
    assert response.status_code == 200
    return {"Cookie": f"{COOKIE_NAME}={response.cookies[COOKIE_NAME]}"}


async def post_chat(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    *,
    text: str | None = None,
    payload: str | None = None,
    message_id: str | None = None,
) -> list[dict[str, Any]]:
    body: dict[str, str] = {"text": text} if text is not None else {"payload": payload or ""}
    if message_id is not None:
        body["id"] = message_id
    response = await client.post("/api/chat", json=body, headers=headers)
    assert response.status_code == 200, response.text
    replies: list[dict[str, Any]] = response.json()["replies"]
    return replies


async def chat_history(client: httpx.AsyncClient, headers: dict[str, str]) -> list[dict[str, Any]]:
    response = await client.get("/api/chat/history", headers=headers)
    assert response.status_code == 200, response.text
    messages: list[dict[str, Any]] = response.json()["messages"]
    return messages


def server_client(server: Server, max_connections: int = 20) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=server.base_url,
        timeout=REQUEST_TIMEOUT,
        cookies=_no_cookie_jar(),
        # Idle connections are dropped before uvicorn drops them (after 5 s): otherwise a
        # request can go out on a connection the server is closing, a ReadError of the test's.
        limits=httpx.Limits(
            max_connections=max_connections,
            max_keepalive_connections=max_connections,
            keepalive_expiry=2.0,
        ),
    )


async def fill_the_form(client: httpx.AsyncClient, visitor: dict[str, str]) -> str:
    replies: list[dict[str, Any]] = []
    for n, (kind, value) in enumerate(FORM):
        if kind == "say":
            replies = await post_chat(client, visitor, text=value, message_id=f"form-{n}")
            continue
        payloads = [b["payload"] for r in replies for b in r["buttons"] if value in b["label"]]
        assert payloads, (value, replies)
        replies = await post_chat(client, visitor, payload=payloads[0], message_id=f"form-{n}")
    last = replies[-1]["text"]
    assert SUBMITTED in last, last
    return last
