"""FAQ accuracy per association on the held-out dev questions (../shared/faq/dev-queries.tsv).

Target (design.md): top-1 ≥ 0.95, wrong answers ≤ 2 %, every `none` question unanswered.
Run: .venv/bin/python bench/bench_faq_dev.py [--shared ../shared] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.config import PROFILES_DIR  # noqa: E402
from bot.i18n import Catalog  # noqa: E402
from faq.evaluate import evaluate, read_tsv  # noqa: E402
from faq.profile import CONTACT_FIELDS  # noqa: E402
from faq.service import FaqService  # noqa: E402

SLUGS = ("little-hearts", "takatuf", "qader", "alhuda", "health-coop")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    queries_path = args.shared / "faq" / "dev-queries.tsv"
    if not queries_path.is_file():
        print(
            f"skipped: {queries_path} not found (the dev set lives in ../shared)", file=sys.stderr
        )
        return 2
    queries = read_tsv(queries_path)
    tr = Catalog("ar")
    missing = {f: tr(f"missing-{f}") for f in CONTACT_FIELDS}
    rows = {}
    for slug in SLUGS:
        started = time.perf_counter()
        service = FaqService.from_dir(PROFILES_DIR / slug, missing)
        build_s = time.perf_counter() - started
        metrics = evaluate(service.matcher, queries)
        rows[slug] = {**metrics, "build_seconds": round(build_s, 2)}
        misses = [
            (text, label, m.decision, m.intent)
            for text, label in queries
            if (m := service.matcher.match(text)).decision == "answer" and m.intent != label
        ]
        rows[slug]["wrong_answers"] = misses
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return 0
    print(f"dev questions: {len(queries)} ({queries_path})")
    header = "profile          top1   top3   answered  ans_acc  wrong  none_ok  build_s"
    print(header)
    for slug, r in rows.items():
        print(
            f"{slug:<16} {r['top1']:.3f}  {r['top3']:.3f}  {r['answered']:.3f}     "
            f"{r['answered_accuracy']:.3f}    {r['wrong_answer_rate']:.3f}  "
            f"{r['none_correct']:.3f}    {r['build_seconds']:.2f}"
        )
    for slug, r in rows.items():
        for text, label, _, intent in r["wrong_answers"]:
            print(f"  wrong [{slug}] {text!r}: expected {label}, answered {intent}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
