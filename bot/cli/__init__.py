"""Command line: `python bot.py [chat | report | faq build | faq match | faq eval]`.

The output formats are contracts (design.md, "Interfaces other tools rely on"): outside
scripts parse them, so they change only together with that document.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from time import monotonic as clock_s
from typing import TYPE_CHECKING, Any, TextIO

from bot.config import PROFILES_DIR, Settings
from bot.datadir import lock_down
from bot.errors import NotMigrated, UnknownOrg
from bot.i18n import DEFAULT_LOCALE, Catalog, speaking
from faq.profile import CONTACT_FIELDS, ProfileError, load_profile_dir, missing_phrases

if TYPE_CHECKING:
    from faq.service import FaqService
    from storage.db import Database

EXIT_FAILED = 1
EXIT_USAGE = 2  # what argparse returns for a bad argument


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bot.py", description="Tawasul — تواصل")
    parser.add_argument("--locale", choices=("ar", "en"), default=None)
    sub = parser.add_subparsers(dest="command")

    chat = sub.add_parser("chat", help="chat with the bot in the terminal")
    chat.add_argument("--org", help="association profile slug")
    chat.add_argument("--profile", type=Path, help="a profile directory")
    chat.add_argument("--user", default="terminal", help="beneficiary id")
    chat.add_argument("--json", action="store_true", help="one JSON line per input line")

    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("upgrade", help="apply the migrations (PostgreSQL needs this)")
    db_backup = db_sub.add_parser("backup", help="copy the SQLite database (safe while running)")
    db_backup.add_argument("path", type=Path)
    db_backup.add_argument("--force", action="store_true", help="overwrite PATH if it exists")
    db_restore = db_sub.add_parser("restore", help="put a backup back (the bot stopped)")
    db_restore.add_argument("path", type=Path)

    staff = sub.add_parser("staff", help="staff accounts")
    staff_sub = staff.add_subparsers(dest="staff_command", required=True)
    add = staff_sub.add_parser("add", help="add a staff member; prints their /link code")
    add.add_argument("username")
    add.add_argument("--name", required=True)
    add.add_argument("--role", choices=("researcher", "admin"), default="researcher")
    add.add_argument(
        "--password-stdin",
        action="store_true",
        help="also set the web inbox password, read from the first line of stdin",
    )
    pw = staff_sub.add_parser(
        "password", help="set a staff member's web inbox password (stdin, or asked twice)"
    )
    pw.add_argument("username")
    staff_sub.add_parser("list", help="list the staff accounts")
    deactivate = staff_sub.add_parser(
        "deactivate", help="stop an account signing in and end its sessions"
    )
    deactivate.add_argument("username")

    req = sub.add_parser("request", help="support requests (staff)")
    req_sub = req.add_subparsers(dest="request_command", required=True)
    status = req_sub.add_parser("set-status", help="move a request through its lifecycle")
    status.add_argument("reference")
    status.add_argument("status")
    status.add_argument("--note", default=None)
    status.add_argument("--actor", default="cli", help="who is making the change")

    report = sub.add_parser("report", help="satisfaction and requests report")
    report.add_argument("--since", help="first day, YYYY-MM-DD (default: 30 days ago)")
    report.add_argument("--until", help="last day, included, YYYY-MM-DD (default: today)")
    report.add_argument("--json", action="store_true", help="the figures as one JSON object")

    survey = sub.add_parser("survey", help="satisfaction surveys")
    survey_sub = survey.add_subparsers(dest="survey_command", required=True)
    push = survey_sub.add_parser("push", help="survey every request in a status (a campaign)")
    push.add_argument("--status", required=True, help="e.g. service_delivered")
    push.add_argument("--since", required=True, help="requests updated since, YYYY-MM-DD")
    push.add_argument(
        "--no-wait", action="store_true", help="queue the surveys and return, don't follow"
    )
    push.add_argument(
        "--stall-after",
        type=float,
        default=60.0,
        help="seconds without a sent message before warning that the bot isn't running",
    )

    faq = sub.add_parser("faq", help="build, query and evaluate the FAQ")
    faq_sub = faq.add_subparsers(dest="faq_command", required=True)
    build = faq_sub.add_parser("build", help="build a profile from a guide")
    build.add_argument("guide", type=Path)
    build.add_argument("--out", type=Path, required=True)
    build.add_argument("--slug")

    match = faq_sub.add_parser("match", help="match questions read from stdin")
    source = match.add_mutually_exclusive_group()
    source.add_argument("--org")
    source.add_argument("--profile", type=Path)

    ev = faq_sub.add_parser("eval", help="evaluate on labelled questions")
    ev_source = ev.add_mutually_exclusive_group()
    ev_source.add_argument("--org")
    ev_source.add_argument("--profile", type=Path)
    ev_source.add_argument("--kb", type=Path)
    ev.add_argument("--queries", type=Path, required=True)
    return parser


@asynccontextmanager
async def _database(settings: Settings, tr: Catalog) -> AsyncIterator[Database]:
    """The configured database, migrated: the embedded SQLite upgrades itself (as the bot
    does at start-up); PostgreSQL must have been migrated with `bot.py db upgrade`."""
    from bot.wiring import database_for

    db = database_for(settings)
    try:
        if db.is_sqlite:
            await db.upgrade()
        elif not await db.is_current():
            raise NotMigrated(tr("cli-error-not-migrated"))
        yield db
    finally:
        await db.dispose()


def _profile_dir(settings: Settings, org: str | None, profile: Path | None) -> Path:
    if profile is not None:
        return profile
    directory = settings.profile_dir(org)
    if not directory.is_dir():
        raise UnknownOrg(org or settings.org)
    return directory


def _in_own_words(settings: Settings, tr: Catalog) -> Catalog:
    """The configured association's catalog: staff commands name its people as it does."""
    profile, _ = load_profile_dir(_profile_dir(settings, None, None))
    return speaking(tr, profile)


