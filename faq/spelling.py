"""Typo repair for the matcher: an unknown word becomes the closest training word.

Only questions whose words are mostly unknown are repaired (the matcher's coverage guard):
repairing every question cost two points of ArBanking77 top-1, since an unknown word is
as often a real dialect word the examples lack as a typo.
"""

from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz import fuzz, process

__all__ = ["Speller"]

# Shorter words have too many near neighbours to repair safely.
_REPAIR_MIN_LEN = 4
_REPAIR_CUTOFF = 80.0
_REPAIR_CACHE = 4096


class Speller:
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

    def _repaired(self, word: str) -> str:
        fixed = self._cache.get(word)
        if fixed is None:
            fixed = self._nearest(word)
            if len(self._cache) < _REPAIR_CACHE:
                self._cache[word] = fixed
        return fixed

    def repair(self, words: list[str]) -> list[str]:
        return [
            w
            if w in self.known or len(w) < _REPAIR_MIN_LEN or not w.isalpha()
            else self._repaired(w)
            for w in words
        ]
