"""National IDs and Saudi mobile numbers typed where they don't belong: found and masked.

People write «رقم هويتي 1000000008 وجوالي 0551234567 ابي اكلم موظف» as a question, or
their ID at the name step. The engine masks every inbound text with the form's own masks
before anything is matched or stored, so that no transcript, case, staff message, survey
comment or request field ever holds one in clear; the clear values travel only encrypted.

A number counts only when it is one: an ID has 10 digits, starts with 1 or 2 and passes the
check digit (the form's validator decides); a mobile has the shape of a Saudi mobile
(05XXXXXXXX, 5XXXXXXXX, +9665XXXXXXXX, 009665XXXXXXXX). References
(2612-00001), dates (1447/06/10) and other numbers stay as written. Pure, and never raises
for any ``str``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Literal

from faq.bidi import ltr
from faq.normalize import to_ascii_digits
from handlers import fields
from handlers.types import Incoming

__all__ = ["Found", "find_identifiers", "mask_identifiers", "masked_incoming"]

Kind = Literal["national_id", "phone"]

_DIGIT = "[0-9\u0660-\u0669\u06f0-\u06f9]"
# Spaces, and the invisible bidi marks a number copied from an Arabic interface carries.
_GAP = "[ \t\u00a0\u202f\u200e\u200f\u2066-\u2069]"
# How people group the digits of one number: «1000 000 008», «055-123-4567», «055.123.4567».
# Not "/": that is a date (1447/06/10).
_SEPARATOR = f"(?:{_GAP}{{0,3}}[-\u2010-\u2015\u2212.]{_GAP}{{0,3}}|{_GAP}{{1,3}})"
# A run of digit groups; two numbers written side by side are one run, split below.
_RUN = re.compile(f"(?:\\+{_GAP}?)?{_DIGIT}+(?:{_SEPARATOR}{_DIGIT}+)*")
_GROUP = re.compile(f"{_DIGIT}+")
# The longest writing of a mobile: 009665XXXXXXXX.
_MAX_DIGITS = 14
_MOBILE_SHAPE = re.compile(r"(?:0?5|9665|009665)\d{8}")


@dataclass(frozen=True)
class Found:
    """One identifier in a text: where it is, and its normalised value."""

    kind: Kind
    start: int
    end: int
    value: str  # an ID's 10 ASCII digits, or a mobile in E.164 (+9665XXXXXXXX)

    @property
    def mask(self) -> str:
        if self.kind == "national_id":
            return fields.mask_national_id(self.value)
        return fields.mask_phone(self.value)


def _classify(digits: str, plus: bool) -> tuple[Kind, str] | None:
    if not plus and isinstance(fields.national_id(digits), fields.Valid):
        return "national_id", digits
    if plus and not digits.startswith("9665"):
        return None
    # By shape, not by the numbering plan: a number in a range phonenumbers doesn't know
    # yet is still somebody's mobile.
    if _MOBILE_SHAPE.fullmatch(digits):
        return "phone", "+966" + digits[-9:]
    return None


def _in_run(text: str, start: int, end: int) -> list[Found]:
    groups = [(m.start(), m.end()) for m in _GROUP.finditer(text, start, end)]
    plus = text[start] == "+"
    found: list[Found] = []
    i = 0
    while i < len(groups):
        match = _longest_from(text, groups, i, plus and i == 0)
        if match is None:
            i += 1
            continue
        j, kind, value = match
        begin = start if plus and i == 0 else groups[i][0]
        found.append(Found(kind, begin, groups[j][1], value))
        i = j + 1
    return found


def _longest_from(
    text: str, groups: list[tuple[int, int]], i: int, plus: bool
) -> tuple[int, Kind, str] | None:
    """The longest number made of whole groups from the i-th on: (its last group, kind, value)."""
    digits = ""
    candidates: list[tuple[int, str]] = []
    for j in range(i, len(groups)):
        digits += to_ascii_digits(text[groups[j][0] : groups[j][1]])
        if len(digits) > _MAX_DIGITS:
            break
        candidates.append((j, digits))
    for j, joined in reversed(candidates):
        kind_value = _classify(joined, plus)
        if kind_value is not None:
            return j, *kind_value
    return None


def find_identifiers(text: str) -> list[Found]:
    """Every national ID and Saudi mobile number in ``text``, in order."""
    if not text:
        return []
    return [found for run in _RUN.finditer(text) for found in _in_run(text, run.start(), run.end())]


def mask_identifiers(text: str, *, isolate: bool = True) -> str:
    """``text`` with each identifier replaced by its mask (kept left to right in RTL text)."""
    found = find_identifiers(text)
    for f in reversed(found):
        mask = ltr(f.mask) if isolate else f.mask
        text = text[: f.start] + mask + text[f.end :]
    return text


def masked_incoming(incoming: Incoming) -> Incoming:
    """The update as the core may see and keep it: identifiers masked wherever it has text.

    The typed text stays in ``clear_text`` for the form's ID and mobile steps, which check
    it and keep only its mask and ciphertext, and for the engine, which encrypts what was
    masked. File names and the channel's display name are masked only.
    """
    text = mask_identifiers(incoming.text)
    name = mask_identifiers(incoming.display_name) if incoming.display_name else None
    files = tuple(
        replace(a, name=mask_identifiers(a.name, isolate=False)) if a.name else a
        for a in incoming.attachments
    )
    if text == incoming.text and name == incoming.display_name and files == incoming.attachments:
        return incoming
    clear = incoming.text if text != incoming.text else None
    return replace(incoming, text=text, display_name=name, attachments=files, clear_text=clear)
