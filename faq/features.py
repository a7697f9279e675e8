"""The matcher's features: sparse TF-IDF over the dialect-mapped text, in three blocks.

* character n-grams (1-4, inside word boundaries) of the words: robust to spelling
  variants and clitics that a word vocabulary would miss;
* character n-grams (2-4) of light stems: the same after stripping ال/و/ب… and suffixes,
  so that "بطاقتي" and "البطاقه" share more;
* stem unigrams and bigrams: keep apart questions that share letters but not words
  ("ابي دعم" vs "ابي ادعم").
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from faq.dialect import to_msa
from faq.normalize import light_stem, normalize
from faq.spelling import Speller

__all__ = ["Analyzed", "Corpus", "Vectorizer", "analyze", "encode", "words"]

# Features are taken from the start of a message only: a real question fits well within it,
# and the cost of a match must not grow with a pasted essay.
_MAX_CHARS = 600
_CHAR_RANGE = (1, 4)
_STEM_CHAR_RANGE = (2, 4)
# Relative weight of each feature block (chars, stem chars, stem words) before the final
# L2 normalisation. Word features are a tie-breaker, chars carry most of the signal.
_BLOCK_WEIGHTS = (1.0, 1.0, 0.5)
_BLOCK_WEIGHT_ARRAY = np.asarray(_BLOCK_WEIGHTS, dtype=np.float64)


@dataclass(frozen=True)
class Analyzed:
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


def words(text: str) -> list[str]:
    return normalize(text[:_MAX_CHARS]).split()


def analyze(text: str, speller: Speller | None = None) -> Analyzed:
    found = words(text)
    if speller is not None:
        found = speller.repair(found)
    found = to_msa(found)
    stems = [light_stem(w) for w in found]
    chars = _char_ngrams(found, *_CHAR_RANGE, tag="")
    # Distinct tags keep the blocks' vocabularies apart: normalised text has no upper case
    # and no ':'.
    stem_chars = _char_ngrams(stems, *_STEM_CHAR_RANGE, tag="S")
    stem_words = [f"s:{s}" for s in stems] + [f"t:{a} {b}" for a, b in pairwise(stems)]
    return Analyzed((tuple(chars), tuple(stem_chars), tuple(stem_words)), tuple(stems))


@dataclass(frozen=True)
class Corpus:
    """Training texts encoded once: term counts over every feature seen in any of them."""

    features: list[str]
    block_of: NDArray[np.int64]
    counts: sp.csr_matrix
    stems: list[tuple[str, ...]]


def encode(docs: Sequence[Analyzed]) -> Corpus:
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
    return Corpus(list(ids), np.asarray(block_of, dtype=np.int64), counts, [d.stems for d in docs])


def _weigh(
    counts: sp.csr_matrix, idf: NDArray[np.float64], block_of: NDArray[np.int64]
) -> sp.csr_matrix:
    """Batch form of :meth:`Vectorizer.transform_one` (same numbers), for training."""
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


class Vectorizer:
    """Sublinear TF-IDF per block, L2 per block, weighted, then L2 over the whole vector.

    The vocabulary is what the given training rows contain, so that cross-validation sees
    unknown n-grams in held-out questions exactly as a live matcher would.
    """

    def __init__(self, corpus: Corpus, rows: NDArray[np.int64]) -> None:
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

    def with_stems(self, stems: Iterable[str]) -> Vectorizer:
        """The same features, with more stems counted as known (the coverage guard's)."""
        clone = copy.copy(self)
        clone.stems = self.stems | frozenset(stems)
        return clone

    def transform_rows(self, corpus: Corpus, rows: NDArray[np.int64]) -> sp.csr_matrix:
        return _weigh(corpus.counts[rows][:, self._keep], self.idf, self.block_of)

    def transform_one(self, doc: Analyzed) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
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
