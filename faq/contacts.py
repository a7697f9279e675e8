"""Contact details a guide states: numbers by what they are for, e-mail, website, and the
sections on hours, address and donations."""

from __future__ import annotations

import re

from faq.guide import ParsedGuide
from faq.keywords import any_of, keywords
from faq.normalize import to_ascii_digits
from faq.sections import Sections, tidy

__all__ = ["contacts_from_guide"]

_PHONE = re.compile(
    r"(?<!\d)(?:\+?966\s?|0)?5\d(?:[\s-]?\d){7}(?!\d)"  # mobile
    r"|(?<!\d)9200\d{5}(?!\d)"  # unified number
    r"|(?<!\d)01\d(?:[\s-]?\d){7}(?!\d)"  # landline with area code
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_URL = re.compile(r"(?:https?://|www\.)[^\s،,]+")
# Sections whose text is a contact field as it stands: (section kind, field).
_SECTION_FIELDS = (("hours", "working_hours"), ("address", "address"), ("donation", "donation"))


def _digits(number: re.Match[str]) -> str:
    return re.sub(r"[\s-]", "", number.group(0))


def _channel_numbers(channels: list[str]) -> dict[str, str]:
    """A channel line names what its number is for ("الجوال وواتساب 05…")."""
    found: dict[str, str] = {}
    for item in map(to_ascii_digits, channels):
        number = _PHONE.search(item)
        if number is None:
            continue
        if any(w in item for w in keywords("whatsapp")):
            found.setdefault("whatsapp", _digits(number))
        if re.search(any_of("phone_label"), item):
            found.setdefault("phone", _digits(number))
    return found


def _text_contacts(text: str, found: dict[str, str]) -> None:
    if "phone" not in found and (m := _PHONE.search(text)):
        found["phone"] = _digits(m)
    if m := _EMAIL.search(text):
        found["email"] = m.group(0)
    if m := _URL.search(text):
        found["website"] = m.group(0).rstrip(".")


def contacts_from_guide(
    sections: Sections, guide: ParsedGuide, channels: list[str]
) -> dict[str, str]:
    found = _channel_numbers(channels)
    _text_contacts(to_ascii_digits(guide.text), found)
    for kind, key in _SECTION_FIELDS:
        body = " ".join(tidy(s.text.replace("\n", "، ")) for s in sections.all(kind) if s.text)
        if body:
            found[key] = body
    return found
