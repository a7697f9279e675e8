"""Behaviour of the FAQ matcher as a beneficiary sees it, on a small training set."""

from __future__ import annotations

import pytest

from faq.matcher import Candidate, Match, Matcher

# A tiny knowledge base written in MSA and a little dialect; the questions in the tests are
# phrased differently on purpose.
TRAINING: list[tuple[str, str]] = [
    ("السلام عليكم", "greeting"),
    ("مرحبا", "greeting"),
    ("اهلا وسهلا", "greeting"),
    ("صباح الخير", "greeting"),
    ("مساء الخير", "greeting"),
    ("هلا والله", "greeting"),
    ("شكرا لكم", "thanks"),
    ("جزاكم الله خيرا", "thanks"),
    ("مشكورين", "thanks"),
    ("يعطيكم العافية", "thanks"),
    ("شكرا جزيلا على المساعدة", "thanks"),
    ("اريد التسجيل في الجمعية", "how_to_apply"),
    ("كيف اقدم طلب مساعدة", "how_to_apply"),
    ("كيف اسجل كمستفيد", "how_to_apply"),
    ("اريد تقديم طلب دعم", "how_to_apply"),
    ("طريقة التسجيل في الجمعية", "how_to_apply"),
    ("ابغى اسجل عندكم", "how_to_apply"),
    ("ما هي الاوراق المطلوبة للتسجيل", "required_documents"),
    ("ما المستندات التي احتاجها", "required_documents"),
    ("هل احتاج صورة الهوية", "required_documents"),
    ("ما الوثائق اللازمة لتقديم الطلب", "required_documents"),
    ("ايش الاوراق اللي احتاجها", "required_documents"),
    ("اين يقع مقر الجمعية", "location"),
    ("ما عنوان الجمعية", "location"),
    ("اين مكتبكم", "location"),
    ("هل لديكم فروع", "location"),
    ("ابي اعرف موقعكم على الخريطة", "location"),
    ("ما هي ساعات الدوام", "working_hours"),
    ("متى تفتحون", "working_hours"),
    ("هل تعملون يوم السبت", "working_hours"),
    ("ما اوقات العمل في رمضان", "working_hours"),
    ("متى يبدا الدوام", "working_hours"),
    ("اريد التبرع للجمعية", "donate"),
    ("كيف ادفع الزكاة لكم", "donate"),
    ("ما رقم حساب التبرعات", "donate"),
    ("ابغى ادعم الجمعية بمبلغ", "donate"),
    ("هل يمكنني كفالة اسرة", "donate"),
    ("كم سعر الذهب اليوم", "none"),
    ("من فاز في المباراة", "none"),
    ("ما حالة الطقس غدا", "none"),
    ("اكتب لي قصيدة", "none"),
    ("كم سعر الدولار", "none"),
]

INTENTS = {intent for _, intent in TRAINING if intent != "none"}


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher.train(TRAINING)


def _check_shape(m: Match, matcher: Matcher) -> None:
    assert isinstance(m, Match)
    assert m.decision in {"answer", "clarify", "handover"}
    assert len(m.candidates) <= 3
    assert all(isinstance(c, Candidate) for c in m.candidates)
    assert all(c.intent in INTENTS for c in m.candidates)
    assert all(0.0 <= c.score <= 1.0 for c in m.candidates)
    assert 0.0 <= m.score <= 1.0
    scores = [c.score for c in m.candidates]
    assert scores == sorted(scores, reverse=True)
    if m.decision == "handover":
        assert m.intent is None
    else:
        assert m.intent == m.candidates[0].intent


def test_intents_never_include_none(matcher: Matcher) -> None:
    assert set(matcher.intents) == INTENTS


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("السلام عليكم ورحمة الله", "greeting"),
        ("ابي اسجل في الجمعيه", "how_to_apply"),
        ("ودي اقدم طلب", "how_to_apply"),
        ("وش الأوراق المطلوبة؟", "required_documents"),
        ("وين مقركم", "location"),
        ("فين مكانكم", "location"),
        ("متى تفتحون في رمضان", "working_hours"),
        ("ابغا اتبرع", "donate"),
        ("مشكووووورين", "thanks"),
    ],
)
def test_dialect_questions_rank_the_right_intent_first(
    matcher: Matcher, question: str, intent: str
) -> None:
    m = matcher.match(question)
    _check_shape(m, matcher)
    assert m.candidates[0].intent == intent
    assert m.decision != "handover"


def test_apply_and_donate_kept_apart(matcher: Matcher) -> None:
    assert matcher.match("ابي اسجل").candidates[0].intent == "how_to_apply"
    assert matcher.match("ابي ادعم الجمعيه").candidates[0].intent == "donate"


@pytest.mark.parametrize(
    "question",
    [
        "كم سعر الذهب",
        "متى مباراة الهلال",
        "asdfgh",
        "",
        "   ",
        "1234567890",
        "١٢٣٤٥٦",
        "😀😀😀",
        "؟؟؟!!!",
        "ا" * 10_000,
        "مرحبا " * 2_000,
        "hello مرحبا 你好 привет 123",
        "\x00\x01\ud800",
    ],
)
def test_out_of_scope_and_junk_are_never_answered(matcher: Matcher, question: str) -> None:
    m = matcher.match(question)
    _check_shape(m, matcher)
    assert m.decision in {"handover", "clarify"}
    assert m.query == question


def test_empty_and_digits_hand_over_without_candidates(matcher: Matcher) -> None:
    for question in ("", "😀", "0555555555"):
        m = matcher.match(question)
        assert m.decision == "handover"
        assert m.intent is None
        assert m.candidates == ()


def test_confident_answer(matcher: Matcher) -> None:
    m = matcher.match("ما هي الاوراق المطلوبة للتسجيل")
    assert m.decision == "answer"
    assert m.intent == "required_documents"


def test_threshold_override(matcher: Matcher) -> None:
    strict = matcher.with_thresholds(answer=1.01)
    assert strict.match("ما هي الاوراق المطلوبة للتسجيل").decision != "answer"
    forced = Matcher.train(TRAINING, answer_threshold=1.01, clarify_threshold=0.0, margin=0.0)
    m = forced.match("ما هي الاوراق المطلوبة للتسجيل")
    assert m.decision == "clarify"
    assert m.intent == "required_documents"


def test_calibrated_thresholds_are_ordered(matcher: Matcher) -> None:
    t = matcher.thresholds
    assert 0.0 <= t.clarify <= 1.0
    assert t.answer >= 0.0
    assert t.margin >= 0.0


def test_training_without_none_examples_and_two_intents() -> None:
    small = Matcher.train([("مرحبا", "greeting"), ("شكرا", "thanks")], calibrate=False)
    assert small.match("مرحبا").candidates[0].intent == "greeting"
    assert small.match("").decision == "handover"


def test_training_needs_an_intent() -> None:
    with pytest.raises(ValueError):
        Matcher.train([("كم سعر الذهب", "none")])
