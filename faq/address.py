"""Where the association is, as its guide states it: under an address heading («العنوان»,
«الفروع والعنوان») or inside a sentence («مقر الجمعية بمدينة عنيزة – حي الريان، طريق …»).

Only what the guide writes is taken: the clauses after the headquarters' words while they
name a place (a district, a street, a building, a landmark), never a guess from the city in
the association's name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from faq.fold import fold
from faq.keywords import any_of
from faq.sections import Sections, tidy

__all__ = ["StatedAddress", "address_from_guide"]

_SENTENCE = re.compile(r"(?<=[.!؟?])\s+|\n")
_CLAUSE = re.compile(r"\s*[،,؛]\s*")
# «بمدينة عنيزة», «في الدمام»: the preposition before where, left out of the answer.
_WHERE = re.compile(r"^(?:في\s+|ب(?=\S{3,}))")


@dataclass(frozen=True)
class StatedAddress:
    text: str
    line: str | None  # the body line it came from, when it sat inside another section
    source: str | None  # the heading it came from


@lru_cache(maxsize=1)
def _headquarters() -> re.Pattern[str]:
    return re.compile(rf"(?:{any_of('headquarters')})\s*(?::\s*)?")


def _is_place(clause: str) -> bool:
    return bool(re.search(rf"(?<!\S)(?:{any_of('address_word')})(?!\S)", fold(clause)))


def _section_address(sections: Sections) -> str | None:
    lines = [tidy(line) for s in sections.all("address") for line in (*s.paragraphs, *s.items)]
    return "؛ ".join(line for line in lines if line) or None


def _sentence_address(sentence: str) -> str | None:
    m = _headquarters().search(fold(sentence))
    if m is None:
        return None
    labelled = ":" in m.group(0)  # «العنوان: الرياض، …» is an address whatever it names
    clauses = _CLAUSE.split(sentence[m.end() :].strip())
    first = clauses[0] if clauses else ""
    # «زيارة مقر الجمعية», «في مقر الجمعية بلباقة واحترام»: no place named, no address.
    if not first or not (labelled or _is_place(first)):
        return None
    kept = [_WHERE.sub("", first)]
    kept += [c for c in _leading(clauses[1:], _is_place)]
    return tidy("، ".join(kept))


def _leading(clauses: list[str], keep: Any) -> Iterable[str]:
    for clause in clauses:
        if not keep(clause):
            return
        yield clause


def _body_lines(sections: Iterable[Any]) -> Iterable[tuple[str, str]]:
    """(section title, sentence) for every sentence of every section, in guide order."""
    for section in sections:
        for line in (*section.paragraphs, *section.items):
            yield from ((section.title, s) for s in _SENTENCE.split(line) if s.strip())


def address_from_guide(sections: Sections, all_sections: Iterable[Any]) -> StatedAddress | None:
    """The address section, else the first sentence anywhere that states the address."""
    text = _section_address(sections)
    if text is not None:
        return StatedAddress(text, None, sections.title("address"))
    for title, sentence in _body_lines(all_sections):
        found = _sentence_address(sentence)
        if found:
            return StatedAddress(found, sentence, title)
    return None
