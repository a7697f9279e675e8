"""The conversation: greeting and menu, questions, and the handover to a person.

`Dialog.handle` is pure: from the stored state and one `Incoming` it returns the new state,
the replies, and what the engine must record (a case to open or close, a message that
belongs to an open case). The engine owns the transaction; this module owns the wording
and the flow (design.md, flows 1, 2 and 5).
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable
from datetime import datetime, timedelta

from faq.normalize import normalize
from faq.service import FaqService
from handlers.bidi import ltr
from handlers.clock import Clock
from handlers.dates import format_date, format_time
from handlers.hours import Schedule
from handlers.replies import MENU_PAYLOAD, Button, Reply, menu_button
from handlers.request_form import IDENTIFIER_STEPS, RequestForm, describe_request
from handlers.survey_answers import survey_action
from handlers.turn import Context, RequestView, State, Turn, in_form
from handlers.types import Incoming

Translate = Callable[..., str]

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
# Commands that end a handover (the beneficiary closes the case) and show the menu.
_END_COMMANDS = frozenset({"/cancel", "/menu", "/start"})
END_CASE_PAYLOAD = "case:end"
MAX_NOTE_CHARS = 1000
CASE_REASONS = ("request", "complaint", "unanswered", "not_helpful", "media")
# Fields a beneficiary may correct when their request needs more information.
CORRECTABLE = ("name", "national_id", "phone", "city", "description")
# Questions answered in the middle of the form (then the form goes on): information only.
_FORM_ANSWERABLE = frozenset(
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


class Dialog:
    def __init__(
        self,
        faq: FaqService,
        tr: Translate,
        clock: Clock,
        schedule: Schedule | None = None,
        form: RequestForm | None = None,
    ) -> None:
        self.faq = faq
        self.tr = tr
        self.clock = clock
        self.schedule = schedule
        self.form = form
        profile = faq.profile
        self._args = {"short": profile.short_name, "name": profile.name}
        self._role = profile.referral_role or tr("default-referral-role")
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
        self._salam = normalize(tr("chat-salam-word"))

    # -- entry point ----------------------------------------------------------------------

    def prepare(self, incoming: Incoming) -> None:
        """Match the text ahead of the turn: the FAQ remembers it for `handle`."""
        text = incoming.text.strip()
        if text and not text.startswith("/") and len(text) <= MAX_MESSAGE_CHARS:
            self.faq.ask(text)

    def handle(self, state: State, incoming: Incoming, ctx: Context | None = None) -> Turn:
        # A deep copy: the caller's state must stay as it was (the engine compares them).
        state = copy.deepcopy(state)
        ctx = ctx or Context()
        text = incoming.text.strip()
        command = self._command(text)
        survey = survey_action(state, incoming, text, command, self.clock.now())
        if survey is not None:
            # The engine checks it against the database and says what happened.
            pressed = None
            if incoming.payload:
                pressed = self.tr(
                    "survey-skip" if "skip" in survey else f"survey-rating-{survey['rating']}"
                )
            return Turn(state, survey=survey, redact_inbound=pressed)
        if state.get("mode") == "handover":
            return self._during_handover(state, incoming, text, command, ctx)
        notices: list[Reply] = []
        if self.form is not None and self.form.has_draft(state) and self.form.expired(state):
            notices.append(self.form.drop_expired(state))
        turn = self._route(state, incoming, text, command, ctx)
        turn.replies[:0] = notices
        return self._way_on(turn)

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

    def _on_command(self, state: State, command: str) -> Turn:
        state["unanswered"] = 0
        if command == "/start":
            return Turn(state, [self._greeting("")])
        if command == "/help":
            return Turn(state, [Reply(self.tr("chat-help", self._args), self.menu_buttons())])
        if command == "/cancel":
            return Turn(state, [Reply(self.tr("chat-nothing-to-cancel"), self.menu_buttons())])
        return Turn(state, [self.welcome()])

    def _on_payload(self, state: State, payload: str, ctx: Context) -> Turn:
        kind, _, value = payload.partition(":")
        if kind == "intent" and value in self.faq.entries:
            return self._on_intent(state, value, ctx)
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
            return Turn(state, [reply])
        if payload == "menu:ask":
            return Turn(state, [Reply(self.tr("menu-ask-hint"), (menu_button(self.tr),))])
        return Turn(state, [self.welcome()])

    def _on_question(self, state: State, text: str, ctx: Context) -> Turn:
        match = self.faq.ask(text).match
        if match.decision == "answer" and match.intent == "greeting":
            return Turn(state, [self._greeting(text)])
        if match.decision == "answer" and match.intent is not None:
            return self._on_intent(state, match.intent, ctx)
        state["unanswered"] = int(state.get("unanswered", 0)) + 1
        if state["unanswered"] >= UNANSWERED_LIMIT:
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
            waiting = [r for r in ctx.requests if r.status == "needs_info"]
            if len(waiting) == 1:
                return self._start_completing(state, waiting[0].id, ctx)
            if waiting:
                return self._list_requests(state, ctx)
        return Turn(state, [self._answer(intent)])

    # -- support requests -------------------------------------------------------------------

    def _list_requests(self, state: State, ctx: Context) -> Turn:
        if not ctx.requests:
            apply = Button(self.tr("menu-apply"), "intent:how_to_apply")
            return Turn(state, [Reply(self.tr("requests-none"), (apply, menu_button(self.tr)))])
        lines = [describe_request(r, self.tr) for r in ctx.requests]
        buttons = tuple(
            Button(self.tr("requests-complete", reference=ltr(r.reference)), f"complete:{r.id}")
            for r in ctx.requests
            if r.status == "needs_info"
        )
        text = self.tr("requests-title", count=len(ctx.requests)) + "\n\n" + "\n\n".join(lines)
        return Turn(state, [Reply(text, (*buttons, menu_button(self.tr)))])

    def _start_completing(self, state: State, request_id: int, ctx: Context) -> Turn:
        request = next((r for r in ctx.requests if r.id == request_id), None)
        if request is None or request.status != "needs_info":
            return Turn(
                state, [Reply(self.tr("requests-nothing-to-complete"), self.menu_buttons())]
            )
        state["complete"] = {"request_id": request.id, "reference": request.reference}
        return Turn(state, [self._completion_prompt(request)])

    def _completion_prompt(self, request: RequestView) -> Reply:
        buttons = tuple(
            Button(self.tr(f"form-field-{f}"), f"complete-field:{f}") for f in CORRECTABLE
        )
        text = self.tr(
            "complete-prompt",
            reference=ltr(request.reference),
            missing=request.missing_info or self.tr("complete-missing-unstated"),
        )
        cancel = Button(self.tr("form-cancel"), "complete-cancel", nav=True)
        return Reply(text, (*buttons, cancel))

    def _completing(
        self, state: State, incoming: Incoming, text: str, command: str | None, ctx: Context
    ) -> Turn:
        pending = state["complete"]
        request = next((r for r in ctx.requests if r.id == pending["request_id"]), None)
        if command is not None or incoming.payload == "complete-cancel" or request is None:
            state.pop("complete", None)
            if request is None or incoming.payload == "complete-cancel" or command == "/cancel":
                return Turn(state, [Reply(self.tr("complete-cancelled"), self.menu_buttons())])
            return self._on_command(state, command or "/menu")
        payload = incoming.payload or ""
        if payload.startswith("complete-field:") and payload[15:] in CORRECTABLE:
            pending["field"] = payload[15:]
            return Turn(state, [Reply(self.tr(f"form-ask-{pending['field']}"))])
        if incoming.attachments:
            files = [a.to_dict() for a in incoming.attachments]
            state.pop("complete", None)
            done = self._completed(request)
            return Turn(state, [done], complete={"request_id": request.id, "attachments": files})
        field = pending.get("field")
        if field is not None and self.form is not None:
            typed = incoming.as_typed.strip() if field in IDENTIFIER_STEPS else text
            return self._correct_field(state, request, field, typed)
        if payload or not normalize(text) or len(text) > MAX_MESSAGE_CHARS:
            return Turn(state, [self._completion_prompt(request)])
        if text.endswith(("?", "؟")):
            match = self.faq.ask(text).match
            if match.decision == "answer" and match.intent in _FORM_ANSWERABLE:
                answer = Reply(self._answer(match.intent).text)
                return Turn(state, [answer, self._completion_prompt(request)])
        # A written answer ("سأحضرها للمقر", or the information asked for) completes it too.
        state.pop("complete", None)
        done = self._completed(request, "complete-note-done")
        note = {"request_id": request.id, "note": text[:MAX_NOTE_CHARS]}
        return Turn(state, [done], complete=note)

    def _correct_field(self, state: State, request: RequestView, field: str, text: str) -> Turn:
        assert self.form is not None
        result, stored, redacted = self.form.check_field(field, text)
        if result is not None:
            return Turn(state, [result], redact_inbound=redacted)
        state.pop("complete", None)
        done = self._completed(request)
        change = {"request_id": request.id, "field": field, **stored}
        return Turn(state, [done], complete=change, redact_inbound=redacted)

    def _completed(self, request: RequestView, message: str = "complete-done") -> Reply:
        """Back under review: the status message, with its date, like any other."""
        date = format_date(self.clock.now(), self.tr)
        text = self.tr(message, reference=ltr(request.reference), date=date)
        return Reply(text, self.menu_buttons())

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
        turn = self.form.handle(state, incoming, ctx)
        if not self.form.has_draft(turn.state) and turn.submit is None and turn.replies:
            # Cancelled (or a duplicate filed elsewhere): the menu, not a dead end.
            last = turn.replies[-1]
            turn.replies[-1] = Reply(last.text, self.menu_buttons())
        return turn

    def _question_in_form(self, state: State, text: str, ctx: Context) -> Turn | None:
        """A message that leaves the step: the step's own answer comes first.

        Text that passes the step's check is the answer («محمد الغامدي» is a name whatever
        the FAQ thinks of it), unless it asks something (a question word or mark). Text
        that fails the check leaves only as a confident FAQ match that is a real question;
        anything else gets the step's own error («محمد» alone: "your full name").
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
        action = self.faq.action(match.intent) or ""
        informational = match.intent in _FORM_ANSWERABLE
        if not (asks or (informational and len(text.split()) >= 2)):
            return None
        if informational:
            return self.form.after_question(state, Reply(self._answer(match.intent).text))
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

    def _open_case(self, state: State, reason: str) -> Turn:
        state.update(mode="handover", unanswered=0)
        # The first message to the researcher is acknowledged; later ones only now and then.
        state.pop("last_ack", None)
        reply = Reply(f"{self.tr(f'case-opened-{reason}')}\n{self._when()}", (self._end_button(),))
        return Turn(state, [reply], open_case=reason)

    def _during_handover(
        self, state: State, incoming: Incoming, text: str, command: str | None, ctx: Context
    ) -> Turn:
        payload = incoming.payload or ""
        if (
            command in _END_COMMANDS
            or payload in (END_CASE_PAYLOAD, MENU_PAYLOAD)
            or (not payload and self._is_end_word(text))
        ):
            return self._end_case(state)
        if text and not payload and command is None and len(text) <= MAX_MESSAGE_CHARS:
            match = self.faq.ask(text).match
            start = match.decision == "answer" and self.faq.action(match.intent) == "start_request"
            if start and self.form is not None:
                # «ابي اقدم طلب»: the waiting case ends and the form starts.
                ended = self._end_case(state)
                started = self.form.start(ended.state, ctx)
                bye = Reply(ended.replies[0].text)
                return Turn(started.state, [bye, *started.replies], close_case=True)
        now = self.clock.now()
        last = state.get("last_ack")
        if last and now - datetime.fromisoformat(last) < ACK_EVERY:
            return Turn(state, on_case=True)
        state["last_ack"] = now.isoformat()
        ack = Reply(self.tr("case-waiting", role=self._role), (self._end_button(),))
        return Turn(state, [ack], on_case=True)

    def _end_case(self, state: State) -> Turn:
        state.update(mode="idle", unanswered=0)
        state.pop("case_id", None)
        state.pop("last_ack", None)
        reply = Reply(self.tr("case-closed-by-you"), self.menu_buttons())
        return Turn(state, [reply], close_case=True)

    def _is_end_word(self, text: str) -> bool:
        typed = normalize(text)
        return bool(typed) and (typed in self._end_words or text.casefold() in self._end_words)

    def _end_button(self) -> Button:
        return Button(self.tr("case-end"), END_CASE_PAYLOAD, nav=True)

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
                menu_button(self.tr),
            ),
        )

    def _greeting(self, text: str) -> Reply:
        """«وعليكم السلام» answers a salam only; any other greeting gets a welcome of its own."""
        if self._salam and self._salam in normalize(text) and "greeting" in self.faq.entries:
            return Reply(self.faq.answer_text("greeting") or "", self.menu_buttons())
        return Reply(self.tr("chat-greeting", self._args), self.menu_buttons())

    def _is_greeting(self, text: str) -> bool:
        typed = normalize(text)
        return typed in self._greeting_words or text.casefold() in self._greeting_words

    def _small_talk(self) -> Reply:
        return Reply(self.tr("chat-small-talk"), self.menu_buttons())

    def _is_small_talk(self, text: str) -> bool:
        typed = normalize(text)
        # Nothing left after normalising: emoji, stickers' alt text, punctuation ("🌹🌹").
        return not typed or typed in self._small_talk_words

    def submitted(self, reference: str) -> list[Reply]:
        """The receipt of a filed request, with the menu to go on from."""
        assert self.form is not None
        replies = self.form.submitted(reference)
        last = replies[-1]
        replies[-1] = Reply(last.text, self.menu_buttons())
        return replies

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
