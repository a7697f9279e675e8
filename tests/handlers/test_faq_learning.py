"""The FAQ that learns, through the real engine: what it couldn't answer is kept (masked,
with what the person pressed next), grouped for staff, and staff's edits change what the
next person is told once the matcher has retrained; every edit is audited and reversible."""

from __future__ import annotations

import pytest

from faq.profile import missing_phrases
from faq.service import FaqService
from handlers.clock import FixedClock
from handlers.engine import Engine
from handlers.errors import Refusal
from handlers.faq_edits import Retrainer
from handlers.faq_learning import (
    ANSWER,
    ENTRY,
    NEGATIVE,
    OUTCOME_NONE,
    OUTCOME_PICKED,
    PHRASING,
    REVERT,
    FaqEdit,
    FaqLearning,
    LiveFaq,
)
from storage.db import Database
from tests.bidi import plain
from tests.handlers.chats import SUNDAY, Chat, tr

ORG = "little-hearts"
RESTROOMS = "وين الحمام عندكم"  # clarify: the address? the services?
RESTROOM_ANSWER = "دورات المياه في الدور الأرضي بجانب الاستقبال."
REVIEW = "كم يوم ياخذ الطلب عشان تردون علي"  # answered: review_period
FOOTBALL = "متى مباراة الهلال"  # handover


def learning_for(database: Database, live: LiveFaq, clock: FixedClock) -> FaqLearning:
    """As bot/wiring.py builds it, over the engine's own FAQ in service."""
    faq = live.current()
    base = list(faq.entries.values())
    missing = missing_phrases(tr.t)
    build = Retrainer(faq.profile, base, missing, live)
    return FaqLearning(database, clock, live, ORG, build, base=base, missing=missing)


@pytest.fixture
def learning(database: Database, engine: Engine, clock: FixedClock) -> FaqLearning:
    return learning_for(database, engine.dialog.live, clock)


def decision(learning: FaqLearning, text: str) -> tuple[str, str | None]:
    assert learning.live is not None
    match = learning.live.current().match(text)
    return match.decision, match.intent


async def test_a_question_not_answered_is_kept_masked_with_what_was_pressed_next(
    engine: Engine, learning: FaqLearning
) -> None:
    amina = Chat(engine, "amina")
    await amina.say(RESTROOMS)
    assert "هل تقصد" in amina.text
    await amina.press("العنوان والفروع")
    await Chat(engine, "omar").say(f"{FOOTBALL} جوالي 0551234567")
    groups = await learning.groups()
    [group] = [g for g in groups if g.examples == [RESTROOMS]]
    [masked] = [g.examples[0] for g in groups if g is not group]
    assert "0551234567" not in masked and "*****567" in masked and FOOTBALL in masked
    assert group.count == 1
    assert group.candidates[0] == "location"
    assert group.decisions == {"clarify": 1}
    assert group.outcomes == {OUTCOME_PICKED: 1} and group.picked == {"location": 1}


async def test_none_of_these_and_a_thumbs_down_are_kept_too(
    engine: Engine, learning: FaqLearning
) -> None:
    omar = Chat(engine, "omar")
    await omar.say(RESTROOMS)
    await omar.press("لا شيء مما سبق")
    sara = Chat(engine, "sara")
    await sara.say(REVIEW)
    assert "👎 غير مفيد" in [plain(b.label) for r in sara.last for b in r.buttons]
    await sara.press("👎 غير مفيد")
    groups = {g.examples[0]: g for g in await learning.groups()}
    assert groups[RESTROOMS].outcomes == {OUTCOME_NONE: 1}
    assert groups[REVIEW].decisions == {"down": 1}


