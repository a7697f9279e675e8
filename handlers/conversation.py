"""The conversation: greeting and menu, questions, and the handover to a person.

`Dialog.handle` is pure: from the stored state and one `Incoming` it returns the new state,
the replies, and what the engine must record (a case to open or close, a message that
belongs to an open case). The engine owns the transaction; this module owns the wording
and the flow (design.md, flows 1, 2 and 5).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from faq.normalize import normalize
from faq.service import FaqService
from handlers.clock import Clock
from handlers.dates import format_time
from handlers.hours import Schedule
from handlers.replies import Button, Reply
from handlers.types import Incoming

Translate = Callable[..., str]
State = dict[str, Any]

MAX_MESSAGE_CHARS = 4000
# Two questions in a row the bot could not answer: a person takes over.
UNANSWERED_LIMIT = 2
# While a researcher has the case, acknowledge the beneficiary's messages now and then,
# not every one: they are talking to a person, not to the bot.
ACK_EVERY = timedelta(minutes=10)
MENU = (
    ("menu-ask", "menu:ask"),
    ("menu-apply", "intent:how_to_apply"),
    ("menu-follow", "intent:request_status"),
    ("menu-human", "handover:request"),
    ("menu-rate", "intent:feedback"),
)
_CASE_ACTIONS = {"handover": "request", "handover_complaint": "complaint"}
_MENU_ACTIONS = {"menu"}
CASE_REASONS = ("request", "complaint", "unanswered", "not_helpful", "media")


@dataclass
class Turn:
    state: State
    replies: list[Reply] = field(default_factory=list)
    open_case: str | None = None  # the reason, when this turn hands over to a person
    close_case: bool = False
    on_case: bool = False  # the incoming message belongs to the open case's transcript


class Dialog:
    def __init__(
        self, faq: FaqService, tr: Translate, clock: Clock, schedule: Schedule | None = None
    ) -> None:
        self.faq = faq
        self.tr = tr
        self.clock = clock
        self.schedule = schedule
        profile = faq.profile
        self._args = {"short": profile.short_name, "name": profile.name}
        self._role = profile.referral_role or tr("default-referral-role")
        self._menu_words = {normalize(w) for w in tr("chat-menu-words").split(",") if w.strip()}

    # -- entry point ----------------------------------------------------------------------

    def handle(self, state: State, incoming: Incoming) -> Turn:
        state = dict(state)
        text = incoming.text.strip()
        command = self._command(text)
        if state.get("mode") == "handover":
            return self._during_handover(state, command)
        if incoming.payload:
            return self._on_payload(state, incoming.payload)
        if command is not None:
            return self._on_command(state, command)
        if incoming.attachments and not text:
            return self._open_case(state, "media")
        if not text:
            return Turn(state)
        if len(text) > MAX_MESSAGE_CHARS:
            return Turn(state, [Reply(self.tr("chat-too-long", limit=MAX_MESSAGE_CHARS))])
        return self._on_question(state, text)

    # -- handlers ---------------------------------------------------------------------------

    def _command(self, text: str) -> str | None:
        if text.startswith("/"):
            return text.split()[0].split("@")[0].lower()
        if text and (text.casefold() in self._menu_words or normalize(text) in self._menu_words):
            return "/menu"
        return None

    def _on_command(self, state: State, command: str) -> Turn:
        state["unanswered"] = 0
        if command == "/start":
            return Turn(state, [self._answer("greeting")])
        if command == "/help":
            return Turn(state, [Reply(self.tr("chat-help", self._args), self.menu_buttons())])
        if command == "/cancel":
            return Turn(state, [Reply(self.tr("chat-nothing-to-cancel"), self.menu_buttons())])
        return Turn(state, [self.welcome()])

    def _on_payload(self, state: State, payload: str) -> Turn:
        kind, _, value = payload.partition(":")
        if kind == "intent" and value in self.faq.entries:
            return self._on_intent(state, value)
        if kind == "handover" and value in CASE_REASONS:
            return self._open_case(state, value)
        if payload == "rate:up":
            return Turn(state, [Reply(self.tr("chat-thanks-feedback"))])
        if payload == "rate:down":
            offer = Button(self.tr("intent-talk_to_human"), "handover:not_helpful")
            return Turn(state, [Reply(self.tr("chat-sorry-not-helpful"), (offer,))])
        if payload == "menu:ask":
            return Turn(state, [Reply(self.tr("menu-ask-hint"))])
        return Turn(state, [self.welcome()])

    def _on_question(self, state: State, text: str) -> Turn:
        match = self.faq.ask(text).match
        if match.decision == "answer" and match.intent is not None:
            return self._on_intent(state, match.intent)
        state["unanswered"] = int(state.get("unanswered", 0)) + 1
        if state["unanswered"] >= UNANSWERED_LIMIT:
            return self._open_case(state, "unanswered")
        if match.decision == "clarify" and match.candidates:
            buttons = [
                Button(self.tr(f"intent-{c.intent}"), f"intent:{c.intent}")
                for c in match.candidates
            ]
            buttons.append(Button(self.tr("chat-none-of-these"), "handover:unanswered"))
            return Turn(state, [Reply(self.tr("chat-clarify"), tuple(buttons))])
        offer = Button(self.tr("intent-talk_to_human"), "handover:unanswered")
        return Turn(state, [Reply(self.tr("chat-handover", self._args), (offer,))])

    def _on_intent(self, state: State, intent: str) -> Turn:
        state["unanswered"] = 0
        reason = _CASE_ACTIONS.get(self.faq.action(intent) or "")
        if reason is not None:
            return self._open_case(state, reason)
        return Turn(state, [self._answer(intent)])

    def _open_case(self, state: State, reason: str) -> Turn:
        state.update(mode="handover", unanswered=0)
        # The first message to the researcher is acknowledged; later ones only now and then.
        state.pop("last_ack", None)
        reply = Reply(f"{self.tr(f'case-opened-{reason}')}\n{self._when()}")
        return Turn(state, [reply], open_case=reason)

    def _during_handover(self, state: State, command: str | None) -> Turn:
        if command == "/cancel":
            state.update(mode="idle", unanswered=0)
            state.pop("case_id", None)
            reply = Reply(self.tr("case-closed-by-you"), self.menu_buttons())
            return Turn(state, [reply], close_case=True)
        now = self.clock.now()
        last = state.get("last_ack")
        if last and now - datetime.fromisoformat(last) < ACK_EVERY:
            return Turn(state, on_case=True)
        state["last_ack"] = now.isoformat()
        return Turn(state, [Reply(self.tr("case-waiting", role=self._role))], on_case=True)

    # -- replies ----------------------------------------------------------------------------

    def menu_buttons(self) -> tuple[Button, ...]:
        return tuple(Button(self.tr(label), payload) for label, payload in MENU)

    def welcome(self) -> Reply:
        return Reply(self.tr("chat-welcome", self._args), self.menu_buttons())

    def _answer(self, intent: str) -> Reply:
        text = self.faq.answer_text(intent) or ""
        if self.faq.action(intent) in _MENU_ACTIONS:
            return Reply(text, self.menu_buttons())
        return Reply(
            text,
            (
                Button(self.tr("chat-helpful"), "rate:up"),
                Button(self.tr("chat-not-helpful"), "rate:down"),
            ),
        )

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
