"""Contact details a guide states: numbers by what they are for, e-mail, website, social
accounts, and the sections on hours, address and donations."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from faq.address import address_from_guide
from faq.fold import fold
from faq.guide import ParsedGuide, Section
from faq.hours import hours_from_guide
from faq.keywords import any_of
from faq.normalize import to_ascii_digits
from faq.sections import Sections, tidy

__all__ = ["StatedContacts", "contacts_from_guide"]

_PHONE = re.compile(
    r"(?<![\d+])(?:(?:\+|00)966\s?|0)?5\d(?:[\s-]?\d){7}(?!\d)"  # mobile
    r"|(?<!\d)9200(?:[\s-]?\d){5}(?!\d)"  # unified number
    r"|(?<!\d)800(?:[\s-]?\d){7}(?!\d)"  # toll-free
    r"|(?<![\d+])\(?(?:(?:\+|00)966\s?|0)1\d\)?(?:[\s-]?\d){7}(?!\d)"  # landline, «(011) …»
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_URL = re.compile(r"(?:https?://|www\.)[^\s،,|]+")
_HANDLE = re.compile(r"(?<![\w.@])@[A-Za-z0-9_.]{2,}[A-Za-z0-9_]")
# «سناب شات: sanad_taif»: an account named after the network's label, without its «@».
_BARE_HANDLE = re.compile(r"(?<=:\s)[A-Za-z0-9_.]{3,}(?=\s*$)")


@dataclass
class StatedContacts:
    values: dict[str, str] = field(default_factory=dict)
    schedule: dict[str, Any] | None = None
    # Body lines that are the hours or the address themselves, not a way to get in touch.
    fact_lines: set[str] = field(default_factory=set)
    sources: dict[str, str] = field(default_factory=dict)  # field -> the heading it came from


def _digits(number: str) -> str:
    return re.sub(r"[\s()-]", "", number)


def _labels(text: str) -> set[str]:
    folded = fold(text)
    return {f for f in ("whatsapp", "phone", "fax") if re.search(any_of(f"{f}_label"), folded)}


def _line_numbers(line: str, found: dict[str, str]) -> None:
    """Each number takes the label written before it on its line, or else after it."""
    start = 0
    numbers = list(_PHONE.finditer(line))
    for i, number in enumerate(numbers):
        labels = _labels(line[start : number.start()])
        if not labels:
            end = numbers[i + 1].start() if i + 1 < len(numbers) else len(line)
            labels = _labels(line[number.end() : end])
        for label in sorted(labels - {"fax"}):
            found.setdefault(label, _digits(number.group(0)))
        start = number.end()


def _social(lines: Iterable[str]) -> str | None:
    accounts = []
    for line in lines:
        if not re.search(any_of("social_label"), fold(line)):
            continue
        handle = _HANDLE.search(line) or _URL.search(line) or _BARE_HANDLE.search(line)
        if handle is not None:
            label = tidy(line[: handle.start()].strip(" :|-"))
            accounts.append(f"{label}: {handle.group(0)}" if label else handle.group(0))
    return "، ".join(dict.fromkeys(accounts)) or None


def _text_contacts(lines: list[str], found: dict[str, str]) -> None:
    for line in lines:
        _line_numbers(line, found)
    text = "\n".join(lines)
    if "phone" not in found and (m := _PHONE.search(text)):
        found["phone"] = _digits(m.group(0))
    if m := _EMAIL.search(text):
        found["email"] = m.group(0)
    social_hosts = any_of("social_host")
    websites = (u for u in _URL.finditer(text) if not re.search(social_hosts, u.group(0)))
    if website := next(websites, None):
        found["website"] = website.group(0).rstrip(".")
    if social := _social(lines):
        found["social"] = social


def contacts_from_guide(sections: Sections, guide: ParsedGuide) -> StatedContacts:
    stated = StatedContacts()
    _text_contacts([to_ascii_digits(line) for line in guide.raw_lines], stated.values)
    # The letterhead before the first heading often holds the address.
    body = [Section(title="", paragraphs=guide.preamble), *guide.sections]
    if hours := hours_from_guide(sections, body):
        stated.values["working_hours"] = hours.text
        stated.schedule = hours.schedule
        stated.fact_lines.update({hours.line} if hours.line else set())
        stated.sources.update({"working_hours": hours.source} if hours.source else {})
    if address := address_from_guide(sections, body):
        stated.values["address"] = address.text
        stated.fact_lines.update({address.line} if address.line else set())
        stated.sources.update({"address": address.source} if address.source else {})
    donation = " ".join(
        tidy(s.text.replace("\n", "، ")) for s in sections.all("donation") if s.text
    )
    if donation:
        stated.values["donation"] = donation
    return stated