async def test_similar_questions_make_one_group_the_biggest_first(
    engine: Engine, learning: FaqLearning
) -> None:
    asked = [RESTROOMS, "وين الحمام", "وين الحمامات عندكم", FOOTBALL, "وين الحمام لو سمحت"]
    for n, text in enumerate(asked):
        await Chat(engine, f"p{n}").say(text)
    groups = await learning.groups()
    assert [g.count for g in groups] == [4, 1]
    assert set(groups[0].examples) == set(asked) - {FOOTBALL}
    assert groups[0].examples[0] == "وين الحمام لو سمحت"  # the newest first
    assert groups[1].examples == [FOOTBALL]
    assert groups[0].key == (await learning.group(groups[0].key)).key


async def test_a_group_created_as_an_entry_is_answered_to_the_next_person(
    engine: Engine, learning: FaqLearning
) -> None:
    for n, text in enumerate([RESTROOMS, "وين الحمامات عندكم"]):
        await Chat(engine, f"p{n}").say(text)
    [group] = await learning.groups()
    edit = await learning.create_entry(
        group.key, "restrooms", RESTROOM_ANSWER, ["وين دورات المياه"], "huda"
    )
    assert edit.kind == ENTRY and edit.actor == "huda" and edit.version == 1
    assert set(edit.questions) == {"وين دورات المياه", RESTROOMS, "وين الحمامات عندكم"}
    assert await learning.groups() == []  # handled: off the list
    assert await learning.refresh()  # taught on the spot
    assert learning.live is not None and learning.live.version == 1
    newcomer = Chat(engine, "newcomer")
    await newcomer.say(RESTROOMS)
    assert RESTROOM_ANSWER in newcomer.text
    await learning.settled()  # the full retrain behind it: the same answer
    assert learning.live.current().settle is None
    later = Chat(engine, "later")
    await later.say(RESTROOMS)
    assert RESTROOM_ANSWER in later.text


async def test_assign_teaches_an_entry_and_reject_makes_a_negative(
    engine: Engine, learning: FaqLearning
) -> None:
    await Chat(engine, "a").say(RESTROOMS)
    await Chat(engine, "b").say(FOOTBALL)
    groups = {g.examples[0]: g for g in await learning.groups()}
    assigned = await learning.assign(groups[RESTROOMS].key, "location", "huda")
    rejected = await learning.reject(groups[FOOTBALL].key, "huda")
    assert (assigned.kind, assigned.intent, assigned.questions) == (
        PHRASING,
        "location",
        [RESTROOMS],
    )
    assert (rejected.kind, rejected.questions) == (NEGATIVE, [FOOTBALL])
    assert await learning.groups() == []
    await learning.refresh()
    assert decision(learning, RESTROOMS) == ("answer", "location")
    assert decision(learning, FOOTBALL)[0] == "handover"


async def test_an_edit_is_reverted_by_a_new_edit_and_the_history_keeps_both(
    engine: Engine, learning: FaqLearning
) -> None:
    await Chat(engine, "a").say(RESTROOMS)
    [group] = await learning.groups()
    taught = await learning.assign(group.key, "location", "huda")
    await learning.refresh()
    assert decision(learning, RESTROOMS) == ("answer", "location")
    undone = await learning.revert(taught.id, "sara")
    assert (undone.kind, undone.reverts, undone.actor) == (REVERT, taught.id, "sara")
    history = await learning.history()
    assert [(e.id, e.reverted) for e in history] == [(undone.id, False), (taught.id, True)]
    assert [g.key for g in await learning.groups()] == [group.key]  # back in the inbox
    await learning.refresh()
    assert decision(learning, RESTROOMS)[0] == "clarify"
    with pytest.raises(Refusal) as twice:
        await learning.revert(taught.id, "sara")
    assert twice.value.message_id == "teach-error-already-reverted"


async def test_an_answer_edited_is_what_the_next_person_reads(
    engine: Engine, learning: FaqLearning
) -> None:
    edit = await learning.edit_answer("review_period", "نرد عليك خلال ثلاثة أيام عمل.", "huda")
    assert edit.previous_answer and "ثلاثة أيام" not in edit.previous_answer
    await learning.refresh()
    asker = Chat(engine, "asker")
    await asker.say(REVIEW)
    assert "نرد عليك خلال ثلاثة أيام عمل." in asker.text
    [entry] = [e for e in await learning.entries() if e.intent == "review_period"]
    assert entry.edited and entry.answer == "نرد عليك خلال ثلاثة أيام عمل."


