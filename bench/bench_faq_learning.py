"""The FAQ that learns: what teaching does to accuracy, and what a retrain costs.

Accuracy. Per profile, the holdout questions (bench/data/holdout-queries.tsv) the FAQ does
not answer correctly (answered with the right entry; for a `none` question: not answered)
are split in two, alternately in (intent, text) order. The first half is taught through
the command line itself (`bot.py faq teach QUESTION INTENT`, `faq reject` for `none`) into
a fresh data dir; then the FAQ `faq match` would load is measured, before and after, on
paraphrases written for this benchmark (bench/data/learning-paraphrases.tsv, never taught,
each naming the holdout question it rephrases): those of the taught half (does a taught
phrasing carry over to other wordings?) and those of the other half (the held-out control:
teaching must not make them worse), plus the whole holdout and dev sets (no regressions).

Retraining. A 300-entry FAQ (the little-hearts profile plus pseudo-entries of real
phrasings, as bench_match_latency.py builds them), one edit at a time through
`FaqLearning.teach`, each followed by the retrain every process does (`refresh`: read the
edits, train in a worker thread, swap). Meanwhile a simulated beneficiary asks a question
every 10 ms on the event loop with the old version: the longest gap between two answers
shows whether replies kept flowing.

    .venv/bin/python bench/bench_faq_learning.py [--edits 5] [--slugs little-hearts,...] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import csv
import io
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_match_latency import build_kb  # noqa: E402

from bot.cli import main as cli  # noqa: E402
from bot.cli.common import learned_faq_service  # noqa: E402
from bot.config import PROFILES_DIR, Settings  # noqa: E402
from bot.i18n import Catalog  # noqa: E402
from faq.evaluate import evaluate, read_tsv  # noqa: E402
from faq.profile import FaqEntry, load_profile_dir, missing_phrases  # noqa: E402
from faq.service import FaqService  # noqa: E402
from handlers.clock import SystemClock  # noqa: E402
from handlers.faq_edits import Retrainer  # noqa: E402
from handlers.faq_learning import FaqEdit, FaqLearning, LiveFaq  # noqa: E402
from storage.db import Database, sqlite_url  # noqa: E402

SLUGS = ("little-hearts", "takatuf", "qader", "alhuda", "health-coop")
DATA = ROOT / "bench" / "data"
HOLDOUT = DATA / "holdout-queries.tsv"
DEV = DATA / "dev-queries.tsv"
PARAPHRASES = DATA / "learning-paraphrases.tsv"
ARBANKING = DATA / "arbanking77" / "train-msa-pal.tsv"
BANK = ROOT / "faq" / "data" / "questions.tsv"
Labelled = list[tuple[str, str]]


def correct(service: FaqService, text: str, label: str) -> bool:
    m = service.match(text)
    return (
        m.decision != "answer"
        if label == "none"
        else m.intent == label and (m.decision == "answer")
    )


def figures(service: FaqService, queries: Labelled) -> dict[str, Any]:
    found = evaluate(service, queries)
    right = sum(correct(service, t, label) for t, label in queries)
    return {
        "n": found["n"],
        "correct": right / len(queries) if queries else None,
        "top1": found["top1"],
        "wrong": found["wrong_answer_rate"],
    }


def read_paraphrases() -> list[tuple[str, str, str]]:
    with PARAPHRASES.open(encoding="utf-8") as fh:
        return [(r["text"], r["intent"], r["of"]) for r in csv.DictReader(fh, delimiter="\t")]


@contextlib.contextmanager
def environment(**values: str) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def teach(slug: str, text: str, intent: str) -> None:
    """The command line, in this process: exactly what `bot.py faq …` runs."""
    args = ["faq", "reject", text] if intent == "none" else ["faq", "teach", text, intent]
    with contextlib.redirect_stdout(io.StringIO()):
        code = cli([*args, "--org", slug], out=io.StringIO())
    if code != 0:
        raise SystemExit(f"{slug}: `{' '.join(args)}` failed")


def learning_loop(slug: str, data_dir: Path) -> dict[str, Any]:
    missing = missing_phrases(Catalog("ar").t)
    holdout, dev = read_tsv(HOLDOUT), read_tsv(DEV)
    before = FaqService.from_dir(PROFILES_DIR / slug, missing)
    failing = sorted({(t, lb) for t, lb in holdout if not correct(before, t, lb)}, key=_order)
    taught, held = failing[0::2], failing[1::2]
    paraphrases = read_paraphrases()
    sets = {
        "taught paraphrases": [(t, i) for t, i, of in paraphrases if of in {q for q, _ in taught}],
        "held-out paraphrases": [(t, i) for t, i, of in paraphrases if of in {q for q, _ in held}],
        "holdout": holdout,
        "dev": dev,
    }
    with environment(TAWASUL_DATA_DIR=str(data_dir), TAWASUL_DATABASE_URL=""):
        for text, intent in taught:
            teach(slug, text, intent)
        after = learned_faq_service(Settings(), Catalog("ar"), slug, None)
    return {
        "failing": len(failing),
        "taught": len(taught),
        "sets": {
            name: {"before": figures(before, qs), "after": figures(after, qs)}
            for name, qs in sets.items()
        },
    }


def _order(item: tuple[str, str]) -> tuple[str, str]:
    return item[1], item[0]


def faq_of(entries: int) -> tuple[Any, list[FaqEntry], dict[str, str]]:
    """The little-hearts profile grown to `entries` entries of real phrasings."""
    profile, base = load_profile_dir(PROFILES_DIR / "little-hearts")
    rows = read_tsv(ARBANKING if ARBANKING.is_file() else BANK)
    kb = build_kb(rows, entries - len(base), per_entry=6)
    extra: dict[str, FaqEntry] = {}
    for text, intent in kb:
        key = "x_" + intent.lower().replace("#", "_")
        extra.setdefault(key, FaqEntry(id=key, answer=f"answer {key}")).questions.append(text)
    return profile, [*base, *extra.values()], missing_phrases(Catalog("ar").t)


async def retraining(entries: int, edits: int, data_dir: Path) -> dict[str, Any]:
    profile, base, missing = faq_of(entries)
    started = time.perf_counter()
    first = FaqService.build(profile, base, missing)
    initial_s = time.perf_counter() - started
    db = Database(sqlite_url(data_dir))
    await db.upgrade()
    live = LiveFaq(first)
    retrain = Retrainer(profile, base, missing, live)
    cpu: list[float] = []

    def build(edits: list[FaqEdit]) -> FaqService:
        started = time.thread_time()  # this worker thread's CPU, whatever else runs
        try:
            return retrain(edits)
        finally:
            cpu.append(time.thread_time() - started)

    learning = FaqLearning(db, SystemClock(), live, profile.slug, build, base=base)
    questions = [q for e in base for q in e.questions][:200]
    times: list[float] = []
    exact: list[float] = []
    gaps: list[float] = []
    try:
        for n in range(edits):
            await learning.teach(f"سؤال جديد رقم {n} عن الدوام", "working_hours", "bench")
            asking = asyncio.create_task(_beneficiary(live, questions))
            t0 = time.perf_counter()
            assert await learning.refresh()  # the edit answers from here on
            times.append(time.perf_counter() - t0)
            await learning.settled()  # the full retrain behind it, in service too
            exact.append(time.perf_counter() - t0)
            asking.cancel()
            gaps.append(await asking)
            taught = live.current().match(f"سؤال جديد رقم {n} عن الدوام")
            assert taught.intent == "working_hours", taught
    finally:
        await db.dispose()
    return {
        "entries": len(base),
        "initial_build_s": initial_s,
        "retrain_s": times,
        "retrain_median_s": statistics.median(times),
        "retrain_max_s": max(times),
        "retrain_cpu_s": cpu,
        "full_retrain_s": exact,
        "full_retrain_median_s": statistics.median(exact),
        "reply_gap_max_ms": max(gaps) * 1000,
        "version": live.version,
    }


async def _beneficiary(live: LiveFaq, questions: list[str]) -> float:
    """Ask every 10 ms while the retrain runs; the longest gap between two answers."""
    longest, last, n = 0.0, time.perf_counter(), 0
    try:
        while True:
            await asyncio.sleep(0.01)
            live.current().ask(questions[n % len(questions)] + f" {n}")
            n += 1
            now = time.perf_counter()
            longest, last = max(longest, now - last), now
    except asyncio.CancelledError:
        return longest


def _print(loops: dict[str, dict[str, Any]], timing: dict[str, Any], load: list[float]) -> None:
    print(f"{'profile / set':<36} {'n':>3}  correct       top-1         wrong")
    for slug, loop in loops.items():
        print(f"{slug}: {loop['failing']} holdout questions not answered, {loop['taught']} taught")
        for name, ba in loop["sets"].items():
            b, a = ba["before"], ba["after"]
            print(
                f"  {name:<34} {b['n']:>3}  {b['correct']:.3f}→{a['correct']:.3f}  "
                f"{b['top1']:.3f}→{a['top1']:.3f}  {b['wrong']:.3f}→{a['wrong']:.3f}"
            )
    print(
        f"\nretraining, {timing['entries']} entries: first build {timing['initial_build_s']:.2f} s;"
        f" an edit answers after median {timing['retrain_median_s']:.2f} s, max"
        f" {timing['retrain_max_s']:.2f} s ({', '.join(f'{t:.2f}' for t in timing['retrain_s'])});"
        f" the full retrain behind it in service after median"
        f" {timing['full_retrain_median_s']:.2f} s"
        f" ({', '.join(f'{t:.2f}' for t in timing['full_retrain_s'])}); worker CPU per build"
        f" {', '.join(f'{t:.2f}' for t in timing['retrain_cpu_s'])}; longest gap between"
        f" two answers meanwhile {timing['reply_gap_max_ms']:.0f} ms"
    )
    cores = os.cpu_count()
    print(f"load average before / after: {load[0]:.2f} / {load[1]:.2f} (1 min), {cores} cores")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--edits", type=int, default=5, help="edits timed on the big FAQ")
    parser.add_argument("--entries", type=int, default=300)
    parser.add_argument("--slugs", default=",".join(SLUGS))
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    load = [os.getloadavg()[0]]
    with tempfile.TemporaryDirectory(prefix="bench-learning-") as tmp:
        loops = {
            slug: learning_loop(slug, Path(tmp) / slug) for slug in args.slugs.split(",") if slug
        }
        timing = asyncio.run(retraining(args.entries, args.edits, Path(tmp) / "big"))
    load.append(os.getloadavg()[0])
    if args.json:
        print(json.dumps({"loops": loops, "retraining": timing, "load": load}, ensure_ascii=False))
    else:
        _print(loops, timing, load)
    return 0


if __name__ == "__main__":
    sys.exit(main())
