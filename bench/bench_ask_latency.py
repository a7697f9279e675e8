"""Latency of a whole FAQ decision, `FaqService.ask`, as the bot takes it.

`bench_match_latency.py` times the matcher on a 300-entry FAQ; this times the service on a
real association profile, including the second reading of a question that starts with a
greeting ("السلام عليكم، وش خدماتكم؟"). Questions: the project's held-out set, plain and
with a greeting or thanks in front, timed one by one after a warm-up.

    .venv/bin/python bench/bench_ask_latency.py [--org little-hearts] [--rounds 5] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.config import PROFILES_DIR  # noqa: E402
from bot.i18n import Catalog  # noqa: E402
from faq.evaluate import read_tsv  # noqa: E402
from faq.profile import missing_phrases  # noqa: E402
from faq.service import FaqService  # noqa: E402

HOLDOUT = ROOT / "bench" / "data" / "holdout-queries.tsv"
OPENINGS = ("", "السلام عليكم ", "مرحبا، ", "الله يعطيك العافية ")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--org", default="little-hearts")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    service = FaqService.from_dir(PROFILES_DIR / args.org, missing_phrases(Catalog("ar").t))
    questions = [o + t for o in OPENINGS for t, _ in read_tsv(HOLDOUT)]
    for q in questions:
        service.ask(q)
    samples: list[int] = []
    for _ in range(args.rounds):
        for q in questions:
            t0 = time.perf_counter_ns()
            service.ask(q)
            samples.append(time.perf_counter_ns() - t0)
    samples.sort()

    def pct(p: float) -> float:
        return round(samples[min(len(samples) - 1, int(p * len(samples)))] / 1e6, 4)

    result = {
        "org": args.org,
        "questions": len(samples),
        "p50_ms": pct(0.50),
        "p99_ms": pct(0.99),
        "max_ms": round(samples[-1] / 1e6, 4),
    }
    print(
        json.dumps(result) if args.json else "\n".join(f"{k:>10}: {v}" for k, v in result.items())
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