def _faq_service(
    settings: Settings, tr: Catalog, org: str | None, profile: Path | None
) -> FaqService:
    # Imported here: `faq build` and `--help` need no model, so they start fast.
    from faq.service import FaqService

    return FaqService.from_dir(_profile_dir(settings, org, profile), missing_phrases(tr.t))


def cmd_chat(args: argparse.Namespace, settings: Settings, tr: Catalog, out: TextIO) -> int:
    from bot.channels.terminal.chat import run_terminal
    from bot.wiring import open_core

    faq = _faq_service(settings, tr, args.org, args.profile)

    async def chat() -> None:
        async with open_core(settings, tr, faq=faq) as core:
            prompt = sys.stdin.isatty() and not args.json
            await run_terminal(
                core.engine, args.user, sys.stdin, out, as_json=args.json, prompt=prompt
            )

    asyncio.run(chat())
    return 0


def cmd_serve(settings: Settings, tr: Catalog) -> int:
    from bot.server import serve

    faq = _faq_service(settings, tr, None, None)
    asyncio.run(serve(settings, tr, faq))
    return 0


def cmd_request_set_status(
    args: argparse.Namespace, settings: Settings, tr: Catalog, out: TextIO
) -> int:
    from faq.digits import with_digits
    from faq.profile import load_profile_dir
    from handlers.clock import SystemClock
    from handlers.requests import TransitionError, set_status
    from handlers.surveys import SurveyPolicy

    profile, _ = load_profile_dir(settings.profile_dir())

    async def change() -> int:
        try:
            async with _database(settings, tr) as db:
                result = await set_status(
                    db,
                    SystemClock(),
                    with_digits(tr.t, profile.digits),
                    reference=args.reference,
                    status=args.status,
                    note=args.note,
                    actor=f"staff:{args.actor}",
                    surveys=SurveyPolicy.from_profile(profile.surveys, profile.quiet_hours),
                )
        except TransitionError as exc:
            print(tr(exc.message_id, exc.arguments), file=sys.stderr)
            return EXIT_FAILED
        changed = tr(
            "status-changed",
            {"from": tr(f"status-{result.from_status}")},
            reference=result.reference,
            to=tr(f"status-{result.to_status}"),
            notified="yes" if result.notified else "no",
        )
        out.write(changed + "\n")
        return 0

    return asyncio.run(change())


