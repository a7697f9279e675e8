"""Staff sign-in: argon2 password hashes, the accounts behind a web session, a throttle.

No web framework here: the staff web app (bot/staff_web.py) and the command line
(`bot.py staff password`) both call these.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections import deque
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from handlers.clock import Clock
from storage.db import Database
from storage.models import Staff

ROLES = ("researcher", "admin")
MIN_PASSWORD_CHARS = 10
MAX_PASSWORD_CHARS = 1024

_hasher = PasswordHasher()
# Verified against when the username is unknown, so that a wrong username costs the same
# time as a wrong password and the answer time does not tell which usernames exist.
_DUMMY_HASH = _hasher.hash("tawasul-no-such-user")


class PasswordRejected(ValueError):
    """A password the policy refuses; `message_id` names the catalog text."""

    def __init__(self, message_id: str, **args: object) -> None:
        super().__init__(message_id)
        self.message_id = message_id
        self.args_ = args


class NoSuchStaff(LookupError):
    """No staff account has that username."""


@dataclass(frozen=True)
class StaffMember:
    id: int
    username: str
    display_name: str
    role: str
    # Changes when the password does, so that a new password ends the old sessions.
    stamp: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def _stamp(password_hash: str | None) -> str:
    return hashlib.sha256((password_hash or "").encode()).hexdigest()[:16]


def _member(staff: Staff) -> StaffMember:
    return StaffMember(
        staff.id, staff.username, staff.display_name, staff.role, _stamp(staff.password_hash)
    )


def check_password_policy(password: str) -> None:
    if len(password) < MIN_PASSWORD_CHARS:
        raise PasswordRejected("staffweb-password-too-short", min=MIN_PASSWORD_CHARS)
    if len(password) > MAX_PASSWORD_CHARS:
        raise PasswordRejected("staffweb-password-too-long", max=MAX_PASSWORD_CHARS)


def hash_password(password: str) -> str:
    check_password_policy(password)
    return _hasher.hash(password)


async def set_password(db: Database, username: str, password: str) -> None:
    # Before the transaction and off the event loop: it is slow on purpose.
    password_hash = await asyncio.to_thread(hash_password, password)
    async with db.writer(), db.session() as session, session.begin():
        staff = (
            await session.execute(select(Staff).where(Staff.username == username))
        ).scalar_one_or_none()
        if staff is None:
            raise NoSuchStaff(username)
        staff.password_hash = password_hash


async def authenticate(db: Database, username: str, password: str) -> StaffMember | None:
    """The active staff member with this username and password, or None."""
    if not username or not password or len(password) > MAX_PASSWORD_CHARS:
        return None
    async with db.session() as session:
        staff = (
            await session.execute(select(Staff).where(Staff.username == username))
        ).scalar_one_or_none()
    stored = staff.password_hash if staff is not None and staff.active else None
    try:
        # Slow on purpose (tens of milliseconds, 64 MiB): off the event loop, which serves
        # the chats meanwhile.
        await asyncio.to_thread(_hasher.verify, stored or _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if staff is None or stored is None:
        return None
    if _hasher.check_needs_rehash(stored):
        # Parameters raised since this hash was made: store a stronger one now we can.
        async with db.writer(), db.session() as session, session.begin():
            fresh = await session.get(Staff, staff.id)
            if fresh is not None and fresh.password_hash == stored:
                fresh.password_hash = await asyncio.to_thread(_hasher.hash, password)
                staff = fresh
    return _member(staff)


async def staff_member(db: Database, staff_id: int) -> StaffMember | None:
    """The account behind a session, if it still exists and is active."""
    async with db.session() as session:
        staff = await session.get(Staff, staff_id)
    if staff is None or not staff.active or staff.password_hash is None:
        return None
    return _member(staff)


class LoginThrottle:
    """Failed sign-ins per username and per client address, in memory, over a window.

    In memory on purpose: it only has to slow down guessing against one process, and a
    restart forgetting it costs an attacker a restart per window.
    """

    def __init__(
        self, clock: Clock, *, limit: int = 5, window: timedelta = timedelta(minutes=15)
    ) -> None:
        self.clock = clock
        self.limit = limit
        self.window = window
        self._failures: dict[str, deque[float]] = {}

    def _recent(self, key: str) -> deque[float]:
        now = self.clock.now().timestamp()
        failures = self._failures.get(key)
        if failures is None:
            return deque()
        while failures and failures[0] <= now - self.window.total_seconds():
            failures.popleft()
        if not failures:
            del self._failures[key]
        return failures

    def wait_seconds(self, *keys: str) -> int:
        """0 when a sign-in may be tried now; otherwise how long until it may."""
        now = self.clock.now().timestamp()
        wait = 0.0
        for key in keys:
            failures = self._recent(key)
            if len(failures) >= self.limit:
                wait = max(wait, failures[-self.limit] + self.window.total_seconds() - now)
        return max(0, int(wait + 0.999))

    def failed(self, *keys: str) -> None:
        now = self.clock.now().timestamp()
        for key in keys:
            self._failures.setdefault(key, deque()).append(now)
            if len(self._failures) > 100_000:
                # Bounded: a flood of made-up usernames must not grow memory for ever.
                self._failures.pop(next(iter(self._failures)))

    def succeeded(self, username_key: str) -> None:
        self._failures.pop(username_key, None)
