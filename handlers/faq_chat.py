"""Questions and answers: the FAQ part of the conversation (flow 2 of design.md).

Free text goes to the association's FAQ, which answers (with 👍/👎), offers the closest
two or three entries as buttons, or says it can't answer and offers a person.  The
request form, follow-up and the human handover build on this in their own handlers.
"""

from __future__ import annotations

from collections.abc import Callable

from faq.normalize import normalize
from faq.service import FaqService
from handlers.replies import Button, Reply

Translate = Callable[..., str]
MAX_MESSAGE_CHARS = 4000
MENU = (
    ("menu-ask", "menu:ask"),
    ("menu-apply", "intent:how_to_apply"),
    ("menu-follow", "intent:request_status"),
    ("menu-human", "intent:talk_to_human"),
    ("menu-rate", "intent:feedback"),
)
_MENU_ACTIONS = {"menu"}
# A person is about to take over: rating the bot's words would be out of place.
_HANDOVER_ACTIONS = {"handover", "handover_complaint"}


class FaqChat:
    def __init__(self, faq: FaqService, tr: Translate) -> None:
        self.faq = faq
        self.tr = tr
        self._args = {"short": faq.profile.short_name, "name": faq.profile.name}
        # Words that open the menu in any state, as Telegram's /start and /menu do.
        self._menu_words = {normalize(w) for w in tr("chat-menu-words").split(",") if w.strip()}

    def menu_buttons(self) -> tuple[Button, ...]:
        return tuple(Button(self.tr(label), payload) for label, payload in MENU)

    def welcome(self) -> Reply:
        return Reply(self.tr("chat-welcome", self._args), self.menu_buttons())

    def on_text(self, text: str) -> list[Reply]:
        text = text.strip()
        if not text:
            return []
        if len(text) > MAX_MESSAGE_CHARS:
            return [Reply(self.tr("chat-too-long", limit=MAX_MESSAGE_CHARS))]
        if text.casefold() in self._menu_words or normalize(text) in self._menu_words:
            return [self.welcome()]
        answer = self.faq.ask(text)
        match = answer.match
        if match.decision == "answer" and match.intent is not None:
            return [self._answer(match.intent)]
        if match.decision == "clarify" and match.candidates:
            buttons = [
                Button(self.tr(f"intent-{c.intent}"), f"intent:{c.intent}")
                for c in match.candidates
            ]
            buttons.append(Button(self.tr("chat-none-of-these"), "intent:talk_to_human"))
            return [Reply(self.tr("chat-clarify"), tuple(buttons))]
        return [
            Reply(
                self.tr("chat-handover", self._args),
                (Button(self.tr("intent-talk_to_human"), "intent:talk_to_human"),),
            )
        ]

    def on_payload(self, payload: str) -> list[Reply]:
        kind, _, value = payload.partition(":")
        if kind == "intent" and value in self.faq.entries:
            return [self._answer(value)]
        if kind == "menu" and value == "ask":
            return [Reply(self.tr("menu-ask-hint"))]
        if payload == "rate:up":
            return [Reply(self.tr("chat-thanks-feedback"))]
        if payload == "rate:down":
            return [
                Reply(
                    self.tr("chat-sorry-not-helpful"),
                    (Button(self.tr("intent-talk_to_human"), "intent:talk_to_human"),),
                )
            ]
        return self.on_text(value or payload)

    def _answer(self, intent: str) -> Reply:
        text = self.faq.answer_text(intent) or ""
        action = self.faq.action(intent)
        if action in _MENU_ACTIONS or action in _HANDOVER_ACTIONS:
            return Reply(text, self.menu_buttons())
        return Reply(
            text,
            (
                Button(self.tr("chat-helpful"), "rate:up"),
                Button(self.tr("chat-not-helpful"), "rate:down"),
            ),
        )
