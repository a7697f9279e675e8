"""What the request form shows and checks: its settings, each step's prompt and buttons,
the summary, and each field's rule. The flow through the steps is handlers/request_form.py.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from faq.bidi import ltr
from faq.normalize import normalize
from handlers import fields
from handlers.dates import format_date
from handlers.replies import Button, Reply
from handlers.turn import State
from handlers.types import Translate

FIELDS = ("name", "national_id", "phone", "city", "type", "description", "attachments")
STEPS = (*FIELDS, "summary", "declaration")
IDENTIFIER_STEPS = ("national_id", "phone")
CITY_BUTTONS = 6
# The check of each step that takes typed text; the city's needs the configured cities,
# and any other step is the description.
_VALIDATORS: dict[str, Callable[[str], fields.Result]] = {
    "name": fields.full_name,
    "national_id": fields.national_id,
    "phone": fields.mobile,
}


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


class FormPrompts:
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

    # -- prompts ------------------------------------------------------------------------------

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
            return self._declaration()
        return Reply(self.tr(f"form-ask-{step}"), self._nav_buttons(state))

    def _declaration(self) -> Reply:
        buttons = (
            Button(self.tr("form-accept"), "form:accept"),
            Button(self.tr("form-refuse"), "form:refuse"),
            Button(self.tr("form-back"), "form:back", nav=True),
        )
        return Reply(self.tr("form-declaration", text=self.config.declaration), buttons)

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

    def submitted(self, reference: str) -> list[Reply]:
        text = self.tr(
            "form-submitted",
            form=self.config.form_name,
            reference=ltr(reference),
            period=self.config.period,
            date=format_date(self.now(), self.tr),
        )
        return [Reply(text)]

    # -- buttons and checks -------------------------------------------------------------------

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

    def word(self, text: str) -> str | None:
        """The command a typed word stands for ("back", "cancel", "pause", …), if any."""
        return self._word(text)

    def _word(self, text: str) -> str | None:
        typed = normalize(text)
        if not typed:
            return None
        return next((key for key, words in self._words.items() if typed in words), None)

    def _validate(self, step: str, text: str) -> fields.Valid | fields.Invalid:
        if step == "city":
            return fields.city(text, self.config.cities)
        return _VALIDATORS.get(step, fields.description)(text)

    @staticmethod
    def _redaction(step: str, text: str, result: fields.Valid | fields.Invalid) -> str | None:
        if step not in ("national_id", "phone"):
            return None
        if isinstance(result, fields.Valid):
            mask = fields.mask_national_id if step == "national_id" else fields.mask_phone
            return ltr(mask(result.value))
        # Even a mistyped number is somebody's number: keep its shape, not its digits.
        return "".join("•" if ch.isdigit() else ch for ch in text)
