"""Everything the builder reads from a guide before it writes a profile and answers."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from faq.contacts import StatedContacts, contacts_from_guide
from faq.documents import documents_from_guide
from faq.entitlements import Entitlements, read_entitlements
from faq.guide import ParsedGuide
from faq.identity import beneficiary_terms
from faq.keywords import keywords
from faq.normalize import normalize
from faq.procedure import ProcedureFacts, read_procedure
from faq.sections import Sections, tidy
from faq.suggestions import suggested_services

__all__ = ["GuideFacts", "read_facts"]

Translate = Callable[..., str]


@dataclass(frozen=True)
class GuideFacts:
    name: str
    channels: list[str]
    tools: list[str]
    goals: list[str]
    intro: str
    general_goal: str
    confidentiality: str | None
    satisfaction: str | None
    singular: str
    plural: str
    form: str | None  # the request form the guide's tools name, if any
    services: list[str]
    services_suggested: bool  # the guide lists none: these are for the admin to review
    procedure: ProcedureFacts
    contacts: StatedContacts
    documents: list[str]  # the documents the guide asks for; empty: it names none
    entitlements: Entitlements


def _request_form(tools: list[str]) -> str | None:
    words = keywords("request_form")
    form = next((t for t in tools if normalize(t).startswith(words)), None)
    if form is None:
        form = next((t for t in tools if any(w in normalize(t) for w in words)), None)
        if form is not None:
            form = re.sub(r"^نماذج\s+", "", form).replace("طلبات", "طلب")
    return form


def _satisfaction(sections: Sections, goals: list[str]) -> str | None:
    stated = sections.text("satisfaction")
    if stated is not None:
        return stated
    words = keywords("satisfaction")
    return next((g for g in goals if any(w in normalize(g) for w in words)), None)


def _services(sections: Sections, name: str, goals: list[str], tr: Translate) -> list[str]:
    # Channels such as "خدمات طلب المساعدة" are ways in, not services.
    return sections.items("services") or suggested_services(name, goals, tr)


def _channels(sections: Sections, contacts: StatedContacts) -> list[str]:
    """The channel list, without the lines that are the hours or the address themselves
    and without a line that only introduces the list."""
    facts = {tidy(line) for line in contacts.fact_lines}
    return [c for c in sections.items("channels") if c not in facts and not _is_lead_in(c)]


def _is_lead_in(item: str) -> bool:
    # «يسعد فريق علاقات المستفيدين باستقبالكم … وفق ما يلي» (its colon tidied away).
    return bool(re.search(r"(?:التالية|التالي|الآتية|ما يلي|كالتالي)(?:\s\S+){0,6}$", item))


def read_facts(guide: ParsedGuide, sections: Sections, name: str, tr: Translate) -> GuideFacts:
    goals = sections.bullets("goals")
    tools = sections.items("tools")
    singular, plural = beneficiary_terms(guide, tr)
    contacts = contacts_from_guide(sections, guide)
    procedure = read_procedure(sections, tr)
    return GuideFacts(
        name=name,
        channels=_channels(sections, contacts),
        tools=tools,
        goals=goals,
        intro=sections.prose("intro"),
        general_goal=sections.prose("general_goal"),
        confidentiality=sections.text("confidentiality"),
        satisfaction=_satisfaction(sections, goals),
        singular=singular,
        plural=plural,
        form=_request_form(tools),
        services=_services(sections, name, goals, tr),
        services_suggested=not sections.items("services"),
        procedure=procedure,
        contacts=contacts,
        documents=documents_from_guide(sections, procedure.steps),
        entitlements=read_entitlements(sections),
    )
