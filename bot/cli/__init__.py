"""Command line: `python bot.py [chat | faq … | staff … | request … | survey … | report | db …
| privacy … | keys …]`.

A module per command group registers its sub-commands and holds them; with no command, the
bot runs (`serve.py`). The output formats are contracts (docs/operations.md):
outside scripts parse them, so they change only together with that document.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TextIO

from bot.cli import chat, db, faq, keys, privacy, report, request, staff, survey
from bot.cli.common import Command, complain, in_own_words, refused
from bot.cli.serve import cmd_serve
from bot.config import PROFILES_DIR, Settings
from bot.datadir import lock_down
from bot.errors import BadSetting, NotMigrated, UnknownOrg
from bot.i18n import DEFAULT_LOCALE, Catalog
from faq.profile import ProfileError

# The groups whose words are the association's own (its name for a beneficiary, …).
IN_OWN_WORDS = ("request", "report", "survey", "privacy")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bot.py", description="Tawasul — تواصل")
    parser.add_argument("--locale", choices=("ar", "en"), default=None)
    parser.set_defaults(run=cmd_serve)
    sub = parser.add_subparsers(dest="command")
    for group in (chat, db, staff, request, report, survey, faq, privacy, keys):
        group.register(sub)
    return parser


def _failure(exc: Exception, tr: Catalog) -> int:
    """Say on stderr why a command stopped on its input or its configuration."""
    if isinstance(exc, NotMigrated):
        return complain(str(exc))
    if isinstance(exc, UnknownOrg):
        known = ", ".join(sorted(p.name for p in PROFILES_DIR.iterdir() if p.is_dir()))
        return complain(tr("cli-error-unknown-org", org=exc.slug, known=known))
    if isinstance(exc, ProfileError):
        return complain(tr("cli-error-profile", detail=str(exc)))
    # pydantic's ValidationError (a bad TAWASUL_* value) is a ValueError too.
    return complain(tr("cli-error-input", detail=str(exc)))


def main(argv: Sequence[str], out: TextIO | None = None) -> int:
    args = _parser().parse_args(list(argv))
    tr = Catalog(args.locale or DEFAULT_LOCALE)
    try:
        settings = Settings()
        if args.locale is None and settings.locale != tr.locale:
            tr = Catalog(settings.locale)
        if args.command != "faq":  # a profile built with `faq build` is meant to be shared
            lock_down(settings.data_dir)
        if args.command in IN_OWN_WORDS:
            tr = in_own_words(settings, tr)
        run: Command = args.run
        return run(args, settings, tr, out or sys.stdout)
    except BadSetting as exc:
        return refused(tr, exc)
    except (NotMigrated, ValueError, OSError) as exc:
        return _failure(exc, tr)
