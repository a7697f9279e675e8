"""Which facts a profile built from a guide holds, against what the guide states.

`tests/faq/guides/facts.yaml` says, for each test guide, what it states (read from the
guide by a person); `bench/bench_builder.py` prints the table and the tests hold the
builder to it. A fact is *found* when the profile has what the guide states, *not stated*
when neither has it, *MISSED* when the guide states it and the profile lacks it, *WRONG*
when the profile holds something else, and *INVENTED* when the guide is silent and the
profile is not.
"""

from __future__ import annotations

from typing import Any

from faq.profile import Profile

__all__ = ["FACTS", "FOUND", "NOT_STATED", "found_facts", "status"]

FACTS = (
    "hours",
    "schedule",
    "address",
    "phone",
    "whatsapp",
    "email",
    "website",
    "social",
    "documents",
    "eligibility",
    "rights",
    "review_period",
    "donation",
)
FOUND, NOT_STATED = "found", "not stated"


def found_facts(profile: Profile) -> dict[str, Any]:
    """Each fact as the profile holds it; None where it holds nothing."""
    c = profile.contacts
    return {
        "hours": c.get("working_hours"),
        "schedule": profile.schedule,
        "address": c.get("address"),
        **{f: c.get(f) for f in ("phone", "whatsapp", "email", "website", "social")},
        "documents": profile.documents or None,
        "eligibility": [*profile.target_groups, *profile.eligibility] or None,
        "rights": [*profile.rights, *profile.duties] or None,
        "review_period": profile.review_period.days,
        "donation": c.get("donation"),
    }


def _holds(expected: Any, found: Any) -> bool:
    if isinstance(expected, list):
        return all(any(e in f for f in found) for e in expected)
    if isinstance(expected, dict):
        return all(found.get(k) == v for k, v in expected.items())
    if isinstance(expected, str):
        return expected in str(found)
    return bool(expected == found)


def status(expected: Any, found: Any) -> str:
    if expected is None:
        return NOT_STATED if found is None else "INVENTED"
    if found is None:
        return "MISSED"
    return FOUND if _holds(expected, found) else "WRONG"
