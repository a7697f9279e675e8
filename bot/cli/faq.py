"""`bot.py faq build | match | eval`: build a profile from a guide, query it, measure it."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TextIO

from bot.cli import faq_teach
from bot.cli.common import Subparsers, complain, learned_faq_service
from bot.config import Settings
from bot.i18n import Catalog
from faq.profile import CONTACT_FIELDS


def register(sub: Subparsers) -> None:
    faq = sub.add_parser("faq", help="build, query and evaluate the FAQ")
    faq_sub = faq.add_subparsers(dest="faq_command", required=True)
    build = faq_sub.add_parser("build", help="build a profile from a guide")
    build.add_argument("guide", type=Path)
    build.add_argument("--out", type=Path, required=True)
    build.add_argument("--slug")
    build.set_defaults(run=cmd_faq_build)

    match = faq_sub.add_parser("match", help="match questions read from stdin")
    source = match.add_mutually_exclusive_group()
    source.add_argument("--org")
    source.add_argument("--profile", type=Path)
    match.set_defaults(run=cmd_faq_match)

    ev = faq_sub.add_parser("eval", help="evaluate on labelled questions")
    ev_source = ev.add_mutually_exclusive_group()
    ev_source.add_argument("--org")
    ev_source.add_argument("--profile", type=Path)
    ev_source.add_argument("--kb", type=Path)
    ev.add_argument("--queries", type=Path, required=True)
    ev.set_defaults(run=cmd_faq_eval)
    faq_teach.register(faq_sub)


def cmd_faq_build(args: argparse.Namespace, settings: Settings, tr: Catalog, out: TextIO) -> int:
    from faq.builder import GuideError, build_profile, format_report
    from faq.profile import write_profile_dir

    try:
        text = args.guide.read_bytes().decode("utf-8", errors="replace")
    except OSError:
        return complain(tr("build-error-missing-file", path=str(args.guide)))
    slug = args.slug or args.guide.stem
    try:
        profile, entries, report = build_profile(text, slug, tr.t, source=args.guide.name)
    except GuideError as exc:
        return complain(str(exc))
    write_profile_dir(args.out, profile, entries)
    labels = {f: tr(f"field-{f}") for f in CONTACT_FIELDS}
    out.write(format_report(report, tr.t, labels) + "\n")
    out.write(tr("build-report-written", path=str(args.out)) + "\n")
    return 0


def cmd_faq_match(args: argparse.Namespace, settings: Settings, tr: Catalog, out: TextIO) -> int:
    service = learned_faq_service(settings, tr, args.org, args.profile)
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
        decider = learned_faq_service(settings, tr, args.org, args.profile)
    out.write(json.dumps(evaluate(decider, queries), ensure_ascii=False) + "\n")
    return 0
