"""An association's profile and FAQ, as files an admin can read and edit.

A profile directory holds `profile.yaml` (what the guide says plus what the admin must add)
and `faq.yaml` (one answer per intent, with the guide section it came from).  Contact
details the guide lacks stay empty and are listed under `missing`; answers refer to them as
`{phone}`, `{address}`, … so that filling the profile fixes every answer at once.
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from faq.bidi import ltr
from faq.digits import localize_digits

PROFILE_FILE = "profile.yaml"
FAQ_FILE = "faq.yaml"
# The admin-side facts: never invented by the builder, filled in by hand or from a guide
# that states them.
CONTACT_FIELDS = (
    "phone",
    "whatsapp",
    "email",
    "website",
    "social",
    "address",
    "working_hours",
    "donation",
)
DIGIT_STYLES = ("latin", "arabic")  # the first is the default
_PLACEHOLDER = re.compile(r"\{(" + "|".join(CONTACT_FIELDS) + r")\}")


class ProfileError(ValueError):
    """A profile directory that is missing or malformed."""


@dataclass
class ReviewPeriod:
    days: int | None
    phrase: str


@dataclass
class Profile:
    slug: str
    name: str
    short_name: str
    beneficiary_singular: str
    beneficiary_plural: str
    # "عضو" where the singular is "العضو": the word without the article (طلب خدمة عضو).
    beneficiary_indefinite: str
    # Which kind of person other languages' catalogs name: "beneficiary" or "member".
    beneficiary_term: str
    request_form: str
    channels: list[str]
    tools: list[str]
    review_period: ReviewPeriod
    referral_role: str | None
    services: list[str]
    # Where the association is: its city comes first among the form's city buttons.
    city: str | None = None
    goals: list[str] = field(default_factory=list)
    # What the guide states, line by line (empty: it says nothing, the answer says so):
    # who it serves, the conditions, the documents to bring, the beneficiary's rights and
    # duties.
    target_groups: list[str] = field(default_factory=list)
    eligibility: list[str] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)
    rights: list[str] = field(default_factory=list)
    duties: list[str] = field(default_factory=list)
    licence: str | None = None
    confidentiality: str | None = None
    satisfaction: str | None = None
    # What a person accepts before a request is filed, in the first person; its wording
    # identifies the version stored with each request.
    declaration: str | None = None
    # The guide's own clause it was built from (written for staff: "التأكد على صحة …").
    declaration_source: str | None = None
    contacts: dict[str, str | None] = field(default_factory=dict)
    # Structured working hours for "when will a researcher answer" (from the guide when it
    # states days and hours, else admin-filled), e.g.
    # {days: [sun, mon, tue, wed, thu], open: "08:00", close: "16:00", timezone: Asia/Riyadh}
    schedule: dict[str, Any] | None = None
    # When automated messages are held (handlers/quiet.py); absent = the defaults.
    quiet_hours: dict[str, Any] | None = None
    # Satisfaction survey timing (handlers/surveys.py SurveyPolicy); absent = the defaults,
    # e.g. {delay_hours: 2, reminder_hours: 24, expiry_days: 7, update_days: 7}
    surveys: dict[str, Any] | None = None
    source: str = ""
    # What the builder suggested where the guide is silent, for the admin to check and
    # then take off this list (e.g. "services": request types the guide does not list).
    to_review: list[str] = field(default_factory=list)
    # How digits are shown to beneficiaries: "latin" (1 2 3) or "arabic" (١ ٢ ٣).
    digits: str = DIGIT_STYLES[0]

    @property
    def missing(self) -> list[str]:
        return [f for f in CONTACT_FIELDS if not self.contacts.get(f)]

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["contacts"] = {f: self.contacts.get(f) for f in CONTACT_FIELDS}
        data["missing"] = self.missing
        if self.digits == DIGIT_STYLES[0]:
            del data["digits"]  # the default: profile files stay as they were
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Profile:
        try:
            period = data["review_period"]
            singular = str(data["beneficiary_singular"])
            return cls(
                slug=str(data["slug"]),
                name=str(data["name"]),
                short_name=str(data.get("short_name") or data["name"]),
                beneficiary_singular=singular,
                beneficiary_plural=str(data["beneficiary_plural"]),
                beneficiary_indefinite=str(
                    data.get("beneficiary_indefinite") or indefinite(singular)
                ),
                beneficiary_term=str(data.get("beneficiary_term") or "beneficiary"),
                request_form=str(data["request_form"]),
                review_period=_review_period(period),
                contacts={f: (data.get("contacts") or {}).get(f) for f in CONTACT_FIELDS},
                source=str(data.get("source") or ""),
                digits=_digit_style(data.get("digits")),
                **_other_fields(data),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ProfileError(f"malformed profile: {exc!r}") from exc


# How from_dict reads the fields it does not name: lists of text; values taken as written;
# values where an empty one means absent.
_LIST_FIELDS = (
    "channels",
    "tools",
    "services",
    "goals",
    "target_groups",
    "eligibility",
    "documents",
    "rights",
    "duties",
    "to_review",
)
_AS_WRITTEN_FIELDS = (
    "referral_role",
    "licence",
    "confidentiality",
    "satisfaction",
    "declaration",
    "declaration_source",
    "quiet_hours",
)
_EMPTY_IS_NONE_FIELDS = ("city", "schedule", "surveys")


def _other_fields(data: dict[str, Any]) -> dict[str, Any]:
    fields: dict[str, Any] = {f: [str(x) for x in data.get(f) or []] for f in _LIST_FIELDS}
    fields.update({f: data.get(f) for f in _AS_WRITTEN_FIELDS})
    fields.update({f: data.get(f) or None for f in _EMPTY_IS_NONE_FIELDS})
    return fields


def _review_period(period: dict[str, Any]) -> ReviewPeriod:
    days = period.get("days")
    return ReviewPeriod(days=int(days) if days is not None else None, phrase=str(period["phrase"]))


def indefinite(word: str) -> str:
    """An Arabic noun without its article: المستفيد → مستفيد, العضو → عضو."""
    return word[2:] if word.startswith("ال") and len(word) > 3 else word


def _digit_style(value: object) -> str:
    style = str(value or DIGIT_STYLES[0]).strip().lower()
    if style not in DIGIT_STYLES:
        raise ValueError(f"digits must be one of {', '.join(DIGIT_STYLES)}, not {value!r}")
    return style


@dataclass
class FaqEntry:
    id: str
    answer: str
    source: str | None = None
    action: str | None = None
    questions: list[str] = field(default_factory=list)


def missing_phrases(tr: Callable[[str], str]) -> dict[str, str]:
    """The catalog's 'not provided yet' phrase for every contact field."""
    return {f: tr(f"missing-{f}") for f in CONTACT_FIELDS}


