"""The matcher's one linear layer: a one-vs-rest linear SVM plus the class centroids.

The centroids (nearest-centroid cosine) add robustness when an intent has only a handful
of examples. Both are linear in the features, so they fold into one matrix and a match is
a gather over the query's features followed by a softmax.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from faq.features import Analyzed, Corpus, Vectorizer

__all__ = ["LinearModel", "class_weights", "fit_weights", "softmax"]

_SVM_C = 1.0
# How much the centroid cosine counts next to the SVM decision values.
_CENTROID_WEIGHT = 2.0
# A class absent from a training split gets this bias, so that it never wins.
_ABSENT_BIAS = -1e3


def _svm_weights(
    x: sp.csr_matrix, y: NDArray[np.int64], n_classes: int
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    from sklearn.svm import LinearSVC  # training only: keep it off the import path of match

    weights = np.zeros((x.shape[1], n_classes), dtype=np.float64)
    bias = np.zeros(n_classes, dtype=np.float64)
    if len(np.unique(y)) < 2:
        return weights, bias
    svm = LinearSVC(C=_SVM_C)
    svm.fit(x, y)
    coef = np.asarray(svm.coef_)
    intercept = np.asarray(svm.intercept_)
    if len(svm.classes_) == 2:
        # sklearn returns one hyperplane for two classes: the positive class is the second.
        coef = np.vstack([-coef, coef])
        intercept = np.concatenate([-intercept, intercept])
    for row, cls in enumerate(svm.classes_):
        weights[:, int(cls)] += coef[row]
        bias[int(cls)] += intercept[row]
    return weights, bias


def _centroids(x: sp.csr_matrix, y: NDArray[np.int64], n_classes: int) -> NDArray[np.float64]:
    # All class centroids in one sparse product (a per-class mean is much slower).
    onehot = sp.csr_matrix((np.ones(len(y)), (y, np.arange(len(y)))), shape=(n_classes, len(y)))
    sums = np.asarray((onehot @ x).toarray())
    norms = np.linalg.norm(sums, axis=1, keepdims=True)
    out: NDArray[np.float64] = np.divide(sums, norms, out=np.zeros_like(sums), where=norms > 0)
    return out


def fit_weights(
    x: sp.csr_matrix, y: NDArray[np.int64], n_classes: int
) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
    """Return (features x classes) weights and per-class bias of SVM + centroid scores."""
    weights, bias = _svm_weights(x, y, n_classes)
    bias[np.setdiff1d(np.arange(n_classes), np.unique(y))] = _ABSENT_BIAS
    weights += _CENTROID_WEIGHT * _centroids(x, y, n_classes).T
    return weights.astype(np.float32), bias.astype(np.float32)


def class_weights(
    x: sp.csr_matrix, members: NDArray[np.bool_]
) -> tuple[NDArray[np.float64], float]:
    """One class's column of `fit_weights` (its one-vs-rest SVM plus its centroid) and its
    bias, refitted alone: what an added example of that class changes most."""
    from sklearn.svm import LinearSVC

    rows = x[np.flatnonzero(members)]
    centroid = np.asarray(rows.sum(axis=0)).ravel()
    norm = float(np.linalg.norm(centroid))
    column = _CENTROID_WEIGHT * (centroid / norm if norm > 0 else centroid)
    if members.all() or not members.any():
        return column, 0.0
    svm = LinearSVC(C=_SVM_C).fit(x, members.astype(np.int64))
    return column + np.asarray(svm.coef_).ravel(), float(np.asarray(svm.intercept_)[0])


def softmax(scores: NDArray[np.float64], temperature: float) -> NDArray[np.float64]:
    z = scores / temperature
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    out: NDArray[np.float64] = e / e.sum(axis=-1, keepdims=True)
    return out


@dataclass(frozen=True)
class LinearModel:
    """The trained layer: vocabulary, weights, bias and the softmax temperature."""

    vectorizer: Vectorizer
    weights: NDArray[np.float32]
    bias: NDArray[np.float32]
    temperature: float

    @classmethod
    def fit(
        cls, corpus: Corpus, y: NDArray[np.int64], n_classes: int, temperature: float
    ) -> LinearModel:
        every = np.arange(corpus.counts.shape[0], dtype=np.int64)
        vec = Vectorizer(corpus, every)
        weights, bias = fit_weights(vec.transform_rows(corpus, every), y, n_classes)
        return cls(vec, weights, bias, temperature)

    def probs(self, doc: Analyzed) -> NDArray[np.float64] | None:
        idx, vals = self.vectorizer.transform_one(doc)
        if len(idx) == 0:
            return None
        raw = vals.astype(np.float32) @ self.weights[idx] + self.bias
        return softmax(raw.astype(np.float64), self.temperature)
