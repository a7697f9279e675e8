"""The conversation: greeting and menu, questions, and the handover to a person.

`Dialog.handle` is pure: from the stored state and one `Incoming` it returns the new state,
the replies, and what the engine must record (a case to open or close, a message that
belongs to an open case). The engine owns the transaction; this module owns the wording
and the flow (design.md, flows 1, 2 and 5).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import datetime, timedelta

from faq.normalize import normalize
from faq.service import FaqService
from handlers.clock import Clock
from handlers.dates import format_date, format_time
from handlers.hours import Schedule
from handlers.replies import Button, Reply
from handlers.request_form import IDENTIFIER_STEPS, RequestForm, describe_request
from handlers.surveys import survey_action
from handlers.turn import Context, RequestView, State, Turn
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
        self._menu_words = {normalize(w) for w in tr("chat-menu-words").split(",") if w.strip()}

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
            return self._during_handover(state, command)
        notices: list[Reply] = []
        if self.form is not None and self.form.has_draft(state) and self.form.expired(state):
            notices.append(self.form.drop_expired(state))
        turn = self._route(state, incoming, text, command, ctx)
        turn.replies[:0] = notices
        return turn

    def _route(
        self, state: State, incoming: Incoming, text: str, command: str | None, ctx: Context
    ) -> Turn:
        if state.get("complete"):
            return self._completing(state, incoming, text, command, ctx)
        if self.form is not None and self.form.has_draft(state):
            return self._in_form(state, incoming, text, command, ctx)
        if incoming.payload:
            return self._on_payload(state, incoming.payload, ctx)
        if command is not None:
            return self._on_command(state, command)
        if incoming.attachments and not text:
            return self._open_case(state, "media")
        if (incoming.contact or incoming.foreign_contact) and not text:
            # A contact means something only at the form's phone step (a keyboard left
            # over from it, or a card shared on its own): elsewhere it must not meet silence.
            return Turn(state, [self.welcome()])
        if not text:
            return Turn(state)
        if len(text) > MAX_MESSAGE_CHARS:
            return Turn(state, [Reply(self.tr("chat-too-long", limit=MAX_MESSAGE_CHARS))])
        return self._on_question(state, text, ctx)

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
            return Turn(state, [Reply(self.tr("chat-thanks-feedback"))])
        if payload == "rate:down":
            offer = Button(self.tr("intent-talk_to_human"), "handover:not_helpful")
            return Turn(state, [Reply(self.tr("chat-sorry-not-helpful"), (offer,))])
        if payload == "menu:ask":
            return Turn(state, [Reply(self.tr("menu-ask-hint"))])
        return Turn(state, [self.welcome()])

    def _on_question(self, state: State, text: str, ctx: Context) -> Turn:
        match = self.faq.ask(text).match
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
            return Turn(state, [Reply(self.tr("chat-clarify"), tuple(buttons))])
        offer = Button(self.tr("intent-talk_to_human"), "handover:unanswered")
        return Turn(state, [Reply(self.tr("chat-handover", self._args), (offer,))])

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
            return Turn(state, [Reply(self.tr("requests-none"), (apply,))])
        lines = [describe_request(r, self.tr) for r in ctx.requests]
        buttons = tuple(
            Button(self.tr("requests-complete", reference=r.reference), f"complete:{r.id}")
            for r in ctx.requests
            if r.status == "needs_info"
        )
        text = self.tr("requests-title", count=len(ctx.requests)) + "\n\n" + "\n\n".join(lines)
        return Turn(state, [Reply(text, buttons)])

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
            reference=request.reference,
            missing=request.missing_info or self.tr("complete-missing-unstated"),
        )
        return Reply(text, (*buttons, Button(self.tr("form-cancel"), "complete-cancel")))

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
        if field is None or self.form is None:
            return Turn(state, [self._completion_prompt(request)])
        if field in IDENTIFIER_STEPS:
            text = incoming.as_typed.strip()
        return self._correct_field(state, request, field, text)

    def _correct_field(self, state: State, request: RequestView, field: str, text: str) -> Turn:
        assert self.form is not None
        result, stored, redacted = self.form.check_field(field, text)
        if result is not None:
            return Turn(state, [result], redact_inbound=redacted)
        state.pop("complete", None)
        done = self._completed(request)
        change = {"request_id": request.id, "field": field, **stored}
        return Turn(state, [done], complete=change, redact_inbound=redacted)

    def _completed(self, request: RequestView) -> Reply:
        """Back under review: the status message, with its date, like any other."""
        date = format_date(self.clock.now(), self.tr)
        return Reply(self.tr("complete-done", reference=request.reference, date=date))

    def _in_form(
        self, state: State, incoming: Incoming, text: str, command: str | None, ctx: Context
    ) -> Turn:
        assert self.form is not None
        if command == "/cancel":
            incoming = Incoming(
                incoming.channel, incoming.chat_id, incoming.user_id, payload="form:cancel"
            )
        elif command is not None or (self.form.stale(state) and not incoming.payload):
            self.form.touch(state)
            return self.form.offer_resume(state)
        elif text and not incoming.payload and self.form.may_be_question(state, text):
            match = self.faq.ask(text).match
            reason = _CASE_ACTIONS.get(self.faq.action(match.intent) or "")
            if match.decision == "answer" and reason is not None:
                return self._open_case(state, reason)  # the draft waits for later
            if match.decision == "answer" and match.intent in _FORM_ANSWERABLE:
                reply = self._answer(match.intent)
                return self.form.after_question(state, Reply(reply.text))
        return self.form.handle(state, incoming, ctx)

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
