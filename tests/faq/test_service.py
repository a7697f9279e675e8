"""An association's FAQ as a beneficiary meets it: the shared bank, a real profile."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import PROFILES_DIR
from bot.i18n import Catalog
from faq.profile import FaqEntry, load_profile_dir, missing_phrases, write_profile_dir
from faq.service import FaqService

tr = Catalog("ar")


@pytest.fixture(scope="module")
def faq() -> FaqService:
    return FaqService.from_dir(PROFILES_DIR / "little-hearts", missing_phrases(tr.t))


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("ابغى مساعده ماليه", "how_to_apply"),
        ("ابي دعم", "how_to_apply"),
        ("ابي ادعمكم", "donate"),
        ("ابي اتبرع للجمعيه بمبلغ", "donate"),
        ("وين الفرع حقكم في جده", "location"),
        ("وش رقم جوالكم", "channels"),
        ("عندي شكوى على الموظفه", "complaint"),
        ("ابي اكلم احد من الموظفين", "talk_to_human"),
        ("كم مده الدراسه", "review_period"),
        ("ودي اضيف تقرير طبي لطلبي", "complete_request"),
        ("هل معلوماتي محمية", "privacy"),
        ("ليش اوقع على الاقرار", "data_responsibility"),
        # typos: a dropped, a swapped and a wrong letter
        ("ساعات الدوم", "working_hours"),
        ("كيف اتطوغ معكم", "volunteer"),
        ("وش الاوراق المطلوبه للتسجبل", "required_documents"),
    ],
)
def test_dialect_questions_and_typos_get_the_guides_answer(
    faq: FaqService, question: str, intent: str
) -> None:
    answer = faq.ask(question)
    assert answer.match.decision == "answer"
    assert answer.match.intent == intent
    assert answer.text == faq.answer_text(intent)


def test_the_answer_carries_the_guides_facts(faq: FaqService) -> None:
    answer = faq.ask("كم يوم تاخذون عشان تدرسون الطلب")
    assert answer.text is not None and "أسبوعين" in answer.text
    human = faq.ask("ابي اكلم الباحث الاجتماعي")
    assert human.action == "handover"
    assert human.text is not None and "مسؤول البحث الاجتماعي" in human.text


@pytest.mark.parametrize(
    "question",
    ["وش اخبار الدوري", "كم سعر الذهب", "عطني وصفة كبسة", "asdfgh", "٤٥٤٥٤٥", ""],
)
def test_out_of_scope_gets_no_answer(faq: FaqService, question: str) -> None:
    answer = faq.ask(question)
    assert answer.match.decision != "answer"
    assert answer.text is None


def test_a_profile_can_add_its_own_entry_with_its_own_phrasings(tmp_path: Path) -> None:

    profile, entries = load_profile_dir(PROFILES_DIR / "alhuda")
    entries.append(
        FaqEntry(
            id="pilgrim_wheelchairs",
            answer="نوفر عربات لكبار السن في الحرم عبر مناديبنا الميدانيين.",
            questions=[
                "عندكم عربيات لكبار السن في الحرم",
                "ابي كرسي متحرك لابوي في العمرة",
                "هل توفرون عربات للطواف",
                "وين القى عربية للحاج الكبير",
                "تأجير كرسي متحرك في المسجد الحرام",
                "ابغى عربيه لامي وهي تعتمر",
            ],
        )
    )
    write_profile_dir(tmp_path, profile, entries)
    service = FaqService.from_dir(tmp_path, missing_phrases(tr.t))
    answer = service.ask("ودي كرسي متحرك لجدتي عشان الطواف")
    assert answer.match.intent == "pilgrim_wheelchairs"
    assert answer.text == "نوفر عربات لكبار السن في الحرم عبر مناديبنا الميدانيين."


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("السلام عليكم\nوش خدماتكم؟", "services"),
        ("السلام عليكم وش خدماتكم", "services"),
        ("هلا، وين مقركم؟", "location"),
        ("مساء الخير ابغى اعرف وش صار على طلبي", "request_status"),
        ("السلام عليكم ممكن سؤال", "greeting"),
        ("شكراً جزيلاً على المساعدة", "thanks"),
    ],
)
def test_a_greeting_in_front_of_a_question_does_not_hide_it(
    faq: FaqService, question: str, intent: str
) -> None:
    answer = faq.ask(question)
    assert answer.match.decision == "answer"
    assert answer.match.intent == intent
    assert answer.match.query == question


def test_a_greeting_in_front_of_an_out_of_scope_question_is_still_declined(faq: FaqService) -> None:
    assert faq.ask("مرحبا كم سعر الذهب").match.decision != "answer"
