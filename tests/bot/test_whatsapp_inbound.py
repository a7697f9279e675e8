"""WhatsApp notifications in (bot/channels/whatsapp/inbound.py): Meta's webhook payloads,
as the Cloud API sends them, read into what the core and the outbox see."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from bot.channels.whatsapp.inbound import Batch, Status, parse
from bot.i18n import Catalog
from faq.bidi import ltr
from handlers.types import Attachment, Incoming

tr = Catalog("ar")
AMINA, SALEH = "966501234567", "966559876543"
WABA, PHONE_ID = "102290129340398", "106540352242922"


def notification(*values: dict[str, Any]) -> dict[str, Any]:
    """A webhook body as Meta posts it: one entry, a change per value."""
    changes = [{"field": "messages", "value": value} for value in values]
    return {"object": "whatsapp_business_account", "entry": [{"id": WABA, "changes": changes}]}


def value(
    messages: list[dict[str, Any]] | None = None,
    statuses: list[dict[str, Any]] | None = None,
    people: dict[str, str] | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15551797781", "phone_number_id": PHONE_ID},
    }
    if people:
        body["contacts"] = [{"profile": {"name": n}, "wa_id": w} for w, n in people.items()]
    if messages:
        body["messages"] = messages
    if statuses:
        body["statuses"] = statuses
    return body


def message(
    kind: str, content: Any, sender: str = AMINA, wamid: str = "wamid.A1"
) -> dict[str, Any]:
    return {"from": sender, "id": wamid, "timestamp": "1733227200", "type": kind, kind: content}


def one(raw: dict[str, Any], name: str = "أمينة") -> Incoming:
    batch = parse(notification(value([raw], people={raw["from"]: name})), tr.t)
    assert batch.rejected == [] and batch.reads == [raw["id"]]
    (incoming,) = batch.messages
    assert (incoming.channel, incoming.chat_id, incoming.user_id) == ("whatsapp", AMINA, AMINA)
    assert incoming.external_id == raw["id"] and incoming.display_name == name
    return incoming


def media(**fields: Any) -> dict[str, Any]:
    return {"id": "1037543291543636", "sha256": "e2c1f0…", **fields}


# -- each kind of message --------------------------------------------------------------------


def test_a_text() -> None:
    incoming = one(message("text", {"body": "كم ياخذ وقت لين تردون على الطلب"}))
    assert incoming.text == "كم ياخذ وقت لين تردون على الطلب"
    assert incoming.payload is None and incoming.attachments == ()


def test_a_text_longer_than_whatsapp_allows_is_cut_with_a_mark() -> None:
    incoming = one(message("text", {"body": "ا" * 5000 + "\ud83d"}))
    assert incoming.text == "ا" * 4096 + " ✂…"


def test_a_pressed_reply_button_and_a_chosen_row_are_payloads() -> None:
    pressed = message(
        "interactive",
        {"type": "button_reply", "button_reply": {"id": "rate:up", "title": "👍 مفيد"}},
    )
    assert one(pressed).payload == "rate:up" and one(pressed).text == ""
    chosen = message(
        "interactive",
        {
            "type": "list_reply",
            "list_reply": {"id": "city:جدة", "title": "جدة", "description": "غرب المملكة"},
        },
    )
    assert one(chosen).payload == "city:جدة"


def test_a_template_quick_reply_is_its_payload() -> None:
    pressed = message("button", {"payload": "window:open", "text": "نعم، أكمل"})
    assert one(pressed).payload == "window:open"


def test_an_image_with_a_caption() -> None:
    incoming = one(message("image", media(mime_type="image/jpeg", caption="صورة الهوية")))
    assert incoming.text == "صورة الهوية"
    assert incoming.attachments == (
        Attachment("1037543291543636", "photo", None, None, "image/jpeg"),
    )


def test_a_caption_longer_than_whatsapp_allows_is_cut() -> None:
    incoming = one(message("video", media(mime_type="video/mp4", caption="ب" * 1100)))
    assert incoming.text == "ب" * 1024 + " ✂…"
    assert incoming.attachments[0].kind == "video"


def test_a_document_keeps_its_name_and_type() -> None:
    doc = media(mime_type="application/pdf", filename="تقرير طبي.pdf", caption="التقرير")
    incoming = one(message("document", doc))
    assert incoming.text == "التقرير"
    assert incoming.attachments == (
        Attachment("1037543291543636", "document", None, "تقرير طبي.pdf", "application/pdf"),
    )


def test_a_voice_note_is_voice_and_a_song_is_audio() -> None:
    voice = one(message("audio", media(mime_type="audio/ogg; codecs=opus", voice=True)))
    assert voice.attachments[0].kind == "voice"
    song = one(message("audio", media(mime_type="audio/mpeg", voice=False)))
    assert song.attachments[0].kind == "audio"
    assert song.attachments[0].mime == "audio/mpeg"


def test_a_sticker() -> None:
    incoming = one(message("sticker", media(mime_type="image/webp", animated=False)))
    assert incoming.attachments[0].kind == "sticker" and incoming.text == ""


def test_an_unsupported_message_and_an_unknown_type_are_other() -> None:
    unsupported = {
        "from": AMINA,
        "id": "wamid.U1",
        "timestamp": "1733227200",
        "type": "unsupported",
        "errors": [{"code": 131051, "title": "Message type unknown"}],
    }
    assert one(unsupported).attachments == (Attachment("wamid.U1", "other"),)
    poll = message("poll", {"question": "؟"}, wamid="wamid.P1")
    assert one(poll).attachments == (Attachment("wamid.P1", "other"),)


def test_a_text_without_its_body_object_is_other_too() -> None:
    broken = {"from": AMINA, "id": "wamid.T0", "timestamp": "1733227200", "type": "text"}
    assert one(broken).attachments == (Attachment("wamid.T0", "other"),)


def _card(phone: str, wa_id: str | None = None) -> dict[str, Any]:
    entry = {"phone": phone, "type": "CELL", **({"wa_id": wa_id} if wa_id else {})}
    return {"name": {"formatted_name": "أمينة", "first_name": "أمينة"}, "phones": [entry]}


def test_her_own_number_shared_as_a_contact_is_her_mobile() -> None:
    by_wa_id = one(message("contacts", [_card("055 123 4567", wa_id=AMINA)]))
    assert by_wa_id.contact == f"+{AMINA}" and not by_wa_id.foreign_contact
    by_digits = one(message("contacts", [_card("+966 50 123 4567")]))
    assert by_digits.contact == f"+{AMINA}"
    in_arabic_digits = one(message("contacts", [_card("+٩٦٦ ٥٠ ١٢٣ ٤٥٦٧")]))
    assert in_arabic_digits.contact == f"+{AMINA}"


def test_someone_elses_contact_is_refused_and_never_kept() -> None:
    incoming = one(message("contacts", [_card("+966 55 876 4321", wa_id="966558764321")]))
    assert incoming.foreign_contact and incoming.contact is None
    assert "4321" not in incoming.text


def test_her_own_card_among_others_is_hers() -> None:
    cards = [_card("+966 55 876 4321", wa_id="966558764321"), _card("+966501234567")]
    incoming = one(message("contacts", cards))
    assert incoming.contact == f"+{AMINA}" and not incoming.foreign_contact


def test_a_location_is_worded_from_the_catalog() -> None:
    place = {
        "latitude": 24.7136,
        "longitude": 46.6753,
        "name": "جمعية القلوب الصغيرة",
        "address": "حي العليا، الرياض",
    }
    incoming = one(message("location", place))
    coordinates = ltr("24.7136, 46.6753")
    assert incoming.text == f"📍 الموقع: جمعية القلوب الصغيرة حي العليا، الرياض ({coordinates})"
    bare = one(message("location", {"latitude": 21.4858, "longitude": 39.1925}))
    assert bare.text == f"📍 الموقع: ({ltr('21.4858, 39.1925')})"


def test_a_reaction_is_recorded_as_processed_and_answered_nothing() -> None:
    reaction = message("reaction", {"message_id": "wamid.OUT1", "emoji": "👍"}, wamid="wamid.R1")
    batch = parse(notification(value([reaction], people={AMINA: "أمينة"})), tr.t)
    assert batch.messages == [] and batch.reads == [] and batch.rejected == []
    assert batch.ignored == ["wamid.R1"]


# -- statuses, batches, what can't be read ---------------------------------------------------


def _status(wamid: str, status: str, recipient: str, at: int, **extra: Any) -> dict[str, Any]:
    return {
        "id": wamid,
        "status": status,
        "timestamp": str(at),
        "recipient_id": recipient,
        **extra,
    }


def test_a_batch_of_two_people_with_messages_and_statuses() -> None:
    failed = _status(
        "wamid.OUT2",
        "failed",
        SALEH,
        1733227260,
        errors=[{"code": 131047, "title": "Re-engagement message", "message": "…"}],
    )
    body = notification(
        value(
            [
                message("text", {"body": "السلام عليكم"}, AMINA, "wamid.A1"),
                message("text", {"body": "أبغى أقدم طلب"}, SALEH, "wamid.S1"),
            ],
            people={AMINA: "أمينة", SALEH: "صالح"},
        ),
        value(statuses=[_status("wamid.OUT1", "read", AMINA, 1733227200), failed]),
    )
    batch = parse(body, tr.t)
    assert batch.rejected == []
    assert [(m.user_id, m.display_name, m.text) for m in batch.messages] == [
        (AMINA, "أمينة", "السلام عليكم"),
        (SALEH, "صالح", "أبغى أقدم طلب"),
    ]
    assert batch.reads == ["wamid.A1", "wamid.S1"]
    assert batch.statuses == [
        Status("wamid.OUT1", "read", datetime(2024, 12, 3, 12, 0, tzinfo=UTC), AMINA),
        Status(
            "wamid.OUT2",
            "failed",
            datetime(2024, 12, 3, 12, 1, tzinfo=UTC),
            SALEH,
            131047,
            "Re-engagement message",
        ),
    ]


def test_a_malformed_entry_beside_a_good_one_leaves_the_good_one_read() -> None:
    body = notification(value([message("text", {"body": "مرحبا"})], people={AMINA: "أمينة"}))
    good = body["entry"][0]
    body["entry"] = [
        "not an entry",
        {"id": WABA, "changes": [{"field": "messages"}]},  # no value
        good,
        {"id": WABA, "changes": [{"field": "account_update", "value": {}}]},
    ]
    batch = parse(body, tr.t)
    assert [m.text for m in batch.messages] == ["مرحبا"]
    assert len(batch.rejected) == 3
    assert batch.rejected[0].startswith("entry 0:")
    assert batch.rejected[1].startswith("entry 1 change 0:")
    assert "account_update" in batch.rejected[2]


def test_a_malformed_message_or_status_beside_good_ones() -> None:
    no_sender = {"id": "wamid.X", "type": "text", "text": {"body": "؟"}}
    no_time = {"id": "wamid.OUT3", "status": "sent", "recipient_id": AMINA}
    bad_time = _status("wamid.OUT4", "sent", AMINA, 0) | {"timestamp": "yesterday"}
    body = notification(
        value(
            [no_sender, message("text", {"body": "مرحبا"})],
            [no_time, bad_time, _status("wamid.OUT1", "delivered", AMINA, 1733227200)],
        )
    )
    batch = parse(body, tr.t)
    assert [m.text for m in batch.messages] == ["مرحبا"] and batch.messages[0].display_name is None
    assert [s.wamid for s in batch.statuses] == ["wamid.OUT1"]
    assert [r.split(":")[0] for r in batch.rejected] == [
        "entry 0 change 0 message 0",
        "entry 0 change 0 status 0",
        "entry 0 change 0 status 1",
    ]
    assert "؟" not in " ".join(batch.rejected)  # reasons never quote what people wrote


def test_meta_s_own_errors_are_recorded() -> None:
    errors = [{"code": 131000, "title": "Something went wrong", "message": "…"}]
    batch = parse(notification(value() | {"errors": errors}), tr.t)
    assert batch.rejected == ["entry 0 change 0 error 0: 131000 Something went wrong"]


def test_what_is_not_a_whatsapp_notification_is_one_reject() -> None:
    unread: list[object] = [None, [], "x", {"object": "page", "entry": []}, {"entry": []}]
    for data in unread:
        batch = parse(data, tr.t)
        assert len(batch.rejected) == 1 and batch.messages == [] and batch.statuses == []


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)
KEYS = ["from", "id", "type", "text", "body", "timestamp", "interactive", "contacts", "phones"]


@given(
    st.dictionaries(st.sampled_from(KEYS), JSON, max_size=6),
    st.sampled_from(["text", "image", "contacts", "location", "interactive", "button", "audio"]),
)
def test_whatever_a_message_holds_parse_never_raises(raw: dict[str, Any], kind: str) -> None:
    raw = {"from": AMINA, "id": "wamid.Z", "type": kind, **raw}
    good = message("text", {"body": "مرحبا"}, wamid="wamid.G")
    batch: Batch = parse(notification(value([raw, good])), tr.t)
    assert batch.messages[-1].text == "مرحبا"
    assert len(batch.messages) + len(batch.rejected) == 2
