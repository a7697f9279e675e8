"""Grouping the unanswered questions: similar wording, one group, the biggest first.

Each question is a TF-IDF vector of the character 2-4-grams of its normalised text (so
«متى تفتحون» and «متى تفتحوا» meet despite the suffix, and a typo costs little). Taken
oldest first, a question joins the group whose centroid is closest if the cosine is at
least `THRESHOLD`, or starts a group of its own. A group's key is its first question's
id: it stays while the group is listed, whatever joins it later.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from faq.normalize import normalize
from handlers.faq_types import OUTCOME_NOTHING, OUTCOME_PICKED, MissGroup

THRESHOLD = 0.45
EXAMPLES = 5
CANDIDATES = 3
# A person's pressed topic says more than the matcher's guess.
PICKED_WEIGHT = 2.0


@dataclass(frozen=True)
class Question:
    """One stored question as grouping needs it."""

    id: int
    text: str
    decision: str
    candidates: tuple[tuple[str, float], ...]
    outcome: str | None
    outcome_intent: str | None
    at: datetime


def cluster(texts: list[str], threshold: float = THRESHOLD) -> list[int]:
    """Each text's group number, groups numbered in order of their first text."""
    if not texts:
        return []
    vectors = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True)
    try:
        matrix = vectors.fit_transform([normalize(t) or t for t in texts])
    except ValueError:  # nothing but characters the analyser drops
        return list(range(len(texts)))
    similar = (matrix @ matrix.T).toarray()
    labels = np.full(len(texts), -1, dtype=np.int64)
    norms: list[float] = []  # each group's |sum of its vectors|², kept as it grows
    for i in range(len(texts)):
        group = _closest(similar, labels, norms, i, threshold)
        if group < 0:
            group = len(norms)
            norms.append(0.0)
        members = similar[i, :i][labels[:i] == group]
        norms[group] += 2 * float(members.sum()) + float(similar[i, i])
        labels[i] = group
    return [int(g) for g in labels]


def _closest(
    similar: np.ndarray, labels: np.ndarray, norms: list[float], i: int, threshold: float
) -> int:
    if not norms:
        return -1
    sums = np.bincount(labels[:i], weights=similar[i, :i], minlength=len(norms))
    cosines = sums / np.sqrt(np.maximum(norms, 1e-12))
    best = int(np.argmax(cosines))
    return best if cosines[best] >= threshold else -1


def groups(questions: list[Question], threshold: float = THRESHOLD) -> list[MissGroup]:
    """The questions (oldest first) grouped, the biggest group first (then the newest)."""
    labels = cluster([q.text for q in questions], threshold)
    members: dict[int, list[Question]] = {}
    for label, q in zip(labels, questions, strict=True):
        members.setdefault(label, []).append(q)
    found = [_group(qs) for qs in members.values()]
    found.sort(key=lambda g: (-g.count, -g.last_seen.timestamp(), g.key))
    return found


def _group(members: list[Question]) -> MissGroup:
    examples: list[str] = []
    for q in reversed(members):  # the newest first, each wording once
        if q.text not in examples and len(examples) < EXAMPLES:
            examples.append(q.text)
    picked = Counter(q.outcome_intent for q in members if q.outcome == OUTCOME_PICKED)
    return MissGroup(
        key=str(members[0].id),
        count=len(members),
        examples=examples,
        candidates=_candidates(members, picked),
        first_seen=members[0].at,
        last_seen=members[-1].at,
        decisions=dict(Counter(q.decision for q in members)),
        outcomes=dict(Counter(q.outcome or OUTCOME_NOTHING for q in members)),
        picked={str(k): v for k, v in picked.items() if k},
        texts=tuple(dict.fromkeys(q.text for q in members)),
        ids=tuple(q.id for q in members),
    )


def _candidates(members: list[Question], picked: Counter[str | None]) -> list[str]:
    weight: dict[str, float] = {}
    for q in members:
        for intent, score in q.candidates:
            weight[intent] = weight.get(intent, 0.0) + score
    for chosen, times in picked.items():
        if chosen:
            weight[chosen] = weight.get(chosen, 0.0) + PICKED_WEIGHT * times
    return sorted(weight, key=lambda i: (-weight[i], i))[:CANDIDATES]
