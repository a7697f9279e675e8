"""Calibration: the softmax temperature and the decision thresholds, per trained matcher.

Both come from cross-validation on the matcher's own examples, so that a knowledge base of
any size gets thresholds that fit it.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from numpy.typing import NDArray

from faq.features import Corpus, Vectorizer
from faq.linear import fit_weights, softmax

__all__ = ["TOP_K", "Calibration", "Thresholds", "cross_validate"]

# Clarifying offers this many candidates as buttons.
TOP_K = 3
_MARGINS = np.arange(0.0, 0.51, 0.025)
_TEMPERATURES = np.geomspace(0.01, 3.0, 60)


@dataclass(frozen=True)
class Thresholds:
    """Answer when top-1 >= answer and top-1 minus top-2 >= margin; clarify when the top
    three together reach ``clarify``; otherwise hand over.

    ``coverage`` is the share of the question's words (by stem) that the training examples
    contain; below it the matcher does not answer, however peaked the scores: a question
    that is mostly about unknown things ("hello مرحبا 你好 привет") is not one it knows.
    """

    answer: float
    clarify: float
    margin: float
    coverage: float = 0.5

    def replaced(self, **changes: float | None) -> Thresholds:
        """These thresholds with the given ones replaced (None keeps a threshold)."""
        return replace(self, **{name: v for name, v in changes.items() if v is not None})


@dataclass(frozen=True)
class Calibration:
    """What a matcher decides with; the defaults are for one trained without calibration."""

    temperature: float = 0.1
    thresholds: Thresholds = Thresholds(answer=0.6, clarify=0.25, margin=0.1)
    report: dict[str, float] = field(default_factory=dict)


def _folds(labels: Sequence[int], k: int) -> NDArray[np.int64]:
    """Deterministic stratified fold ids: each class is dealt round-robin over the folds."""
    seen: Counter[int] = Counter()
    out = np.empty(len(labels), dtype=np.int64)
    for i, label in enumerate(labels):
        out[i] = (seen[label] + label) % k
        seen[label] += 1
    return out


@dataclass(frozen=True)
class _HeldOut:
    """Held-out probabilities ranked (out of scope left out), and how each example fared."""

    scores: NDArray[np.float64]
    labels: NDArray[np.int64]
    none_top: NDArray[np.bool_]  # out of scope came first
    p1: NDArray[np.float64]
    p2: NDArray[np.float64]
    correct: NDArray[np.bool_]
    kept_out: NDArray[np.bool_]  # out of scope, and recognised as such
    in_top3: NDArray[np.bool_]


def _rank(probs: NDArray[np.float64], labels: NDArray[np.int64], none: int | None) -> _HeldOut:
    n = len(labels)
    scores = probs.copy()
    none_top = np.zeros(n, dtype=bool)
    kept_out = np.zeros(n, dtype=bool)
    if none is not None:
        none_top = scores.argmax(axis=1) == none
        scores[:, none] = -1.0
        kept_out = none_top & (labels == none)
    order = np.argsort(-scores, axis=1)
    top1 = order[:, 0]
    p1 = scores[np.arange(n), top1]
    p2 = scores[np.arange(n), order[:, 1]] if scores.shape[1] > 1 else np.zeros(n)
    correct = (top1 == labels) & ~none_top
    in_top3 = (order[:, :TOP_K] == labels[:, None]).any(axis=1)
    return _HeldOut(scores, labels, none_top, p1, p2, correct, kept_out, in_top3)


def _answer_cut(
    h: _HeldOut, margin: float, budget: int, min_answer: float
) -> tuple[int, float] | None:
    """(right answers, threshold) of the lowest threshold within the wrong-answer budget."""
    idx = np.flatnonzero(~h.none_top & (h.p1 - h.p2 >= margin - 1e-12))
    if len(idx) == 0:
        return None
    idx = idx[np.argsort(-h.p1[idx], kind="stable")]
    wrong = np.cumsum(~h.correct[idx])
    # Cut only between distinct scores: a threshold cannot split equal scores.
    distinct = np.append(h.p1[idx][1:] < h.p1[idx][:-1], True)
    ok = np.flatnonzero((wrong <= budget) & distinct)
    if len(ok) == 0:
        return None
    cut = ok[-1]
    return int(cut + 1 - wrong[cut]), max(float(h.p1[idx][cut]), min_answer)


def _answer_and_margin(h: _HeldOut, budget: int, min_answer: float) -> tuple[float, float]:
    """Most right answers; on a tie the smaller margin, then the higher threshold."""
    best: tuple[int, float, float] | None = None
    for margin in _MARGINS:
        found = _answer_cut(h, margin, budget, min_answer)
        if found is None:
            continue
        key = (found[0], -margin, found[1])
        if best is None or key > (best[0], -best[2], best[1]):
            best = (found[0], found[1], float(margin))
    if best is None:
        return 1.0 + 1e-9, 0.0  # nothing can be answered safely
    return best[1], best[2]


def _clarify(h: _HeldOut, answer: float, none: int | None) -> float:
    # Below the clarify threshold the guesses are rarely useful as buttons: keep the range
    # where nearly every held-out question still had its intent among the candidates.
    # Clarifying offers the top three as buttons, so what matters there is the probability
    # that the intent is among them.
    p3 = np.sort(h.scores, axis=1)[:, ::-1][:, :TOP_K].sum(axis=1)
    useful = p3[h.in_top3 & ~h.none_top]
    clarify = float(np.quantile(useful, 0.05)) if len(useful) else answer
    if none is not None and (h.labels == none).any():
        # Out-of-scope examples should fall below it too.
        clarify = max(clarify, float(np.quantile(p3[h.labels == none], 0.9)))
    return min(clarify, 1.0)


def _report(h: _HeldOut, answer: float, margin: float) -> dict[str, float]:
    answered = ~h.none_top & (h.p1 >= answer) & (h.p1 - h.p2 >= margin)
    return {
        "cv_top1": float((h.correct | h.kept_out).mean()),
        "cv_top3": float(((h.in_top3 & ~h.none_top) | h.kept_out).mean()),
        "cv_answered": float(answered.mean()),
        "cv_wrong_answer_rate": float((answered & ~h.correct).mean()),
    }


def choose_thresholds(
    probs: NDArray[np.float64],
    labels: NDArray[np.int64],
    none_index: int | None,
    max_wrong_rate: float,
    min_answer: float,
) -> tuple[Thresholds, dict[str, float]]:
    h = _rank(probs, labels, none_index)
    budget = math.floor(max_wrong_rate * len(labels))
    answer, margin = _answer_and_margin(h, budget, min_answer)
    clarify = _clarify(h, answer, none_index)
    return Thresholds(answer=answer, clarify=clarify, margin=margin), _report(h, answer, margin)


def _held_out_scores(
    corpus: Corpus, y: NDArray[np.int64], n_classes: int, k: int
) -> NDArray[np.float64]:
    """Each example's raw class scores from a model trained on the other folds."""
    fold = _folds(y.tolist(), k)
    raw = np.zeros((len(y), n_classes), dtype=np.float64)
    for f in range(k):
        test = np.flatnonzero(fold == f)
        train = np.flatnonzero(fold != f)
        if len(test) == 0 or len(train) == 0:
            continue
        vec = Vectorizer(corpus, train)
        weights, bias = fit_weights(vec.transform_rows(corpus, train), y[train], n_classes)
        raw[test] = np.asarray(vec.transform_rows(corpus, test) @ weights) + bias
    return raw


def _temperature(raw: NDArray[np.float64], y: NDArray[np.int64]) -> float:
    """The temperature of best held-out log-likelihood: it makes the scores honest."""
    best_t, best_nll = 1.0, math.inf
    for t in _TEMPERATURES:
        p = softmax(raw, float(t))
        nll = -float(np.mean(np.log(p[np.arange(len(y)), y] + 1e-12)))
        if nll < best_nll:
            best_t, best_nll = float(t), nll
    return best_t


def cross_validate(
    corpus: Corpus,
    y: NDArray[np.int64],
    n_classes: int,
    none_index: int | None,
    k: int,
    max_wrong_rate: float,
    min_answer: float,
) -> Calibration:
    raw = _held_out_scores(corpus, y, n_classes, k)
    temperature = _temperature(raw, y)
    probs = softmax(raw, temperature)
    thresholds, report = choose_thresholds(probs, y, none_index, max_wrong_rate, min_answer)
    report["temperature"] = temperature
    return Calibration(temperature, thresholds, report)
