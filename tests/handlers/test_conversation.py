"""The dialog on its own: pure decisions from state and message, no database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.config import PROFILES_DIR
from bot.i18n import Catalog, speaking
from faq.profile import load_profile_dir, missing_phrases
from faq.service import FaqService
from handlers.clock import FixedClock
from handlers.conversation import MAX_MESSAGE_CHARS, Dialog
from handlers.replies import Button, Reply
from handlers.types import Attachment, Incoming

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
    # Arabic words, not Latin commands that RTL renders as «cancel/»
    assert "«إلغاء»" in help_reply.text and "/cancel" not in help_reply.text
    (cancel,) = say(dialog, "/cancel").replies
    assert labels(cancel) == MENU


def test_an_answer_comes_with_thumbs_and_thumbs_down_offers_a_person(dialog: Dialog) -> None:
    (reply,) = say(dialog, "وش القنوات اللي اقدر اتواصل معكم فيها").replies
    assert "المقابلة" in reply.text and "مناديب المكاتب الفرعية" in reply.text
    assert labels(reply) == ["👍 مفيد", "👎 غير مفيد", "🏠 القائمة"]
    turn = say(dialog, payload=reply.buttons[1].payload)
    (sorry,) = turn.replies
    assert labels(sorry) == ["التحدث مع موظف", "🏠 القائمة"]
    assert say(dialog, payload=sorry.buttons[0].payload).open_case == "not_helpful"


def test_an_unclear_question_offers_the_closest_entries(dialog: Dialog) -> None:
    turn = say(dialog, "متى يردون علي بخصوص طلبي اللي قدمته")
    (reply,) = turn.replies
    assert reply.text == tr("chat-clarify")
    assert labels(reply)[-2:] == ["لا شيء مما سبق", "🏠 القائمة"]
    assert turn.state["unanswered"] == 1
    chosen = say(dialog, payload=reply.buttons[0].payload, state=turn.state)
    assert chosen.state["unanswered"] == 0
    # request_status lists the person's requests (none yet) rather than a canned answer
    assert chosen.replies[0].text == tr("requests-none")


def test_out_of_scope_is_declined_with_an_offer_of_a_person(dialog: Dialog) -> None:
    turn = say(dialog, "مين بيفوز بالدوري السنة هذي")
    assert "تكاتف" in turn.replies[0].text
    assert labels(turn.replies[0]) == ["التحدث مع موظف", "🏠 القائمة"]
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


# -- ways on from every state (issue 11) ---------------------------------------------------------


@pytest.mark.parametrize("text", ["🌹", "👍", "👍👍", "🌹🌹", "تمام", "ok"])
def test_emoji_and_ok_get_a_friendly_word_and_never_a_person(dialog: Dialog, text: str) -> None:
    first = say(dialog, text)
    second = say(dialog, text, state=first.state)
    for turn in (first, second):
        (reply,) = turn.replies
        assert reply.text == tr("chat-small-talk") and labels(reply) == MENU
        assert turn.open_case is None and turn.state.get("unanswered", 0) == 0


@pytest.mark.parametrize("text", ["/start", "هلا", "مرحبا", "اهلا", "hi", "أهلاً"])
def test_a_greeting_gets_a_welcome_of_its_own(dialog: Dialog, text: str) -> None:
    (reply,) = say(dialog, text).replies
    assert "وعليكم السلام" not in reply.text
    assert "أهلاً وسهلاً بك في" in reply.text and "تكاتف" in reply.text
    assert labels(reply) == MENU


@pytest.mark.parametrize("text", ["السلام عليكم", "السلام عليكم ورحمة الله"])
def test_only_a_salam_is_answered_with_wa_alaikum_assalam(dialog: Dialog, text: str) -> None:
    (reply,) = say(dialog, text).replies
    assert reply.text.startswith("وعليكم السلام") and labels(reply) == MENU


def test_after_an_answer_the_menu_is_a_button_away(dialog: Dialog) -> None:
    (answer,) = say(dialog, "وين مقركم").replies
    assert labels(answer)[-1] == "🏠 القائمة"
    menu = answer.buttons[-1]
    assert menu.payload == "menu:main" and menu.nav
    assert [b.nav for b in answer.buttons[:2]] == [False, False]
    (welcome,) = say(dialog, payload=menu.payload).replies
    assert labels(welcome) == MENU
    (thanks,) = say(dialog, payload="rate:up").replies
    assert thanks.text == tr("chat-thanks-feedback") and labels(thanks) == MENU
    (hint,) = say(dialog, payload="menu:ask").replies
    assert labels(hint) == ["🏠 القائمة"]


def test_rate_the_service_from_the_menu_asks_the_engine_not_the_guide(dialog: Dialog) -> None:
    turn = say(dialog, payload="intent:feedback")
    # The engine finds what to rate; the guide's policy sentence is never the reply.
    assert turn.survey == {"start": True} and turn.replies == []


def open_case(dialog: Dialog) -> dict:  # type: ignore[type-arg]
    opened = say(dialog, "ابي اكلم موظف")
    assert opened.open_case == "request"
    (reply,) = opened.replies
    assert labels(reply) == ["إنهاء المحادثة"] and reply.buttons[0].nav
    return opened.state


@pytest.mark.parametrize(
    "text",
    [
        "إلغاء",
        "الغاء",
        "انهاء المحادثة",
        "انهي المحادثة",
        "القائمة",
        "ابي ارجع للقائمة",
        "/cancel",
        "/menu",
        "cancel",
        "menu",
        "إنهاء المحادثة",
    ],
)
def test_arabic_and_english_words_end_a_handover(dialog: Dialog, text: str) -> None:
    closed = say(dialog, text, state=open_case(dialog))
    (reply,) = closed.replies
    assert closed.close_case and closed.state["mode"] == "idle"
    assert reply.text == tr("case-closed-by-you") and labels(reply) == MENU


def test_the_end_button_ends_a_handover(dialog: Dialog) -> None:
    closed = say(dialog, payload="case:end", state=open_case(dialog))
    assert closed.close_case and labels(closed.replies[0]) == MENU


def test_while_a_case_waits_each_quiet_spell_gets_one_ack_with_a_way_back(
    dialog: Dialog,
) -> None:
    clock = FixedClock(datetime(2026, 11, 22, 7, 0, tzinfo=UTC))
    waiting = Dialog(dialog.faq, tr.t, clock)
    state = waiting.handle({}, Incoming("web", "v", "v", text="ابي اكلم موظف")).state
    first = waiting.handle(state, Incoming("web", "v", "v", text="🌹🌹"))
    (ack,) = first.replies
    assert first.on_case and not first.open_case and not first.close_case
    assert "/cancel" not in ack.text and "«إنهاء المحادثة»" in ack.text
    assert labels(ack) == ["إنهاء المحادثة"]
    second = waiting.handle(first.state, Incoming("web", "v", "v", text="متى تردون"))
    assert second.on_case and second.replies == []
    clock.advance(timedelta(minutes=11))
    third = waiting.handle(second.state, Incoming("web", "v", "v", text="موجودين؟"))
    assert third.on_case and labels(third.replies[0]) == ["إنهاء المحادثة"]


def test_rtl_back_arrow_points_back_and_english_keeps_its_own() -> None:
    assert tr("form-back") == "➡️ رجوع"
    assert Catalog("en")("form-back") == "⬅️ Back"


def test_a_reply_keeps_which_buttons_are_navigation_and_old_rows_still_load() -> None:
    reply = Reply("x", (Button("a", "p"), Button("🏠 القائمة", "menu:main", nav=True)))
    assert Reply.from_dict(reply.to_dict()) == reply
    old = {"text": "x", "buttons": [{"label": "a", "payload": "p"}]}
    assert Reply.from_dict(old).buttons == (Button("a", "p"),)
    assert "nav" not in reply.to_dict()["buttons"][0]  # type: ignore[index]


def test_a_sticker_is_small_talk_and_never_a_case(dialog: Dialog) -> None:
    sticker = Attachment("st-1", "sticker", 20_000, None, "image/webp")
    turn = dialog.handle({}, Incoming("telegram", "1", "1", attachments=(sticker,)))
    (reply,) = turn.replies
    assert reply.text == tr("chat-small-talk") and labels(reply) == MENU
    assert turn.open_case is None and turn.state.get("mode") != "handover"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("إلغاء", "chat-nothing-to-cancel"),
        ("cancel", "chat-nothing-to-cancel"),
        ("رجوع", "chat-welcome"),
        ("back", "chat-welcome"),
    ],
)
def test_cancel_and_back_with_nothing_open_show_the_menu(
    dialog: Dialog, text: str, expected: str
) -> None:
    first = say(dialog, text)
    second = say(dialog, text, state=first.state)
    for turn in (first, second):
        (reply,) = turn.replies
        assert reply.text == tr(expected, short="تكاتف") and labels(reply) == MENU
        assert turn.open_case is None and turn.state.get("unanswered", 0) == 0