def cmd_report(args: argparse.Namespace, settings: Settings, tr: Catalog, out: TextIO) -> int:
    from bot.render.report_text import render_text
    from handlers.clock import SystemClock
    from handlers.dates import RIYADH
    from handlers.reports import Report, build_report, parse_day, period_between

    days = []
    for value in (args.since, args.until):
        try:
            days.append(None if value is None else parse_day(value))
        except ValueError:
            print(tr("report-error-date", value=value), file=sys.stderr)
            return EXIT_USAGE
    today = SystemClock().now().astimezone(RIYADH).date()
    try:
        period = period_between(days[0], days[1], today)
    except ValueError:
        since, until = (str(d) for d in days)
        print(tr("report-error-order", since=since, until=until), file=sys.stderr)
        return EXIT_USAGE

    async def read() -> Report:
        async with _database(settings, tr) as db:
            return await build_report(db, period)

    report = asyncio.run(read())
    if args.json:
        out.write(json.dumps(report.to_dict(), ensure_ascii=False) + "\n")
    else:
        out.write(render_text(report, tr.t) + "\n")
    return 0


def cmd_survey_push(args: argparse.Namespace, settings: Settings, tr: Catalog, out: TextIO) -> int:
    """Queue a campaign, then follow the running bot sending it, with a progress bar.

    The command only queues: the bot's outbox dispatcher sends, within Telegram's limits,
    so a push never races the bot for the same messages. Re-running it (after a crash,
    say) queues no one twice.
    """
    from bot.render.progress import Progress
    from faq.digits import with_digits
    from faq.profile import load_profile_dir
    from handlers.clock import SystemClock
    from handlers.dates import RIYADH
    from handlers.reports import parse_day
    from handlers.requests import STATUSES
    from handlers.survey_campaign import push_campaign
    from handlers.surveys import SurveyPolicy

    if args.status not in STATUSES:
        known = ", ".join(STATUSES)
        print(tr("campaign-error-status", status=args.status, known=known), file=sys.stderr)
        return EXIT_USAGE
    try:
        day = parse_day(args.since)
    except ValueError:
        print(tr("campaign-error-date", value=args.since), file=sys.stderr)
        return EXIT_USAGE
    since = datetime.combine(day, datetime.min.time(), RIYADH)
    profile, _ = load_profile_dir(settings.profile_dir())
    policy = SurveyPolicy.from_profile(profile.surveys, profile.quiet_hours)
    status_name = tr(f"status-{args.status}")

    async def push() -> int:
        async with _database(settings, tr) as db:
            queuing = Progress(sys.stderr, tr.t, tr("campaign-queuing"))
            created = await push_campaign(
                db,
                SystemClock(),
                with_digits(tr.t, profile.digits),
                policy,
                status=args.status,
                since=since,
                progress=lambda done, total: queuing.show(done, total),
            )
            queuing.end()
            key = "campaign-queued" if created else "campaign-none"
            out.write(tr(key, count=created, status=status_name, since=str(day)) + "\n")
            out.flush()
            if args.no_wait:
                return 0
            return await _follow(db)

    async def _follow(db: Any) -> int:
        from storage import repositories as repo

        async def counts() -> dict[str, int]:
            async with db.reading() as session:
                return await repo.outbox_counts(session, "campaign")

        first = await counts()
        left = first.get("pending", 0) + first.get("sending", 0)
        if not left:
            return 0
        print(tr("campaign-sender"), file=sys.stderr)
        sending = Progress(sys.stderr, tr.t, tr("campaign-sending"))
        base = first.get("sent", 0) + first.get("failed", 0)
        total, started, last_change = left, clock_s(), clock_s()
        done = 0
        try:
            while done < total:
                await asyncio.sleep(0.5)
                now = await counts()
                finished = now.get("sent", 0) + now.get("failed", 0) - base
                if finished != done:
                    last_change = clock_s()
                done = min(finished, total)
                elapsed = max(clock_s() - started, 1e-6)
                sending.show(done, total, rate=done / elapsed)
                if clock_s() - last_change > args.stall_after:
                    sending.end()
                    seconds = int(args.stall_after)
                    print(tr("campaign-stalled", seconds=seconds), file=sys.stderr)
                    last_change = clock_s()
        except (KeyboardInterrupt, asyncio.CancelledError):
            sending.end()
            out.write(tr("campaign-left", left=total - done) + "\n")
            return 0
        sending.show(done, total, rate=done / max(clock_s() - started, 1e-6), force=True)
        sending.end()
        final = await counts()
        sent = final.get("sent", 0) - first.get("sent", 0)
        failed = final.get("failed", 0) - first.get("failed", 0)
        out.write(tr("campaign-done", sent=sent, failed=failed) + "\n")
        return 0

    return asyncio.run(push())


