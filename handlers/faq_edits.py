"""The FAQ's own edits on top of the profile: what they make of it, and what they accept.

`effective` is pure: the profile's entries and the edits in force, in order, give the
entries in service (extra phrasings, new entries, replaced answers) and the out-of-scope
examples. Applying the same edits twice gives the same FAQ (`faq export` writes them into
the profile files, where they then meet themselves again).
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence

from faq.calibration import Calibration
from faq.normalize import normalize
from faq.profile import FaqEntry, Profile
from faq.service import NONE_LABEL, FaqService
from handlers import identifiers
from handlers.errors import Refusal
from handlers.faq_types import ANSWER, ENTRY, NEGATIVE, PHRASING, FaqEdit, LiveFaq
from storage.faq_models import FaqEditRow

INTENT_ID = re.compile(r"[a-z][a-z0-9_]{1,63}")
_LETTER = re.compile(r"\w", re.UNICODE)
_MASKED = re.compile(r"[0-9\u0660-\u0669*•+\u2066-\u2069]+")


def to_edit(row: FaqEditRow) -> FaqEdit:
    return FaqEdit(
        id=row.id,
        kind=row.kind,
        intent=row.intent,
        answer=row.answer,
        questions=[str(q) for q in row.questions or []],
        actor=row.actor,
        at=row.created_at,
        reverted=row.reverted_by is not None,
        reverts=row.reverts,
        group=row.group_key,
        previous_answer=row.previous_answer,
        version=row.version,
    )


def effective(
    entries: Sequence[FaqEntry], edits: Iterable[FaqEdit]
) -> tuple[list[FaqEntry], list[str]]:
    """The entries in service and the out-of-scope questions, from the edits in force."""
    result = {e.id: dataclasses.replace(e, questions=list(e.questions)) for e in entries}
    negatives: list[str] = []
    for edit in edits:
        if edit.kind == NEGATIVE:
            negatives += [q for q in edit.questions if q not in negatives]
        elif edit.kind == ENTRY and edit.intent and edit.intent not in result:
            result[edit.intent] = FaqEntry(id=edit.intent, answer=edit.answer or "", questions=[])
        if edit.intent in result and edit.kind in (ENTRY, ANSWER) and edit.answer:
            result[edit.intent].answer = edit.answer
        if edit.intent in result and edit.kind in (ENTRY, PHRASING):
            known = result[edit.intent].questions
            known += [q for q in edit.questions if q not in known]
    return list(result.values()), negatives


def build_service(
    profile: Profile,
    entries: Sequence[FaqEntry],
    missing: Mapping[str, str],
    edits: Iterable[FaqEdit],
    *,
    out_of_scope: Sequence[str] = (),
    calibration: Calibration | None = None,
) -> FaqService:
    """The FAQ service of the profile with `edits` on top (seconds: train in a thread)."""
    in_service, negatives = effective(entries, edits)
    extra = [(q, NONE_LABEL) for q in [*out_of_scope, *negatives]]
    return FaqService.build(profile, in_service, missing, extra=extra, calibration=calibration)


Build = Callable[[list[FaqEdit]], FaqService]


class Retrainer:
    """What a process retrains with after an edit (`live` starts with the profile's FAQ).

    An edit that only adds questions is taught on the spot to the matcher in service (its
    classes refitted alone: well under a second), and the service returned carries the
    full retrain as `settle`. Every full retrain keeps the calibration of the version in
    service, the profile's own cross-validated one: one fit instead of six. An edit that
    changes only answers keeps the matcher; one that takes questions away (a revert) is
    retrained in full at once.
    """

    def __init__(
        self,
        profile: Profile,
        entries: Sequence[FaqEntry],
        missing: Mapping[str, str],
        live: LiveFaq,
        *,
        out_of_scope: Sequence[str] = (),
    ) -> None:
        self.profile, self.entries, self.missing = profile, list(entries), dict(missing)
        self.live, self.out_of_scope = live, list(out_of_scope)
        # What the matcher in service learnt from, beyond the bank.
        self._trained = _examples(entries, out_of_scope)

    def __call__(self, edits: list[FaqEdit]) -> FaqService:
        current = self.live.current()
        in_service, negatives = effective(self.entries, edits)
        examples = _examples(in_service, [*self.out_of_scope, *negatives])
        added = _added(self._trained, examples)
        self._trained = examples
        if added is None:
            return self.exact(edits)
        if not added:
            return FaqService(
                self.profile, in_service, current.matcher, self.missing, current.names
            )
        fast = current.with_examples(in_service, added)
        fast.settle = functools.partial(self.exact, edits)
        return fast

    def exact(self, edits: list[FaqEdit]) -> FaqService:
        """The full retrain, with the calibration of the version in service."""
        reuse = self.live.current().matcher.calibration
        return build_service(
            self.profile,
            self.entries,
            self.missing,
            edits,
            out_of_scope=self.out_of_scope,
            calibration=reuse,
        )


def _examples(entries: Iterable[FaqEntry], negatives: Iterable[str]) -> list[tuple[str, str]]:
    return [(q, e.id) for e in entries for q in e.questions] + [(q, NONE_LABEL) for q in negatives]


def _added(
    before: list[tuple[str, str]], after: list[tuple[str, str]]
) -> list[tuple[str, str]] | None:
    """The examples `after` adds to `before`; None when it also takes some away."""
    gained, lost = Counter(after), Counter(before)
    if lost - gained:
        return None
    return list((gained - lost).elements())


def question(text: str) -> str:
    """A question fit to train on: stripped, identifiers masked; refused when empty or
    nothing but a national ID or a mobile number."""
    text = " ".join(text.split())
    if not text:
        raise Refusal("teach-error-empty-question")
    masked = identifiers.mask_identifiers(text)
    if masked != text and not _LETTER.search(_MASKED.sub("", masked)):
        raise Refusal("teach-error-only-identifier")
    return masked


def questions(texts: Iterable[str]) -> list[str]:
    found: list[str] = []
    for text in texts:
        q = question(text)
        if q not in found:
            found.append(q)
    return found


def answer(text: str) -> str:
    text = text.strip()
    if not text:
        raise Refusal("teach-error-empty-answer")
    return text


def new_intent(intent: str, known: Iterable[str]) -> str:
    intent = intent.strip()
    if not INTENT_ID.fullmatch(intent) or intent == NONE_LABEL:
        raise Refusal("teach-error-invalid-intent", intent=intent)
    if intent in set(known):
        raise Refusal("teach-error-duplicate-intent", intent=intent)
    return intent


def known_intent(intent: str, known: Iterable[str]) -> str:
    intent = intent.strip()
    if intent not in set(known):
        raise Refusal("teach-error-unknown-intent", intent=intent)
    return intent


def same_question(a: str, b: str) -> bool:
    return normalize(a) == normalize(b)


def usable(texts: Iterable[str]) -> list[str]:
    """A group's wordings fit to train on (one that is only a number is left out)."""
    found: list[str] = []
    for text in texts:
        try:
            q = question(text)
        except Refusal:
            continue
        if q not in found:
            found.append(q)
    return found
