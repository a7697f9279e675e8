"""One association's FAQ ready to answer: profile + answers + a matcher trained once.

The shared question bank (`faq/data/questions.tsv`) says how people ask each canonical
intent; a profile may add its own entries and phrasings in `faq.yaml`.  Both train one
matcher when the service is built, so answering a question is only a lookup.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from faq.calibration import Calibration
from faq.evaluate import read_tsv
from faq.matcher import HANDOVER, Match, Matcher
from faq.names import NameList, default_names
from faq.profile import FAQ_FILE, FaqEntry, Profile, load_profile_dir, render_answer

BANK_PATH = Path(__file__).resolve().parent / "data" / "questions.tsv"
NONE_LABEL = "none"
# faq.yaml's list of questions staff marked out of scope (trained as NONE_LABEL).
OUT_OF_SCOPE_KEY = "out_of_scope"
# Intents that open or close a chat; people put them in front of their real question.
SOCIAL_INTENTS = frozenset({"greeting", "thanks"})
_OPENING_WORDS = 4
_OPENINGS_CACHE = 4096
_ANSWERS_CACHE = 1024
_SEGMENT = re.compile(r"[\n،,.!؟?]+")


def _splits(text: str) -> list[tuple[str, str]]:
    """Where a message may split into an opening and a question, the likeliest first."""
    parts = [p for p in _SEGMENT.split(text, maxsplit=1) if p.strip()]
    words = text.split()
    splits = [(parts[0], parts[1])] if len(parts) == 2 else []
    # Longest opening first, and only one: "السلام عليكم ورحمة الله" rather than "السلام".
    splits += [
        (" ".join(words[:k]), " ".join(words[k:]))
        for k in range(min(_OPENING_WORDS, len(words) - 1), 0, -1)
    ]
    return splits


def load_bank(path: Path = BANK_PATH) -> list[tuple[str, str]]:
    return read_tsv(path)


def load_out_of_scope(directory: Path) -> list[str]:
    """The questions `faq.yaml` marks out of scope (`out_of_scope:`, written by `faq export`)."""
    try:
        data = yaml.safe_load((directory / FAQ_FILE).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return []  # load_profile_dir says what is wrong with the file
    found = data.get(OUT_OF_SCOPE_KEY) if isinstance(data, dict) else None
    return [str(q) for q in found] if isinstance(found, list) else []


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
        names: NameList | None = None,
    ) -> None:
        self.profile = profile
        self.entries = {e.id: e for e in entries}
        self.matcher = matcher
        self._missing = dict(missing_phrases)
        self.names = default_names() if names is None else names
        self._openings: dict[str, bool] = {}
        self._recent: OrderedDict[str, Answer] = OrderedDict()
        # For a service taught on the spot (`with_examples`): the full retrain it stands in
        # for, which whoever keeps it in service runs next.
        self.settle: Callable[[], FaqService] | None = None

    @classmethod
    def build(
        cls,
        profile: Profile,
        entries: list[FaqEntry],
        missing_phrases: Mapping[str, str],
        bank: list[tuple[str, str]] | None = None,
        names: NameList | None = None,
        extra: Iterable[tuple[str, str]] = (),
        calibration: Calibration | None = None,
    ) -> FaqService:
        """Train on the bank's examples of `entries`, their own questions, and `extra`
        (staff's examples: out-of-scope ones are labelled NONE_LABEL); with `calibration`
        (the version in service's) it is reused rather than cross-validated anew."""
        names = default_names() if names is None else names
        known = {e.id for e in entries}
        examples = [
            (text, intent)
            for text, intent in (load_bank() if bank is None else bank)
            if intent in known or intent == NONE_LABEL
        ]
        examples += [(q, e.id) for e in entries for q in e.questions]
        # Names on the out-of-scope side, so that a name the list lacks still leans there.
        examples += [(n, NONE_LABEL) for n in names.examples()]
        examples += [(text, intent) for text, intent in extra if intent in known | {NONE_LABEL}]
        matcher = Matcher.train(examples, calibration=calibration)
        return cls(profile, entries, matcher, missing_phrases, names)

    def with_examples(
        self, entries: Iterable[FaqEntry], examples: Iterable[tuple[str, str]]
    ) -> FaqService:
        """`entries` answered by this service's matcher taught `examples` on the spot
        (`Matcher.with_examples`: a fraction of a retrain)."""
        matcher = self.matcher.with_examples(examples)
        return FaqService(self.profile, entries, matcher, self._missing, self.names)

    @classmethod
    def from_dir(cls, directory: Path, missing_phrases: Mapping[str, str]) -> FaqService:
        profile, entries = load_profile_dir(directory)
        extra = [(q, NONE_LABEL) for q in load_out_of_scope(directory)]
        return cls.build(profile, entries, missing_phrases, extra=extra)

    def answer_text(self, intent: str) -> str | None:
        entry = self.entries.get(intent)
        return render_answer(entry, self.profile, self._missing) if entry else None

    def action(self, intent: str | None) -> str | None:
        entry = self.entries.get(intent or "")
        return entry.action if entry else None

    def _is_social(self, opening: str) -> bool:
        # Openings repeat endlessly ("السلام عليكم", "مرحبا"): remember what each one is.
        known = self._openings.get(opening)
        if known is None:
            lead = self.matcher.match(opening)
            known = lead.decision == "answer" and lead.intent in SOCIAL_INTENTS
            if len(self._openings) < _OPENINGS_CACHE:
                self._openings[opening] = known
        return known

    def _question_after_opening(self, text: str, first: Match) -> Match:
        """Match "السلام عليكم، وش خدماتكم؟" by its question, not by its greeting.

        Only when the whole message got no confident answer: the leading segment (or first
        words) must itself be a confident greeting or thanks, and what follows must be a
        confident answer of its own.
        """
        if first.decision == "answer":
            # Confidently a question, or confidently just a greeting or thanks
            # ("شكراً جزيلاً على المساعدة" is thanks, whatever "المساعدة" says alone).
            return first
        if not any(c.intent in SOCIAL_INTENTS for c in first.candidates):
            return first  # nothing greeting-like in it: no opening to strip
        rest = next((r for opening, r in _splits(text) if self._is_social(opening)), None)
        if rest is not None:
            question = self.matcher.match(rest)
            if question.decision == "answer" and question.intent not in SOCIAL_INTENTS:
                return Match(
                    text, question.decision, question.intent, question.score, question.candidates
                )
        return first

    def match(self, text: str) -> Match:
        """The decision the bot takes on ``text`` (what `faq eval` measures)."""
        return self.ask(text).match

    def ask(self, text: str) -> Answer:
        # The engine asks once before its transaction and the dialog again inside it;
        # common questions also recur across people.
        cached = self._recent.get(text)
        if cached is not None:
            self._recent.move_to_end(text)
            return cached
        answer = self._ask(text)
        self._recent[text] = answer
        if len(self._recent) > _ANSWERS_CACHE:
            self._recent.popitem(last=False)
        return answer

    def _ask(self, text: str) -> Answer:
        if self.names.is_only_names(text):
            # Someone's name is never a question, however its letters score.
            return Answer(match=Match(text, HANDOVER, None, 0.0, ()), text=None, action=None)
        match = self._question_after_opening(text, self.matcher.match(text))
        if match.decision != "answer" or match.intent is None:
            return Answer(match=match, text=None, action=None)
        return Answer(
            match=match, text=self.answer_text(match.intent), action=self.action(match.intent)
        )
