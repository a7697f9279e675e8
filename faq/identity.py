"""Who the association is, as its guide says: name, short name, field, city, licence."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from faq.guide import ParsedGuide
from faq.keywords import any_of, keywords
from faq.normalize import normalize
from faq.sections import tidy

__all__ = ["beneficiary_terms", "city", "drop_lam", "field_of", "find_name", "licence"]

Translate = Callable[..., str]

_ORG_IN_SENTENCE = re.compile(
    r"(?:تضع|تلتزم|تركز|وتركز|تعتمد)\s+((?:ال)?جمعي[ةه](?:\s+\S+){0,14}?)\s+"
    r"(?:السياسات|هذه السياسة|على|سياسة|هذا الدليل)"
)
_ORG_LINE = re.compile(r"^((?:ال)?جمعي[ةه]\s.{3,90})$")
_LICENCE = re.compile(r"(?:برقم|تصريح رقم|ترخيص رقم|رقم الترخيص)\s*\(?([0-9٠-٩]{2,8})")
# Where the association is, as its name or letterhead says it: "… بتبوك", "… بمحافظة
# رابغ", "بمنطقة مكة المكرمة".
_NAME_PLACE = re.compile(r"\sب(\S{3,})$")
_PLACE = re.compile(r"(?:^|\s)ب(?:منطق|محافظ|مدين)[ةه]\s+(\S+(?:\s+(?:المكرمة|المنورة))?)")
_ARTICLE = "ال"


def drop_lam(phrase: str) -> str:
    """Take the preposition off "للجهة المختصة" / "لمسئول البحث" to name the role itself."""
    if phrase.startswith("لل"):
        return _ARTICLE + phrase[2:]
    if phrase.startswith("ل") and len(phrase.split()[0]) > 3:
        return phrase[1:]
    return phrase


def find_name(guide: ParsedGuide) -> str | None:
    for line in guide.raw_lines:
        m = _ORG_IN_SENTENCE.search(line)
        if m and len(m.group(1).split()) >= 2:
            return tidy(m.group(1))
    for line in [*guide.preamble, *guide.raw_lines]:
        m = _ORG_LINE.match(line.strip().lstrip("#").strip())
        if m and not any(w in line for w in keywords("policy")):
            return tidy(m.group(1))
    return None


def short_name(name: str) -> str:
    paren = re.search(r"\(([^)]+)\)", name)
    if paren:
        return paren.group(1).strip()
    m = re.match(r"^جمعي[ةه]\s+(\S+)(?:\s+(\S+))?", name)
    if m is None:
        return name
    first, second = m.group(1), m.group(2) or ""
    # "جمعية قادر …", "جمعية الهدى لمساعدة …", "جمعية الأمل الخيرية …": a proper name, not
    # a description like "جمعية الرعاية الصحية …".
    if not first.startswith(_ARTICLE) or second.startswith("ل") or second in keywords("adjective"):
        return first
    return name


@lru_cache(maxsize=1)
def _leading_adjective() -> re.Pattern[str]:
    return re.compile(rf"^(?:{any_of('adjective')})\s+")


def field_of(name: str) -> str | None:
    """What the association works in, as its name says ("…لتعزيز الصحة النفسية بتبوك")."""
    rest = re.sub(r"\([^)]*\)", "", name)
    rest = re.sub(r"^(?:ال)?جمعي[ةه]\s+", "", rest).strip()
    short = short_name(name)
    if rest.startswith(short + " "):
        rest = rest[len(short) :].strip()
    rest = _leading_adjective().sub("", rest)
    return drop_lam(rest) if rest else None


def beneficiary_terms(guide: ParsedGuide, tr: Translate) -> tuple[str, str]:
    text = normalize(guide.text)
    members = len(re.findall(any_of("member"), text))
    beneficiaries = len(re.findall(any_of("beneficiary"), text))
    if members > beneficiaries:
        return tr("term-member"), tr("term-members")
    return tr("term-beneficiary"), tr("term-beneficiaries")


def city(name: str, guide: ParsedGuide) -> str | None:
    if m := _NAME_PLACE.search(name):
        return m.group(1)
    return next((tidy(m.group(1)) for line in guide.raw_lines if (m := _PLACE.search(line))), None)


def licence(guide: ParsedGuide) -> str | None:
    found = next((m for line in guide.raw_lines if (m := _LICENCE.search(line))), None)
    return found.group(1) if found else None
