"""What the guide's procedure steps say: the review period, the referral, the declaration."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from faq.identity import drop_lam
from faq.keywords import any_of, keywords, valued
from faq.normalize import normalize
from faq.profile import ReviewPeriod
from faq.sections import Sections, tidy

__all__ = ["ProcedureFacts", "period_days", "read_procedure"]

Translate = Callable[..., str]

_REVIEW_PHRASE = re.compile(r"(خلال\s+[^.،,]*)")
_REFERRAL = re.compile(
    r"(?:احالته|إحالته|تحويله|يحال(?:\s+\S+){1,3}?(?=\s+(?:إلى|الى)\s))\s+(?:إلى\s+|الى\s+)?"
    r"(.+?)(?:\s+للإجابة|\s+للاجابة|[.،,]|$)"
)
# The guide's declaration clause: the kind of responsibility it names ("مسؤولية مباشرة",
# "المسؤولية النظامية"), in normalised spelling.
_RESPONSIBILITY = re.compile(r"مسووليه\s+(\S+)|المسووليه\s+(\S+)")
# A procedure written as a paragraph: its sentences, and the clauses that start a new step
# («…، ثم يتحقق الموظف», «…، وفي حال عدم وضوح الإجراءات …»).
_STEP_BREAK = re.compile(
    r"(?<=[.!؟?])\s+|[،,]\s*(?=(?:ثم|بعد ذلك|وبعد ذلك|وإذا|واذا|وفي حال|وعند)\s)"
)


def step(steps: list[str], use: str) -> str | None:
    """The first step that has one of the keywords of ``use``, tidied."""
    needles = keywords(use)
    return next((tidy(s) for s in steps if any(n in normalize(s) for n in needles)), None)


def review_period(steps: list[str]) -> tuple[ReviewPeriod | None, str | None]:
    found = next((s for s in steps if _says_review_time(normalize(s))), None)
    if found is None:
        return None, None
    m = _REVIEW_PHRASE.search(found)
    phrase = tidy(m.group(1)) if m else tidy(found)
    return ReviewPeriod(days=period_days(phrase), phrase=phrase), found


def _says_review_time(norm: str) -> bool:
    """A step that says how long the review takes ("تتم دراسة الطلب خلال 10 أيام")."""
    return all(re.search(any_of(use), norm) for use in ("review_time", "review_act"))


@lru_cache(maxsize=1)
def _digit_period() -> re.Pattern[str]:
    return re.compile(rf"(\d+)\)?\s*({any_of('unit')})")


@lru_cache(maxsize=1)
def _counted_period() -> re.Pattern[str]:
    return re.compile(rf"({any_of('number')})\s+({any_of('counted_unit')})")


def _days(use: str, word: str) -> int:
    return next(int(value) for value, keyword in valued(use) if keyword == word)


def period_days(phrase: str) -> int | None:
    """Days in a period as guides write it ("خلال 10 أيام", "خلال ثلاثة أسابيع", "شهرين")."""
    norm = normalize(phrase)
    if number := _digit_period().search(norm):
        return int(number.group(1)) * _days("unit", number.group(2))
    if counted := _counted_period().search(norm):
        return _days("number", counted.group(1)) * _days("counted_unit", counted.group(2))
    return next((int(days) for days, word in valued("period") if word in norm), None)


def referral_role(referral_step: str | None) -> str | None:
    if referral_step and (m := _REFERRAL.search(referral_step)):
        return drop_lam(tidy(m.group(1)))
    return None


def declaration(clause: str, tr: Translate) -> str:
    """What the beneficiary declares, in their own voice, from the guide's staff-side clause.

    The guide tells staff to make sure ("التأكد على صحة البيانات … وأنه مسؤول مسؤولية مباشرة
    …"); the person accepting says it of themselves, with the kind of responsibility the
    clause names.
    """
    m = _RESPONSIBILITY.search(normalize(clause))
    word = (m.group(1) or m.group(2)) if m else ""
    kind = next((k for k, w in valued("responsibility") if w == word), "other")
    return tr("declaration-first-person", kind=kind)


@dataclass(frozen=True)
class ProcedureFacts:
    """What the procedure section gives: its steps and the facts read from them."""

    title: str | None
    steps: list[str]
    period: ReviewPeriod | None  # None: the guide states no review period
    period_step: str | None
    referral_step: str | None
    referral_role: str | None
    clause: str | None  # the declaration as the guide writes it, for staff
    declaration: str | None  # the same in the beneficiary's voice
    complete_step: str | None


def steps_of(sections: Sections) -> list[str]:
    """The procedure's steps: its list, or the sentences of a procedure told as prose."""
    listed = sections.items("procedure")
    if listed:
        return listed
    prose = sections.prose("procedure")
    return [tidy(s) for s in _STEP_BREAK.split(prose) if tidy(s)]


def read_procedure(sections: Sections, tr: Translate) -> ProcedureFacts:
    steps = steps_of(sections)
    period, period_step = review_period(steps)
    referral_step = step(steps, "referral_step")
    clause = step(steps, "declaration_step")
    return ProcedureFacts(
        title=sections.title("procedure"),
        steps=steps,
        period=period,
        period_step=period_step,
        referral_step=referral_step,
        referral_role=referral_role(referral_step),
        clause=clause,
        declaration=declaration(clause, tr) if clause else None,
        complete_step=step(steps, "completion_step"),
    )
