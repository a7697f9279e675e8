"""What every part of the dialog shares: its wording, the menu and the plain replies.

`Dialog` (handlers/conversation.py) is built from this and its flows: the handover to a
person (handlers/handover.py) and completing a request that needs information
(handlers/completion.py).
"""

from __future__ import annotations

from faq.normalize import normalize
from faq.service import FaqService
from handlers.clock import Clock
from handlers.dates import format_time
from handlers.faq_types import LiveFaq
from handlers.hours import Schedule
from handlers.replies import Button, Reply, menu_button
from handlers.request_form import RequestForm
from handlers.turn import State, Turn
from handlers.types import Translate

MAX_MESSAGE_CHARS = 4000
MENU = (
    ("menu-ask", "menu:ask"),
    ("menu-apply", "intent:how_to_apply"),
    ("menu-follow", "intent:request_status"),
    ("menu-human", "handover:request"),
    ("menu-rate", "intent:feedback"),
)
_MENU_ACTIONS = {"menu"}
# Questions answered in the middle of the form (then the form goes on): information only.
FORM_ANSWERABLE = frozenset(
    {
        "about",
        "services",
        "channels",
        "location",
        "working_hours",
        "required_documents",
        "review_period",
        "data_responsibility",
        "privacy",
        "volunteer",
        "donate",
    }
)


class DialogReplies:
    def __init__(
        self,
        faq: FaqService | LiveFaq,
        tr: Translate,
        clock: Clock,
        schedule: Schedule | None = None,
        form: RequestForm | None = None,
    ) -> None:
        # The FAQ in service: staff's edits swap in a retrained one while the bot runs.
        self.live = faq if isinstance(faq, LiveFaq) else LiveFaq(faq)
        self.tr = tr
        self.clock = clock
        self.schedule = schedule
        self.form = form
        profile = self.faq.profile
        self._args = {"short": profile.short_name, "name": profile.name}
        self._role = profile.referral_role or tr("default-referral-role")
        self._load_words(tr)
        self._salam = normalize(tr("chat-salam-word"))

    @property
    def faq(self) -> FaqService:
        return self.live.current()

    def _load_words(self, tr: Translate) -> None:
        self._menu_words = _words(tr, "chat-menu-words")
        self._end_words = _words(tr, "case-end-words")
        self._greeting_words = _words(tr, "chat-greeting-words")
        self._small_talk_words = _words(tr, "chat-small-talk-words")
        self._question_words = _words(tr, "chat-question-words")
        # «إلغاء» or «رجوع» with nothing to cancel or go back to: the menu, never a question.
        self._idle_words = {
            **dict.fromkeys(_words(tr, "form-words-cancel"), "/cancel"),
            **dict.fromkeys(_words(tr, "form-words-back"), "/menu"),
        }

    # -- replies ----------------------------------------------------------------------------

    def _on_command(self, state: State, command: str) -> Turn:
        state["unanswered"] = 0
        if command == "/start":
            return Turn(state, [self._greeting("")])
        if command == "/help":
            return Turn(state, [self.with_menu(self.tr("chat-help", self._args))])
        if command == "/cancel":
            return Turn(state, [self.with_menu(self.tr("chat-nothing-to-cancel"))])
        return Turn(state, [self.welcome()])

    def menu_buttons(self) -> tuple[Button, ...]:
        return tuple(Button(self.tr(label), payload) for label, payload in MENU)

    def with_menu(self, text: str) -> Reply:
        return Reply(text, self.menu_buttons())

    def welcome(self) -> Reply:
        return self.with_menu(self.tr("chat-welcome", self._args))

    def _answer(self, intent: str) -> Reply:
        text = self.faq.answer_text(intent) or ""
        if self.faq.action(intent) in _MENU_ACTIONS:
            return self.with_menu(text)
        return Reply(
            text,
            (
                Button(self.tr("chat-helpful"), "rate:up"),
                Button(self.tr("chat-not-helpful"), "rate:down"),
                menu_button(self.tr),
            ),
        )

    def _greeting(self, text: str) -> Reply:
        """«وعليكم السلام» answers a salam only; any other greeting gets a welcome of its own."""
        if self._salam and self._salam in normalize(text) and "greeting" in self.faq.entries:
            return self.with_menu(self.faq.answer_text("greeting") or "")
        return self.with_menu(self.tr("chat-greeting", self._args))

    def _is_greeting(self, text: str) -> bool:
        typed = normalize(text)
        return typed in self._greeting_words or text.casefold() in self._greeting_words

    def _small_talk(self) -> Reply:
        return self.with_menu(self.tr("chat-small-talk"))

    def _is_small_talk(self, text: str) -> bool:
        typed = normalize(text)
        # Nothing left after normalising: emoji, stickers' alt text, punctuation ("🌹🌹").
        return not typed or typed in self._small_talk_words

    def _when(self) -> str:
        if self.schedule is None:
            return self.tr("case-when-unknown", role=self._role)
        opening = self.schedule.next_opening(self.clock.now())
        if opening is None:
            return self.tr("case-when-open", role=self._role)
        return self.tr(
            "case-when-later",
            role=self._role,
            day=self.tr(f"weekday-{opening.isoweekday() % 7}"),
            time=format_time(opening, self.tr, self.schedule.tz),
        )


def _words(tr: Translate, message_id: str) -> set[str]:
    """A catalog word list, normalised (and casefolded as typed, for Latin commands)."""
    raw = [w.strip() for w in tr(message_id).split(",") if w.strip()]
    return {normalize(w) for w in raw} | {w.casefold() for w in raw}
