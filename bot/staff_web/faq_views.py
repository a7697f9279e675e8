"""What the FAQ editor's pages show of the live FAQ: each entry with its label, the guide
section(s) it came from, an answer's preview as a person would read it, and how the bot
would answer a typed question (decision, score, candidates).

Read off the `FaqService` serving now (the learning core swaps it after each retrain), so
the pages always show the version the beneficiaries get.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bot.i18n import Catalog
from faq.guide import parse_guide
from faq.profile import CONTACT_FIELDS, FaqEntry, missing_phrases, render_answer
from faq.sections import kind_of
from faq.service import FaqService
from handlers.faq_learning import EntryView, FaqLearning, LiveFaq

# The guide a profile was built from, beside its profile.yaml and faq.yaml.
GUIDE_FILE = "guide.txt"
# An entry's `source` names its sections joined so (faq/answers.py).
_SOURCE_JOIN = " + "
_SPACES = re.compile(r"\s+")
MAX_QUESTION_CHARS = 500
# Under Telegram's 4,096 characters, with room for the filled placeholders.
MAX_ANSWER_CHARS = 3500
PLACEHOLDERS = tuple(f"{{{name}}}" for name in CONTACT_FIELDS)


@dataclass(frozen=True)
class FaqDesk:
    """What the FAQ pages need from the running core: the learning FAQ (its edits), the
    FAQ in service (what the bot answers now) and the guide's sections, title → text, to
    show beside an answer."""

    learning: FaqLearning
    live: LiveFaq
    guide: dict[str, str]


@dataclass(frozen=True)
class GuideSection:
    title: str
    text: str | None  # None: the guide has no section by that title (any more)


@dataclass(frozen=True)
class EntryRow:
    intent: str
    label: str
    answer: str
    source: str | None
    questions: int
    edited: bool


@dataclass(frozen=True)
class Candidate:
    intent: str
    label: str
    score: str


@dataclass(frozen=True)
class Asked:
    """How the bot would answer `question`, for the "how would the bot answer?" box."""

    question: str
    decision: str
    decision_label: str
    score: str
    intent: str | None
    label: str | None
    answer: str | None
    candidates: tuple[Candidate, ...]

    def to_json(self) -> dict[str, object]:
        return {
            "question": self.question,
            "decision": self.decision,
            "decision_label": self.decision_label,
            "score": self.score,
            "intent": self.intent,
            "label": self.label,
            "answer": self.answer,
            "candidates": [c.__dict__ for c in self.candidates],
        }


def _key(title: str) -> str:
    return _SPACES.sub(" ", title).strip()


def read_guide(path: Path | None) -> dict[str, str]:
    """The guide's sections, title → text, as the builder reads them; {} without one."""
    if path is None or not path.is_file():
        return {}
    text = path.read_text(encoding="utf-8", errors="replace")
    guide = parse_guide(text, is_known_title=lambda title: kind_of(title) is not None)
    # Its list items as a list again (the parser took their numbers and bullets off).
    return {
        _key(s.title): "\n".join([*s.paragraphs, *(f"• {item}" for item in s.items)])
        for s in guide.sections
    }


def guide_sections(source: str | None, guide: dict[str, str]) -> list[GuideSection]:
    if not source:
        return []
    titles = [_key(t) for t in source.split(_SOURCE_JOIN) if t.strip()]
    return [GuideSection(t, guide.get(t)) for t in titles]


def label_of(
    catalog: Catalog, service: FaqService, intent: str, questions: list[str] | None = None
) -> str:
    """The entry's name as the chat's buttons say it; a staff-made entry (no catalog name)
    by its first phrasing, else its id."""
    known = f"intent-{intent}"
    if catalog.has(known):
        return catalog.t(known)
    entry = service.entries.get(intent)
    phrasings = questions or (entry.questions if entry is not None else [])
    return phrasings[0] if phrasings else intent


def entry_rows(
    catalog: Catalog, service: FaqService, entries: Iterable[EntryView]
) -> list[EntryRow]:
    return [
        EntryRow(
            e.intent,
            label_of(catalog, service, e.intent, e.questions),
            e.answer,
            e.source,
            len(e.questions),
            e.edited,
        )
        for e in entries
    ]


def preview(catalog: Catalog, service: FaqService, answer: str) -> str:
    """The answer as a person reads it: placeholders filled from the profile (or the
    "not added yet" phrase), digits in the association's style."""
    entry = FaqEntry(id="preview", answer=answer)
    return render_answer(entry, service.profile, missing_phrases(catalog.t))


def _score(value: float) -> str:
    return f"{value:.2f}"


def ask(catalog: Catalog, service: FaqService, question: str) -> Asked:
    question = question.strip()[:MAX_QUESTION_CHARS]
    answer = service.ask(question)
    match = answer.match
    label = label_of(catalog, service, match.intent) if match.intent else None
    candidates = tuple(
        Candidate(c.intent, label_of(catalog, service, c.intent), _score(c.score))
        for c in match.candidates
    )
    return Asked(
        question=question,
        decision=match.decision,
        decision_label=catalog.t(f"faqedit-decision-{match.decision}"),
        score=_score(match.score),
        intent=match.intent,
        label=label,
        answer=answer.text,
        candidates=candidates,
    )
