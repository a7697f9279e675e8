"""Staff sign-in (handlers/staff_auth.py): the password policy, accounts, the throttle."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.i18n import Catalog
from handlers.clock import FixedClock
from handlers.errors import Refusal
from handlers.staff_auth import (
    MAX_PASSWORD_CHARS,
    MIN_PASSWORD_CHARS,
    Attempt,
    LoginThrottle,
    PasswordRejected,
    authenticate,
    check_password_policy,
    deactivate,
    list_staff,
    set_password,
    staff_member,
)
from handlers.staff_inbox import add_staff
from storage.db import Database
from storage.models import Staff

SUNDAY = datetime(2026, 11, 22, 7, 0, tzinfo=UTC)
ar = Catalog("ar")
PASSWORD = "كلمة سر طويلة 123"


def test_the_policy_refuses_short_and_long_passwords_in_arabic() -> None:
    with pytest.raises(PasswordRejected) as short:
        check_password_policy("x" * (MIN_PASSWORD_CHARS - 1))
    with pytest.raises(PasswordRejected) as long:
        check_password_policy("x" * (MAX_PASSWORD_CHARS + 1))
    assert isinstance(short.value, Refusal)
    assert str(MIN_PASSWORD_CHARS) in short.value.text(ar.t)
    assert str(MAX_PASSWORD_CHARS) in long.value.text(ar.t).replace(",", "")
    check_password_policy("x" * MIN_PASSWORD_CHARS)


def test_importing_the_module_hashes_nothing() -> None:
    # The dummy hash (for unknown usernames) costs ~150 ms: made on first sign-in, not import.
    code = (
        "import argon2, handlers.staff_auth as a;"
        "calls = [];"
        "argon2.PasswordHasher.hash = lambda self, p: calls.append(p);"
        "import importlib; importlib.reload(a); print(len(calls))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "0"


async def test_a_deactivated_account_signs_in_no_more_and_shows_so_in_the_list(
    database: Database,
) -> None:
    clock = FixedClock(SUNDAY)
    await add_staff(database, clock, username="sara", name="سارة العتيبي", role="researcher")
    await set_password(database, "sara", "كلمة سر طويلة 123")
    assert await authenticate(database, "sara", "كلمة سر طويلة 123") is not None
    assert await deactivate(database, "sara") is True
    assert await authenticate(database, "sara", "كلمة سر طويلة 123") is None
    (listed,) = await list_staff(database)
    assert listed.username == "sara" and not listed.active


async def test_the_throttle_slows_a_guessed_account_but_not_its_owner_elsewhere() -> None:
    clock = FixedClock(SUNDAY)
    throttle = LoginThrottle(clock, limit=2, window=timedelta(minutes=15), max_delay=0.0)
    for _ in range(2):
        attempt = throttle.begin("sara", "10.0.0.9")
        assert isinstance(attempt, Attempt)
        throttle.ended(attempt, success=False)
    # The guessing pair waits out the window; the owner at another address may still try.
    assert throttle.begin("sara", "10.0.0.9") == 15 * 60
    own = throttle.begin("Sara", "10.0.0.1")
    assert isinstance(own, Attempt)
    assert await throttle.verify(own, _yes) is True
    throttle.ended(own, success=True)
    clock.advance(timedelta(minutes=15))
    assert isinstance(throttle.begin("sara", "10.0.0.9"), Attempt)


async def _yes() -> bool:
    return True


async def test_passwords_are_argon2_and_sessions_end_with_a_new_password(
    database: Database,
) -> None:
    clock = FixedClock(SUNDAY)
    await add_staff(database, clock, username="sara", name="سارة", role="researcher")
    await set_password(database, "sara", PASSWORD)
    member = await authenticate(database, "sara", PASSWORD)
    assert member is not None
    async with database.reading() as s:
        stored = (await s.execute(select(Staff.password_hash))).scalar_one()
    assert stored is not None and stored.startswith("$argon2id$") and PASSWORD not in stored
    assert await authenticate(database, "sara", "wrong password!") is None
    assert await authenticate(database, "nobody", PASSWORD) is None
    with pytest.raises(PasswordRejected):
        await set_password(database, "sara", "short")
    await set_password(database, "sara", "a brand new password")
    current = await staff_member(database, member.id)
    assert current is not None and current.stamp != member.stamp
    async with database.transaction() as s:
        row = await s.get(Staff, member.id)
        assert row is not None
        row.active = False
    assert await staff_member(database, member.id) is None
    assert await authenticate(database, "sara", "a brand new password") is None


def test_the_throttle_counts_failures_per_key_over_a_window() -> None:
    clock = FixedClock(SUNDAY)
    throttle = LoginThrottle(clock, limit=5, window=timedelta(minutes=15))
    for _ in range(4):
        throttle.failed("user:sara", "ip:1")
    assert throttle.wait_seconds("user:sara", "ip:1") == 0
    throttle.failed("user:sara", "ip:1")
    assert throttle.wait_seconds("user:sara", "ip:2") == 15 * 60
    assert throttle.wait_seconds("user:other", "ip:1") == 15 * 60
    assert throttle.wait_seconds("user:other", "ip:2") == 0
    clock.advance(timedelta(minutes=14))
    assert throttle.wait_seconds("user:sara") == 60
    clock.advance(timedelta(minutes=1))
    assert throttle.wait_seconds("user:sara", "ip:1") == 0
