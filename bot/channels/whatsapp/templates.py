"""Which approved template goes in place of a message outside the 24-hour window.

Three, named in the settings (docs/channels.md has the text to submit to Meta for each):
a request's status (its reference and status), a survey's invitation, and "a new message
is waiting" for the rest (a staff reply, a reminder). Each has a quick-reply button whose
payload reopens the window; the message itself follows then.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.channels.whatsapp.render import template
from bot.config import Settings
from handlers.replies import WINDOW_PAYLOAD

_SURVEY_TOPICS = frozenset({"survey", "campaign"})


@dataclass(frozen=True)
class Templates:
    language: str
    status: str
    survey: str
    message: str
    org_name: str

    @classmethod
    def from_settings(cls, settings: Settings, org_name: str) -> Templates:
        return cls(
            language=settings.whatsapp_template_language,
            status=settings.whatsapp_template_status,
            survey=settings.whatsapp_template_survey,
            message=settings.whatsapp_template_message,
            org_name=org_name,
        )

    def instead_of(self, to: str, body: dict[str, Any]) -> dict[str, Any]:
        """The template message that stands for `body`."""
        topic = body.get("topic")
        facts = body.get("facts")
        if topic == "status" and isinstance(facts, dict):
            params = [str(facts.get("reference") or ""), str(facts.get("status") or "")]
            return self._template(to, self.status, params)
        if topic in _SURVEY_TOPICS:
            return self._template(to, self.survey, [self.org_name])
        return self._template(to, self.message, [self.org_name])

    def _template(self, to: str, name: str, params: list[str]) -> dict[str, Any]:
        return template(to, name, self.language, params, WINDOW_PAYLOAD)
