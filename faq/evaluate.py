"""Offline evaluation of a matcher on labelled queries (``text<TAB>intent`` files)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any, Protocol

from faq.matcher import Match

__all__ = ["evaluate", "read_tsv"]

NONE_LABEL = "none"


def read_tsv(path: str | Path) -> list[tuple[str, str]]:
    """Read a ``text<TAB>intent`` file with that header; blank lines are skipped."""
    rows: list[tuple[str, str]] = []
    with open(path, encoding="utf-8") as fh:
        header = fh.readline().rstrip("\r\n")
        if header.split("\t") != ["text", "intent"]:
            raise ValueError(f"{path}:1: expected the header 'text<TAB>intent', got {header!r}")
        for lineno, raw in enumerate(fh, 2):
            line = raw.rstrip("\r\n")
            if not line.strip():
                continue
            parts = line.split("\t")
            if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
                raise ValueError(f"{path}:{lineno}: expected 'text<TAB>intent', got {line!r}")
            rows.append((parts[0], parts[1].strip()))
    return rows


class Matches(Protocol):
    """A matcher, or a whole FAQ service: anything that decides on a question."""

    def match(self, text: str) -> Match: ...


def _tally(m: Match, label: str, none_label: str) -> Counter[str]:
    """What one labelled query adds to each count."""
    is_answer = m.decision == "answer"
    counts: Counter[str] = Counter()
    if label == none_label:
        ok = not is_answer
        counts.update(none_total=1, none_kept=ok, top1=ok, top3=ok)
    else:
        names = [c.intent for c in m.candidates]
        counts.update(top1=bool(names) and names[0] == label, top3=label in names)
    if is_answer:
        counts.update(answered=1, answered_right=m.intent == label, wrong=m.intent != label)
    return counts


def _frac(a: int, b: int) -> float | None:
    return a / b if b else None


def evaluate(
    matcher: Matches, queries: list[tuple[str, str]], *, none_label: str = NONE_LABEL
) -> dict[str, Any]:
    """Ranking and decision quality of ``matcher`` on labelled ``queries``."""
    n = len(queries)
    c: Counter[str] = Counter()
    for text, label in queries:
        c += _tally(matcher.match(text), label, none_label)
    return {
        "n": n,
        "top1": _frac(c["top1"], n),
        "top3": _frac(c["top3"], n),
        "answered": _frac(c["answered"], n),
        "answered_accuracy": _frac(c["answered_right"], c["answered"]),
        "wrong_answer_rate": _frac(c["wrong"], n),
        "none_correct": _frac(c["none_kept"], c["none_total"]),
    }
