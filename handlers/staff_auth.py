"""Staff sign-in: argon2 password hashes, the accounts behind a web session, a throttle.

No web framework here: the staff web app (bot/staff_web/) and the command line
(`bot.py staff password`) both call these.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from typing import TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from handlers.clock import Clock
from handlers.errors import Refusal
from storage import staff_accounts
from storage.db import Database, Session
from storage.models import Staff

MIN_PASSWORD_CHARS = 10
MAX_PASSWORD_CHARS = 1024

T = TypeVar("T")


@cache
def _hasher() -> PasswordHasher:
    return PasswordHasher()


@cache
def _dummy_hash() -> str:
    """Verified against when the username is unknown, so that a wrong username costs the
    same time as a wrong password and the answer time does not tell which usernames exist.
    Made on first use: hashing at import cost every command 157 ms."""
    return _hasher().hash("tawasul-no-such-user")


# The staff roles (storage/models.Staff.role). Researchers and admins work the cases and
# requests; FAQ editors only edit the FAQ, which holds no one's personal data, so they
# never see a case, a request or a report (least privilege); admins may do both.
ROLES = ("researcher", "admin", "faq_editor")
DESK_ROLES = frozenset({"researcher", "admin"})
FAQ_ROLES = frozenset({"admin", "faq_editor"})


class PasswordRejected(Refusal):
    """A password the policy refuses; `message_id` names the catalog text."""


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

    @property
    def works_cases(self) -> bool:
        """May see the cases, the requests and the reports (their personal data)."""
        return self.role in DESK_ROLES

    @property
    def edits_faq(self) -> bool:
        return self.role in FAQ_ROLES


def _stamp(password_hash: str | None, version: int) -> str:
    return hashlib.sha256(f"{version}:{password_hash or ''}".encode()).hexdigest()[:16]


def _member(staff: Staff) -> StaffMember:
    stamp = _stamp(staff.password_hash, staff.session_version or 0)
    return StaffMember(staff.id, staff.username, staff.display_name, staff.role, stamp)


async def end_sessions(db: Database, staff_id: int) -> None:
    """Every session of this staff member ends now (logout: on every device)."""
    async with db.transaction() as session:
        staff = await session.get(Staff, staff_id)
        if staff is not None:
            staff.session_version = (staff.session_version or 0) + 1


async def _account(session: Session, username: str) -> Staff:
    staff = await staff_accounts.by_username(session, username)
    if staff is None:
        raise NoSuchStaff(username)
    return staff


async def deactivate(db: Database, username: str) -> bool:
    """The account can no longer sign in and its sessions end; False if already inactive."""
    async with db.transaction() as session:
        staff = await _account(session, username)
        was_active = staff.active
        staff.active = False
        staff.session_version = (staff.session_version or 0) + 1
        return was_active


@dataclass(frozen=True)
class StaffListing:
    username: str
    display_name: str
    role: str
    active: bool
    has_password: bool
    telegram_linked: bool


async def list_staff(db: Database) -> list[StaffListing]:
    async with db.reading() as session:
        return [
            StaffListing(
                s.username,
                s.display_name,
                s.role,
                s.active,
                s.password_hash is not None,
                s.telegram_user_id is not None,
            )
            for s in await staff_accounts.everyone(session)
        ]


def check_password_policy(password: str) -> None:
    if len(password) < MIN_PASSWORD_CHARS:
        raise PasswordRejected("staffweb-password-too-short", min=MIN_PASSWORD_CHARS)
    if len(password) > MAX_PASSWORD_CHARS:
        raise PasswordRejected("staffweb-password-too-long", max=MAX_PASSWORD_CHARS)


def hash_password(password: str) -> str:
    check_password_policy(password)
    return _hasher().hash(password)


async def set_password(db: Database, username: str, password: str) -> None:
    # Before the transaction and off the event loop: it is slow on purpose.
    password_hash = await asyncio.to_thread(hash_password, password)
    async with db.transaction() as session:
        (await _account(session, username)).password_hash = password_hash


async def authenticate(db: Database, username: str, password: str) -> StaffMember | None:
    """The active staff member with this username and password, or None."""
    if not username or not password or len(password) > MAX_PASSWORD_CHARS:
        return None
    async with db.reading() as session:
        staff = await staff_accounts.by_username(session, username)
    stored = staff.password_hash if staff is not None and staff.active else None
    try:
        # Slow on purpose (tens of milliseconds, 64 MiB): off the event loop, which serves
        # the chats meanwhile.
        await asyncio.to_thread(_hasher().verify, stored or _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return None
    if staff is None or stored is None:
        return None
    if _hasher().check_needs_rehash(stored):
        staff = await _rehash(db, staff, stored, password)
    return _member(staff)


async def _rehash(db: Database, staff: Staff, stored: str, password: str) -> Staff:
    """Parameters raised since this hash was made: store a stronger one now we can."""
    async with db.transaction() as session:
        fresh = await session.get(Staff, staff.id)
        if fresh is not None and fresh.password_hash == stored:
            fresh.password_hash = await asyncio.to_thread(_hasher().hash, password)
            return fresh
    return staff


async def staff_member(db: Database, staff_id: int) -> StaffMember | None:
    """The account behind a session, if it still exists and is active."""
    async with db.reading() as session:
        staff = await session.get(Staff, staff_id)
    if staff is None or not staff.active or staff.password_hash is None:
        return None
    return _member(staff)


@dataclass(frozen=True)
class Attempt:
    """A sign-in the throttle let through: counted as failed until `succeeded` says not."""

    keys: tuple[str, ...]
    at: float
    delay: float  # seconds to wait before verifying (the soft, per-account brake)


class LoginThrottle:
    """Failed sign-ins, in memory, over a window (issue 12, findings 2 and 3).

    Strict per (account, address): after `limit` failures that pair waits for the window.
    Soft per account and per address: failures from anywhere slow the next tries down
    (a growing delay, at most `max_delay`) but never lock the account's owner out, so a
    stranger can't keep a researcher from signing in. An attempt is counted *before* its
    password is hashed, so hundreds sent at once can't all be checked, and only `slots`
    hashes run at a time (argon2 takes 64 MiB each); past `max_waiting` the rest are
    refused at once.

    In memory on purpose: it only has to slow down guessing against one process, and a
    restart forgetting it costs an attacker a restart per window.
    """

    def __init__(
        self,
        clock: Clock,
        *,
        limit: int = 5,
        window: timedelta = timedelta(minutes=15),
        max_delay: float = 30.0,
        slots: int = 2,
        max_waiting: int = 16,
    ) -> None:
        self.clock = clock
        self.limit = limit
        self.window = window
        self.max_delay = max_delay
        self.max_waiting = max_waiting
        self._slots = slots
        self._semaphore: asyncio.Semaphore | None = None  # made on the loop that uses it
        self._waiting = 0
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

    # -- a sign-in attempt, start to end -----------------------------------------------------

    @staticmethod
    def keys_for(username: str, address: str) -> tuple[str, str, str]:
        user = username.casefold()
        return f"pair:{user}|{address}", f"user:{user}", f"ip:{address}"

    def begin(self, username: str, address: str) -> Attempt | int:
        """The attempt, or how many seconds this (account, address) must wait."""
        keys = self.keys_for(username, address)
        wait = self.wait_seconds(keys[0])
        if wait:
            return wait
        if self._waiting >= self.max_waiting:
            return 1
        soft = max(len(self._recent(k)) for k in keys[1:])
        over = soft - self.limit + 1
        delay = 0.0 if over <= 0 else min(self.max_delay, 2.0 ** (over - 1))
        # Counted now, released on success: a burst can't outrun its own failures.
        self.failed(*keys)
        return Attempt(keys, self._failures[keys[0]][-1], delay)

    def ended(self, attempt: Attempt, *, success: bool) -> None:
        if not success:
            return
        self._failures.pop(attempt.keys[0], None)
        for key in attempt.keys[1:]:
            failures = self._failures.get(key)
            if failures is not None and attempt.at in failures:
                failures.remove(attempt.at)

    async def verify(self, attempt: Attempt, check: Callable[[], Awaitable[T]]) -> T:
        """Run the password check after the attempt's delay, a few at a time."""
        if self._semaphore is None:
            self._semaphore = asyncio.Semaphore(self._slots)
        self._waiting += 1
        try:
            if attempt.delay:
                await asyncio.sleep(attempt.delay)
            async with self._semaphore:
                return await check()
        finally:
            self._waiting -= 1
