"""Offline evaluation of a matcher on labelled queries (``text<TAB>intent`` files)."""

from __future__ import annotations

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


def evaluate(
    matcher: Matches, queries: list[tuple[str, str]], *, none_label: str = NONE_LABEL
) -> dict[str, Any]:
    """Ranking and decision quality of ``matcher`` on labelled ``queries``."""
    n = len(queries)
    top1 = top3 = answered = answered_right = wrong = none_total = none_kept = 0
    for text, label in queries:
        m = matcher.match(text)
        is_answer = m.decision == "answer"
        if label == none_label:
            none_total += 1
            ok = not is_answer
            none_kept += ok
            top1 += ok
            top3 += ok
        else:
            names = [c.intent for c in m.candidates]
            top1 += bool(names) and names[0] == label
            top3 += label in names
        if is_answer:
            answered += 1
            if m.intent == label:
                answered_right += 1
            else:
                wrong += 1

    def frac(a: int, b: int) -> float | None:
        return a / b if b else None

    return {
        "n": n,
        "top1": frac(top1, n),
        "top3": frac(top3, n),
        "answered": frac(answered, n),
        "answered_accuracy": frac(answered_right, answered),
        "wrong_answer_rate": frac(wrong, n),
        "none_correct": frac(none_kept, none_total),
    }
