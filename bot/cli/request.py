"""`bot.py request set-status`: move a support request through its lifecycle (staff)."""

from __future__ import annotations

import argparse
import asyncio
from typing import TYPE_CHECKING, TextIO

from bot.cli.common import Subparsers, database, refused
from bot.config import Settings
from bot.i18n import Catalog

if TYPE_CHECKING:
    from handlers.requests import StatusChange


def register(sub: Subparsers) -> None:
    req = sub.add_parser("request", help="support requests (staff)")
    req_sub = req.add_subparsers(dest="request_command", required=True)
    status = req_sub.add_parser("set-status", help="move a request through its lifecycle")
    status.add_argument("reference")
    status.add_argument("status")
    status.add_argument("--note", default=None)
    status.add_argument("--actor", default="cli", help="who is making the change")
    status.set_defaults(run=cmd_request_set_status)


async def _set_status(args: argparse.Namespace, settings: Settings, tr: Catalog) -> StatusChange:
    from faq.digits import with_digits
    from faq.profile import load_profile_dir
    from handlers.clock import SystemClock
    from handlers.requests import set_status
    from handlers.surveys import SurveyPolicy

    profile, _ = load_profile_dir(settings.profile_dir())
    async with database(settings, tr) as db:
        return await set_status(
            db,
            SystemClock(),
            with_digits(tr.t, profile.digits),
            reference=args.reference,
            status=args.status,
            note=args.note,
            actor=f"staff:{args.actor}",
            surveys=SurveyPolicy.from_profile(profile.surveys, profile.quiet_hours),
        )


def cmd_request_set_status(
    args: argparse.Namespace, settings: Settings, tr: Catalog, out: TextIO
) -> int:
    from handlers.requests import TransitionError

    try:
        result = asyncio.run(_set_status(args, settings, tr))
    except TransitionError as exc:
        return refused(tr, exc)
    changed = tr(
        "status-changed",
        {"from": tr(f"status-{result.from_status}")},
        reference=result.reference,
        to=tr(f"status-{result.to_status}"),
        notified="yes" if result.notified else "no",
    )
    out.write(changed + "\n")
    return 0
