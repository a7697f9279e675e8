"""WhatsApp rendering (bot/channels/whatsapp/render.py): what Meta receives for an outbox
body. Every payload is held to the Cloud API's rules for its shape (`check_shape`: what it
would answer 400 to), on the bot's own Arabic messages and on any text and labels."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from bot.channels.whatsapp.render import read_receipt, render, shorten, template
from bot.i18n import Catalog
from handlers.dialog_replies import MENU
from handlers.replies import Button, Reply, menu_button

tr = Catalog("ar")
TO = "966501234567"
LONG_LABEL = "طلب مساعدة في دفع الإيجار الشهري للأسرة"


def units(text: str) -> int:
    """A length as UTF-16 counts it: never less than Python's, whichever way Meta counts."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def draw(reply: Reply | dict[str, Any]) -> list[dict[str, Any]]:
    """What goes to Meta for a reply, every payload checked against Meta's rules."""
    body = reply.to_dict() if isinstance(reply, Reply) else reply
    payloads = render(
        TO,
        body,
        more_label=tr("wa-more"),
        fallback_label=tr("wa-choose"),
        contact_hint=tr("wa-contact-hint"),
    )
    for payload in payloads:
        check_shape(payload)
    return payloads


# -- Meta's rules ---------------------------------------------------------------------------


def check_shape(payload: dict[str, Any]) -> None:
    """A message as the Cloud API takes it, or an AssertionError saying why not."""
    kind = payload["type"]
    assert set(payload) == {"messaging_product", "recipient_type", "to", "type", kind}
    assert payload["messaging_product"] == "whatsapp"
    assert payload["recipient_type"] == "individual" and payload["to"] == TO
    checks = {"text": _check_text, "interactive": _check_interactive, "template": _check_template}
    checks[kind](payload[kind])


def _field(value: object, limit: int) -> None:
    assert isinstance(value, str) and value.strip(), f"blank: {value!r}"
    assert units(value) <= limit, f"{units(value)} > {limit}: {value!r}"
    value.encode("utf-8")  # no lone surrogate: the JSON must be UTF-8


def _distinct(values: list[str]) -> None:
    assert len({v.casefold() for v in values}) == len(values), values


def _check_text(text: dict[str, Any]) -> None:
    assert set(text) == {"body", "preview_url"} and text["preview_url"] is False
    _field(text["body"], 4096)


def _check_interactive(interactive: dict[str, Any]) -> None:
    assert set(interactive) == {"type", "body", "action"}
    _field(interactive["body"]["text"], 1024)
    if interactive["type"] == "button":
        _check_buttons(interactive["action"]["buttons"])
    else:
        assert interactive["type"] == "list"
        _check_list(interactive["action"])


def _check_buttons(buttons: list[dict[str, Any]]) -> None:
    assert 1 <= len(buttons) <= 3
    for button in buttons:
        assert button["type"] == "reply"
        _field(button["reply"]["id"], 256)
        _field(button["reply"]["title"], 20)
        assert "\n" not in button["reply"]["title"]
    _distinct([b["reply"]["id"] for b in buttons])
    _distinct([b["reply"]["title"] for b in buttons])


def _check_list(action: dict[str, Any]) -> None:
    _field(action["button"], 20)
    sections = action["sections"]
    assert 1 <= len(sections) <= 10
    if len(sections) > 1:
        for section in sections:
            _field(section["title"], 24)
    rows = [row for section in sections for row in section["rows"]]
    assert 1 <= len(rows) <= 10
    for row in rows:
        assert set(row) <= {"id", "title", "description"}
        _field(row["id"], 200)
        _field(row["title"], 24)
        if "description" in row:
            _field(row["description"], 72)
    assert len({row["id"] for row in rows}) == len(rows)


def _check_template(content: dict[str, Any]) -> None:
    assert content["name"] and content["language"]["code"]
    for component in content.get("components", []):
        for parameter in component["parameters"]:
            if parameter["type"] == "text":
                _field(parameter["text"], 1024)
                assert not re.search(r"[\n\t]| {5}", parameter["text"]), parameter["text"]


def texts(payloads: list[dict[str, Any]]) -> list[str]:
    return [p["text"]["body"] for p in payloads if p["type"] == "text"]


def options(payload: dict[str, Any]) -> list[tuple[str, str]]:
    """(id, title) of an interactive message's buttons or rows, in order."""
    interactive = payload["interactive"]
    if interactive["type"] == "button":
        return [(b["reply"]["id"], b["reply"]["title"]) for b in interactive["action"]["buttons"]]
    rows = [r for s in interactive["action"]["sections"] for r in s["rows"]]
    return [(r["id"], r["title"]) for r in rows]


