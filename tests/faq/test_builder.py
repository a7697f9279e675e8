"""Building a profile from a guide: the shared guides, guides never seen, and bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.i18n import Catalog
from faq.builder import CANONICAL_INTENTS, GuideError, build_profile, format_report
from faq.keywords import DEFAULT_PATH, load_keywords
from faq.repairs import default_repairs, load_repairs

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
    assert profile.missing == ["social", "donation"]  # it names no social account
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
    assert set(profile.missing) == {"website", "social", "address", "donation"}


def test_a_guide_that_lists_no_services_gets_short_suggestions_for_the_admin_to_review() -> None:
    profile, _, report = _build((GUIDES / "amal.txt").read_text(encoding="utf-8"))
    # From its name (the place left out) and the kinds of service its goal names.
    assert profile.services == ["رعاية الأيتام", "خدمات اجتماعية", "خدمات تعليمية", "خدمات صحية"]
    assert profile.to_review == ["services"] and report.to_review == ["services"]
    assert "to_review" in profile.to_dict()
    text = format_report(report, tr, {})
    assert tr("build-report-review") in text and tr("field-services") in text


def test_services_a_guide_lists_are_taken_as_they_are_and_need_no_review() -> None:
    profile, _, report = _build((GUIDES / "noor.txt").read_text(encoding="utf-8"))
    assert len(profile.services) == 3 and profile.to_review == [] and report.to_review == []


@pytest.mark.parametrize(
    ("guide", "clause"),
    [
        ("amal.txt", "إقرار المستفيد بصحة البيانات والتوقيع عليها"),
        ("noor.txt", "يقر المستفيد بصحة البيانات المقدمة"),
    ],
)
def test_the_declaration_is_first_person_and_its_clause_is_kept(guide: str, clause: str) -> None:
    profile, entries, _ = _build((GUIDES / guide).read_text(encoding="utf-8"))
    assert profile.declaration_source == clause
    assert profile.declaration == (
        "أقرّ بأن جميع البيانات والمستندات التي قدمتها صحيحة، وأنني مسؤول عن صحتها"
    )
    answer = next(e.answer for e in entries if e.id == "data_responsibility")
    assert profile.declaration in answer and clause not in answer


def test_pdf_word_splits_and_two_spellings_are_repaired_when_a_guide_is_read() -> None:
    text = (
        (GUIDES / "amal.txt")
        .read_text(encoding="utf-8")
        .replace(
            "4- إقرار المستفيد بصحة البيانات والتوقيع عليها.",
            "4- التأكد على صحة البيانات المقدمة من طال ب الدعم والتوقيع عليها وأنه مسئول"
            " مســئولية مباشرة عن صحة المعلومات.",
        )
    )
    profile, _, _ = _build(text)
    assert profile.declaration_source == (
        "التأكد على صحة البيانات المقدمة من طالب الدعم والتوقيع عليها وأنه مسؤول"
        " مسؤولية مباشرة عن صحة المعلومات"
    )
    assert profile.declaration is not None and "مسؤولية مباشرة" in profile.declaration


@pytest.mark.parametrize(
    ("line", "repaired"),
    [
        ("من طال ب الدعم", "من طالب الدعم"),
        ("على مختل ف المستويات", "على مختلف المستويات"),
        ("لمسئول البحث والمسئولية", "لمسؤول البحث والمسؤولية"),
        ("طال بة", "طال بة"),  # only the whole split word
        ("ب طال", "ب طال"),
    ],
)
def test_the_repair_table(line: str, repaired: str) -> None:
    assert default_repairs().apply(line) == repaired


def test_a_malformed_repair_table_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "repairs.tsv"
    bad.write_text("wrong\tright\n*\tx\n", encoding="utf-8")
    with pytest.raises(ValueError, match=":2:"):
        load_repairs(bad)


def test_a_malformed_keywords_table_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "keywords.tsv"
    bad.write_text("use\tvalue\tkeyword\nsection\tapproval\n", encoding="utf-8")
    with pytest.raises(ValueError, match=":2:"):
        load_keywords(bad)


def test_the_keywords_table_keeps_file_order_and_spaces() -> None:
    table = load_keywords(DEFAULT_PATH)
    assert table["section"][0] == ("approval", "اعتماد مجلس")  # the first match wins
    assert "يقر " in [k for _, k in table["declaration_step"]]  # a whole word, space kept
