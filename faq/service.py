"""One association's FAQ ready to answer: profile + answers + a matcher trained once.

The shared question bank (`faq/data/questions.tsv`) says how people ask each canonical
intent; a profile may add its own entries and phrasings in `faq.yaml`.  Both train one
matcher when the service is built, so answering a question is only a lookup.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from faq.evaluate import read_tsv
from faq.matcher import Match, Matcher
from faq.profile import FaqEntry, Profile, load_profile_dir, render_answer

BANK_PATH = Path(__file__).resolve().parent / "data" / "questions.tsv"
NONE_LABEL = "none"


def load_bank(path: Path = BANK_PATH) -> list[tuple[str, str]]:
    return read_tsv(path)


@dataclass(frozen=True)
class Answer:
    match: Match
    text: str | None
    action: str | None


class FaqService:
    def __init__(
        self,
        profile: Profile,
        entries: Iterable[FaqEntry],
        matcher: Matcher,
        missing_phrases: Mapping[str, str],
    ) -> None:
        self.profile = profile
        self.entries = {e.id: e for e in entries}
        self.matcher = matcher
        self._missing = dict(missing_phrases)

    @classmethod
    def build(
        cls,
        profile: Profile,
        entries: list[FaqEntry],
        missing_phrases: Mapping[str, str],
        bank: list[tuple[str, str]] | None = None,
    ) -> FaqService:
        known = {e.id for e in entries}
        examples = [
            (text, intent)
            for text, intent in (load_bank() if bank is None else bank)
            if intent in known or intent == NONE_LABEL
        ]
        examples += [(q, e.id) for e in entries for q in e.questions]
        return cls(profile, entries, Matcher.train(examples), missing_phrases)

    @classmethod
    def from_dir(cls, directory: Path, missing_phrases: Mapping[str, str]) -> FaqService:
        profile, entries = load_profile_dir(directory)
        return cls.build(profile, entries, missing_phrases)

    def answer_text(self, intent: str) -> str | None:
        entry = self.entries.get(intent)
        return render_answer(entry, self.profile, self._missing) if entry else None

    def action(self, intent: str | None) -> str | None:
        entry = self.entries.get(intent or "")
        return entry.action if entry else None

    def ask(self, text: str) -> Answer:
        match = self.matcher.match(text)
        if match.decision != "answer" or match.intent is None:
            return Answer(match=match, text=None, action=None)
        return Answer(
            match=match, text=self.answer_text(match.intent), action=self.action(match.intent)
        )
