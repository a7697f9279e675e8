"""Completing a request that needs information: which request, which field, and what the
beneficiary sends for it (a corrected field, a file, or a written answer)."""

from __future__ import annotations

from faq.bidi import ltr
from faq.normalize import normalize
from handlers.dates import format_date
from handlers.dialog_replies import FORM_ANSWERABLE, MAX_MESSAGE_CHARS, DialogReplies
from handlers.form_prompts import IDENTIFIER_STEPS
from handlers.replies import Button, Reply, menu_button
from handlers.turn import Context, RequestView, State, Turn
from handlers.types import Incoming, Translate
from storage.models import RequestStatus

MAX_NOTE_CHARS = 1000
# Fields a beneficiary may correct when their request needs more information.
CORRECTABLE = ("name", "national_id", "phone", "city", "description")


class Completing(DialogReplies):
    def _list_requests(self, state: State, ctx: Context) -> Turn:
        if not ctx.requests:
            apply = Button(self.tr("menu-apply"), "intent:how_to_apply")
            return Turn(state, [Reply(self.tr("requests-none"), (apply, menu_button(self.tr)))])
        lines = [describe_request(r, self.tr) for r in ctx.requests]
        buttons = tuple(
            Button(self.tr("requests-complete", reference=ltr(r.reference)), f"complete:{r.id}")
            for r in ctx.requests
            if r.status == RequestStatus.NEEDS_INFO
        )
        text = self.tr("requests-title", count=len(ctx.requests)) + "\n\n" + "\n\n".join(lines)
        return Turn(state, [Reply(text, (*buttons, menu_button(self.tr)))])

    def _start_completing(self, state: State, request_id: int, ctx: Context) -> Turn:
        request = next((r for r in ctx.requests if r.id == request_id), None)
        if request is None or request.status != RequestStatus.NEEDS_INFO:
            return Turn(state, [self.with_menu(self.tr("requests-nothing-to-complete"))])
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
            return self._stop_completing(state, incoming, command, request)
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
        return self._written_answer(state, request, text, payload)

    def _stop_completing(
        self, state: State, incoming: Incoming, command: str | None, request: RequestView | None
    ) -> Turn:
        state.pop("complete", None)
        if request is None or incoming.payload == "complete-cancel" or command == "/cancel":
            return Turn(state, [self.with_menu(self.tr("complete-cancelled"))])
        return self._on_command(state, command or "/menu")

    def _written_answer(self, state: State, request: RequestView, text: str, payload: str) -> Turn:
        """A question is answered and the prompt comes back; anything else is the note."""
        if payload or not normalize(text) or len(text) > MAX_MESSAGE_CHARS:
            return Turn(state, [self._completion_prompt(request)])
        if text.endswith(("?", "؟")):
            match = self.faq.ask(text).match
            if match.decision == "answer" and match.intent in FORM_ANSWERABLE:
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
        return self.with_menu(text)


def describe_request(request: RequestView, tr: Translate) -> str:
    """One request as "follow my request" shows it: status, dates and what comes next."""
    text = tr(
        "request-line",
        reference=ltr(request.reference),
        type=request.type,
        status=tr(f"status-{request.status}"),
        submitted=format_date(request.submitted_at, tr),
        updated=format_date(request.updated_at, tr),
        next=tr(f"status-next-{request.status}"),
    )
    if request.status == RequestStatus.NEEDS_INFO and request.missing_info:
        text += "\n" + tr("request-missing", missing=request.missing_info)
    return text