def test_a_preview_fills_the_placeholders_from_the_profile(learning: FaqLearning) -> None:
    shown = learning.preview("اتصل بنا على {phone}")
    assert "{phone}" not in shown and shown.startswith("اتصل بنا على")


@pytest.mark.parametrize(
    ("call", "message_id"),
    [
        (lambda faq: faq.teach("وين الحمام", "no_such", "huda"), "teach-error-unknown-intent"),
        (lambda faq: faq.teach("   ", "location", "huda"), "teach-error-empty-question"),
        (lambda faq: faq.teach("1000000008", "location", "huda"), "teach-error-only-identifier"),
        (lambda faq: faq.teach("0551234567", "location", "huda"), "teach-error-only-identifier"),
        (
            lambda faq: faq.create_entry(None, "Bad-Id", "x", ["y"], "huda"),
            "teach-error-invalid-intent",
        ),
        (
            lambda faq: faq.create_entry(None, "location", "x", ["y"], "huda"),
            "teach-error-duplicate-intent",
        ),
        (
            lambda faq: faq.create_entry(None, "new_one", " ", ["y"], "huda"),
            "teach-error-empty-answer",
        ),
        (
            lambda faq: faq.create_entry(None, "new_one", "x", [], "huda"),
            "teach-error-no-questions",
        ),
        (lambda faq: faq.edit_answer("location", "", "huda"), "teach-error-empty-answer"),
        (lambda faq: faq.assign("999", "location", "huda"), "teach-error-unknown-group"),
        (lambda faq: faq.revert(999, "huda"), "teach-error-unknown-edit"),
    ],
)
async def test_bad_input_is_refused_in_the_catalogs_words_and_changes_nothing(
    learning: FaqLearning, call: object, message_id: str
) -> None:
    with pytest.raises(Refusal) as refused:
        await call(learning)  # type: ignore[operator]
    assert refused.value.message_id == message_id
    assert not refused.value.text(tr.t).startswith("teach-")  # a sentence, not an id
    assert await learning.version() == 0 and await learning.history() == []


async def test_a_question_with_an_id_in_it_is_taught_masked(learning: FaqLearning) -> None:
    edit = await learning.teach("رقم هويتي 1000000008 وين مقركم", "location", "huda")
    assert "1000000008" not in edit.questions[0] and "وين مقركم" in edit.questions[0]


async def test_another_process_picks_up_the_new_version(
    database: Database, faq: FaqService, engine: Engine, learning: FaqLearning, clock: FixedClock
) -> None:
    other = learning_for(database, LiveFaq(faq), clock)  # another process's, same database
    assert not await other.refresh()  # nothing new: no retraining
    await learning.teach(RESTROOMS, "location", "huda")
    assert await other.version() == 1
    assert await other.refresh()
    assert other.live is not None and other.live.version == 1
    assert decision(other, RESTROOMS) == ("answer", "location")
    assert not await other.refresh()


def test_a_retrain_keeps_the_calibration_of_the_version_in_service(faq: FaqService) -> None:
    live = LiveFaq(faq, version=3)  # a process already running staff's edits
    build = Retrainer(faq.profile, list(faq.entries.values()), missing_phrases(tr.t), live)
    taught = FaqEdit(1, PHRASING, "location", None, [RESTROOMS], "huda", SUNDAY, False)
    service = build([taught])
    assert service.matcher.calibration == faq.matcher.calibration  # one fit, no new folds
    assert service.match(RESTROOMS).decision == "answer"
    live.swap(service, 4)
    answer = FaqEdit(2, ANSWER, "location", "عند الدوار الثاني.", [], "huda", SUNDAY, False)
    answered = build([taught, answer])
    assert answered.matcher is service.matcher  # only an answer changed: nothing trained
    assert answered.answer_text("location") == "عند الدوار الثاني."