def _read_password(tr: Catalog, *, from_stdin: bool) -> str | None:
    """The new password: the first line of stdin when piped, else typed twice unseen."""
    if from_stdin or not sys.stdin.isatty():
        line = sys.stdin.readline()
        return line.rstrip("\r\n") or None
    import getpass

    first = getpass.getpass(tr("staffweb-password-prompt"))
    if getpass.getpass(tr("staffweb-password-again")) != first:
        print(tr("staffweb-password-mismatch"), file=sys.stderr)
        return None
    return first or None


def cmd_staff_password(
    args: argparse.Namespace, settings: Settings, tr: Catalog, out: TextIO
) -> int:
    from handlers.staff_auth import (
        NoSuchStaff,
        PasswordRejected,
        check_password_policy,
        set_password,
    )

    password = _read_password(tr, from_stdin=False)
    if password is None:
        print(tr("staffweb-password-empty"), file=sys.stderr)
        return EXIT_FAILED
    try:
        check_password_policy(password)
    except PasswordRejected as exc:
        print(tr(exc.message_id, exc.arguments), file=sys.stderr)
        return EXIT_FAILED

    async def change() -> bool:
        try:
            async with _database(settings, tr) as db:
                await set_password(db, args.username, password)
            return True
        except NoSuchStaff:
            return False

    if not asyncio.run(change()):
        print(tr("staffweb-no-such-staff", username=args.username), file=sys.stderr)
        return EXIT_FAILED
    out.write(tr("staffweb-password-set", username=args.username) + "\n")
    return 0


def cmd_staff_list(settings: Settings, tr: Catalog, out: TextIO) -> int:
    from handlers.staff_auth import list_staff

    async def read() -> list[Any]:
        async with _database(settings, tr) as db:
            return await list_staff(db)

    for member in asyncio.run(read()):
        line = tr(
            "staff-list-line",
            username=member.username,
            name=member.display_name,
            role=tr(f"staffweb-role-{member.role}"),
            state=tr("staff-list-active" if member.active else "staff-list-inactive"),
            web=tr("staff-list-web-yes" if member.has_password else "staff-list-web-no"),
            telegram=tr("staff-list-tg-yes" if member.telegram_linked else "staff-list-tg-no"),
        )
        out.write(line + "\n")
    return 0


def cmd_staff_deactivate(
    args: argparse.Namespace, settings: Settings, tr: Catalog, out: TextIO
) -> int:
    from handlers.staff_auth import NoSuchStaff, deactivate

    async def run() -> bool | None:
        try:
            async with _database(settings, tr) as db:
                return await deactivate(db, args.username)
        except NoSuchStaff:
            return None

    done = asyncio.run(run())
    if done is None:
        print(tr("staffweb-no-such-staff", username=args.username), file=sys.stderr)
        return EXIT_FAILED
    message = "staff-deactivated" if done else "staff-already-inactive"
    out.write(tr(message, username=args.username) + "\n")
    return 0


