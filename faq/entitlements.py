"""Who may benefit and what a beneficiary is owed and owes, as the guide states them.

Eligibility comes from the sections on target groups («الفئات المستفيدة», «من يحق له
الاستفادة») and on conditions («شروط الاستفادة»); rights and duties from «حقوق المستفيد»,
«واجبات المستفيد» or one section on both. A heading that names the rights next to something
else («سرية المعلومات وحقوق المستفيد») gives its text as the rights when there is no section
of their own. Each is a list of the guide's own lines; an empty list means "not stated".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from faq.guide import Section
from faq.keywords import any_of
from faq.normalize import normalize
from faq.sections import Sections, entries, tidy

__all__ = ["Entitlements", "read_entitlements"]


@dataclass(frozen=True)
class Entitlements:
    groups: list[str]  # who the association serves
    conditions: list[str]  # what a person must meet
    rights: list[str]
    duties: list[str]
    sources: dict[str, str]  # fact -> the heading it came from

    @property
    def eligibility(self) -> list[str]:
        return [*self.groups, *self.conditions]


def _lines(section: Section) -> list[str]:
    """A section's statements: its list, or its prose where it has none; lead-ins dropped."""
    listed = [tidy(x) for x in entries(section) if not x.rstrip().endswith(":")]
    if listed:
        return [x for x in listed if x]
    return [tidy(p) for p in section.paragraphs if tidy(p)]


def _is_conditions(title: str) -> bool:
    return bool(re.search(any_of("eligibility_conditions"), normalize(title)))


def _titled_rights(sections: Sections) -> Section | None:
    """A section of another kind whose heading also names the rights."""
    return next(
        (
            s
            for kind, found in sections.by_kind.items()
            if kind not in ("rights", "duties")
            for s in found
            if s.text and re.search(any_of("rights_title"), normalize(s.title))
        ),
        None,
    )


def read_entitlements(sections: Sections) -> Entitlements:
    groups: list[str] = []
    conditions: list[str] = []
    sources: dict[str, str] = {}
    for section in sections.all("eligibility"):
        lines = _lines(section)
        (conditions if _is_conditions(section.title) else groups).extend(lines)
        if lines:
            sources.setdefault("eligibility", section.title)
    rights_sections = [s for s in sections.all("rights") if s.text]
    if not rights_sections and (titled := _titled_rights(sections)) is not None:
        rights_sections = [titled]
    rights = [x for s in rights_sections for x in _lines(s)]
    duties = [x for s in sections.all("duties") if s.text for x in _lines(s)]
    heading = next((s.title for s in (*rights_sections, *sections.all("duties")) if s.text), None)
    if heading and (rights or duties):
        sources["rights"] = heading
    return Entitlements(groups, conditions, rights, duties, sources)
