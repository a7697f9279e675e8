"""FAQ intent matcher: decides whether to answer, ask the user to choose, or hand over.

Ranking is one linear layer over sparse TF-IDF features of the dialect-mapped text:

* character n-grams (1-4, inside word boundaries) of the words: robust to spelling
  variants and clitics that a word vocabulary would miss;
* character n-grams (2-4) of light stems: the same after stripping ال/و/ب… and suffixes,
  so that "بطاقتي" and "البطاقه" share more;
* stem unigrams and bigrams: keep apart questions that share letters but not words
  ("ابي دعم" vs "ابي ادعم").

The weights are a one-vs-rest linear SVM plus the class centroids (nearest-centroid cosine),
which adds robustness when an intent has only a handful of examples. Both are linear in the
features, so they fold into one matrix and a match is a gather over the query's features.

A question whose words are mostly unknown to the training texts is never answered (the
coverage guard). Typos are the usual reason, so such a question is read a second time with
each unknown word replaced by the closest training word that rapidfuzz finds (Levenshtein
ratio ≥ 80, four letters or more). Only those questions: repairing every question cost two
points of ArBanking77 top-1, since an unknown word is as often a real dialect word the
examples lack as a typo.

Decisions come from a softmax over the combined scores. The softmax temperature and the
answer / clarify / margin thresholds are calibrated per trained matcher by cross-validation
on its own examples, so that a knowledge base of any size gets thresholds that fit it.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from rapidfuzz import fuzz, process

from faq.dialect import to_msa
from faq.normalize import light_stem, normalize

__all__ = ["Candidate", "Match", "Matcher", "Thresholds"]

ANSWER = "answer"
CLARIFY = "clarify"
HANDOVER = "handover"

# Features are taken from the start of a message only: a real question fits well within it,
# and the cost of a match must not grow with a pasted essay.
_MAX_CHARS = 600
_CHAR_RANGE = (1, 4)
_STEM_CHAR_RANGE = (2, 4)
# Relative weight of each feature block (chars, stem chars, stem words) before the final
# L2 normalisation. Word features are a tie-breaker, chars carry most of the signal.
_BLOCK_WEIGHTS = (1.0, 1.0, 0.5)
_BLOCK_WEIGHT_ARRAY = np.asarray(_BLOCK_WEIGHTS, dtype=np.float64)
_SVM_C = 1.0
# How much the centroid cosine counts next to the SVM decision values.
_CENTROID_WEIGHT = 2.0
_TOP_K = 3
# Typo repair: shorter words have too many near neighbours to repair safely.
_REPAIR_MIN_LEN = 4
_REPAIR_CUTOFF = 80.0
_REPAIR_CACHE = 4096


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


@dataclass(frozen=True)
class _Analyzed:
    features: tuple[tuple[str, ...], ...]  # one tuple per block
    stems: tuple[str, ...]


def _char_ngrams(words: Sequence[str], lo: int, hi: int, tag: str) -> list[str]:
    out: list[str] = []
    for word in words:
        padded = f" {word} "
        size = len(padded)
        for n in range(lo, hi + 1):
            if tag:
                out.extend([tag + padded[i : i + n] for i in range(size - n + 1)])
            else:
                out.extend([padded[i : i + n] for i in range(size - n + 1)])
    return out


class _Speller:
    """Proposes, for a word unknown to the training texts, the closest known word.

    Candidates are only known words of about the same length and with the same first
    letter (a typo adds, drops or swaps a letter inside a word), which keeps a lookup well
    under the matcher's latency budget; repairs are cached because misspellings recur.
    """

    def __init__(self, words: Iterable[str]) -> None:
        self.known = frozenset(words)
        buckets: dict[tuple[str, int], list[str]] = {}
        for w in self.known:
            buckets.setdefault((w[0], len(w)), []).append(w)
        self._buckets = {key: sorted(ws) for key, ws in buckets.items()}
        self._cache: dict[str, str] = {}

    def _nearest(self, word: str) -> str:
        n, first = len(word), word[0]
        pool = [w for k in (n - 1, n, n + 1) for w in self._buckets.get((first, k), ())]
        hit = process.extractOne(word, pool, scorer=fuzz.ratio, score_cutoff=_REPAIR_CUTOFF)
        return str(hit[0]) if hit else word

    def repair(self, words: list[str]) -> list[str]:
        out = []
        for w in words:
            if w in self.known or len(w) < _REPAIR_MIN_LEN or not w.isalpha():
                out.append(w)
                continue
            fixed = self._cache.get(w)
            if fixed is None:
                fixed = self._nearest(w)
                if len(self._cache) < _REPAIR_CACHE:
                    self._cache[w] = fixed
            out.append(fixed)
        return out


def _words(text: str) -> list[str]:
    return normalize(text[:_MAX_CHARS]).split()


def _analyze(text: str, speller: _Speller | None = None) -> _Analyzed:
    words = _words(text)
    if speller is not None:
        words = speller.repair(words)
    words = to_msa(words)
    stems = [light_stem(w) for w in words]
    chars = _char_ngrams(words, *_CHAR_RANGE, tag="")
    # Distinct tags keep the blocks' vocabularies apart: normalised text has no upper case
    # and no ':'.
    stem_chars = _char_ngrams(stems, *_STEM_CHAR_RANGE, tag="S")
    stem_words = [f"s:{s}" for s in stems] + [f"t:{a} {b}" for a, b in pairwise(stems)]
    return _Analyzed((tuple(chars), tuple(stem_chars), tuple(stem_words)), tuple(stems))


@dataclass(frozen=True)
class _Corpus:
    """Training texts encoded once: term counts over every feature seen in any of them."""

    features: list[str]
    block_of: NDArray[np.int64]
    counts: sp.csr_matrix
    stems: list[tuple[str, ...]]


def _encode(docs: Sequence[_Analyzed]) -> _Corpus:
    ids: dict[str, int] = {}
    block_of: list[int] = []
    rows: list[int] = []
    cols: list[int] = []
    for row, doc in enumerate(docs):
        for block, feats in enumerate(doc.features):
            for feat in feats:
                idx = ids.get(feat)
                if idx is None:
                    idx = ids[feat] = len(block_of)
                    block_of.append(block)
                rows.append(row)
                cols.append(idx)
    counts = sp.csr_matrix(
        (np.ones(len(rows)), (np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64))),
        shape=(len(docs), len(block_of)),
    )
    counts.sum_duplicates()
    return _Corpus(list(ids), np.asarray(block_of, dtype=np.int64), counts, [d.stems for d in docs])


def _weigh(
    counts: sp.csr_matrix, idf: NDArray[np.float64], block_of: NDArray[np.int64]
) -> sp.csr_matrix:
    """Batch form of :meth:`_Vectorizer.transform_one` (same numbers), for training."""
    x = counts.tocoo()
    n = counts.shape[0]
    vals = (1.0 + np.log(x.data)) * idf[x.col]
    blocks = block_of[x.col]
    sq = np.zeros((n, len(_BLOCK_WEIGHTS)))
    np.add.at(sq, (x.row, blocks), vals * vals)
    norms = np.sqrt(sq)
    scale = np.divide(
        _BLOCK_WEIGHT_ARRAY[None, :], norms, out=np.zeros_like(norms), where=norms > 0
    )
    vals = vals * scale[x.row, blocks]
    total = np.zeros(n)
    np.add.at(total, x.row, vals * vals)
    total = np.sqrt(total)
    vals = vals / np.where(total > 0, total, 1.0)[x.row]
    return sp.csr_matrix((vals, (x.row, x.col)), shape=counts.shape)


class _Vectorizer:
    """Sublinear TF-IDF per block, L2 per block, weighted, then L2 over the whole vector.

    The vocabulary is what the given training rows contain, so that cross-validation sees
    unknown n-grams in held-out questions exactly as a live matcher would.
    """

    def __init__(self, corpus: _Corpus, rows: NDArray[np.int64]) -> None:
        sub = corpus.counts[rows]
        df = np.bincount(sub.indices, minlength=len(corpus.features))
        self._keep = np.flatnonzero(df > 0)
        features = corpus.features
        self.vocab = {features[g]: i for i, g in enumerate(self._keep.tolist())}
        self.idf = np.log((1.0 + len(rows)) / (1.0 + df[self._keep])) + 1.0
        self.block_of = corpus.block_of[self._keep]
        self.stems = frozenset(s for r in rows.tolist() for s in corpus.stems[r])

    @property
    def size(self) -> int:
        return len(self.vocab)

    def transform_rows(self, corpus: _Corpus, rows: NDArray[np.int64]) -> sp.csr_matrix:
        return _weigh(corpus.counts[rows][:, self._keep], self.idf, self.block_of)

    def transform_one(self, doc: _Analyzed) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
        get = self.vocab.get
        ids = [i for feats in doc.features for i in map(get, feats) if i is not None]
        if not ids:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float64)
        idx_arr, counts = np.unique(np.asarray(ids, dtype=np.int64), return_counts=True)
        vals = (1.0 + np.log(counts)) * self.idf[idx_arr]
        blocks = self.block_of[idx_arr]
        norms = np.sqrt(np.bincount(blocks, weights=vals * vals, minlength=len(_BLOCK_WEIGHTS)))
        scale = np.divide(_BLOCK_WEIGHT_ARRAY, norms, out=np.zeros_like(norms), where=norms > 0)
        vals *= scale[blocks]
        total = math.sqrt(float(np.dot(vals, vals)))
        return idx_arr, vals / total if total > 0.0 else vals


def _fit_weights(
    x: sp.csr_matrix, y: NDArray[np.int64], n_classes: int
) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
    """Return (features x classes) weights and per-class bias of SVM + centroid scores."""
    from sklearn.svm import LinearSVC  # training only: keep it off the import path of match

    weights = np.zeros((x.shape[1], n_classes), dtype=np.float64)
    bias = np.zeros(n_classes, dtype=np.float64)
    present = np.unique(y)
    if len(present) >= 2:
        svm = LinearSVC(C=_SVM_C)
        svm.fit(x, y)
        coef = np.asarray(svm.coef_)
        intercept = np.asarray(svm.intercept_)
        if len(present) == 2:
            # sklearn returns one hyperplane for two classes: the positive class is the second.
            coef = np.vstack([-coef, coef])
            intercept = np.concatenate([-intercept, intercept])
        for row, cls in enumerate(svm.classes_):
            weights[:, int(cls)] += coef[row]
            bias[int(cls)] += intercept[row]
    # Classes absent from this training split must never win.
    absent = np.setdiff1d(np.arange(n_classes), present)
    bias[absent] = -1e3
    # All class centroids in one sparse product (a per-class mean is much slower).
    onehot = sp.csr_matrix((np.ones(len(y)), (y, np.arange(len(y)))), shape=(n_classes, len(y)))
    sums = np.asarray((onehot @ x).toarray())
    norms = np.linalg.norm(sums, axis=1, keepdims=True)
    centroids = np.divide(sums, norms, out=np.zeros_like(sums), where=norms > 0)
    weights += _CENTROID_WEIGHT * centroids.T
    return weights.astype(np.float32), bias.astype(np.float32)


def _softmax(scores: NDArray[np.float64], temperature: float) -> NDArray[np.float64]:
    z = scores / temperature
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    out: NDArray[np.float64] = e / e.sum(axis=-1, keepdims=True)
    return out


def _folds(labels: Sequence[int], k: int) -> NDArray[np.int64]:
    """Deterministic stratified fold ids: each class is dealt round-robin over the folds."""
    seen: Counter[int] = Counter()
    out = np.empty(len(labels), dtype=np.int64)
    for i, label in enumerate(labels):
        out[i] = (seen[label] + label) % k
        seen[label] += 1
    return out


@dataclass(frozen=True)
class _Calibration:
    temperature: float
    thresholds: Thresholds
    report: dict[str, float]


def _choose_thresholds(
    probs: NDArray[np.float64],
    labels: NDArray[np.int64],
    none_index: int | None,
    max_wrong_rate: float,
    min_answer: float,
) -> tuple[Thresholds, dict[str, float]]:
    n = len(labels)
    scores = probs.copy()
    if none_index is not None:
        none_top = scores.argmax(axis=1) == none_index
        scores[:, none_index] = -1.0
    else:
        none_top = np.zeros(n, dtype=bool)
    order = np.argsort(-scores, axis=1)
    top1 = order[:, 0]
    p1 = scores[np.arange(n), top1]
    p2 = scores[np.arange(n), order[:, 1]] if scores.shape[1] > 1 else np.zeros(n)
    correct = (top1 == labels) & ~none_top
    if none_index is not None:
        # For an out-of-scope example "correct" means: recognised as out of scope.
        kept_out = none_top & (labels == none_index)
    else:
        kept_out = np.zeros(n, dtype=bool)
    in_top3 = (order[:, :_TOP_K] == labels[:, None]).any(axis=1)
    budget = math.floor(max_wrong_rate * n)

    best: tuple[int, float, float] | None = None
    for margin in np.arange(0.0, 0.51, 0.025):
        eligible = ~none_top & (p1 - p2 >= margin - 1e-12)
        idx = np.flatnonzero(eligible)
        if len(idx) == 0:
            continue
        idx = idx[np.argsort(-p1[idx], kind="stable")]
        wrong = np.cumsum(~correct[idx])
        # Cut only between distinct scores: a threshold cannot split equal scores.
        distinct = np.append(p1[idx][1:] < p1[idx][:-1], True)
        ok = np.flatnonzero((wrong <= budget) & distinct)
        if len(ok) == 0:
            continue
        cut = ok[-1]
        n_correct = int(cut + 1 - wrong[cut])
        threshold = max(float(p1[idx][cut]), min_answer)
        key = (n_correct, -margin, threshold)
        if best is None or key > (best[0], -best[2], best[1]):
            best = (n_correct, threshold, float(margin))
    if best is None:
        answer, margin = 1.0 + 1e-9, 0.0  # nothing can be answered safely
    else:
        _, answer, margin = best
    # Below the clarify threshold the guesses are rarely useful as buttons: keep the range
    # where nearly every held-out question still had its intent among the candidates.
    # Clarifying offers the top three as buttons, so what matters there is the probability
    # that the intent is among them.
    p3 = np.sort(scores, axis=1)[:, ::-1][:, :_TOP_K].sum(axis=1)
    useful = p3[in_top3 & ~none_top]
    clarify = float(np.quantile(useful, 0.05)) if len(useful) else answer
    if none_index is not None and (labels == none_index).any():
        # Out-of-scope examples should fall below it too.
        clarify = max(clarify, float(np.quantile(p3[labels == none_index], 0.9)))
    clarify = min(clarify, 1.0)
    thresholds = Thresholds(answer=answer, clarify=clarify, margin=margin)
    answered = ~none_top & (p1 >= answer) & (p1 - p2 >= margin)
    report = {
        "cv_top1": float((correct | kept_out).mean()),
        "cv_top3": float(((in_top3 & ~none_top) | kept_out).mean()),
        "cv_answered": float(answered.mean()),
        "cv_wrong_answer_rate": float((answered & ~correct).mean()),
    }
    return thresholds, report


class Matcher:
    """A trained FAQ matcher; build one with :meth:`Matcher.train`."""

    def __init__(
        self,
        *,
        vectorizer: _Vectorizer,
        weights: NDArray[np.float32],
        bias: NDArray[np.float32],
        labels: list[str],
        none_index: int | None,
        temperature: float,
        thresholds: Thresholds,
        max_tokens: int,
        speller: _Speller | None = None,
        report: dict[str, float] | None = None,
    ) -> None:
        self._vec = vectorizer
        self._weights = weights
        self._bias = bias
        self._labels = labels
        self._none_index = none_index
        self._temperature = temperature
        self.thresholds = thresholds
        self._max_tokens = max_tokens
        self._speller = speller
        self.calibration_report: dict[str, float] = dict(report or {})
        intent_idx = [i for i in range(len(labels)) if i != none_index]
        self._intent_idx = np.asarray(intent_idx, dtype=np.int64)

    # -- training ---------------------------------------------------------------------------

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
    ) -> Matcher:
        """Train on (text, intent) pairs; texts labelled ``none_label`` are out of scope.

        With ``calibrate`` the temperature and thresholds come from ``folds``-fold
        cross-validation: the answer threshold is the lowest one that keeps held-out wrong
        answers (out-of-scope ones included) at or below ``max_wrong_rate``, never below
        ``min_answer`` so that the top intent is always more likely than all others together.
        Explicit thresholds override the calibrated ones.
        """
        pairs = [(str(text), str(intent)) for text, intent in examples]
        if not any(intent != none_label for _, intent in pairs):
            raise ValueError("training needs at least one example of an intent")
        labels = sorted({intent for _, intent in pairs})
        index = {label: i for i, label in enumerate(labels)}
        none_index = index.get(none_label)
        y = np.asarray([index[intent] for _, intent in pairs], dtype=np.int64)
        docs = [_analyze(text) for text, _ in pairs]
        max_tokens = max(2 * max((len(d.stems) for d in docs), default=0), 30)
        corpus = _encode(docs)
        every = np.arange(len(docs), dtype=np.int64)

        temperature = 0.1
        thresholds = Thresholds(answer=0.6, clarify=0.25, margin=0.1)
        report: dict[str, float] = {}
        if calibrate and len(pairs) >= 2 * folds:
            cal = cls._calibrate(
                corpus, y, len(labels), none_index, folds, max_wrong_rate, min_answer
            )
            temperature, thresholds, report = cal.temperature, cal.thresholds, cal.report
        thresholds = Thresholds(
            answer=thresholds.answer if answer_threshold is None else answer_threshold,
            clarify=thresholds.clarify if clarify_threshold is None else clarify_threshold,
            margin=thresholds.margin if margin is None else margin,
            coverage=min_coverage,
        )
        vec = _Vectorizer(corpus, every)
        weights, bias = _fit_weights(vec.transform_rows(corpus, every), y, len(labels))
        return cls(
            vectorizer=vec,
            weights=weights,
            bias=bias,
            labels=labels,
            none_index=none_index,
            temperature=temperature,
            thresholds=thresholds,
            max_tokens=max_tokens,
            speller=_Speller(w for text, _ in pairs for w in _words(text)),
            report=report,
        )

    @staticmethod
    def _calibrate(
        corpus: _Corpus,
        y: NDArray[np.int64],
        n_classes: int,
        none_index: int | None,
        k: int,
        max_wrong_rate: float,
        min_answer: float,
    ) -> _Calibration:
        fold = _folds(y.tolist(), k)
        raw = np.zeros((len(y), n_classes), dtype=np.float64)
        for f in range(k):
            test = np.flatnonzero(fold == f)
            train = np.flatnonzero(fold != f)
            if len(test) == 0 or len(train) == 0:
                continue
            vec = _Vectorizer(corpus, train)
            weights, bias = _fit_weights(vec.transform_rows(corpus, train), y[train], n_classes)
            x_test = vec.transform_rows(corpus, test)
            raw[test] = np.asarray(x_test @ weights) + bias
        # Temperature by held-out log-likelihood: makes the scores honest probabilities.
        best_t, best_nll = 1.0, math.inf
        for t in np.geomspace(0.01, 3.0, 60):
            p = _softmax(raw, float(t))
            nll = -float(np.mean(np.log(p[np.arange(len(y)), y] + 1e-12)))
            if nll < best_nll:
                best_t, best_nll = float(t), nll
        probs = _softmax(raw, best_t)
        thresholds, report = _choose_thresholds(probs, y, none_index, max_wrong_rate, min_answer)
        report["temperature"] = best_t
        return _Calibration(best_t, thresholds, report)

    # -- matching ---------------------------------------------------------------------------

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
        t = self.thresholds
        clone = object.__new__(Matcher)
        clone.__dict__.update(self.__dict__)
        clone.thresholds = Thresholds(
            answer=t.answer if answer is None else answer,
            clarify=t.clarify if clarify is None else clarify,
            margin=t.margin if margin is None else margin,
            coverage=t.coverage if coverage is None else coverage,
        )
        return clone

    def _probs(self, doc: _Analyzed) -> NDArray[np.float64] | None:
        idx, vals = self._vec.transform_one(doc)
        if len(idx) == 0:
            return None
        raw = vals.astype(np.float32) @ self._weights[idx] + self._bias
        return _softmax(raw.astype(np.float64), self._temperature)

    def _coverage(self, doc: _Analyzed) -> float:
        words = [s for s in doc.stems if not s.isdigit()]
        if not words:
            return 0.0
        known = self._vec.stems
        return sum(s in known for s in words) / len(words)

    def match(self, text: str) -> Match:
        if not isinstance(text, str):
            text = str(text)
        doc = _analyze(text)
        # Digits and symbols alone carry no question (an ID typed at the wrong moment).
        if not any(ch.isalpha() for s in doc.stems for ch in s):
            return Match(text, HANDOVER, None, 0.0, ())
        if self._speller is not None and self._coverage(doc) < self.thresholds.coverage:
            # Mostly unknown words: read it again with typos repaired.
            doc = _analyze(text, self._speller)
        return self._decide(text, doc)

    def _decide(self, text: str, doc: _Analyzed) -> Match:
        probs = self._probs(doc)
        if probs is None:
            return Match(text, HANDOVER, None, 0.0, ())
        intent_probs = probs[self._intent_idx]
        top = np.argsort(-intent_probs)[:_TOP_K]
        candidates = tuple(
            Candidate(self._labels[self._intent_idx[i]], float(intent_probs[i])) for i in top
        )
        p1 = candidates[0].score
        p2 = candidates[1].score if len(candidates) > 1 else 0.0
        t = self.thresholds
        out_of_scope = self._none_index is not None and int(probs.argmax()) == self._none_index
        too_long = len(doc.stems) > self._max_tokens
        if out_of_scope:
            return Match(text, HANDOVER, None, p1, candidates)
        if (
            p1 >= t.answer
            and p1 - p2 >= t.margin
            and not too_long
            and self._coverage(doc) >= t.coverage
        ):
            return Match(text, ANSWER, candidates[0].intent, p1, candidates)
        if sum(c.score for c in candidates) >= t.clarify:
            return Match(text, CLARIFY, candidates[0].intent, p1, candidates)
        return Match(text, HANDOVER, None, p1, candidates)