# -- the bot's own messages ------------------------------------------------------------------


def test_the_main_menu_of_five_goes_as_a_list_with_every_label_whole() -> None:
    buttons = tuple(Button(tr(label, role="موظف"), payload) for label, payload in MENU)
    (menu,) = draw(Reply(tr("chat-welcome", short="القلوب الصغيرة"), buttons))
    interactive = menu["interactive"]
    assert interactive["type"] == "list" and interactive["action"]["button"] == "اختر"
    assert "القلوب الصغيرة" in interactive["body"]["text"]
    assert options(menu) == [(b.payload, b.label) for b in buttons]
    assert "•" not in interactive["body"]["text"]  # nothing shortened, nothing listed


def test_an_answer_with_thumbs_and_the_menu_has_three_reply_buttons() -> None:
    reply = Reply(
        "مدة دراسة الطلب أسبوعين.",
        (
            Button(tr("chat-helpful"), "rate:up"),
            Button(tr("chat-not-helpful"), "rate:down"),
            menu_button(tr),
        ),
    )
    (answer,) = draw(reply)
    assert answer["interactive"]["type"] == "button"
    assert answer["interactive"]["body"]["text"] == "مدة دراسة الطلب أسبوعين."
    assert options(answer) == [
        ("rate:up", "👍 مفيد"),
        ("rate:down", "👎 غير مفيد"),
        ("menu:main", "🏠 القائمة"),
    ]


def test_navigation_comes_after_the_choices() -> None:
    reply = Reply("اختر المدينة", (menu_button(tr), Button("جدة", "city:jeddah")))
    (message,) = draw(reply)
    assert [payload for payload, _ in options(message)] == ["city:jeddah", "menu:main"]


def test_a_5000_character_answer_goes_as_text_then_its_last_part_with_the_buttons() -> None:
    paragraph = "نقدم الدعم للأسر المحتاجة في جميع مناطق المملكة وفق شروط واضحة ومعلنة. "
    lines = [f"{i}. {paragraph * 2}" for i in range(1, 60)]
    text = "\n".join(lines)[:5000].rstrip()
    reply = Reply(text, (Button(tr("chat-helpful"), "rate:up"), menu_button(tr)))
    *before, last = draw(reply)
    assert before and all(p["type"] == "text" for p in before)
    body = last["interactive"]["body"]["text"]
    assert len(body) <= 1024 and text.endswith(body)
    # cut at a line break, nothing lost or doubled
    assert body.split("\n")[0] in lines
    assert "\n".join([*texts(before), body]).split() == text.split()


def test_a_long_arabic_label_is_cut_at_a_word_and_listed_whole_in_the_body() -> None:
    reply = Reply("ما نوع المساعدة؟", (Button(LONG_LABEL, "help:rent"), menu_button(tr)))
    (message,) = draw(reply)
    assert options(message)[0] == ("help:rent", "طلب مساعدة في دفع…")
    assert message["interactive"]["body"]["text"] == f"ما نوع المساعدة؟\n\n• {LONG_LABEL}"


def test_labels_alike_once_shortened_get_titles_of_their_own() -> None:
    reply = Reply(
        "اختر",
        (Button(LONG_LABEL, "help:rent"), Button("طلب مساعدة في دفع فواتير الكهرباء", "help:bill")),
    )
    (message,) = draw(reply)
    assert [title for _, title in options(message)] == [
        "طلب مساعدة في دفع…",
        "طلب مساعدة في دفع… 2",
    ]
    assert message["interactive"]["body"]["text"].count("•") == 2


def test_a_long_label_in_a_list_goes_on_in_the_row_description() -> None:
    buttons = (Button(LONG_LABEL, "help:rent"), *(Button(f"خيار {i}", f"o{i}") for i in range(4)))
    (message,) = draw(Reply("اختر نوع المساعدة", buttons))
    row = message["interactive"]["action"]["sections"][0]["rows"][0]
    assert row == {
        "id": "help:rent",
        "title": "طلب مساعدة في دفع…",
        "description": "الإيجار الشهري للأسرة",
    }
    assert "•" not in message["interactive"]["body"]["text"]  # title and description: whole


