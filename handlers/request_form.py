"""The support request form (طلب دعم مستفيد), one field at a time (design.md, flow 3).

Each field is checked as it is typed and a failed rule is named. "back" and "cancel" work
at every step, a question asked mid-form is answered and the form goes on, and an
unfinished form waits in the conversation state (identifiers encrypted) until the person
comes back or the draft expires. The last steps are a summary with "edit a field" and the
declaration in the guide's own words; accepting it files the request.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from faq.normalize import normalize
from handlers import fields
from handlers.bidi import ltr
from handlers.dates import format_date
from handlers.replies import Button, Reply
from handlers.turn import Context, RequestView, State, Turn
from handlers.types import Incoming

Translate = Callable[..., str]
FIELDS = ("name", "national_id", "phone", "city", "type", "description", "attachments")
STEPS = (*FIELDS, "summary", "declaration")
IDENTIFIER_STEPS = ("national_id", "phone")
MAX_ATTACHMENTS = 10
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
MAX_ATTACHMENTS_NOTE = 500
# Someone who comes back after this long is asked whether to continue or start over,
# rather than having their first message taken as the next field.
RESUME_AFTER = timedelta(minutes=30)
CITY_BUTTONS = 6
# What a draft holds once every step before the summary was answered.
_REQUIRED = ("name", "national_id_enc", "phone_enc", "city", "type", "description")


class Cipher(Protocol):
    def encrypt(self, plaintext: str) -> str: ...

    def keyed_hash(self, value: str) -> str: ...


@dataclass(frozen=True)
class FormConfig:
    form_name: str
    services: Sequence[str]
    period: str
    declaration: str
    declaration_version: str
    draft_ttl: timedelta
    cities: Sequence[str]


class RequestForm:
    def __init__(
        self, tr: Translate, cipher: Cipher, config: FormConfig, now: Callable[[], datetime]
    ) -> None:
        self.tr = tr
        self.cipher = cipher
        self.config = config
        self.now = now
        self._words: dict[str, set[str]] = {
            key: {normalize(w) for w in tr(f"form-words-{key}").split(",") if w.strip()}
            for key in ("back", "cancel", "done", "continue", "restart", "pause")
        }

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

    def word(self, text: str) -> str | None:
        """The command a typed word stands for ("back", "cancel", "pause", …), if any."""
        return self._word(text)

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
        if step in ("summary", "declaration"):
            return self._final_steps(state, step, payload, ctx)
        if step == "attachments":
            return self._attachments(state, incoming, payload, word)
        if incoming.attachments:
            return Turn(state, [Reply(self.tr("form-attachment-not-now")), self._prompt(state)])
        if step == "type":
            return self._type(state, incoming.text, payload, ctx)
        if step == "phone" and incoming.foreign_contact:
            return Turn(state, [Reply(self.tr("form-contact-not-yours"), self._nav_buttons(state))])
        if step == "phone" and incoming.contact:
            text = incoming.contact
        else:
            # The ID and mobile steps check the number itself; every other step sees it masked.
            text = incoming.as_typed if step in IDENTIFIER_STEPS else incoming.text
        if step == "city" and payload.startswith("form:city:") and payload[10:].isdigit():
            index = int(payload[10:])
            text = self.config.cities[index] if index < len(self.config.cities) else ""
        if not text.strip():
            return Turn(state, [self._prompt(state)])
        return self._field(state, step, text)

    # -- the steps ----------------------------------------------------------------------------

    def _field(self, state: State, step: str, text: str) -> Turn:
        result = self._validate(step, text)
        redacted = self._redaction(step, text, result)
        if isinstance(result, fields.Invalid):
            reply = Reply(self.tr(result.message_id, result.args), self._nav_buttons(state))
            return Turn(state, [reply], redact_inbound=redacted)
        self._store(state, step, result.value)
        return Turn(state, [self._advance(state)], redact_inbound=redacted)

    def _type(self, state: State, text: str, payload: str, ctx: Context) -> Turn:
        services = list(self.config.services)
        chosen: str | None = None
        if payload.startswith("form:type:") and payload[10:].isdigit():
            index = int(payload[10:])
            chosen = services[index] if index < len(services) else None
        elif text.strip():
            typed = normalize(text)
            chosen = next((s for s in services if normalize(s) == typed), None)
            if chosen is None and typed.isdigit() and 1 <= int(typed) <= len(services):
                chosen = services[int(typed) - 1]
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
            if incoming.text.strip():
                # «سأحضرها للمقر», «ما عندي»: the step ends in words, kept for the researcher.
                data["attachments_note"] = incoming.text.strip()[:MAX_ATTACHMENTS_NOTE]
                return Turn(state, [self._advance(state)])
            # Only an empty message goes unanswered here: a button of an earlier message or a
            # contact gets the hint, not silence.
            if payload or incoming.contact or incoming.foreign_contact:
                return Turn(
                    state, [Reply(self.tr("form-attachments-hint"), self._attach_buttons(state))]
                )
            return Turn(state)
        for a in incoming.attachments:
            if a.size is not None and a.size > MAX_ATTACHMENT_BYTES:
                mb = MAX_ATTACHMENT_BYTES // (1024 * 1024)
                return Turn(
                    state,
                    [Reply(self.tr("form-error-file-too-big", mb=mb), self._attach_buttons(state))],
                )
            if len(files) >= MAX_ATTACHMENTS:
                return Turn(
                    state,
                    [
                        Reply(
                            self.tr("form-error-too-many", max=MAX_ATTACHMENTS),
                            self._attach_buttons(state),
                        )
                    ],
                )
            files.append(a.to_dict())
        reply = Reply(
            self.tr("form-attachment-received", count=len(files)), self._attach_buttons(state)
        )
        return Turn(state, [reply])

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

    def submitted(self, reference: str) -> list[Reply]:
        text = self.tr(
            "form-submitted",
            form=self.config.form_name,
            reference=ltr(reference),
            period=self.config.period,
            date=format_date(self.now(), self.tr),
        )
        return [Reply(text)]

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

    def _prompt(self, state: State) -> Reply:
        step = state["form"]["step"]
        if step == "type":
            return Reply(self.tr("form-ask-type"), self._type_buttons(state))
        if step == "city":
            # By index: Telegram's callback data has room for 64 bytes, not for every name.
            shown = self.config.cities[:CITY_BUTTONS]
            cities = tuple(Button(c, f"form:city:{i}") for i, c in enumerate(shown))
            return Reply(self.tr("form-ask-city"), cities + self._nav_buttons(state))
        if step == "phone":
            return Reply(self.tr("form-ask-phone"), self._nav_buttons(state), request_contact=True)
        if step == "attachments":
            return Reply(self.tr("form-ask-attachments"), self._attach_buttons(state))
        if step == "summary":
            return self._summary(state)
        if step == "declaration":
            buttons = (
                Button(self.tr("form-accept"), "form:accept"),
                Button(self.tr("form-refuse"), "form:refuse"),
                Button(self.tr("form-back"), "form:back", nav=True),
            )
            text = self.tr("form-declaration", text=self.config.declaration)
            return Reply(text, buttons)
        return Reply(self.tr(f"form-ask-{step}"), self._nav_buttons(state))

    def _summary(self, state: State) -> Reply:
        data = state["form"]["data"]
        files = data.get("attachments") or []
        text = self.tr(
            "form-summary",
            form=self.config.form_name,
            name=data.get("name", ""),
            national_id=ltr(data.get("national_id_mask", "")),
            phone=ltr(data.get("phone_mask", "")),
            city=data.get("city", ""),
            type=data.get("type", ""),
            description=data.get("description", ""),
            files=len(files),
        )
        buttons = (
            Button(self.tr("form-confirm"), "form:confirm"),
            Button(self.tr("form-edit"), "form:edit"),
            Button(self.tr("form-cancel"), "form:cancel", nav=True),
        )
        return Reply(text, buttons)

    # -- buttons and helpers ------------------------------------------------------------------

    def _nav_buttons(self, state: State) -> tuple[Button, ...]:
        back = (
            ()
            if state["form"]["step"] == "name"
            else (Button(self.tr("form-back"), "form:back", nav=True),)
        )
        return (*back, Button(self.tr("form-cancel"), "form:cancel", nav=True))

    def _type_buttons(self, state: State) -> tuple[Button, ...]:
        options = tuple(Button(s, f"form:type:{i}") for i, s in enumerate(self.config.services))
        return options + self._nav_buttons(state)

    def _attach_buttons(self, state: State) -> tuple[Button, ...]:
        return (Button(self.tr("form-done"), "form:done"), *self._nav_buttons(state))

    def _edit_buttons(self) -> tuple[Button, ...]:
        return tuple(Button(self.tr(f"form-field-{f}"), f"form:edit:{f}") for f in FIELDS)

    def _word(self, text: str) -> str | None:
        typed = normalize(text)
        if not typed:
            return None
        return next((key for key, words in self._words.items() if typed in words), None)

    def _validate(self, step: str, text: str) -> fields.Valid | fields.Invalid:
        if step == "name":
            return fields.full_name(text)
        if step == "national_id":
            return fields.national_id(text)
        if step == "phone":
            return fields.mobile(text)
        if step == "city":
            return fields.city(text, self.config.cities)
        return fields.description(text)

    @staticmethod
    def _redaction(step: str, text: str, result: fields.Valid | fields.Invalid) -> str | None:
        if step not in ("national_id", "phone"):
            return None
        if isinstance(result, fields.Valid):
            mask = fields.mask_national_id if step == "national_id" else fields.mask_phone
            return ltr(mask(result.value))
        # Even a mistyped number is somebody's number: keep its shape, not its digits.
        return "".join("•" if ch.isdigit() else ch for ch in text)


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
    if request.status == "needs_info" and request.missing_info:
        text += "\n" + tr("request-missing", missing=request.missing_info)
    return text
