"""Latency of ``Matcher.match`` on a 300-entry FAQ.

The knowledge base is 300 pseudo-intents of real phrasings: ArBanking77 training texts
(bench/data/arbanking77) cut into groups of a few texts each, or, where that copy is
absent, the project's own question bank cut the same way. Queries are real questions
(ArBanking Saudi test, or the bank itself), timed one by one with ``time.perf_counter_ns``
after a warm-up.

    .venv/bin/python bench/bench_match_latency.py [--entries 300] [--queries 5000] [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from faq.evaluate import read_tsv  # noqa: E402
from faq.matcher import Matcher  # noqa: E402

ARBANKING = ROOT / "bench" / "data" / "arbanking77"
BANK = ROOT / "faq" / "data" / "questions.tsv"


def build_kb(
    rows: Sequence[tuple[str, str]], entries: int, per_entry: int
) -> list[tuple[str, str]]:
    """Deal each intent's texts into groups of ``per_entry``; every group is one entry."""
    by_intent: dict[str, list[str]] = defaultdict(list)
    for text, intent in rows:
        if intent != "none":
            by_intent[intent].append(text)
    kb: list[tuple[str, str]] = []
    group = 0
    while len({i for _, i in kb}) < entries:
        added = False
        for intent, texts in sorted(by_intent.items()):
            chunk = texts[group * per_entry : (group + 1) * per_entry]
            if len(chunk) == per_entry and len({i for _, i in kb}) < entries:
                kb.extend((t, f"{intent}#{group}") for t in chunk)
                added = True
        if not added:
            break
        group += 1
    return kb


def _source() -> tuple[str, list[tuple[str, str]], list[str]] | None:
    """(name, knowledge rows, queries): ArBanking77 where the copy is there, else the bank."""
    if (ARBANKING / "train-msa-pal.tsv").is_file():
        queries = [t for t, _ in read_tsv(ARBANKING / "test-saudi.tsv")]
        return "arbanking77", read_tsv(ARBANKING / "train-msa-pal.tsv"), queries
    if BANK.is_file():
        rows = read_tsv(BANK)
        return "questions.tsv", rows, [t for t, _ in rows]
    return None


def _timings(matcher: Matcher, queries: list[str], warmup: int, n: int) -> list[int]:
    """Nanoseconds per match, sorted, after ``warmup`` untimed matches."""
    for i in range(warmup):
        matcher.match(queries[i % len(queries)])
    samples: list[int] = []
    for i in range(n):
        text = queries[i % len(queries)]
        t0 = time.perf_counter_ns()
        matcher.match(text)
        samples.append(time.perf_counter_ns() - t0)
    return sorted(samples)


def _summary(samples: list[int]) -> dict[str, float]:
    def pct(p: float) -> float:
        return samples[min(len(samples) - 1, int(p * len(samples)))] / 1e6

    return {
        "queries": len(samples),
        "p50_ms": round(pct(0.50), 4),
        "p99_ms": round(pct(0.99), 4),
        "mean_ms": round(statistics.fmean(samples) / 1e6, 4),
        "max_ms": round(samples[-1] / 1e6, 4),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Matcher.match latency on a 300-entry FAQ")
    parser.add_argument("--entries", type=int, default=300)
    parser.add_argument("--per-entry", type=int, default=5, help="phrasings per entry")
    parser.add_argument("--queries", type=int, default=5000)
    parser.add_argument("--warmup", type=int, default=500)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    found = _source()
    if found is None:
        print("no knowledge source: neither", ARBANKING, "nor", BANK, file=sys.stderr)
        return 2
    source, rows, queries = found
    kb = build_kb(rows, args.entries, args.per_entry)

    import sklearn.svm  # noqa: F401  # keep import time out of the training time

    start = time.perf_counter()
    matcher = Matcher.train(kb)
    train_s = time.perf_counter() - start
    samples = _timings(matcher, queries, args.warmup, args.queries)
    result = {"source": source, "entries": len({i for _, i in kb}), "kb_texts": len(kb)}
    result |= {"train_s": round(train_s, 3), **_summary(samples)}
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:>10}: {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
