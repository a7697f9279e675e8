"""ArBanking77 benchmark: Saudi-dialect questions against an MSA/Palestinian knowledge base.

Knowledge is either the first K training texts per intent (file order) or all of them; the
queries are ``test-saudi.tsv``. Our matcher is measured next to two baselines computed in
the same run: char TF-IDF nearest neighbour and rapidfuzz ``token_set_ratio`` nearest
neighbour.

    .venv/bin/python bench/bench_arbanking77.py [--data DIR] [--k 10] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from faq.evaluate import read_tsv  # noqa: E402
from faq.matcher import Matcher  # noqa: E402

DEFAULT_DATA = ROOT / "bench" / "data" / "arbanking77"
_CHUNK = 256


def first_k(rows: Sequence[tuple[str, str]], k: int) -> list[tuple[str, str]]:
    seen: dict[str, int] = {}
    out = []
    for text, intent in rows:
        if seen.get(intent, 0) < k:
            out.append((text, intent))
            seen[intent] = seen.get(intent, 0) + 1
    return out


def _rank_by_neighbour(
    sims: Callable[[slice], NDArray[Any]],
    n_queries: int,
    kb_labels: Sequence[str],
    gold: Sequence[str],
) -> tuple[float, float]:
    """top-1/top-3 where an intent's score is its best neighbour's similarity."""
    names = sorted(set(kb_labels))
    label_idx = np.asarray([names.index(x) for x in kb_labels])
    masks = [label_idx == i for i in range(len(names))]
    hit1 = hit3 = 0
    for start in range(0, n_queries, _CHUNK):
        block = sims(slice(start, start + _CHUNK)).astype(np.float32)
        per_intent = np.stack([block[:, m].max(axis=1) for m in masks], axis=1)
        top = np.argsort(-per_intent, axis=1, kind="stable")[:, :3]
        for row, g in zip(top, gold[start : start + _CHUNK], strict=True):
            hit1 += names[row[0]] == g
            hit3 += g in (names[i] for i in row)
    return hit1 / n_queries, hit3 / n_queries


def char_tfidf_nn(
    kb: Sequence[tuple[str, str]], queries: Sequence[tuple[str, str]]
) -> tuple[float, float]:
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)
    x_kb = vec.fit_transform([t for t, _ in kb])
    x_q = vec.transform([t for t, _ in queries])
    return _rank_by_neighbour(
        lambda s: (x_q[s] @ x_kb.T).toarray(),
        len(queries),
        [i for _, i in kb],
        [i for _, i in queries],
    )


def rapidfuzz_nn(
    kb: Sequence[tuple[str, str]], queries: Sequence[tuple[str, str]]
) -> tuple[float, float]:
    from rapidfuzz import fuzz, process, utils

    choices = [t for t, _ in kb]
    texts = [t for t, _ in queries]
    return _rank_by_neighbour(
        lambda s: process.cdist(
            texts[s],
            choices,
            scorer=fuzz.token_set_ratio,
            processor=utils.default_process,
            workers=-1,
        ),
        len(queries),
        [i for _, i in kb],
        [i for _, i in queries],
    )


def ours(kb: Sequence[tuple[str, str]], queries: Sequence[tuple[str, str]]) -> dict[str, float]:
    import sklearn.svm  # noqa: F401  # import time is start-up cost, not training cost

    start = time.perf_counter()
    matcher = Matcher.train(kb, calibrate=False)
    train_s = time.perf_counter() - start
    hit1 = hit3 = 0
    start = time.perf_counter()
    for text, gold in queries:
        names = [c.intent for c in matcher.match(text).candidates]
        hit1 += bool(names) and names[0] == gold
        hit3 += gold in names
    match_s = time.perf_counter() - start
    n = len(queries)
    return {
        "top1": hit1 / n,
        "top3": hit3 / n,
        "train_s": train_s,
        "match_ms_mean": 1000 * match_s / n,
    }


def run(data: Path, k: int, skip_fuzz: bool) -> dict[str, Any]:
    train = read_tsv(data / "train-msa-pal.tsv")
    test = read_tsv(data / "test-saudi.tsv")
    results: dict[str, Any] = {"n_test": len(test)}
    for name, kb in ((f"k={k}", first_k(train, k)), ("all", train)):
        row: dict[str, Any] = {"kb_size": len(kb), "matcher": ours(kb, test)}
        row["char_tfidf_nn"] = dict(zip(("top1", "top3"), char_tfidf_nn(kb, test), strict=True))
        if not skip_fuzz:
            row["rapidfuzz_token_set_nn"] = dict(
                zip(("top1", "top3"), rapidfuzz_nn(kb, test), strict=True)
            )
        results[name] = row
    return results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--k", type=int, default=10, help="training texts per intent")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--skip-fuzz", action="store_true", help="skip the slow rapidfuzz baseline")
    args = parser.parse_args(argv)
    needed = [args.data / "train-msa-pal.tsv", args.data / "test-saudi.tsv"]
    missing = [str(p) for p in needed if not p.is_file()]
    if missing:
        print(f"ArBanking77 data not found: {', '.join(missing)} (use --data DIR)", file=sys.stderr)
        return 2
    results = run(args.data, args.k, args.skip_fuzz)
    if args.json:
        print(json.dumps(results))
        return 0
    _print_table(results, args.k)
    return 0


def _print_table(results: dict[str, Any], k: int) -> None:
    print(f"ArBanking77, test-saudi ({results['n_test']} queries)")
    print(f"{'knowledge':<10} {'method':<24} {'top-1':>7} {'top-3':>7}")
    for name in (f"k={k}", "all"):
        row = results[name]
        for method in ("matcher", "char_tfidf_nn", "rapidfuzz_token_set_nn"):
            if method in row:
                r = row[method]
                print(f"{name:<10} {method:<24} {r['top1']:>7.4f} {r['top3']:>7.4f}")
        m = row["matcher"]
        print(
            f"{'':<10} (kb {row['kb_size']} texts; matcher trained in {m['train_s']:.2f} s, "
            f"{m['match_ms_mean']:.3f} ms/match)"
        )


if __name__ == "__main__":
    raise SystemExit(main())
