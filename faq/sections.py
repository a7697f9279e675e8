"""A guide's sections by kind: which headings the builder recognises, and what they hold."""

from __future__ import annotations

import re
from functools import lru_cache

from faq.guide import ParsedGuide, Section
from faq.keywords import keywords, valued
from faq.normalize import normalize

__all__ = ["Sections", "entries", "kind_of", "tidy"]

# Kinds that say nothing about the association: a guide of only these is not readable.
_FORMAL_KINDS = frozenset({"approval", "scope"})
# Longer paragraphs are prose, not the items of a list whose bullets the PDF lost.
_MAX_ITEM_WORDS = 14


@lru_cache(maxsize=1)
def _section_keys() -> tuple[tuple[str, re.Pattern[str]], ...]:
    # Keys match from a word start: "اليه" (آلية) must not match inside "عاليه".
    return tuple((kind, re.compile(rf"(?<!\S){re.escape(key)}")) for kind, key in valued("section"))


def kind_of(title: str) -> str | None:
    norm = normalize(title)
    return next((kind for kind, key in _section_keys() if key.search(norm)), None)


def tidy(text: str) -> str:
    text = re.sub(r"\s+([.,،])", r"\1", text).strip(" .،,:-")
    return re.sub(r"\s{2,}", " ", text)


def entries(section: Section) -> list[str]:
    """A section's list: its bullet items, or short paragraphs where the PDF lost bullets."""
    if section.items:
        return list(section.items)
    return [p for p in section.paragraphs if len(p.split()) <= _MAX_ITEM_WORDS]


def _looks_like_procedure(section: Section) -> bool:
    text = normalize(section.text)
    committee = any(w in text for w in keywords("procedure_committee"))
    study = any(w in text for w in keywords("procedure_study"))
    return (committee and study) or all(w in text for w in keywords("procedure_intake"))


def _classify(guide: ParsedGuide) -> dict[str, list[Section]]:
    kinds: dict[str, list[Section]] = {}
    for section in guide.sections:
        kind = kind_of(section.title)
        if kind is None and _looks_like_procedure(section):
            kind = "procedure"
        if kind is not None:
            kinds.setdefault(kind, []).append(section)
    # A heading the PDF garbled still holds the procedure if its steps mention the review.
    if "procedure" not in kinds:
        found = next((s for s in guide.sections if _looks_like_procedure(s)), None)
        if found is not None:
            kinds["procedure"] = [found]
    return kinds


class Sections:
    """The guide's sections grouped by kind, in guide order."""

    def __init__(self, guide: ParsedGuide) -> None:
        self.by_kind = _classify(guide)

    def __contains__(self, kind: str) -> bool:
        return kind in self.by_kind

    @property
    def recognised(self) -> set[str]:
        return {k for k in self.by_kind if k not in _FORMAL_KINDS}

    def all(self, kind: str) -> list[Section]:
        return self.by_kind.get(kind, [])

    def first(self, kind: str) -> Section | None:
        # An empty heading ("آلية التعامل…" right before "يتم التعامل…") is not the section.
        sections = self.all(kind)
        return next((s for s in sections if s.text), sections[0] if sections else None)

    def title(self, kind: str) -> str | None:
        section = self.first(kind)
        return section.title if section else None

    def items(self, kind: str) -> list[str]:
        section = self.first(kind)
        return [tidy(x) for x in entries(section)] if section else []

    def bullets(self, kind: str) -> list[str]:
        section = self.first(kind)
        return [tidy(x) for x in section.items] if section else []

    def prose(self, kind: str) -> str:
        section = self.first(kind)
        return tidy(" ".join(section.paragraphs)) if section else ""

    def text(self, kind: str) -> str | None:
        section = self.first(kind)
        return tidy(section.text) if section else None
