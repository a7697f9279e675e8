"""Building a profile from a guide: the shared guides, guides never seen, and bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.i18n import Catalog
from faq.builder import CANONICAL_INTENTS, GuideError, build_profile

GUIDES = Path(__file__).parent / "guides"
tr = Catalog("ar").t


def _build(text: str, slug: str = "test"):  # type: ignore[no-untyped-def]
    return build_profile(text, slug, tr)


def test_unseen_guide_with_ordinal_headings_is_understood() -> None:
    profile, entries, report = _build((GUIDES / "amal.txt").read_text(encoding="utf-8"), "amal")
    assert profile.name == "جمعية الأمل الخيرية لرعاية الأيتام بالأحساء"
    assert profile.short_name == "الأمل"
    assert profile.licence == "4410"
    assert len(profile.channels) == 5
    assert profile.review_period.days == 10
    assert profile.review_period.phrase == "خلال 10 أيام عمل"
    assert profile.referral_role == "الأخصائي الاجتماعي"
    # Facts the guide states are taken, never invented where it is silent.
    assert profile.contacts["working_hours"].startswith("من الأحد إلى الخميس")
    assert profile.contacts["address"].startswith("الأحساء")
    assert profile.contacts["phone"] == "920012345"
    assert profile.contacts["whatsapp"] == "0551234567"
    assert profile.contacts["email"] == "info@amal.example.sa"
    assert profile.missing == ["donation"]
    assert {e.id for e in entries} == set(CANONICAL_INTENTS)
    assert report.sources["working_hours"] == "ساعات العمل"
    assert report.sources["location"] == "العنوان"


def test_every_canonical_intent_gets_an_answer_and_an_action_where_due() -> None:
    _, entries, _ = _build((GUIDES / "amal.txt").read_text(encoding="utf-8"))
    by_id = {e.id: e for e in entries}
    assert all(by_id[i].answer for i in CANONICAL_INTENTS)
    assert by_id["how_to_apply"].action == "start_request"
    assert by_id["talk_to_human"].action == "handover"
    assert by_id["complaint"].action == "handover_complaint"
    assert "الأخصائي الاجتماعي" in by_id["talk_to_human"].answer


def test_a_guide_without_a_review_period_says_so_instead_of_inventing_one() -> None:
    text = (
        (GUIDES / "amal.txt")
        .read_text(encoding="utf-8")
        .replace("5- إبلاغ المستفيد بأن طلبه سيدرس خلال 10 أيام عمل.", "")
    )
    profile, entries, report = _build(text)
    assert profile.review_period.days is None
    assert "review_period" in report.missing_intents
    answer = next(e.answer for e in entries if e.id == "review_period")
    assert "لم يحدد الدليل" in answer


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\n  ",
        (GUIDES / "novel.txt").read_text(encoding="utf-8"),
        "مرحبا\nهذا نص قصير لا يحوي أقساماً.",
        "\x00\x01\x02binary",
    ],
)
def test_text_that_is_not_a_guide_is_refused_with_a_reason(text: str) -> None:
    with pytest.raises(GuideError) as err:
        _build(text)
    assert str(err.value)


def test_unseen_guide_with_numbered_headings_and_letter_lists() -> None:
    text = (GUIDES / "noor.txt").read_text(encoding="utf-8")
    profile, entries, report = _build(text, "noor")
    assert profile.name == "جمعية نور لرعاية المكفوفين بجازان"
    assert profile.short_name == "نور"
    assert profile.services == [
        "التأهيل والتدريب على طريقة برايل",
        "توفير الأجهزة المساعدة للمكفوفين",
        "الدعم الأسري والاستشارات",
    ]
    # Arabic-Indic digits in the guide, ASCII in the profile
    assert profile.contacts["phone"] == "0173214567"
    assert profile.contacts["whatsapp"] == "0501234567"
    assert profile.contacts["working_hours"] == "الأحد إلى الخميس من 7:30 صباحاً إلى 2:30 ظهراً"
    assert profile.review_period.days == 21  # "خلال ثلاثة أسابيع"
    assert profile.referral_role == "الأخصائية الاجتماعية"
    assert report.sources["about"] == "نبذة عن الجمعية"
    about = next(e.answer for e in entries if e.id == "about")
    assert "تأهيل المكفوفين" in about
    assert set(profile.missing) == {"website", "address", "donation"}
