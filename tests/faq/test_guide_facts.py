"""Guides in shapes the five associations' guides don't have: every fact a guide states is
found and reaches the answer a beneficiary reads; what it doesn't state says so."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.i18n import Catalog
from faq.builder import build_profile
from faq.coverage import FACTS, FOUND, NOT_STATED, found_facts, status
from faq.profile import FaqEntry, Profile, missing_phrases, render_answer
from faq.service import FaqService

ROOT = Path(__file__).resolve().parents[2]
STATED: dict[str, dict[str, Any]] = yaml.safe_load(
    (ROOT / "tests" / "faq" / "guides" / "facts.yaml").read_text(encoding="utf-8")
)
NEW_GUIDES = [f"tests/faq/guides/{g}.txt" for g in ("rafaa", "nabd", "ishraqa", "rawahel", "sanad")]
tr = Catalog("ar").t
MISSING = missing_phrases(tr)
# The answer each fact reaches, and the contact field whose missing phrase it shows.
INTENT = {
    "hours": "working_hours",
    "address": "location",
    "phone": "channels",
    "whatsapp": "channels",
    "email": "channels",
    "website": "channels",
    "social": "channels",
    "documents": "required_documents",
    "eligibility": "eligibility",
    "rights": "rights",
    "donation": "donate",
}
FIELD = {"hours": "working_hours", "address": "address", "donation": "donation"}


@cache
def _built(guide: str) -> tuple[Profile, dict[str, FaqEntry]]:
    text = (ROOT / guide).read_text(encoding="utf-8")
    profile, entries, _ = build_profile(text, Path(guide).stem, tr)
    return profile, {e.id: e for e in entries}


def _answer(guide: str, intent: str) -> str:
    profile, entries = _built(guide)
    return render_answer(entries[intent], profile, MISSING)


@pytest.mark.parametrize("guide", sorted(STATED))
def test_every_fact_the_guide_states_is_found_and_nothing_is_invented(guide: str) -> None:
    found = found_facts(_built(guide)[0])
    table = {fact: status(STATED[guide][fact], found[fact]) for fact in FACTS}
    assert {f: s for f, s in table.items() if s not in (FOUND, NOT_STATED)} == {}, found


@pytest.mark.parametrize("guide", NEW_GUIDES)
def test_the_beneficiary_reads_each_stated_fact_in_its_answer(guide: str) -> None:
    for fact, intent in INTENT.items():
        expected, answer = STATED[guide][fact], _answer(guide, intent)
        for piece in expected if isinstance(expected, list) else [expected] * bool(expected):
            assert piece in answer, (fact, piece, answer)
    profile = _built(guide)[0]
    review = _answer(guide, "review_period")
    assert profile.review_period.days == STATED[guide]["review_period"]
    assert f"ويصلك الرد بالقبول أو الرفض {profile.review_period.phrase}." in review


@pytest.mark.parametrize("guide", NEW_GUIDES)
def test_what_the_guide_does_not_state_is_to_be_added_not_invented(guide: str) -> None:
    silent = {fact for fact, value in STATED[guide].items() if value is None}
    contacts = {f for f in silent if INTENT.get(f) == "channels"}
    for fact in contacts:
        assert MISSING[fact] in _answer(guide, "channels")
    for fact in silent & set(FIELD):
        assert MISSING[FIELD[fact]] in _answer(guide, INTENT[fact])
    if "rights" in silent:
        assert _answer(guide, "rights").startswith("لم تُضف بعد حقوق المستفيد")
    if "documents" in silent:
        assert "لم تُضف بعد قائمة المستندات" in _answer(guide, "required_documents")


@pytest.mark.parametrize("guide", NEW_GUIDES)
def test_hours_become_the_profiles_schedule(guide: str) -> None:
    from handlers.hours import Schedule

    profile = _built(guide)[0]
    schedule = Schedule.from_profile(profile.schedule)
    assert schedule is not None
    assert schedule.opens.isoformat("minutes") == STATED[guide]["schedule"]["open"]


def test_the_issues_guide_answers_hours_address_documents_eligibility_and_rights() -> None:
    """The guide of the issue («أولاً… سابعاً», hours and address inside a contact section),
    asked as beneficiaries ask."""
    guide = "tests/faq/guides/rafaa.txt"
    profile, entries = _built(guide)
    faq = FaqService.build(profile, list(entries.values()), MISSING)
    asked = {
        "وش اوقات الدوام": "من الأحد إلى الخميس، من الساعة 8:00 صباحاً حتى 2:00 ظهراً",
        "وين مقركم": "حي الريان، طريق الملك عبدالعزيز",
        "وش الاوراق المطلوبة": "• صورة سجل الأسرة",
        "مين يقدر يستفيد منكم": "• الأرامل والمطلقات وأبناؤهن",
        "وش حقوقي": "• الحصول على الخدمة بعدالة ودون تمييز",
        "ما هي حقوق المستفيد وواجباته": "• تقديم بيانات صحيحة وكاملة",
    }
    for question, expected in asked.items():
        answer = faq.ask(question)
        assert answer.match.decision == "answer", question
        assert answer.text is not None and expected in answer.text, (question, answer.text)


def test_a_guide_that_names_no_social_account_gets_no_handle_from_an_email() -> None:
    found = found_facts(_built("tests/faq/guides/rafaa.txt")[0])
    assert found["social"] is None and found["email"] == "care@rafaa.example.sa"
