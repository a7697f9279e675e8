"""A matcher taught a few examples on the spot (`Matcher.with_examples`): what an edit of
the FAQ does before the full retrain behind it."""

from __future__ import annotations

from faq.matcher import Matcher

EXAMPLES = [
    ("متى تفتحون", "working_hours"),
    ("وش اوقات الدوام", "working_hours"),
    ("ساعات العمل عندكم", "working_hours"),
    ("وين مقركم", "location"),
    ("وين مكانكم", "location"),
    ("عنوان الجمعية", "location"),
    ("كيف اقدم طلب", "how_to_apply"),
    ("ابي اسجل عندكم", "how_to_apply"),
    ("طريقة التقديم", "how_to_apply"),
    ("متى مباراة الهلال", "none"),
    ("وش الطقس بكرة", "none"),
    ("كم سعر الذهب", "none"),
]


def test_examples_added_on_the_spot_are_answered_and_the_original_is_untouched() -> None:
    matcher = Matcher.train(EXAMPLES, calibrate=False)
    before = matcher.match("وين دورات المياه").intent
    taught = matcher.with_examples(
        [
            ("وين دورات المياه", "restrooms"),
            ("وين الحمام", "restrooms"),
            ("وش شروط الابتعاث", "none"),
        ]
    )
    assert taught.match("وين دورات المياه").intent == "restrooms"
    assert taught.match("وين الحمام لو سمحت").candidates[0].intent == "restrooms"
    assert taught.match("متى تفتحون").intent == "working_hours"  # the others as they were
    assert taught.match("وش شروط الابتعاث").decision == "handover"
    assert taught.calibration == matcher.calibration
    assert matcher.match("وين دورات المياه").intent == before
    assert "restrooms" not in matcher.intents and "restrooms" in taught.intents
    assert taught.with_examples([]) is taught
