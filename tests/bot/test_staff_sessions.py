"""Staff sessions and sign-in under attack (issue 12, findings 2, 3 and 4)."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path
from typing import Any

from fastapi import FastAPI

from bot.cli import main
from handlers.staff_auth import deactivate
from storage.db import Database
from tests.bot.staff_stack import client, csrf_of, sign_in


async def test_three_hundred_guesses_at_once_are_mostly_refused_before_hashing(
    app: tuple[FastAPI, dict[str, Any]],
) -> None:
    application, _ = app
    async with client(application, "10.0.0.9") as attacker:
        page = await attacker.get("/staff/login")
    token, cookie = csrf_of(page.text), page.cookies["tawasul_staff_login"]
    form = {"csrf": token, "username": "sara", "password": "wrong wrong", "next": ""}

    async def guess() -> int:
        # A script replays one token and cookie; each guess from its own connection.
        async with client(application, "10.0.0.9") as c:
            c.cookies.set("tawasul_staff_login", cookie, path="/staff/login")
            return (await c.post("/staff/login", data=form)).status_code

    codes = await asyncio.gather(*(guess() for _ in range(300)))
    assert codes.count(401) <= 5  # only these were hashed
    assert codes.count(429) >= 295
    assert set(codes) <= {401, 429}


async def test_logout_ends_the_session_on_the_server(
    app: tuple[FastAPI, dict[str, Any]],
) -> None:
    application, _ = app
    async with client(application) as browser:
        assert (await sign_in(browser, "sara")).status_code == 303
        cases = await browser.get("/staff/cases")
        assert cases.status_code == 200
        stolen = browser.cookies.get("tawasul_staff", path="/staff")
        assert stolen
        out = await browser.post("/staff/logout", data={"csrf": csrf_of(cases.text)})
        assert out.status_code == 303
    async with client(application) as thief:
        thief.cookies.set("tawasul_staff", stolen, path="/staff")
        again = await thief.get("/staff/cases")
        assert again.status_code == 303 and "/staff/login" in again.headers["location"]
        api = await thief.get("/staff/api/cases")
        assert api.status_code == 401


async def test_deactivation_ends_sessions_and_sign_in(
    app: tuple[FastAPI, dict[str, Any]], database: Database
) -> None:
    application, _ = app
    async with client(application) as browser:
        assert (await sign_in(browser, "sara")).status_code == 303
        assert (await browser.get("/staff/cases")).status_code == 200
        assert await deactivate(database, "sara") is True
        assert (await browser.get("/staff/cases")).status_code == 303
        assert (await sign_in(browser, "sara")).status_code == 401
    assert await deactivate(database, "sara") is False


async def test_a_forwarded_address_is_believed_only_from_a_trusted_proxy(
    app: tuple[FastAPI, dict[str, Any]],
) -> None:
    application, _ = app
    # Without TAWASUL_TRUSTED_PROXIES uvicorn ignores X-Forwarded-For: every guess counts
    # for the real peer, whatever address the header claims.
    async with client(application, "10.0.0.7") as attacker:
        for n in range(5):
            attacker.headers["X-Forwarded-For"] = f"192.0.2.{n}"
            assert (await sign_in(attacker, "sara", "guess guess")).status_code == 401
        assert (await sign_in(attacker, "sara")).status_code == 429


def test_staff_list_and_deactivate_on_the_command_line(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setenv("TAWASUL_DATA_DIR", str(tmp_path / "var"))
    assert main(["staff", "add", "noura", "--name", "نورة العتيبي"], io.StringIO()) == 0
    listing = io.StringIO()
    assert main(["staff", "list"], listing) == 0
    assert "noura — نورة العتيبي · باحث · نشط" in listing.getvalue()
    done = io.StringIO()
    assert main(["staff", "deactivate", "noura"], done) == 0
    assert "أُوقف حساب «noura»" in done.getvalue()
    listing = io.StringIO()
    main(["staff", "list"], listing)
    assert "موقوف" in listing.getvalue()
    assert main(["staff", "deactivate", "nobody"], io.StringIO()) == 1
