"""The question-and-answer conversation, as the beneficiary sees its replies."""

from __future__ import annotations

import pytest

from bot.config import PROFILES_DIR
from bot.i18n import Catalog
from faq.profile import missing_phrases
from faq.service import FaqService
from handlers.faq_chat import MAX_MESSAGE_CHARS, FaqChat
from handlers.replies import Reply

tr = Catalog("ar")


@pytest.fixture(scope="module")
def chat() -> FaqChat:
    return FaqChat(FaqService.from_dir(PROFILES_DIR / "takatuf", missing_phrases(tr.t)), tr)


def labels(reply: Reply) -> list[str]:
    return [b.label for b in reply.buttons]


MENU = ["اسأل سؤالاً", "تقديم طلب", "متابعة طلبي", "التحدث مع باحث", "تقييم الخدمة"]


@pytest.mark.parametrize("text", ["القائمة", "القائمه", "/start", "/menu", "menu"])
def test_menu_words_open_the_menu(chat: FaqChat, text: str) -> None:
    (reply,) = chat.on_text(text)
    assert "تكاتف" in reply.text
    assert labels(reply) == MENU


def test_an_answer_comes_with_thumbs_and_thumbs_down_offers_a_person(chat: FaqChat) -> None:
    (reply,) = chat.on_text("وش القنوات اللي اقدر اتواصل معكم فيها")
    assert "المقابلة" in reply.text and "مناديب المكاتب الفرعية" in reply.text
    assert labels(reply) == ["👍 مفيد", "👎 غير مفيد"]
    (sorry,) = chat.on_payload(reply.buttons[1].payload)
    assert labels(sorry) == ["التحدث مع موظف"]
    (human,) = chat.on_payload(sorry.buttons[0].payload)
    assert "مسئول البحث الاجتماعي" in human.text


def test_asking_for_a_person_is_not_rated(chat: FaqChat) -> None:
    (reply,) = chat.on_text("ابي اكلم موظف لو سمحت")
    assert "👍 مفيد" not in labels(reply)


def test_an_unclear_question_offers_the_closest_entries_as_buttons(chat: FaqChat) -> None:
    (reply,) = chat.on_text("متى يردون علي بخصوص طلبي اللي قدمته")
    assert reply.text == tr("chat-clarify")
    assert labels(reply)[-1] == "لا شيء مما سبق"
    assert 2 <= len(reply.buttons) <= 4
    (chosen,) = chat.on_payload(reply.buttons[0].payload)
    assert chosen.text == chat.faq.answer_text(reply.buttons[0].payload.split(":")[1])


def test_out_of_scope_is_declined_with_an_offer_of_a_person(chat: FaqChat) -> None:
    (reply,) = chat.on_text("مين بيفوز بالدوري السنة هذي")
    assert "تكاتف" in reply.text
    assert labels(reply) == ["التحدث مع موظف"]


def test_empty_and_huge_messages(chat: FaqChat) -> None:
    assert chat.on_text("   ") == []
    (reply,) = chat.on_text("س" * (MAX_MESSAGE_CHARS + 1))
    assert f"{MAX_MESSAGE_CHARS:,}" in reply.text
