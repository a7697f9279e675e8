"""The documents a guide asks for: its own list («المستندات المطلوبة»), or those a procedure
step names after «يرفق» / «إرفاق» / «المستندات التالية:», in a list or in running prose.

A step that only says «إرفاق المستندات المطلوبة» names none: only phrases that start with a
document's word (صورة، صك، شهادة، تعريف، عقد، تقرير …) are taken.
"""

from __future__ import annotations

import re
from functools import lru_cache

from faq.fold import fold
from faq.keywords import any_of
from faq.sections import Sections, tidy

__all__ = ["documents_from_guide"]

_CLAUSE = re.compile(r"\s*[،,؛:]\s*")
# «بالطلب», «بطلبه», «معه»: what the documents are attached to, before the first of them.
_ATTACHED_TO = re.compile(r"^(?:ب|مع|ل)\S{0,6}\s+")
_MAX_WORDS = 14


@lru_cache(maxsize=1)
def _head() -> re.Pattern[str]:
    return re.compile(rf"^(?:ال)?(?:{any_of('document_head')})")


@lru_cache(maxsize=1)
def _joined() -> re.Pattern[str]:
    # «صورة هوية ولي الأمر وصورة شهادة الوفاة»: «و» opens the next document only before a
    # document's word («شهادة وفاة الأب» keeps its «وفاة»).
    return re.compile(rf"\s+و(?=(?:ال)?(?:{any_of('document_head')}))")


def _is_document(phrase: str) -> bool:
    return bool(_head().match(fold(phrase))) and len(phrase.split()) <= _MAX_WORDS


def _cut(text: str, pattern: re.Pattern[str]) -> list[str]:
    """``text`` split where ``pattern`` matches its folded copy (the same length)."""
    pieces, start = [], 0
    for m in pattern.finditer(fold(text)):
        pieces.append(text[start : m.start()])
        start = m.end()
    return [*pieces, text[start:]]


def _split(text: str) -> list[str]:
    phrases = []
    for clause in _CLAUSE.split(text):
        clause = clause.strip()
        bare = _ATTACHED_TO.sub("", clause)
        if not _head().match(fold(clause)) and _head().match(fold(bare)):
            clause = bare
        phrases += _cut(clause, _joined())
    # «وصورة سجل الأسرة» after a comma: the «و» joins, it is not the document's.
    return [re.sub(r"^و(?=\S{3,})", "", p.strip()) for p in phrases if p.strip()]


def _from_step(step: str) -> list[str]:
    m = re.search(any_of("attach"), fold(step))
    if m is None:
        return []
    found: list[str] = []
    for phrase in _split(step[m.end() :]):
        if not _is_document(phrase):
            if found:
                break  # «…، ثم يتحقق الموظف»: the list has ended
            continue
        found.append(tidy(phrase))
    return found


def documents_from_guide(sections: Sections, steps: list[str]) -> list[str]:
    listed = sections.items("documents")
    if listed:
        return listed
    return [d for s in steps for d in _from_step(s)]
