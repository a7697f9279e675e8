"""FAQ accuracy per association on questions the question bank never saw.

Sets: the dev questions (bench/data/dev-queries.tsv), our own held-out set written
independently of the bank (bench/data/holdout-queries.tsv), and both again with typos put
in by a seeded generator (a letter dropped, doubled or swapped in a third of the longer
words), since beneficiaries type on phones.
Target (docs/benchmarks.md): top-1 ≥ 0.95, wrong answers ≤ 2 %, every `none` question unanswered.
Run: .venv/bin/python bench/bench_faq_dev.py [--dev FILE] [--json]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.config import PROFILES_DIR  # noqa: E402
from bot.i18n import Catalog  # noqa: E402
from faq.evaluate import evaluate, read_tsv  # noqa: E402
from faq.profile import missing_phrases  # noqa: E402
from faq.service import FaqService  # noqa: E402

SLUGS = ("little-hearts", "takatuf", "qader", "alhuda", "health-coop")
DEV = ROOT / "bench" / "data" / "dev-queries.tsv"
HOLDOUT = ROOT / "bench" / "data" / "holdout-queries.tsv"


def with_typos(queries: list[tuple[str, str]], seed: int = 7) -> list[tuple[str, str]]:
    rnd = random.Random(seed)
    out = []
    for text, label in queries:
        words = []
        for w in text.split():
            if len(w) >= 4 and rnd.random() < 0.35:
                i = rnd.randrange(1, len(w) - 1)
                op = rnd.choice("dsr")
                if op == "d":
                    w = w[:i] + w[i + 1 :]
                elif op == "s":
                    w = w[: i - 1] + w[i] + w[i - 1] + w[i + 1 :]
                else:
                    w = w[:i] + w[i] + w[i:]
            words.append(w)
        out.append((" ".join(words), label))
    return out


def _measure(
    sets: dict[str, list[tuple[str, str]]],
) -> tuple[dict[str, dict[str, object]], list[str]]:
    """Each profile's figures on each set, and every wrong answer it gave."""
    missing = missing_phrases(Catalog("ar").t)
    rows: dict[str, dict[str, object]] = {}
    wrong: list[str] = []
    for slug in SLUGS:
        started = time.perf_counter()
        service = FaqService.from_dir(PROFILES_DIR / slug, missing)
        build_s = time.perf_counter() - started
        for name, queries in sets.items():
            rows[f"{slug} {name}"] = {**evaluate(service, queries), "build_s": build_s}
            for text, label in queries:
                m = service.match(text)
                if m.decision == "answer" and m.intent != label:
                    wrong.append(
                        f"  wrong [{slug} {name}] {text!r}: {label} answered as {m.intent}"
                    )
    return rows, wrong


def _print_table(rows: dict[str, dict[str, object]], wrong: list[str]) -> None:
    print(f"{'profile / set':<30} top1   top3   answered  ans_acc  wrong  none_ok  build_s")
    for key, r in rows.items():
        print(
            f"{key:<30} {r['top1']:.3f}  {r['top3']:.3f}  {r['answered']:.3f}     "
            f"{r['answered_accuracy']:.3f}    {r['wrong_answer_rate']:.3f}  "
            f"{r['none_correct']:.3f}    {r['build_s']:.2f}"
        )
    print("\n".join(sorted(set(wrong))))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dev", type=Path, default=DEV, help="labelled dev questions")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    dev = read_tsv(args.dev)
    holdout = read_tsv(HOLDOUT)
    sets = {
        "dev": dev,
        "holdout": holdout,
        "dev+typos": with_typos(dev),
        "holdout+typos": with_typos(holdout),
    }
    rows, wrong = _measure(sets)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return 0
    print(f"dev {len(dev)} questions ({args.dev}); holdout {len(holdout)} ({HOLDOUT.name})")
    _print_table(rows, wrong)
    return 0


if __name__ == "__main__":
    sys.exit(main())
