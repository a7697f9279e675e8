"""The support request form (طلب دعم مستفيد), one field at a time.

Each field is checked as it is typed and a failed rule is named. "back" and "cancel" work
at every step, a question asked mid-form is answered and the form goes on, and an
unfinished form waits in the conversation state (identifiers encrypted) until the person
comes back or the draft expires. The last steps are a summary with "edit a field" and the
declaration in the guide's own words; accepting it files the request.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from faq.bidi import ltr
from faq.normalize import normalize
from handlers import fields
from handlers.dates import format_date
from handlers.form_prompts import FIELDS, IDENTIFIER_STEPS, STEPS, FormPrompts
from handlers.replies import Button, Reply
from handlers.turn import Context, State, Turn
from handlers.types import Incoming

MAX_ATTACHMENTS = 10
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
MAX_ATTACHMENTS_NOTE = 500
# Someone who comes back after this long is asked whether to continue or start over,
# rather than having their first message taken as the next field.
RESUME_AFTER = timedelta(minutes=30)
# What a draft holds once every step before the summary was answered.
_REQUIRED = ("name", "national_id_enc", "phone_enc", "city", "type", "description")


class RequestForm(FormPrompts):
    # -- entering and leaving ---------------------------------------------------------------

    def has_draft(self, state: State) -> bool:
        return isinstance(state.get("form"), dict)

    def expired(self, state: State) -> bool:
        form = state.get("form") or {}
        started = form.get("started_at")
        age = self.now() - datetime.fromisoformat(str(started)) if started else timedelta(0)
        return age > self.config.draft_ttl

    def paused(self, state: State) -> bool:
        return self.has_draft(state) and bool(state["form"].get("paused"))

    def pause(self, state: State) -> Reply:
        """Keep the draft for later; until then the person's messages are not its fields."""
        state["form"]["paused"] = True
        return Reply(self.tr("form-paused", form=self.config.form_name))

    def resume(self, state: State) -> None:
        state["form"].pop("paused", None)
        self.touch(state)

    def stale(self, state: State) -> bool:
        form = state.get("form") or {}
        touched = form.get("touched_at")
        return bool(touched) and self.now() - datetime.fromisoformat(str(touched)) > RESUME_AFTER

    def start(self, state: State, ctx: Context) -> Turn:
        if self.has_draft(state):
            return self.offer_resume(state)
        now = self.now().isoformat()
        state["form"] = {"step": "name", "data": {}, "started_at": now, "touched_at": now}
        intro = self.tr("form-intro", form=self.config.form_name)
        return Turn(state, [Reply(intro), self._prompt(state)])

    def offer_resume(self, state: State) -> Turn:
        buttons = (
            Button(self.tr("form-continue"), "form:continue"),
            Button(self.tr("form-restart"), "form:restart"),
        )
        return Turn(state, [Reply(self.tr("form-resume", form=self.config.form_name), buttons)])

    def drop_expired(self, state: State) -> Reply:
        state.pop("form", None)
        return Reply(self.tr("form-expired", days=self.config.draft_ttl.days))

    # -- one message while the form is open --------------------------------------------------

    def touch(self, state: State) -> None:
        state["form"]["touched_at"] = self.now().isoformat()

    def may_be_question(self, state: State, text: str) -> bool:
        """Whether a message at this step could be a question rather than the field."""
        step = state["form"]["step"]
        # A description is free text that may well sound like a question; there only an
        # explicit question mark makes it one.
        if step in ("national_id", "phone"):
            # A number has no words; "كم مدة دراسة الطلب؟" typed here is a question.
            return sum(ch.isalpha() for ch in text) >= 3
        if step in ("type", "summary", "declaration"):
            return False
        if step in ("description", "attachments"):
            return text.rstrip().endswith(("?", "؟"))
        return self._word(text) is None

    def accepts(self, state: State, text: str) -> bool:
        """Whether the text passes the current step's check: then it is the step's answer."""
        step = state["form"]["step"]
        if step not in ("name", "national_id", "phone", "city", "description"):
            return False
        return isinstance(self._validate(step, text), fields.Valid)

    def after_question(self, state: State, answer: Reply) -> Turn:
        """A question answered mid-form: the answer, then the current step again."""
        self.touch(state)
        return Turn(state, [answer, self._prompt(state)])

    def check_field(self, step: str, text: str) -> tuple[Reply | None, dict[str, Any], str | None]:
        """Validate one field outside the form (a correction): error, stored values, redaction."""
        result = self._validate(step, text)
        redacted = self._redaction(step, text, result)
        if isinstance(result, fields.Invalid):
            return Reply(self.tr(result.message_id, result.args)), {}, redacted
        scratch: State = {"form": {"data": {}}}
        self._store(scratch, step, result.value)
        return None, scratch["form"]["data"], redacted

    def handle(self, state: State, incoming: Incoming, ctx: Context) -> Turn:
        form = state["form"]
        step = str(form["step"])
        word = self._word(incoming.text)
        payload = incoming.payload or ""
        form["touched_at"] = self.now().isoformat()
        moved = self._navigate(state, payload, word, ctx)
        if moved is not None:
            return moved
        if step in ("summary", "declaration"):
            return self._final_steps(state, step, payload, ctx)
        if step == "attachments":
            return self._attachments(state, incoming, payload, word)
        return self._typed(state, step, incoming, payload, ctx)

    def _navigate(self, state: State, payload: str, word: str | None, ctx: Context) -> Turn | None:
        """Cancel, back, continue, restart or "edit a field", at any step."""
        form = state["form"]
        if payload == "form:cancel" or word == "cancel":
            state.pop("form", None)
            return Turn(state, [Reply(self.tr("form-cancelled", form=self.config.form_name))])
        if payload == "form:back" or word == "back":
            return self._back(state)
        if payload == "form:continue" or word == "continue":
            return Turn(state, [self._prompt(state)])
        if payload == "form:restart" or word == "restart":
            state.pop("form", None)
            return self.start(state, ctx)
        if payload.startswith("form:edit:") and payload[10:] in FIELDS and self._filled(form):
            form.update(step=payload[10:], editing=True)
            return Turn(state, [self._prompt(state)])
        return None

    def _typed(
        self, state: State, step: str, incoming: Incoming, payload: str, ctx: Context
    ) -> Turn:
        """A step answered in words, a button or a shared contact."""
        if incoming.attachments:
            return Turn(state, [Reply(self.tr("form-attachment-not-now")), self._prompt(state)])
        if step == "type":
            return self._type(state, incoming.text, payload, ctx)
        if step == "phone" and incoming.foreign_contact:
            return Turn(state, [Reply(self.tr("form-contact-not-yours"), self._nav_buttons(state))])
        text = self._text_for(step, incoming, payload)
        if not text.strip():
            return Turn(state, [self._prompt(state)])
        return self._field(state, step, text)

    def _text_for(self, step: str, incoming: Incoming, payload: str) -> str:
        if step == "city" and payload.startswith("form:city:") and payload[10:].isdigit():
            index = int(payload[10:])
            return self.config.cities[index] if index < len(self.config.cities) else ""
        if step == "phone" and incoming.contact:
            return incoming.contact
        # The ID and mobile steps check the number itself; every other step sees it masked.
        return incoming.as_typed if step in IDENTIFIER_STEPS else incoming.text

    # -- the steps ----------------------------------------------------------------------------

    def _field(self, state: State, step: str, text: str) -> Turn:
        result = self._validate(step, text)
        redacted = self._redaction(step, text, result)
        if isinstance(result, fields.Invalid):
            reply = Reply(self.tr(result.message_id, result.args), self._nav_buttons(state))
            return Turn(state, [reply], redact_inbound=redacted)
        self._store(state, step, result.value)
        return Turn(state, [self._advance(state)], redact_inbound=redacted)

    def _chosen_type(self, text: str, payload: str) -> str | None:
        """The service picked by its button, its name or its number in the list."""
        services = list(self.config.services)
        if payload.startswith("form:type:") and payload[10:].isdigit():
            index = int(payload[10:])
            return services[index] if index < len(services) else None
        if not text.strip():
            return None
        typed = normalize(text)
        chosen = next((s for s in services if normalize(s) == typed), None)
        if chosen is None and typed.isdigit() and 1 <= int(typed) <= len(services):
            chosen = services[int(typed) - 1]
        return chosen

    def _type(self, state: State, text: str, payload: str, ctx: Context) -> Turn:
        chosen = self._chosen_type(text, payload)
        if chosen is None:
            return Turn(state, [Reply(self.tr("form-error-type"), self._type_buttons(state))])
        existing = next((r for r in ctx.requests if r.is_open and r.type == chosen), None)
        if existing is not None:
            text = self.tr(
                "form-duplicate",
                type=chosen,
                reference=ltr(existing.reference),
                status=self.tr(f"status-{existing.status}"),
                date=format_date(existing.submitted_at, self.tr),
            )
            return Turn(state, [Reply(text, self._type_buttons(state))])
        self._store(state, "type", chosen)
        return Turn(state, [self._advance(state)])

    def _attachments(
        self, state: State, incoming: Incoming, payload: str, word: str | None
    ) -> Turn:
        data = state["form"]["data"]
        files: list[dict[str, Any]] = data.setdefault("attachments", [])
        if payload == "form:done" or word == "done":
            return Turn(state, [self._advance(state)])
        if not incoming.attachments:
            return self._no_file(state, incoming, payload)
        for a in incoming.attachments:
            if a.size is not None and a.size > MAX_ATTACHMENT_BYTES:
                mb = MAX_ATTACHMENT_BYTES // (1024 * 1024)
                return self._attach_reply(state, "form-error-file-too-big", mb=mb)
            if len(files) >= MAX_ATTACHMENTS:
                return self._attach_reply(state, "form-error-too-many", max=MAX_ATTACHMENTS)
            files.append(a.to_dict())
        return self._attach_reply(state, "form-attachment-received", count=len(files))

    def _no_file(self, state: State, incoming: Incoming, payload: str) -> Turn:
        if incoming.text.strip():
            # «سأحضرها للمقر», «ما عندي»: the step ends in words, kept for the researcher.
            note = incoming.text.strip()[:MAX_ATTACHMENTS_NOTE]
            state["form"]["data"]["attachments_note"] = note
            return Turn(state, [self._advance(state)])
        # Only an empty message goes unanswered here: a button of an earlier message or a
        # contact gets the hint, not silence.
        if payload or incoming.contact or incoming.foreign_contact:
            return self._attach_reply(state, "form-attachments-hint")
        return Turn(state)

    def _attach_reply(self, state: State, message_id: str, **arguments: Any) -> Turn:
        return Turn(state, [Reply(self.tr(message_id, **arguments), self._attach_buttons(state))])

    def _final_steps(self, state: State, step: str, payload: str, ctx: Context) -> Turn:
        form = state["form"]
        if step == "summary":
            if payload == "form:confirm":
                form["step"] = "declaration"
                return Turn(state, [self._prompt(state)])
            if payload == "form:edit":
                return Turn(state, [Reply(self.tr("form-which-field"), self._edit_buttons())])
            return Turn(state, [self._prompt(state)])
        if payload == "form:accept":
            return self._submit(state, ctx)
        if payload == "form:refuse":
            buttons = (
                Button(self.tr("form-accept"), "form:accept"),
                Button(self.tr("form-cancel"), "form:cancel", nav=True),
            )
            return Turn(state, [Reply(self.tr("form-declaration-refused"), buttons)])
        return Turn(state, [self._prompt(state)])

    def _submit(self, state: State, ctx: Context) -> Turn:
        form = state.pop("form")
        data = dict(form["data"])
        existing = next((r for r in ctx.requests if r.is_open and r.type == data.get("type")), None)
        if existing is not None:  # filed from another channel meanwhile
            return Turn(
                state, [Reply(self.tr("form-duplicate-late", reference=ltr(existing.reference)))]
            )
        data.update(
            declaration_version=self.config.declaration_version,
            declared_at=self.now().isoformat(),
        )
        return Turn(state, submit=data)

    # -- moving between steps -----------------------------------------------------------------

    def _store(self, state: State, step: str, value: str) -> None:
        data = state["form"]["data"]
        if step == "national_id":
            data["national_id_enc"] = self.cipher.encrypt(value)
            data["national_id_hash"] = self.cipher.keyed_hash(value)
            data["national_id_mask"] = fields.mask_national_id(value)
        elif step == "phone":
            data["phone_enc"] = self.cipher.encrypt(value)
            data["phone_mask"] = fields.mask_phone(value)
        else:
            data[step] = value

    @staticmethod
    def _filled(form: dict[str, Any]) -> bool:
        # "Edit a field" returns to the summary: offered there, it must not skip a step
        # when an old summary's button is pressed in a draft that hasn't reached it.
        return all(key in form["data"] for key in _REQUIRED)

    def _advance(self, state: State) -> Reply:
        form = state["form"]
        if form.pop("editing", False):
            form["step"] = "summary"
        else:
            form["step"] = STEPS[STEPS.index(form["step"]) + 1]
        return self._prompt(state)

    def _back(self, state: State) -> Turn:
        form = state["form"]
        index = STEPS.index(form["step"])
        form.pop("editing", None)
        if index == 0:
            return Turn(state, [Reply(self.tr("form-first-step")), self._prompt(state)])
        form["step"] = STEPS[index - 1]
        return Turn(state, [self._prompt(state)])
