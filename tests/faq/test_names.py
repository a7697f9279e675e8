"""A personal name is never an FAQ answer, on every association's FAQ."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import PROFILES_DIR
from bot.i18n import Catalog
from faq.evaluate import read_tsv
from faq.names import default_names, load_names
from faq.profile import load_profile_dir, missing_phrases
from faq.service import FaqService, load_bank

SLUGS = ("little-hearts", "takatuf", "qader", "alhuda", "health-coop")
ROOT = Path(__file__).resolve().parents[2]
DEV = ROOT / "bench" / "data" / "dev-queries.tsv"
tr = Catalog("ar")

# What people type at the name step, or instead of a question: alone, with a family name,
# and as full names of two to four names with بن / بنت / آل / عبد…
NAMES = [
    "محمد",
    "عبدالله",
    "عبد الله",
    "عبد الرحمن",
    "عبدالعزيز",
    "أحمد",
    "احمد",
    "خالد",
    "فهد",
    "سلطان",
    "فيصل",
    "تركي",
    "نورة",
    "نوره",
    "فاطمة",
    "سارة",
    "ساره",
    "مريم",
    "ريم",
    "هند",
    "منيرة",
    "الجوهرة",
    "لطيفة",
    "العنود",
    "امل",
    "أمل محمد",
    "محمد الغامدي",
    "محمد ال غامدي",
    "محمد آل غامدي",
    "احمد الزهراني",
    "خالد القحطاني",
    "سعد الشهري",
    "نورة العتيبي",
    "سارة الدوسري",
    "فاطمة الحربي",
    "ريم المطيري",
    "عبدالله محمد الشهري",
    "عبد الرحمن بن سعد",
    "فيصل بن سعد",
    "بن سعد",
    "آل سعود",
    "ال غامدي",
    "الغامدي",
    "القحطاني",
    "سلمان بن عبدالعزيز آل سعود",
    "منيرة بنت عبدالله القحطاني",
    "هيا بنت سعد الزهراني",
    "محمد عبدالله سعد العتيبي",
    "ابو محمد",
    "ام عبدالله",
    "محمد 🌹",
]

# Questions that mention a name are still questions.
QUESTIONS_WITH_NAMES = [
    ("انا محمد ابي اقدم طلب", "how_to_apply"),
    ("اسمي عبدالله وابي اعرف وين وصل طلبي", "request_status"),
    ("انا نورة ابي اكلم موظف", "talk_to_human"),
]


@pytest.fixture(scope="module", params=SLUGS)
def faq(request: pytest.FixtureRequest) -> FaqService:
    return FaqService.from_dir(PROFILES_DIR / request.param, missing_phrases(tr.t))


def test_a_name_is_never_answered(faq: FaqService) -> None:
    answered = {
        name: (a.match.intent, round(a.match.score, 2))
        for name in NAMES
        if (a := faq.ask(name)).match.decision == "answer" or a.text is not None
    }
    assert answered == {}, faq.profile.slug


def test_a_name_hands_over_with_a_low_score(faq: FaqService) -> None:
    for name in NAMES:
        match = faq.match(name)
        assert match.decision == "handover" and match.score < 0.2, (faq.profile.slug, name)


def test_a_question_with_a_name_in_it_is_still_answered(faq: FaqService) -> None:
    for question, intent in QUESTIONS_WITH_NAMES:
        answer = faq.ask(question)
        assert (answer.match.decision, answer.match.intent) == ("answer", intent), question
        assert answer.text == faq.answer_text(intent)


def test_the_matcher_itself_leans_out_of_scope_for_names_it_has_not_seen(
    faq: FaqService,
) -> None:
    # Not in names.tsv: the out-of-scope examples, not the list, keep these unanswered.
    for name in ("ثنيان الغامدي", "مرزوق", "لولوه بنت حمدان", "بشرى"):
        assert faq.matcher.match(name).decision != "answer", (faq.profile.slug, name)


def test_the_list_holds_the_common_names_of_men_women_and_families() -> None:
    names = default_names()
    assert len(names.men) >= 20 and len(names.women) >= 20 and len(names.families) >= 30
    assert {"بن", "بنت", "ال", "عبد"} <= names.particles
    # Greetings that are names too are left out, or «هلا وغلا» would go unanswered.
    assert not any(names.is_only_names(w) for w in ("هلا", "هلا وغلا", "سلام", "صباح الخير"))


def test_no_real_question_is_made_only_of_names() -> None:
    names = default_names()
    questions = [t for t, intent in load_bank() if intent != "none"]
    questions += [q for slug in SLUGS for e in load_profile_dir(PROFILES_DIR / slug)[1]
                  for q in e.questions]  # fmt: skip
    questions += [t for t, intent in read_tsv(DEV) if intent != "none"]
    questions += [t for t, intent in read_tsv(ROOT / "bench" / "data" / "holdout-queries.tsv")
                  if intent != "none"]  # fmt: skip
    assert [q for q in questions if names.is_only_names(q)] == []


@pytest.mark.parametrize(
    ("text", "only_names"),
    [
        ("عبد الرحمن", True),
        ("محمد بن عبد الله بن سعد آل سعود", True),
        ("غامدي", True),
        ("بن", False),  # a particle alone names nobody
        ("انا محمد", False),
        ("محمد 0551234567", False),
        ("", False),
    ],
)
def test_what_counts_as_only_names(text: str, only_names: bool) -> None:
    assert default_names().is_only_names(text) is only_names


def test_a_malformed_names_file_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "names.tsv"
    bad.write_text("name\tkind\nمحمد\tman\n", encoding="utf-8")
    with pytest.raises(ValueError, match=":2:"):
        load_names(bad)
