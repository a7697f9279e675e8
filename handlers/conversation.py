"""The conversation: greeting and menu, questions, and the way into the form and the handover.

`Dialog.handle` is pure: from the stored state and one `Incoming` it returns the new state,
the replies, and what the engine must record (a case to open or close, a message that
belongs to an open case). The engine owns the transaction; this module and its parts own
the wording and the flow.
"""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

from faq.matcher import Match
from faq.normalize import normalize
from handlers import faq_misses
from handlers.completion import Completing
from handlers.dialog_replies import FORM_ANSWERABLE, MAX_MESSAGE_CHARS
from handlers.handover import Handover
from handlers.replies import MENU_PAYLOAD, WINDOW_PAYLOAD, Button, Reply, menu_button
from handlers.survey_answers import survey_action
from handlers.turn import Context, State, Turn, in_form
from handlers.types import Incoming
from storage.models import RequestStatus

# Two questions in a row the bot could not answer: a person takes over.
UNANSWERED_LIMIT = 2
_CASE_ACTIONS = {"handover": "request", "handover_complaint": "complaint"}
CASE_REASONS = ("request", "complaint", "unanswered", "not_helpful", "media")


class Dialog(Completing, Handover):
    # -- entry point ----------------------------------------------------------------------

    def prepare(self, incoming: Incoming) -> None:
        """Match the text ahead of the turn: the FAQ remembers it for `handle`."""
        text = incoming.text.strip()
        if text and not text.startswith("/") and len(text) <= MAX_MESSAGE_CHARS:
            self.faq.ask(text)

    def handle(self, state: State, incoming: Incoming, ctx: Context | None = None) -> Turn:
        # A deep copy: the caller's state must stay as it was (the engine compares them).
        state = copy.deepcopy(state)
        last = faq_misses.last_question(state)
        return faq_misses.settle(self._handle(state, incoming, ctx), last, incoming)

    def _handle(self, state: State, incoming: Incoming, ctx: Context | None) -> Turn:
        if incoming.payload == WINDOW_PAYLOAD:
            # A template's button: the person is back, and what waited for them follows.
            return Turn(state)
        ctx = ctx or Context()
        text = incoming.text.strip()
        command = self._command(text)
        survey = survey_action(state, incoming, text, command, self.clock.now())
        if survey is not None:
            return self._on_survey(state, incoming, survey)
        if state.get("mode") == "handover":
            return self._during_handover(state, incoming, text, command, ctx)
        notices: list[Reply] = []
        if self.form is not None and self.form.has_draft(state) and self.form.expired(state):
            notices.append(self.form.drop_expired(state))
        turn = self._route(state, incoming, text, command, ctx)
        turn.replies[:0] = notices
        return self._way_on(turn)

    def _on_survey(self, state: State, incoming: Incoming, survey: dict[str, Any]) -> Turn:
        """The engine checks it against the database and says what happened."""
        pressed = None
        if incoming.payload:
            pressed = self.tr(
                "survey-skip" if "skip" in survey else f"survey-rating-{survey['rating']}"
            )
        return Turn(state, survey=survey, redact_inbound=pressed)

    def _route(
        self, state: State, incoming: Incoming, text: str, command: str | None, ctx: Context
    ) -> Turn:
        stickers = [a for a in incoming.attachments if a.kind == "sticker"]
        if stickers:
            # A sticker is an emoji: nothing to file or forward, so never a case for staff.
            rest = tuple(a for a in incoming.attachments if a.kind != "sticker")
            incoming = dataclasses.replace(incoming, attachments=rest)
        if state.get("complete"):
            return self._completing(state, incoming, text, command, ctx)
        resumed = (incoming.payload or "").startswith("form:")
        if self.form is not None and resumed and self.form.paused(state):
            self.form.resume(state)  # a form button: the person is back in the form
        if self.form is not None and in_form(state):
            return self._in_form(state, incoming, text, command, ctx)
        if incoming.payload:
            return self._on_payload(state, incoming.payload, ctx)
        command = command or self._idle_words.get(normalize(text))
        if command is not None:
            return self._on_command(state, command)
        return self._on_message(state, incoming, text, bool(stickers), ctx)

    def _on_message(
        self, state: State, incoming: Incoming, text: str, stickers: bool, ctx: Context
    ) -> Turn:
        """A message outside every flow: a file, a contact, small talk or a question."""
        if incoming.attachments and not text:
            return self._open_case(state, "media")
        if (incoming.contact or incoming.foreign_contact) and not text:
            # A contact means something only at the form's phone step (a keyboard left
            # over from it, or a card shared on its own): elsewhere it must not meet silence.
            return Turn(state, [self.welcome()])
        if not text:
            return Turn(state, [self._small_talk()] if stickers else [])
        if len(text) > MAX_MESSAGE_CHARS:
            return Turn(state, [Reply(self.tr("chat-too-long", limit=MAX_MESSAGE_CHARS))])
        if self._is_greeting(text):
            return Turn(state, [self._greeting(text)])
        if self._is_small_talk(text):
            # Emoji, "ok", "تمام": a friendly word and the menu; never a step towards a person.
            return Turn(state, [self._small_talk()])
        return self._on_question(state, text, ctx)

    def _way_on(self, turn: Turn) -> Turn:
        """No dead ends: a last reply without buttons offers the way back to the menu."""
        if turn.replies and not turn.replies[-1].buttons and not in_form(turn.state):
            last = turn.replies[-1]
            turn.replies[-1] = Reply(last.text, (menu_button(self.tr),), last.request_contact)
        return turn

    # -- handlers ---------------------------------------------------------------------------

    def _command(self, text: str) -> str | None:
        if text.startswith("/"):
            return text.split()[0].split("@")[0].lower()
        if text and (text.casefold() in self._menu_words or normalize(text) in self._menu_words):
            return "/menu"
        return None

    def _on_payload(self, state: State, payload: str, ctx: Context) -> Turn:
        kind, _, value = payload.partition(":")
        if kind == "intent" and value in self.faq.entries:
            last = faq_misses.last_question(state)
            turn = self._on_intent(state, value, ctx)
            faq_misses.picked(turn.state, last, value)
            return turn
        if kind == "complete" and value.isdigit():
            return self._start_completing(state, int(value), ctx)
        if payload in ("form:continue", "form:restart") and self.form is not None:
            return self.form.start(state, ctx)
        if kind == "handover" and value in CASE_REASONS:
            return self._open_case(state, value)
        if payload == "rate:up":
            return Turn(state, [Reply(self.tr("chat-thanks-feedback"), self.menu_buttons())])
        if payload == "rate:down":
            offer = Button(self.tr("intent-talk_to_human"), "handover:not_helpful")
            reply = Reply(self.tr("chat-sorry-not-helpful"), (offer, menu_button(self.tr)))
            miss = faq_misses.thumbs_down(state, faq_misses.last_question(state))
            return Turn(state, [reply], miss=miss)
        if payload == "menu:ask":
            return Turn(state, [Reply(self.tr("menu-ask-hint"), (menu_button(self.tr),))])
        return Turn(state, [self.welcome()])

    def _on_question(self, state: State, text: str, ctx: Context) -> Turn:
        match = self.faq.ask(text).match
        if match.decision == "answer" and match.intent == "greeting":
            return Turn(state, [self._greeting(text)])
        if match.decision == "answer" and match.intent is not None:
            turn = self._on_intent(state, match.intent, ctx)
            faq_misses.answered(turn.state, text, match.intent, match.score)
            return turn
        state["unanswered"] = int(state.get("unanswered", 0)) + 1
        handed_over = state["unanswered"] >= UNANSWERED_LIMIT
        miss = faq_misses.missed(state, text, match, handed_over=handed_over)
        turn = self._unanswered(state, match, handed_over)
        turn.miss = miss
        return turn

    def _unanswered(self, state: State, match: Match, handed_over: bool) -> Turn:
        if handed_over:
            return self._open_case(state, "unanswered")
        if match.decision == "clarify" and match.candidates:
            buttons = [
                Button(self.tr(f"intent-{c.intent}"), f"intent:{c.intent}")
                for c in match.candidates
            ]
            buttons.append(Button(self.tr("chat-none-of-these"), "handover:unanswered"))
            buttons.append(menu_button(self.tr))
            return Turn(state, [Reply(self.tr("chat-clarify"), tuple(buttons))])
        offer = Button(self.tr("intent-talk_to_human"), "handover:unanswered")
        reply = Reply(self.tr("chat-handover", self._args), (offer, menu_button(self.tr)))
        return Turn(state, [reply])

    def _on_intent(self, state: State, intent: str, ctx: Context) -> Turn:
        state["unanswered"] = 0
        action = self.faq.action(intent) or ""
        reason = _CASE_ACTIONS.get(action)
        if reason is not None:
            return self._open_case(state, reason)
        if action == "start_request" and self.form is not None:
            return self.form.start(state, ctx)
        if action == "list_requests":
            return self._list_requests(state, ctx)
        if action == "survey":
            # The engine finds what there is to rate (or takes general feedback).
            return Turn(state, survey={"start": True})
        if action == "complete_request":
            waiting = [r for r in ctx.requests if r.status == RequestStatus.NEEDS_INFO]
            if len(waiting) == 1:
                return self._start_completing(state, waiting[0].id, ctx)
            if waiting:
                return self._list_requests(state, ctx)
        return Turn(state, [self._answer(intent)])

    # -- the form ---------------------------------------------------------------------------

    def _in_form(
        self, state: State, incoming: Incoming, text: str, command: str | None, ctx: Context
    ) -> Turn:
        assert self.form is not None
        payload = incoming.payload or ""
        word = None if payload else self.form.word(text)
        if command == "/cancel":
            incoming = Incoming(
                incoming.channel, incoming.chat_id, incoming.user_id, payload="form:cancel"
            )
        elif command is not None or payload == MENU_PAYLOAD or word == "pause":
            return self._pause_form(state, command)
        elif self.form.stale(state) and not payload:
            self.form.touch(state)
            return self.form.offer_resume(state)
        elif text and not payload and word is None:
            elsewhere = self._question_in_form(state, text, ctx)
            if elsewhere is not None:
                return elsewhere
        return self._form_step(state, incoming, ctx)

    def _form_step(self, state: State, incoming: Incoming, ctx: Context) -> Turn:
        assert self.form is not None
        turn = self.form.handle(state, incoming, ctx)
        if not self.form.has_draft(turn.state) and turn.submit is None and turn.replies:
            # Cancelled (or a duplicate filed elsewhere): the menu, not a dead end.
            last = turn.replies[-1]
            turn.replies[-1] = Reply(last.text, self.menu_buttons())
        return turn

    def _question_in_form(self, state: State, text: str, ctx: Context) -> Turn | None:
        """A message that leaves the step: the step's own answer comes first.

        Text that passes the step's check is the answer («محمد الغامدي» is a name), unless
        it asks something (a question word or mark). Text that fails it leaves only as a
        confident FAQ match that is a real question; else the step's error («محمد» alone).
        """
        assert self.form is not None
        if not self.form.may_be_question(state, text):
            return None
        asks = self._asks(text)
        if self.form.accepts(state, text) and not asks:
            return None
        match = self.faq.ask(text).match
        if match.decision != "answer" or match.intent is None:
            return None
        informational = match.intent in FORM_ANSWERABLE
        if not (asks or (informational and len(text.split()) >= 2)):
            return None
        if informational:
            return self.form.after_question(state, Reply(self._answer(match.intent).text))
        return self._leave_form(state, self.faq.action(match.intent) or "")

    def _leave_form(self, state: State, action: str) -> Turn | None:
        """A question that is not information: a case (the draft waits), or the form again."""
        assert self.form is not None
        reason = _CASE_ACTIONS.get(action)
        if reason is not None:
            paused = self.form.pause(state)  # the draft waits for later
            turn = self._open_case(state, reason)
            turn.replies.insert(0, paused)
            return turn
        if action == "start_request" and state["form"]["step"] != "description":
            return self.form.offer_resume(state)
        return None

    def _pause_form(self, state: State, command: str | None) -> Turn:
        assert self.form is not None
        paused = self.form.pause(state)
        if command in (None, "/menu", "/start"):
            return Turn(state, [Reply(paused.text, self.menu_buttons())])
        turn = self._on_command(state, command)
        turn.replies.insert(0, paused)
        return turn

    def _asks(self, text: str) -> bool:
        """A question mark or a question word: the text asks rather than answers."""
        if any(mark in text for mark in ("?", "؟")):
            return True
        return any(word in self._question_words for word in normalize(text).split())

    def submitted(self, reference: str) -> list[Reply]:
        """The receipt of a filed request, with the menu to go on from."""
        assert self.form is not None
        replies = self.form.submitted(reference)
        last = replies[-1]
        replies[-1] = Reply(last.text, self.menu_buttons())
        return replies
