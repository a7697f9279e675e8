"""One answer per canonical intent, composed from what the guide states.

An answer the guide gives no facts for is the catalog's generic one, and the intent is
reported missing so that the admin knows to complete it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from faq.facts import GuideFacts
from faq.keywords import any_of, keywords
from faq.normalize import normalize
from faq.profile import CONTACT_FIELDS, FaqEntry, Profile
from faq.sections import Sections, tidy

__all__ = ["ACTIONS", "Answers"]

Translate = Callable[..., str]

# What the bot does besides answering (docs/faq.md, bench/data/intents.md).
ACTIONS = {
    "greeting": "menu",
    "thanks": "menu",
    "services": "offer_request",
    "how_to_apply": "start_request",
    "required_documents": "offer_request",
    "eligibility": "offer_request",
    "request_status": "list_requests",
    "complete_request": "complete_request",
    "privacy": "privacy_rights",
    "talk_to_human": "handover",
    "complaint": "handover_complaint",
    "feedback": "survey",
}
_ABOUT_GOALS = 4


def _bullets(items: list[str]) -> str:
    return "\n".join(f"• {tidy(i)}" for i in items if tidy(i))


def _arguments(profile: Profile, facts: GuideFacts, tr: Translate) -> dict[str, Any]:
    return {
        "name": profile.name,
        "short": profile.short_name,
        "term": facts.singular,
        "terms": facts.plural,
        "form": profile.request_form,
        "period": profile.review_period.phrase,
        "role": profile.referral_role or tr("default-referral-role"),
        **{f: "{" + f + "}" for f in CONTACT_FIELDS},
    }


class Answers:
    """The FAQ entries of one guide, with where each answer came from."""

    def __init__(self, facts: GuideFacts, profile: Profile, sections: Sections, tr: Translate):
        self.facts = facts
        self.sections = sections
        self.tr = tr
        self.args = _arguments(profile, facts, tr)
        self.licence = profile.licence
        self.entries: list[FaqEntry] = []
        self.sources: dict[str, str] = {}
        self.missing: list[str] = []

    def compose(self) -> list[FaqEntry]:
        self.add("greeting", self.text("answer-greeting"), None)
        self.add("thanks", self.text("answer-thanks"), None)
        self._about()
        self._services()
        self._channels()
        self._location()
        hours = self.facts.contacts.sources.get("working_hours")
        self.add("working_hours", self.text("answer-working-hours"), hours)
        self._procedure()
        self._data()
        self._people()
        return self.entries

    def text(self, message_id: str) -> str:
        return self.tr(message_id, self.args)

    def add(self, intent: str, answer: str, section: str | None) -> None:
        entry = FaqEntry(
            id=intent, answer=answer.strip(), source=section, action=ACTIONS.get(intent)
        )
        self.entries.append(entry)
        self.sources[intent] = section or self.tr("build-source-catalog")

    def generic(self, intent: str, message_id: str) -> None:
        """The catalog's answer, for an intent the guide says nothing about."""
        self.add(intent, self.text(message_id), None)
        self.missing.append(intent)

    def _about(self) -> None:
        f, title = self.facts, self.sections.title
        parts = [p for p in (f.intro, f.general_goal) if p]
        if f.goals:
            parts.append(self.tr("answer-about-goals") + "\n" + _bullets(f.goals[:_ABOUT_GOALS]))
        if self.licence:
            parts.append(self.tr("answer-about-licence", licence=self.licence))
        source = " + ".join(t for t in (title("intro"), title("general_goal"), title("goals")) if t)
        self.add("about", "\n\n".join([self.text("answer-about-intro"), *parts]), source or None)

    def _services(self) -> None:
        services, title = self.facts.services, self.sections.title
        if not services:
            self.generic("services", "answer-services-generic")
            return
        heading = (
            "answer-services-suggested" if self.facts.services_suggested else "answer-services"
        )
        answer = (
            f"{self.text(heading)}\n{_bullets(services)}\n\n{self.text('answer-offer-request')}"
        )
        self.add("services", answer, title("services") or title("goals") or title("channels"))

    def _channels(self) -> None:
        channels = self.facts.channels
        if not channels:
            self.generic("channels", "answer-contacts")
            return
        answer = f"{self.text('answer-channels')}\n{_bullets(channels)}\n\n"
        self.add("channels", answer + self.text("answer-contacts"), self.sections.title("channels"))

    def _location(self) -> None:
        title = self.sections.title
        branch = any_of("branch")
        branches = [c for c in self.facts.channels if re.search(branch, normalize(c))]
        location = self.text("answer-location")
        if branches:
            location += "\n" + self.tr("answer-location-branches", branches="، ".join(branches))
        stated = self.facts.contacts.sources.get("address")
        self.add("location", location, stated or (title("channels") if branches else None))

    def _procedure(self) -> None:
        p = self.facts.procedure
        if p.steps:
            # The guide's steps are written for staff; the answer tells the beneficiary the
            # same procedure from their side, with the guide's own period and referral role.
            self.add("how_to_apply", self.text("answer-how-to-apply"), p.title)
        else:
            self.generic("how_to_apply", "answer-how-to-apply-generic")
        self._documents()
        self._eligibility()
        if p.period_step:
            self.add("review_period", self.text("answer-review-period"), p.title)
        else:
            self.generic("review_period", "answer-review-period-unstated")
        self.add("request_status", self.text("answer-request-status"), None)
        complete = self.text("answer-complete-request")
        if p.complete_step:
            self.add("complete_request", p.complete_step + "\n\n" + complete, p.title)
        else:
            self.add("complete_request", complete, None)

    def _documents(self) -> None:
        documents, form_fields = self.facts.documents, self.text("answer-required-documents")
        if documents:
            stated = f"{self.text('answer-documents-stated')}\n{_bullets(documents)}"
            source = self.sections.title("documents") or self.facts.procedure.title
            self.add("required_documents", f"{stated}\n\n{form_fields}", source)
            return
        missing = f"{form_fields}\n\n{self.text('answer-documents-missing')}"
        # The form the guide's tools name is where the answer's list of details comes from.
        self.add(
            "required_documents", missing, self.sections.title("tools") if self.facts.form else None
        )
        self.missing.append("required_documents")

    def _eligibility(self) -> None:
        e = self.facts.entitlements
        if not e.eligibility:
            self.generic("eligibility", "answer-eligibility-missing")
            return
        parts = [self.text("answer-eligibility")]
        if e.groups:
            parts[0] += "\n" + _bullets(e.groups)
        if e.conditions:
            lead = "answer-eligibility-conditions" if e.groups else "answer-eligibility-only"
            parts.append(f"{self.text(lead)}\n{_bullets(e.conditions)}")
        parts.append(self.text("answer-eligibility-apply"))
        self.add("eligibility", "\n\n".join(parts), e.sources.get("eligibility"))

    def _rights(self) -> None:
        e = self.facts.entitlements
        if not (e.rights or e.duties):
            self.generic("rights", "answer-rights-missing")
            return
        parts = []
        if e.rights:
            parts.append(f"{self.text('answer-rights')}\n{_bullets(e.rights)}")
        if e.duties:
            lead = "answer-duties" if e.rights else "answer-duties-only"
            parts.append(f"{self.text(lead)}\n{_bullets(e.duties)}")
        self.add("rights", "\n\n".join(parts), e.sources.get("rights"))

    def _data(self) -> None:
        p, f = self.facts.procedure, self.facts
        if p.declaration:
            answer = self.text("answer-data-responsibility") + "\n«" + p.declaration + "»"
            self.add("data_responsibility", answer, p.title)
        else:
            self.generic("data_responsibility", "answer-data-responsibility-generic")
        privacy = self.text("answer-privacy")
        if f.confidentiality:
            privacy = f.confidentiality + "\n\n" + privacy
        self.add("privacy", privacy, self.sections.title("confidentiality"))
        self._rights()

    def _people(self) -> None:
        f, title = self.facts, self.sections.title
        if f.procedure.referral_step:
            self.add("talk_to_human", self.text("answer-talk-to-human"), f.procedure.title)
        else:
            self.add("talk_to_human", self.text("answer-talk-to-human-generic"), None)
        self.add("complaint", self.text("answer-complaint"), None)
        feedback = self.text("answer-feedback")
        if f.satisfaction:
            feedback = f.satisfaction + "\n\n" + feedback
        source = title("satisfaction") or (title("goals") if f.satisfaction else None)
        self.add("feedback", feedback, source)
        self._volunteer()
        self.add("donate", self.text("answer-donate"), title("donation"))

    def _volunteer(self) -> None:
        words = keywords("volunteering")
        channel = next(
            (c for c in self.facts.channels if any(w in normalize(c) for w in words)), None
        )
        if channel or "volunteering" in self.sections:
            source = self.sections.title("volunteering") or self.sections.title("channels")
            self.add("volunteer", self.text("answer-volunteer"), source)
        else:
            self.add("volunteer", self.text("answer-volunteer-generic"), None)