def cmd_staff_add(args: argparse.Namespace, settings: Settings, tr: Catalog, out: TextIO) -> int:
    from handlers.clock import SystemClock
    from handlers.staff_auth import PasswordRejected, check_password_policy, set_password
    from handlers.staff_inbox import StaffExists, add_staff

    password: str | None = None
    if args.password_stdin:
        password = _read_password(tr, from_stdin=True)
        if password is None:
            print(tr("staffweb-password-empty"), file=sys.stderr)
            return EXIT_FAILED
        try:
            check_password_policy(password)
        except PasswordRejected as exc:
            print(tr(exc.message_id, exc.arguments), file=sys.stderr)
            return EXIT_FAILED

    async def add() -> str | None:
        try:
            async with _database(settings, tr) as db:
                code = await add_staff(
                    db, SystemClock(), username=args.username, name=args.name, role=args.role
                )
                if password is not None:
                    await set_password(db, args.username, password)
                return code
        except StaffExists:
            return None

    code = asyncio.run(add())
    if code is None:
        print(tr("staff-exists", username=args.username), file=sys.stderr)
        return EXIT_FAILED
    out.write(tr("staff-added", name=args.name, code=code) + "\n")
    return 0


def cmd_db_upgrade(settings: Settings, tr: Catalog, out: TextIO) -> int:
    from bot.wiring import database_for

    async def upgrade() -> None:
        db = database_for(settings)
        try:
            await db.upgrade()
        finally:
            await db.dispose()

    asyncio.run(upgrade())
    out.write(tr("db-upgraded") + "\n")
    return 0


def cmd_db_backup(args: argparse.Namespace, settings: Settings, tr: Catalog, out: TextIO) -> int:
    import sqlite3

    from storage.backup import BackupError, backup, database_file
    from storage.crypto import KEY_FILE

    database = database_file(settings.database_url, settings.data_dir)
    if database is None:
        print(tr("db-backup-postgresql"), file=sys.stderr)
        return EXIT_USAGE
    try:
        size = backup(database, args.path, force=args.force)
    except BackupError as exc:
        print(tr(exc.message_id, exc.arguments), file=sys.stderr)
        return EXIT_FAILED
    except sqlite3.Error as exc:
        print(tr("db-backup-failed", detail=str(exc)), file=sys.stderr)
        return EXIT_FAILED
    out.write(tr("db-backup-written", path=str(args.path), size=size) + "\n")
    if settings.encryption_key:
        out.write(tr("db-backup-key-env") + "\n")
    else:
        out.write(tr("db-backup-key-file", key=str(settings.data_dir / KEY_FILE)) + "\n")
    return 0


def cmd_db_restore(args: argparse.Namespace, settings: Settings, tr: Catalog, out: TextIO) -> int:
    import sqlite3

    from handlers.clock import SystemClock
    from storage.backup import BackupError, database_file, migrate, restore

    database = database_file(settings.database_url, settings.data_dir)
    if database is None:
        print(tr("db-restore-postgresql"), file=sys.stderr)
        return EXIT_USAGE
    try:
        restored = restore(database, args.path, SystemClock().now())
        asyncio.run(migrate(database))
    except BackupError as exc:
        print(tr(exc.message_id, exc.arguments), file=sys.stderr)
        return EXIT_FAILED
    except sqlite3.Error as exc:
        print(tr("db-restore-failed", detail=str(exc)), file=sys.stderr)
        return EXIT_FAILED
    out.write(tr("db-restored", path=str(args.path)) + "\n")
    if restored.aside is not None:
        out.write(tr("db-restore-aside", aside=str(restored.aside)) + "\n")
    out.write(tr("db-restore-key") + "\n")
    return 0


def cmd_faq_build(args: argparse.Namespace, tr: Catalog, out: TextIO) -> int:
    from faq.builder import GuideError, build_profile, format_report
    from faq.profile import write_profile_dir

    try:
        text = args.guide.read_bytes().decode("utf-8", errors="replace")
    except OSError:
        print(tr("build-error-missing-file", path=str(args.guide)), file=sys.stderr)
        return EXIT_FAILED
    slug = args.slug or args.guide.stem
    try:
        profile, entries, report = build_profile(text, slug, tr.t, source=args.guide.name)
    except GuideError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_FAILED
    write_profile_dir(args.out, profile, entries)
    labels = {f: tr(f"field-{f}") for f in CONTACT_FIELDS}
    out.write(format_report(report, tr.t, labels) + "\n")
    out.write(tr("build-report-written", path=str(args.out)) + "\n")
    return 0