def render_answer(entry: FaqEntry, profile: Profile, missing_phrase: dict[str, str]) -> str:
    """Fill contact placeholders from the profile, or with a 'not provided yet' phrase."""

    def fill(m: re.Match[str]) -> str:
        value = profile.contacts.get(m.group(1))
        if not value:
            return missing_phrase[m.group(1)]
        # A phone, a URL or an e-mail reads left to right even inside an Arabic answer;
        # a value with Arabic words in it (an address) keeps the sentence's direction.
        return value if any(unicodedata.bidirectional(c) == "AL" for c in value) else ltr(value)

    return localize_digits(_PLACEHOLDER.sub(fill, entry.answer), profile.digits)


def load_profile_dir(directory: Path) -> tuple[Profile, list[FaqEntry]]:
    try:
        profile_data = yaml.safe_load((directory / PROFILE_FILE).read_text(encoding="utf-8"))
        faq_data = yaml.safe_load((directory / FAQ_FILE).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ProfileError(f"cannot read profile in {directory}: {exc}") from exc
    if not isinstance(profile_data, dict) or not isinstance(faq_data, dict):
        raise ProfileError(f"{directory}: profile.yaml and faq.yaml must be mappings")
    profile = Profile.from_dict(profile_data)
    entries = []
    for raw in faq_data.get("entries") or []:
        if not isinstance(raw, dict) or "id" not in raw or "answer" not in raw:
            raise ProfileError(f"{directory}: every FAQ entry needs an id and an answer")
        entries.append(
            FaqEntry(
                id=str(raw["id"]),
                answer=str(raw["answer"]),
                source=raw.get("source"),
                action=raw.get("action"),
                questions=[str(q) for q in raw.get("questions") or []],
            )
        )
    return profile, entries


class _Dumper(yaml.SafeDumper):
    """Multi-line answers as literal blocks, so an admin edits them as they read."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def _dump(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)


def write_profile_dir(directory: Path, profile: Profile, entries: list[FaqEntry]) -> None:
    """Render both files in memory, then replace each atomically: never half a file."""
    texts = {
        PROFILE_FILE: _dump(profile.to_dict()),
        FAQ_FILE: _dump({"entries": [asdict(e) for e in entries]}),
    }
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", dir=directory)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            os.replace(tmp, directory / name)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
