"""The dialog on its own: pure decisions from state and message, no database."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.config import PROFILES_DIR
from bot.i18n import Catalog, speaking
from faq.profile import load_profile_dir, missing_phrases
from faq.service import FaqService
from handlers.clock import FixedClock
from handlers.conversation import MAX_MESSAGE_CHARS, Dialog
from handlers.replies import Reply
from handlers.types import Incoming

tr = Catalog("ar")
ROLE = load_profile_dir(PROFILES_DIR / "takatuf")[0].referral_role
MENU = ["اسأل سؤالاً", "تقديم طلب", "متابعة طلبي", f"التحدث مع {ROLE}", "تقييم الخدمة"]


@pytest.fixture(scope="module")
def dialog() -> Dialog:
    faq = FaqService.from_dir(PROFILES_DIR / "takatuf", missing_phrases(tr.t))
    return Dialog(
        faq, speaking(tr, faq.profile).t, FixedClock(datetime(2026, 11, 22, 7, 0, tzinfo=UTC))
    )


def say(dialog: Dialog, text: str = "", payload: str | None = None, state: dict | None = None):  # type: ignore[no-untyped-def, type-arg]
    return dialog.handle(state or {}, Incoming("web", "v", "v", text=text, payload=payload))


def labels(reply: Reply) -> list[str]:
    return [b.label for b in reply.buttons]


@pytest.mark.parametrize("text", ["القائمة", "القائمه", "/menu", "menu", "/start"])
def test_menu_words_and_start_show_the_menu(dialog: Dialog, text: str) -> None:
    (reply,) = say(dialog, text).replies
    assert "تكاتف" in reply.text
    assert labels(reply) == MENU


def test_help_and_cancel_with_nothing_to_cancel(dialog: Dialog) -> None:
    (help_reply,) = say(dialog, "/help").replies
    assert "/cancel" in help_reply.text
    (cancel,) = say(dialog, "/cancel").replies
    assert labels(cancel) == MENU


def test_an_answer_comes_with_thumbs_and_thumbs_down_offers_a_person(dialog: Dialog) -> None:
    (reply,) = say(dialog, "وش القنوات اللي اقدر اتواصل معكم فيها").replies
    assert "المقابلة" in reply.text and "مناديب المكاتب الفرعية" in reply.text
    assert labels(reply) == ["👍 مفيد", "👎 غير مفيد"]
    turn = say(dialog, payload=reply.buttons[1].payload)
    (sorry,) = turn.replies
    assert labels(sorry) == ["التحدث مع موظف"]
    assert say(dialog, payload=sorry.buttons[0].payload).open_case == "not_helpful"


def test_an_unclear_question_offers_the_closest_entries(dialog: Dialog) -> None:
    turn = say(dialog, "متى يردون علي بخصوص طلبي اللي قدمته")
    (reply,) = turn.replies
    assert reply.text == tr("chat-clarify")
    assert labels(reply)[-1] == "لا شيء مما سبق"
    assert turn.state["unanswered"] == 1
    chosen = say(dialog, payload=reply.buttons[0].payload, state=turn.state)
    assert chosen.state["unanswered"] == 0
    # request_status lists the person's requests (none yet) rather than a canned answer
    assert chosen.replies[0].text == tr("requests-none")


def test_out_of_scope_is_declined_with_an_offer_of_a_person(dialog: Dialog) -> None:
    turn = say(dialog, "مين بيفوز بالدوري السنة هذي")
    assert "تكاتف" in turn.replies[0].text
    assert labels(turn.replies[0]) == ["التحدث مع موظف"]
    assert turn.open_case is None
    assert say(dialog, "طيب كم سعر الذهب", state=turn.state).open_case == "unanswered"


def test_empty_and_huge_messages(dialog: Dialog) -> None:
    assert say(dialog, "   ").replies == []
    (reply,) = say(dialog, "س" * (MAX_MESSAGE_CHARS + 1)).replies
    assert f"{MAX_MESSAGE_CHARS:,}" in reply.text


def test_during_handover_the_bot_steps_aside(dialog: Dialog) -> None:
    opened = say(dialog, "ابي اكلم موظف")
    assert opened.open_case == "request" and opened.state["mode"] == "handover"
    first = say(dialog, "مرحبا", state=opened.state)
    assert first.on_case and first.replies
    second = say(dialog, "كم سعر الذهب", state=first.state)
    assert second.on_case and second.replies == [] and second.open_case is None
    closed = say(dialog, "/cancel", state=second.state)
    assert closed.close_case and closed.state["mode"] == "idle"
