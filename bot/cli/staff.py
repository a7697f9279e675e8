"""`bot.py staff add | password | list | deactivate`: the staff accounts."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any, TextIO

from bot.cli.common import EXIT_FAILED, Subparsers, complain, database, on_database, refused
from bot.config import Settings
from bot.i18n import Catalog


def register(sub: Subparsers) -> None:
    staff = sub.add_parser("staff", help="staff accounts")
    staff_sub = staff.add_subparsers(dest="staff_command", required=True)
    _register_add(staff_sub)
    pw = staff_sub.add_parser(
        "password", help="set a staff member's web inbox password (stdin, or asked twice)"
    )
    pw.add_argument("username")
    pw.set_defaults(run=cmd_staff_password)
    staff_sub.add_parser("list", help="list the staff accounts").set_defaults(run=cmd_staff_list)
    deactivate = staff_sub.add_parser(
        "deactivate", help="stop an account signing in and end its sessions"
    )
    deactivate.add_argument("username")
    deactivate.set_defaults(run=cmd_staff_deactivate)


def _register_add(staff_sub: Subparsers) -> None:
    add = staff_sub.add_parser("add", help="add a staff member; prints their /link code")
    add.add_argument("username")
    add.add_argument("--name", required=True)
    # handlers/staff_auth.ROLES; spelled out so that `--help` needs no import of the core.
    add.add_argument("--role", choices=("researcher", "admin", "faq_editor"), default="researcher")
    add.add_argument(
        "--password-stdin",
        action="store_true",
        help="also set the web inbox password, read from the first line of stdin",
    )
    add.set_defaults(run=cmd_staff_add)


def _read_password(tr: Catalog, *, from_stdin: bool) -> str | None:
    """The new password: the first line of stdin when piped, else typed twice unseen."""
    if from_stdin or not sys.stdin.isatty():
        line = sys.stdin.readline()
        return line.rstrip("\r\n") or None
    import getpass

    first = getpass.getpass(tr("staffweb-password-prompt"))
    if getpass.getpass(tr("staffweb-password-again")) != first:
        complain(tr("staffweb-password-mismatch"))
        return None
    return first or None


def _new_password(tr: Catalog, *, from_stdin: bool) -> str | None:
    """The new password, read and held to the policy; None (having said why) if there's none."""
    from handlers.staff_auth import PasswordRejected, check_password_policy

    password = _read_password(tr, from_stdin=from_stdin)
    if password is None:
        complain(tr("staffweb-password-empty"))
        return None
    try:
        check_password_policy(password)
    except PasswordRejected as exc:
        refused(tr, exc)
        return None
    return password


def cmd_staff_password(
    args: argparse.Namespace, settings: Settings, tr: Catalog, out: TextIO
) -> int:
    from handlers.staff_auth import NoSuchStaff, set_password

    password = _new_password(tr, from_stdin=False)
    if password is None:
        return EXIT_FAILED

    try:
        on_database(settings, tr, lambda db: set_password(db, args.username, password))
    except NoSuchStaff:
        return complain(tr("staffweb-no-such-staff", username=args.username))
    out.write(tr("staffweb-password-set", username=args.username) + "\n")
    return 0


def _staff_line(tr: Catalog, member: Any) -> str:
    return tr(
        "staff-list-line",
        username=member.username,
        name=member.display_name,
        role=tr(f"staffweb-role-{member.role}"),
        state=tr("staff-list-active" if member.active else "staff-list-inactive"),
        web=tr("staff-list-web-yes" if member.has_password else "staff-list-web-no"),
        telegram=tr("staff-list-tg-yes" if member.telegram_linked else "staff-list-tg-no"),
    )


def cmd_staff_list(args: argparse.Namespace, settings: Settings, tr: Catalog, out: TextIO) -> int:
    from handlers.staff_auth import list_staff

    for member in on_database(settings, tr, list_staff):
        out.write(_staff_line(tr, member) + "\n")
    return 0


def cmd_staff_deactivate(
    args: argparse.Namespace, settings: Settings, tr: Catalog, out: TextIO
) -> int:
    from handlers.staff_auth import NoSuchStaff, deactivate

    try:
        done = on_database(settings, tr, lambda db: deactivate(db, args.username))
    except NoSuchStaff:
        return complain(tr("staffweb-no-such-staff", username=args.username))
    message = "staff-deactivated" if done else "staff-already-inactive"
    out.write(tr(message, username=args.username) + "\n")
    return 0


async def _add_staff(
    args: argparse.Namespace, settings: Settings, tr: Catalog, password: str | None
) -> str | None:
    """The new member's /link code; None if the username is taken."""
    from handlers.clock import SystemClock
    from handlers.staff_auth import set_password
    from handlers.staff_inbox import StaffExists, add_staff

    try:
        async with database(settings, tr) as db:
            code = await add_staff(
                db, SystemClock(), username=args.username, name=args.name, role=args.role
            )
            if password is not None:
                await set_password(db, args.username, password)
            return code
    except StaffExists:
        return None


def cmd_staff_add(args: argparse.Namespace, settings: Settings, tr: Catalog, out: TextIO) -> int:
    password: str | None = None
    if args.password_stdin:
        password = _new_password(tr, from_stdin=True)
        if password is None:
            return EXIT_FAILED
    code = asyncio.run(_add_staff(args, settings, tr, password))
    if code is None:
        return complain(tr("staff-exists", username=args.username))
    out.write(tr("staff-added", name=args.name, code=code) + "\n")
    return 0
