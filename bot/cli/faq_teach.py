"""`bot.py faq unanswered | teach | add-entry | reject | export`: staff teach the FAQ.

Each edit goes into the configured database on top of the profile (handlers/faq_learning),
so `faq match` on the same data dir answers accordingly at once, and a running bot
retrains within seconds. `faq export` writes the edits into the profile's files.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO, TypeVar

import yaml

from bot.cli.common import Subparsers, on_database, profile_dir, refused
from bot.config import Settings
from bot.datadir import lock_down
from bot.i18n import Catalog, speaking
from faq.profile import FAQ_FILE, load_profile_dir, write_profile_dir
from handlers.errors import Refusal

if TYPE_CHECKING:
    from faq.service import FaqService
    from handlers.faq_learning import FaqEdit, FaqLearning
    from storage.db import Database

T = TypeVar("T")


def register(faq_sub: Subparsers) -> None:
    unanswered = _command(faq_sub, "unanswered", "the questions the bot could not answer")
    unanswered.add_argument("--json", action="store_true", help="one JSON line per group")
    unanswered.set_defaults(run=cmd_unanswered)

    teach = _command(faq_sub, "teach", "add a phrasing to an entry")
    teach.add_argument("question")
    teach.add_argument("intent")
    teach.set_defaults(run=cmd_teach)

    add = _command(faq_sub, "add-entry", "add an entry with its answer and questions")
    add.add_argument("intent")
    add.add_argument("--answer", required=True)
    add.add_argument("--question", action="append", default=[], dest="questions")
    add.set_defaults(run=cmd_add_entry)

    reject = _command(faq_sub, "reject", "mark a question out of scope")
    reject.add_argument("question")
    reject.set_defaults(run=cmd_reject)

    export = _command(faq_sub, "export", "write the FAQ's edits into the profile files")
    export.set_defaults(run=cmd_export)


def _command(faq_sub: Subparsers, name: str, help: str) -> argparse.ArgumentParser:
    parser = faq_sub.add_parser(name, help=help)
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--org")
    source.add_argument("--profile", type=Path)
    return parser


def actor() -> str:
    """Who edits from the shell: the OS user."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no passwd entry (a container's anonymous uid)
        return "cli"


def _learning(
    db: Database, settings: Settings, args: argparse.Namespace, on_change: Callable[[], None]
) -> FaqLearning:
    """The use cases for the chosen profile; nothing is trained (the next `faq match` is)."""
    from handlers.clock import SystemClock
    from handlers.faq_learning import FaqLearning

    profile, entries = load_profile_dir(profile_dir(settings, args.org, args.profile))

    def untrained(_edits: list[FaqEdit]) -> FaqService:
        raise AssertionError("the command line never retrains in place")

    return FaqLearning(
        db, SystemClock(), None, profile.slug, untrained, base=entries, on_change=on_change
    )


def _with_learning(
    settings: Settings,
    tr: Catalog,
    args: argparse.Namespace,
    use: Callable[[FaqLearning], Awaitable[T]],
) -> T:
    lock_down(settings.data_dir)

    async def run(db: Database) -> T:
        from storage.notify import FAQ, Wakeups

        wakeups = Wakeups(db)  # on PostgreSQL the running bots hear of the edit at once
        learning = _learning(db, settings, args, wakeups.waker(FAQ))
        await wakeups.start()
        try:
            return await use(learning)
        finally:
            await wakeups.close()

    return on_database(settings, tr, run)


def _own_words(settings: Settings, tr: Catalog, args: argparse.Namespace) -> Catalog:
    profile, _ = load_profile_dir(profile_dir(settings, args.org, args.profile))
    return speaking(tr, profile)


def _edit(
    settings: Settings,
    tr: Catalog,
    args: argparse.Namespace,
    out: TextIO,
    use: Callable[[FaqLearning], Awaitable[FaqEdit]],
) -> int:
    words = _own_words(settings, tr, args)
    try:
        edit = _with_learning(settings, tr, args, use)
    except Refusal as exc:
        return refused(words, exc)
    message = {"phrasing": "teach-done-phrasing", "entry": "teach-done-entry"}
    out.write(
        words(
            message.get(edit.kind, "teach-done-negative"),
            {"intent": edit.intent or "", "version": edit.version, "count": len(edit.questions)},
        )
        + "\n"
    )
    return 0


def cmd_teach(args: argparse.Namespace, settings: Settings, tr: Catalog, out: TextIO) -> int:
    return _edit(
        settings,
        tr,
        args,
        out,
        lambda learning: learning.teach(args.question, args.intent, actor()),
    )


def cmd_add_entry(args: argparse.Namespace, settings: Settings, tr: Catalog, out: TextIO) -> int:
    def add(learning: FaqLearning) -> Awaitable[FaqEdit]:
        return learning.create_entry(None, args.intent, args.answer, args.questions, actor())

    return _edit(settings, tr, args, out, add)


def cmd_reject(args: argparse.Namespace, settings: Settings, tr: Catalog, out: TextIO) -> int:
    return _edit(
        settings, tr, args, out, lambda learning: learning.reject_question(args.question, actor())
    )


def cmd_unanswered(args: argparse.Namespace, settings: Settings, tr: Catalog, out: TextIO) -> int:
    groups = _with_learning(settings, tr, args, lambda learning: learning.groups(limit=1000))
    for group in groups:
        if args.json:
            record = {
                "group": group.key,
                "count": group.count,
                "examples": group.examples,
                "candidates": group.candidates,
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            continue
        out.write(tr("teach-unanswered-group", count=group.count, group=group.key) + "\n")
        out.writelines(f"  • {example}\n" for example in group.examples)
        if group.candidates:
            line = tr("teach-unanswered-candidates", candidates="، ".join(group.candidates))
            out.write(f"  {line}\n")
    if not groups and not args.json:
        out.write(tr("teach-unanswered-none") + "\n")
    return 0


def cmd_export(args: argparse.Namespace, settings: Settings, tr: Catalog, out: TextIO) -> int:
    from faq.service import load_out_of_scope
    from handlers.faq_edits import effective

    directory = profile_dir(settings, args.org, args.profile)
    profile, entries = load_profile_dir(directory)

    edits: list[FaqEdit] = _with_learning(settings, tr, args, lambda learning: learning.active())
    in_service, negatives = effective(entries, edits)
    out_of_scope = list(dict.fromkeys([*load_out_of_scope(directory), *negatives]))
    write_profile_dir(directory, profile, in_service)
    if out_of_scope:
        _add_out_of_scope(directory / FAQ_FILE, out_of_scope)
    out.write(tr("teach-done-export", path=str(directory), count=len(edits)) + "\n")
    return 0


def _add_out_of_scope(path: Path, questions: list[str]) -> None:
    """faq.yaml's `out_of_scope:` list after its entries, the file replaced atomically."""
    from faq.service import OUT_OF_SCOPE_KEY

    block = yaml.safe_dump({OUT_OF_SCOPE_KEY: questions}, allow_unicode=True, width=100)
    text = path.read_text(encoding="utf-8") + block
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