def cmd_faq_match(args: argparse.Namespace, settings: Settings, tr: Catalog, out: TextIO) -> int:
    service = _faq_service(settings, tr, args.org, args.profile)
    for raw in sys.stdin:
        query = raw.rstrip("\r\n")
        answer = service.ask(query)
        m = answer.match
        record = {
            "query": query,
            "decision": m.decision,
            "intent": m.intent,
            "score": round(m.score, 4),
            "answer": answer.text,
            "candidates": [{"intent": c.intent, "score": round(c.score, 4)} for c in m.candidates],
        }
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        out.flush()
    return 0


def cmd_faq_eval(args: argparse.Namespace, settings: Settings, tr: Catalog, out: TextIO) -> int:
    from faq.evaluate import Matches, evaluate, read_tsv
    from faq.matcher import Matcher

    queries = read_tsv(args.queries)
    decider: Matches
    if args.kb is not None:
        decider = Matcher.train(read_tsv(args.kb))
    else:
        decider = _faq_service(settings, tr, args.org, args.profile)
    out.write(json.dumps(evaluate(decider, queries), ensure_ascii=False) + "\n")
    return 0


def main(argv: Sequence[str], out: TextIO | None = None) -> int:
    out = out or sys.stdout
    args = _parser().parse_args(list(argv))
    tr = Catalog(args.locale or DEFAULT_LOCALE)
    try:
        settings = Settings()
        if args.locale is None and settings.locale != tr.locale:
            tr = Catalog(settings.locale)
        if args.command != "faq":  # a profile built with `faq build` is meant to be shared
            lock_down(settings.data_dir)
        if args.command in ("request", "report", "survey"):
            tr = _in_own_words(settings, tr)
        if args.command == "faq":
            if args.faq_command == "build":
                return cmd_faq_build(args, tr, out)
            if args.faq_command == "match":
                return cmd_faq_match(args, settings, tr, out)
            return cmd_faq_eval(args, settings, tr, out)
        if args.command == "staff":
            if args.staff_command == "password":
                return cmd_staff_password(args, settings, tr, out)
            if args.staff_command == "list":
                return cmd_staff_list(settings, tr, out)
            if args.staff_command == "deactivate":
                return cmd_staff_deactivate(args, settings, tr, out)
            return cmd_staff_add(args, settings, tr, out)
        if args.command == "request":
            return cmd_request_set_status(args, settings, tr, out)
        if args.command == "report":
            return cmd_report(args, settings, tr, out)
        if args.command == "survey":
            return cmd_survey_push(args, settings, tr, out)
        if args.command == "db":
            if args.db_command == "backup":
                return cmd_db_backup(args, settings, tr, out)
            if args.db_command == "restore":
                return cmd_db_restore(args, settings, tr, out)
            return cmd_db_upgrade(settings, tr, out)
        if args.command is None:
            return cmd_serve(settings, tr)
        return cmd_chat(args, settings, tr, out)
    except NotMigrated as exc:
        print(str(exc), file=sys.stderr)
    except UnknownOrg as exc:
        known = ", ".join(sorted(p.name for p in PROFILES_DIR.iterdir() if p.is_dir()))
        print(tr("cli-error-unknown-org", org=exc.slug, known=known), file=sys.stderr)
    except ProfileError as exc:
        print(tr("cli-error-profile", detail=str(exc)), file=sys.stderr)
    except (ValueError, OSError) as exc:
        # pydantic's ValidationError (a bad TAWASUL_* value) is a ValueError too.
        print(tr("cli-error-input", detail=str(exc)), file=sys.stderr)
    return EXIT_FAILED
