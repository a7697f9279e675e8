"""FAQ intent matcher: decides whether to answer, ask the user to choose, or hand over.

Ranking is one linear layer (faq/linear.py) over sparse TF-IDF features of the
dialect-mapped text (faq/features.py). Decisions come from a softmax over its scores, with
a temperature and answer / clarify / margin thresholds calibrated per trained matcher
(faq/calibration.py).

A question whose words are mostly unknown to the training texts is never answered (the
coverage guard). Typos are the usual reason, so such a question is read a second time with
each unknown word replaced by the closest training word (faq/spelling.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from faq.calibration import TOP_K, Calibration, cross_validate
from faq.features import Analyzed, analyze, encode, words
from faq.linear import LinearModel
from faq.spelling import Speller

__all__ = ["Candidate", "Match", "Matcher"]

ANSWER = "answer"
CLARIFY = "clarify"
HANDOVER = "handover"
# A question far longer than any example is not one of them, however its words score.
_MIN_MAX_TOKENS = 30


@dataclass(frozen=True)
class Candidate:
    intent: str
    score: float


@dataclass(frozen=True)
class Match:
    query: str
    decision: str  # "answer" | "clarify" | "handover"
    intent: str | None
    score: float
    candidates: tuple[Candidate, ...]


def _labelled(
    pairs: list[tuple[str, str]], none_label: str
) -> tuple[list[str], NDArray[np.int64], int | None]:
    """The sorted labels, each example's label index, and the out-of-scope label's."""
    if not any(intent != none_label for _, intent in pairs):
        raise ValueError("training needs at least one example of an intent")
    labels = sorted({intent for _, intent in pairs})
    index = {label: i for i, label in enumerate(labels)}
    y = np.asarray([index[intent] for _, intent in pairs], dtype=np.int64)
    return labels, y, index.get(none_label)


class Matcher:
    """A trained FAQ matcher; build one with :meth:`Matcher.train`."""

    def __init__(
        self,
        model: LinearModel,
        labels: list[str],
        none_index: int | None,
        calibration: Calibration,
        *,
        max_tokens: int,
        speller: Speller | None = None,
    ) -> None:
        self._model = model
        self._labels = labels
        self._none_index = none_index
        self.thresholds = calibration.thresholds
        self._max_tokens = max_tokens
        self._speller = speller
        self.calibration_report: dict[str, float] = dict(calibration.report)
        intent_idx = [i for i in range(len(labels)) if i != none_index]
        self._intent_idx = np.asarray(intent_idx, dtype=np.int64)

    @classmethod
    def train(
        cls,
        examples: Iterable[tuple[str, str]],
        *,
        none_label: str = "none",
        calibrate: bool = True,
        answer_threshold: float | None = None,
        clarify_threshold: float | None = None,
        margin: float | None = None,
        min_coverage: float = 0.5,
        max_wrong_rate: float = 0.02,
        min_answer: float = 0.5,
        folds: int = 5,
        calibration: Calibration | None = None,
    ) -> Matcher:
        """Train on (text, intent) pairs; texts labelled ``none_label`` are out of scope.

        With ``calibrate`` the temperature and thresholds come from ``folds``-fold
        cross-validation: the answer threshold is the lowest one that keeps held-out wrong
        answers (out-of-scope ones included) at or below ``max_wrong_rate``, never below
        ``min_answer`` so that the top intent is always more likely than all others together.
        Explicit thresholds override the calibrated ones. A ``calibration`` given (another
        matcher's, of nearly the same examples) is used as it is: one fit instead of
        ``folds`` + 1, for a retrain after a small edit.
        """
        pairs = [(str(text), str(intent)) for text, intent in examples]
        labels, y, none_index = _labelled(pairs, none_label)
        docs = [analyze(text) for text, _ in pairs]
        corpus = encode(docs)
        cal = calibration or Calibration()
        if calibration is None and calibrate and len(pairs) >= 2 * folds:
            cal = cross_validate(
                corpus, y, len(labels), none_index, folds, max_wrong_rate, min_answer
            )
        thresholds = cal.thresholds.replaced(
            answer=answer_threshold, clarify=clarify_threshold, margin=margin, coverage=min_coverage
        )
        return cls(
            LinearModel.fit(corpus, y, len(labels), cal.temperature),
            labels,
            none_index,
            Calibration(cal.temperature, thresholds, cal.report),
            max_tokens=max(2 * max((len(d.stems) for d in docs), default=0), _MIN_MAX_TOKENS),
            speller=Speller(w for text, _ in pairs for w in words(text)),
        )

    @property
    def calibration(self) -> Calibration:
        """What this matcher decides with: its temperature, thresholds and their report."""
        return Calibration(self._model.temperature, self.thresholds, self.calibration_report)

    @property
    def intents(self) -> list[str]:
        return [self._labels[i] for i in self._intent_idx]

    def with_thresholds(
        self,
        *,
        answer: float | None = None,
        clarify: float | None = None,
        margin: float | None = None,
        coverage: float | None = None,
    ) -> Matcher:
        """A matcher sharing this one's model with some thresholds replaced."""
        clone = object.__new__(Matcher)
        clone.__dict__.update(self.__dict__)
        clone.thresholds = self.thresholds.replaced(
            answer=answer, clarify=clarify, margin=margin, coverage=coverage
        )
        return clone

    def _coverage(self, doc: Analyzed) -> float:
        stems = [s for s in doc.stems if not s.isdigit()]
        if not stems:
            return 0.0
        known = self._model.vectorizer.stems
        return sum(s in known for s in stems) / len(stems)

    def match(self, text: str) -> Match:
        if not isinstance(text, str):
            text = str(text)
        doc = analyze(text)
        # Digits and symbols alone carry no question (an ID typed at the wrong moment).
        if not any(ch.isalpha() for s in doc.stems for ch in s):
            return Match(text, HANDOVER, None, 0.0, ())
        if self._speller is not None and self._coverage(doc) < self.thresholds.coverage:
            # Mostly unknown words: read it again with typos repaired.
            doc = analyze(text, self._speller)
        return self._decide(text, doc)

    def _candidates(self, probs: NDArray[np.float64]) -> tuple[Candidate, ...]:
        intent_probs = probs[self._intent_idx]
        top = np.argsort(-intent_probs)[:TOP_K]
        return tuple(
            Candidate(self._labels[self._intent_idx[i]], float(intent_probs[i])) for i in top
        )

    def _answers(self, doc: Analyzed, candidates: tuple[Candidate, ...]) -> bool:
        p1 = candidates[0].score
        p2 = candidates[1].score if len(candidates) > 1 else 0.0
        t = self.thresholds
        return (
            p1 >= t.answer
            and p1 - p2 >= t.margin
            and len(doc.stems) <= self._max_tokens
            and self._coverage(doc) >= t.coverage
        )

    def _decide(self, text: str, doc: Analyzed) -> Match:
        probs = self._model.probs(doc)
        if probs is None:
            return Match(text, HANDOVER, None, 0.0, ())
        candidates = self._candidates(probs)
        p1 = candidates[0].score
        if self._none_index is not None and int(probs.argmax()) == self._none_index:
            return Match(text, HANDOVER, None, p1, candidates)
        if self._answers(doc, candidates):
            return Match(text, ANSWER, candidates[0].intent, p1, candidates)
        if sum(c.score for c in candidates) >= self.thresholds.clarify:
            return Match(text, CLARIFY, candidates[0].intent, p1, candidates)
        return Match(text, HANDOVER, None, p1, candidates)