def test_twelve_options_show_nine_and_more_then_the_rest() -> None:
    cities = ["الرياض", "جدة", "مكة", "المدينة", "الدمام", "الطائف", "تبوك", "أبها", "حائل"]
    cities += ["جازان", "نجران", "الباحة"]
    body = Reply("اختر مدينتك", tuple(Button(c, f"city:{c}") for c in cities)).to_dict()
    (first,) = draw(body)
    assert options(first) == [*((f"city:{c}", c) for c in cities[:9]), ("more:9", "المزيد")]
    (rest,) = draw({**body, "page_from": 9})
    assert rest["interactive"]["type"] == "list"
    assert options(rest) == [(f"city:{c}", c) for c in cities[9:]]


def test_the_menu_button_stays_on_every_page_of_a_long_list() -> None:
    choices = tuple(Button(f"الخيار {i}", f"o{i}") for i in range(12))
    body = Reply("اختر", (*choices, menu_button(tr))).to_dict()
    (first,) = draw(body)
    ids = [payload for payload, _ in options(first)]
    assert ids == [*(f"o{i}" for i in range(8)), "more:8", "menu:main"]
    (rest,) = draw({**body, "page_from": 8})
    assert [payload for payload, _ in options(rest)] == ["o8", "o9", "o10", "o11", "menu:main"]


def test_a_button_whose_payload_is_too_long_for_whatsapp_is_left_out() -> None:
    reply = Reply("نص", (Button("نعم", "yes"), Button("طويل", "x" * 257)))
    (message,) = draw(reply)
    assert options(message) == [("yes", "نعم")]


def test_options_without_a_text_get_the_catalog_body() -> None:
    (message,) = draw(Reply("", (Button("نعم", "yes"),)))
    assert message["interactive"]["body"]["text"] == "اختر"


def test_asking_for_the_number_tells_how_to_give_it() -> None:
    reply = Reply("أرسل رقم جوالك", (Button("➡️ رجوع", "form:back", nav=True),), True)
    (message,) = draw(reply)
    assert message["interactive"]["body"]["text"] == f"أرسل رقم جوالك\n\n{tr('wa-contact-hint')}"
    (plain,) = draw(Reply("أرسل رقم جوالك", (), True))
    assert plain["text"]["body"].endswith("📎")


def test_a_long_text_without_buttons_is_split_at_line_breaks() -> None:
    lines = [f"سطر رقم {i} " + "كلمة " * 30 for i in range(60)]
    text = "\n".join(lines).strip()
    chunks = texts(draw(Reply(text)))
    assert len(chunks) == 3 and all(len(c) <= 4096 for c in chunks)
    assert all(chunk.split("\n")[0] in lines for chunk in chunks)
    assert "\n".join(chunks) == text


def test_nothing_to_say_sends_nothing() -> None:
    assert draw(Reply("  \n ")) == []


def test_a_blank_label_from_the_catalog_is_refused() -> None:
    with pytest.raises(ValueError):
        render(TO, {"text": "x"}, more_label=" ", fallback_label="اختر")


def test_a_template_takes_only_what_meta_takes_in_a_parameter() -> None:
    payload = template(
        TO, "tawasul_status_update", "ar", ["2612-00001", "بحاجة\nإلى\tاستكمال     الآن", ""], None
    )
    check_shape(payload)
    assert payload["template"] == {
        "name": "tawasul_status_update",
        "language": {"code": "ar"},
        "components": [
            {
                "type": "body",
                "parameters": [
                    {"type": "text", "text": "2612-00001"},
                    {"type": "text", "text": "بحاجة إلى استكمال الآن"},
                    {"type": "text", "text": "-"},
                ],
            }
        ],
    }


def test_a_survey_template_carries_its_quick_reply_payload() -> None:
    payload = template(TO, "tawasul_survey_invite", "ar", ["القلوب الصغيرة"], "window:open")
    check_shape(payload)
    assert payload["template"]["components"][1] == {
        "type": "button",
        "sub_type": "quick_reply",
        "index": "0",
        "parameters": [{"type": "payload", "payload": "window:open"}],
    }
    bare = template(TO, "hello", "ar", [], None)
    assert "components" not in bare["template"]


def test_a_read_receipt_with_and_without_typing() -> None:
    assert read_receipt("wamid.A") == {
        "messaging_product": "whatsapp",
        "status": "read",
        "message_id": "wamid.A",
    }
    assert read_receipt("wamid.A", typing=True)["typing_indicator"] == {"type": "text"}


def test_shorten_cuts_a_single_long_word_inside() -> None:
    assert shorten("abcdefghijklmnopqrstuvwxyz", 20) == "abcdefghijklmnopqrs…"
    assert shorten("الاستشارات،والخدمات،الاجتماعية", 20) == "الاستشارات،والخدمات…"
    assert shorten("Apply for help", 20) == "Apply for help"
    assert shorten("Apply for monthly rent help", 20) == "Apply for monthly…"


