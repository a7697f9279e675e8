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

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from faq.calibration import TOP_K, Calibration, cross_validate
from faq.features import Analyzed, analyze, encode, words
from faq.linear import LinearModel, class_weights
from faq.spelling import Speller

__all__ = ["Candidate", "Match", "Matcher"]

NONE_LABEL = "none"
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
        # The training rows in the model's features and their labels (`with_examples`).
        self.training: tuple[sp.csr_matrix, NDArray[np.int64]] | None = None
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
        model = LinearModel.fit(corpus, y, len(labels), cal.temperature)
        matcher = cls(
            model,
            labels,
            none_index,
            Calibration(cal.temperature, thresholds, cal.report),
            max_tokens=max(2 * max((len(d.stems) for d in docs), default=0), _MIN_MAX_TOKENS),
            speller=Speller(w for text, _ in pairs for w in words(text)),
        )
        every = np.arange(len(pairs), dtype=np.int64)
        matcher.training = (model.vectorizer.transform_rows(corpus, every), y)
        return matcher

    def with_examples(self, examples: Iterable[tuple[str, str]]) -> Matcher:
        """This matcher with a few more examples, in a fraction of a retrain: only the
        classes they belong to are refitted, in the features it has (an n-gram it never saw
        counts for nothing until a full `train`). For an edit to take effect at once."""
        pairs = [(str(text), str(intent)) for text, intent in examples]
        if not pairs or self.training is None:
            return self
        labels = self._labels + sorted({i for _, i in pairs} - set(self._labels))
        index = {label: i for i, label in enumerate(labels)}
        docs = [analyze(text) for text, _ in pairs]
        x, y = self._extended_rows(docs, [index[i] for _, i in pairs])
        model = self._refitted(x, y, len(labels), {index[i] for _, i in pairs})
        model = dataclasses.replace(
            model, vectorizer=model.vectorizer.with_stems(s for d in docs for s in d.stems)
        )
        clone = Matcher(
            model,
            labels,
            self._none_index if self._none_index is not None else index.get(NONE_LABEL),
            self.calibration,
            max_tokens=self._max_tokens,
            speller=self._speller,
        )
        clone.training = (x, y)
        return clone

    def _refitted(
        self, x: sp.csr_matrix, y: NDArray[np.int64], n_classes: int, classes: set[int]
    ) -> LinearModel:
        """The model with room for new classes and `classes` refitted alone."""
        grown = n_classes - len(self._labels)
        weights = np.pad(self._model.weights, ((0, 0), (0, grown))).astype(np.float64)
        bias = np.pad(self._model.bias, (0, grown)).astype(np.float64)
        for c in sorted(classes):
            weights[:, c], bias[c] = class_weights(x, y == c)
        return dataclasses.replace(
            self._model, weights=weights.astype(np.float32), bias=bias.astype(np.float32)
        )

    def _extended_rows(
        self, docs: list[Analyzed], labels: list[int]
    ) -> tuple[sp.csr_matrix, NDArray[np.int64]]:
        assert self.training is not None
        x, y = self.training
        vectorizer = self._model.vectorizer
        rows = [vectorizer.transform_one(doc) for doc in docs]
        data = np.concatenate([vals for _, vals in rows]) if rows else np.empty(0)
        cols = np.concatenate([idx for idx, _ in rows]) if rows else np.empty(0, np.int64)
        ptr = np.cumsum([0] + [len(idx) for idx, _ in rows])
        added = sp.csr_matrix((data, cols, ptr), shape=(len(docs), x.shape[1]))
        return sp.vstack([x, added]).tocsr(), np.concatenate([y, np.asarray(labels, np.int64)])

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
