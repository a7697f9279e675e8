"""`bot.py privacy export | erase`: a beneficiary's copy of their data, and its destruction.

    privacy export (--reference REF | --national-id ID)
    privacy erase (--reference REF | --national-id ID) --reason TEXT --yes [--force-open]

`export` prints one JSON object (handlers/privacy_export.py). `erase` refuses without
`--yes`, and, while a request or case is still open, without `--force-open` as well (it
says what is open); it prints what it destroyed (handlers/privacy_erase.py). Nobody
matching: exit 1 with the reason on stderr. docs/privacy.md, "Destruction and keys".
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from bot.cli.common import EXIT_FAILED, Subparsers, complain, database, refused
from bot.config import Settings
from bot.i18n import Catalog

if TYPE_CHECKING:
    from handlers.privacy_erase import Erasure
    from handlers.privacy_subject import Subject

UPLOADS = "uploads"
_WEB_FILE = re.compile(r"web:([0-9a-f]{32})")
_COUNTED = ("messages", "outbox", "requests", "notes", "attachments", "surveys")


def register(sub: Subparsers) -> None:
    privacy = sub.add_parser("privacy", help="a beneficiary's data: copy, erasure")
    privacy_sub = privacy.add_subparsers(dest="privacy_command", required=True)
    export = privacy_sub.add_parser("export", help="everything held about one beneficiary")
    _whom(export)
    export.set_defaults(run=cmd_privacy_export)
    erase = privacy_sub.add_parser("erase", help="destroy a beneficiary's data")
    _whom(erase)
    erase.add_argument("--reason", required=True, help="why (kept with the erasure)")
    erase.add_argument("--yes", action="store_true", help="yes, destroy it: final")
    erase.add_argument(
        "--force-open", action="store_true", help="erase even with a request still open"
    )
    erase.add_argument("--actor", default="cli", help="who is erasing")
    erase.set_defaults(run=cmd_privacy_erase)


def _whom(parser: argparse.ArgumentParser) -> None:
    whom = parser.add_mutually_exclusive_group(required=True)
    whom.add_argument("--reference", help="a request reference (2612-00001)")
    whom.add_argument("--national-id", dest="national_id", help="the national ID or iqama")


def _subject(args: argparse.Namespace) -> Subject:
    from handlers.privacy_subject import Subject

    return Subject(reference=args.reference, national_id=args.national_id)


def cmd_privacy_export(
    args: argparse.Namespace, settings: Settings, tr: Catalog, out: TextIO
) -> int:
    from bot.wiring import build_vault
    from handlers.clock import SystemClock
    from handlers.errors import Refusal
    from handlers.privacy_export import export

    async def run() -> dict[str, object]:
        async with database(settings, tr) as db:
            return await export(db, SystemClock(), build_vault(settings), _subject(args))

    try:
        copy = asyncio.run(run())
    except Refusal as exc:
        return refused(tr, exc)
    out.write(json.dumps(copy, ensure_ascii=False) + "\n")
    return 0


def cmd_privacy_erase(
    args: argparse.Namespace, settings: Settings, tr: Catalog, out: TextIO
) -> int:
    from bot.wiring import build_vault
    from handlers.clock import SystemClock
    from handlers.errors import Refusal
    from handlers.privacy_erase import erase

    if not args.yes:
        return complain(tr("privacy-cli-need-yes"), EXIT_FAILED)
    uploads = settings.data_dir / UPLOADS

    async def run() -> Erasure:
        async with database(settings, tr) as db:
            return await erase(
                db,
                SystemClock(),
                build_vault(settings),
                _subject(args),
                reason=args.reason,
                actor=f"staff:{args.actor}",
                force_open=args.force_open,
                shred_file=lambda channel, file_id: shred_upload(uploads, channel, file_id),
            )

    try:
        done = asyncio.run(run())
    except Refusal as exc:
        return refused(tr, exc)
    out.write("\n".join(_erased_lines(done, args.reason, tr)) + "\n")
    return 0


def _erased_lines(done: Erasure, reason: str, tr: Catalog) -> list[str]:
    if done.already:
        return [tr("privacy-cli-already", id=done.beneficiary_id)]
    lines = [tr("privacy-cli-erased", id=done.beneficiary_id, reason=reason)]
    lines.append(tr("privacy-cli-erased-keys", count=done.keys))
    lines += [tr(f"privacy-cli-erased-{k}", count=done.overwritten.get(k, 0)) for k in _COUNTED]
    lines.append(tr("privacy-cli-erased-files", count=done.files))
    if done.forced:
        lines.append(tr("privacy-cli-erased-forced", open="، ".join(done.forced)))
    lines.append(tr("privacy-cli-erased-kept"))
    return lines


def shred_upload(uploads: Path, channel: str, file_id: str) -> bool:
    """A web upload overwritten with zeros, then unlinked (bot/channels/web/uploads.py
    names it `web:<32 hex>` under the uploads folder); other channels keep no copy."""
    match = _WEB_FILE.fullmatch(file_id)
    if channel != "web" or match is None:
        return False
    path = uploads / match.group(1)
    if not path.is_file():
        return False
    size = path.stat().st_size
    with path.open("r+b") as fh:
        fh.write(b"\0" * size)
        fh.flush()
        os.fsync(fh.fileno())
    path.unlink()
    return True