# -- any text, any labels ----------------------------------------------------------------------

WORDS = ["طلب", "مساعدة", "الإيجار", "👍", "🏠 القائمة", "Apply", "x" * 30, "ا" * 300]
PIECE = st.one_of(
    st.sampled_from([*(w + " " for w in WORDS), "\n", "\n\n", "  ", "\t", "👨‍👩‍👧"]),
    st.text(
        st.characters(exclude_categories=()), max_size=8
    ),  # any code point, lone surrogates too
)
TEXT = st.lists(PIECE, max_size=900).map("".join)
LABEL = st.one_of(
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=8).map(" ".join),
    st.text(st.characters(exclude_categories=()), max_size=60),
)
PAYLOAD = st.one_of(
    st.sampled_from(["menu:main", "more:9", "x" * 200, "w" * 201, "y" * 256, "z" * 257]),
    st.text(max_size=12),
)
BUTTON = st.fixed_dictionaries(
    {"label": LABEL, "payload": PAYLOAD}, optional={"nav": st.booleans()}
)
BODY = st.fixed_dictionaries(
    {"text": TEXT, "buttons": st.lists(BUTTON, max_size=16)},
    optional={"request_contact": st.booleans(), "page_from": st.integers(-2, 20)},
)


@given(BODY)
@example({"text": "\ud83d lone", "buttons": [{"label": "\udc4d", "payload": "\ud800"}]})
@example(
    {"text": "\ud83d", "buttons": [{"label": f"{i} \udc4d", "payload": f"{i}"} for i in range(5)]}
)
@example({"text": "ا" * 5000, "buttons": [{"label": "ب" * 500, "payload": "p"}] * 3})
@example(
    {"text": "x\n" * 3000, "buttons": [{"label": "ب " * 300, "payload": f"{i}"} for i in range(10)]}
)
def test_whatever_the_body_meta_takes_every_payload(body: dict[str, Any]) -> None:
    draw(body)


CLEAN_TEXT = st.lists(st.sampled_from([*(w + " " for w in WORDS), "\n", "  ", "ab"]), max_size=900)


@given(CLEAN_TEXT.map("".join), st.lists(st.sampled_from(["نعم", "لا", "🏠"]), max_size=3))
def test_no_word_of_the_text_is_lost_or_doubled(text: str, labels: list[str]) -> None:
    buttons = tuple(Button(label, f"p{i}") for i, label in enumerate(labels))
    payloads = draw(Reply(text, buttons))
    parts = texts(payloads)
    if buttons and text.strip():
        parts.append(payloads[-1]["interactive"]["body"]["text"])
    assert "".join("".join(parts).split()) == "".join(text.split())


@given(st.lists(LABEL, min_size=1, max_size=40), st.integers(0, 3))
def test_every_option_of_a_long_list_is_reached_through_more(labels: list[str], nav: int) -> None:
    buttons = [Button(label if label.split() else "-", f"o{i}") for i, label in enumerate(labels)]
    buttons += [Button(f"رجوع {i}", f"nav{i}", nav=True) for i in range(nav)]
    body = Reply("اختر", tuple(buttons)).to_dict()
    seen: list[str] = []
    page: int | None = 0
    while page is not None:
        *_, message = draw({**body, "page_from": page})
        ids = [payload for payload, _ in options(message)]
        assert ids[len(ids) - nav :] == [f"nav{i}" for i in range(nav)] or len(buttons) <= 3
        more = [i for i in ids if i.startswith("more:")]
        seen += [i for i in ids if i.startswith("o")]
        page = int(more[0].removeprefix("more:")) if more else None
    assert sorted(seen) == sorted(b.payload for b in buttons if not b.nav)


@given(st.text(st.characters(codec="utf-8"), max_size=80), st.integers(1, 40))
@example("طلب مساعدة في دفع الإيجار", 20)
def test_shorten_keeps_to_the_limit_and_cuts_only_between_words(text: str, limit: int) -> None:
    short = shorten(text, limit)
    assert units(short) <= limit
    if units(text) <= limit:
        assert short == text
        return
    kept = short.removesuffix("…")
    assert short.endswith("…") and text.startswith(kept)
    after = text[len(kept)]
    one_word = len(kept.split()) <= 1
    assert one_word or after.isspace() or after in ",،;؛:.-–—"


@given(st.lists(st.text(st.characters(exclude_categories=()), max_size=1200), max_size=4))
def test_any_template_parameters_are_taken(params: list[str]) -> None:
    check_shape(template(TO, "tawasul_new_message", "ar", params, "window:open"))
