"""The webhook payloads Meta posts: a user's messages of each type, and delivery statuses.

Each builder returns the whole body (``object``/``entry``/``changes``/``value`` with
``metadata`` and, for messages, ``contacts``); each message gets a fresh wamid, remembered so
that a read receipt for it is accepted.
"""

from __future__ import annotations

from typing import Any

from tests.fakes.whatsapp.records import Media, SentMessage
from tests.fakes.whatsapp.wire import JsonDict, new_wamid, status_error, timestamp

DEFAULT_NAME = "أحمد"
_MEDIA_DEFAULTS = {
    "image": "image/jpeg",
    "document": "application/pdf",
    "audio": "audio/ogg; codecs=opus",
    "video": "video/mp4",
    "sticker": "image/webp",
}


class Builders:
    """``text_message`` … ``status``: payloads to hand to ``deliver``."""

    phone_number_id: str
    display_phone_number: str
    waba_id: str
    sent: list[SentMessage]
    media: dict[str, Media]

    def _setup_builders(self) -> None:
        self.inbound_wamids: set[str] = set()

    def text_message(self, wa_id: str, text: str, name: str = DEFAULT_NAME) -> JsonDict:
        return self._message(wa_id, name, "text", {"body": text})

    def button_reply(
        self, wa_id: str, id: str, title: str, *, context: str | None = None
    ) -> JsonDict:
        """A reply button pressed; ``context``: the wamid pressed on (default: the last
        message sent to the user)."""
        reply = {"type": "button_reply", "button_reply": {"id": id, "title": title}}
        return self._reply(wa_id, "interactive", reply, context)

    def list_reply(
        self,
        wa_id: str,
        id: str,
        title: str,
        description: str | None = None,
        *,
        context: str | None = None,
    ) -> JsonDict:
        row: JsonDict = {"id": id, "title": title}
        if description is not None:
            row["description"] = description
        return self._reply(wa_id, "interactive", {"type": "list_reply", "list_reply": row}, context)

    def template_button(
        self, wa_id: str, payload: str, text: str, *, context: str | None = None
    ) -> JsonDict:
        """A template's quick-reply button pressed (type ``button``, not ``interactive``)."""
        return self._reply(wa_id, "button", {"payload": payload, "text": text}, context)

    def image(self, wa_id: str, media_id: str, caption: str | None = None) -> JsonDict:
        return self._media_message(wa_id, "image", media_id, caption=caption)

    def video(self, wa_id: str, media_id: str, caption: str | None = None) -> JsonDict:
        return self._media_message(wa_id, "video", media_id, caption=caption)

    def document(
        self, wa_id: str, media_id: str, filename: str, caption: str | None = None
    ) -> JsonDict:
        return self._media_message(wa_id, "document", media_id, caption=caption, filename=filename)

    def voice(self, wa_id: str, media_id: str) -> JsonDict:
        """A voice note: type ``audio`` with ``voice: true``."""
        return self._media_message(wa_id, "audio", media_id, voice=True)

    def sticker(self, wa_id: str, media_id: str, animated: bool = False) -> JsonDict:
        return self._media_message(wa_id, "sticker", media_id, animated=animated)

    def contact(
        self, wa_id: str, phone: str, contact_wa_id: str | None = None, name: str = "سارة"
    ) -> JsonDict:
        """A shared contact card (type ``contacts``)."""
        number: JsonDict = {"phone": phone, "type": "CELL"}
        if contact_wa_id is not None:
            number["wa_id"] = contact_wa_id
        card = {"name": {"formatted_name": name, "first_name": name}, "phones": [number]}
        return self._message(wa_id, DEFAULT_NAME, "contacts", [card])

    def location(
        self,
        wa_id: str,
        lat: float,
        lon: float,
        name: str | None = None,
        address: str | None = None,
    ) -> JsonDict:
        place: JsonDict = {"latitude": lat, "longitude": lon}
        place.update(_present(name=name, address=address))
        return self._message(wa_id, DEFAULT_NAME, "location", place)

    def reaction(self, wa_id: str, message_id: str, emoji: str) -> JsonDict:
        reaction = {"message_id": message_id, "emoji": emoji}
        return self._message(wa_id, DEFAULT_NAME, "reaction", reaction)

    def unsupported(self, wa_id: str) -> JsonDict:
        """What arrives for a message type the Cloud API does not pass on (a poll, …)."""
        payload = self._message(wa_id, DEFAULT_NAME, "unsupported", None)
        message = _value(payload)["messages"][0]
        message["errors"] = [status_error(131051)]
        message["errors"][0]["error_data"]["details"] = "Message type unknown"
        return payload

    def status(
        self, wamid: str, status: str, recipient: str, error_code: int | None = None
    ) -> JsonDict:
        """A delivery status of a message the bot sent (sent|delivered|read|failed)."""
        entry: JsonDict = {
            "id": wamid,
            "status": status,
            "timestamp": timestamp(),
            "recipient_id": recipient,
        }
        if error_code is not None:
            entry["errors"] = [status_error(error_code)]
        return self._envelope({"statuses": [entry]})

    # ------------------------------------------------------------------ the envelope

    def _media_message(self, wa_id: str, kind: str, media_id: str, **extra: Any) -> JsonDict:
        media = self.media.get(media_id)
        content: JsonDict = {
            "mime_type": media.mime if media else _MEDIA_DEFAULTS[kind],
            "sha256": media.sha256 if media else "0" * 64,
            "id": media_id,
        }
        content.update(_present(**extra))
        return self._message(wa_id, DEFAULT_NAME, kind, content)

    def _reply(self, wa_id: str, kind: str, content: JsonDict, context: str | None) -> JsonDict:
        payload = self._message(wa_id, DEFAULT_NAME, kind, content)
        replied = context or next((m.wamid for m in reversed(self.sent) if m.to == wa_id), None)
        if replied is not None:
            message = _value(payload)["messages"][0]
            message["context"] = {"from": self.display_phone_number, "id": replied}
        return payload

    def _message(self, wa_id: str, name: str, kind: str, content: Any) -> JsonDict:
        wamid = new_wamid(wa_id)
        self.inbound_wamids.add(wamid)
        message: JsonDict = {"from": wa_id, "id": wamid, "timestamp": timestamp(), "type": kind}
        if content is not None:
            message[kind] = content
        contacts = [{"profile": {"name": name}, "wa_id": wa_id}]
        return self._envelope({"contacts": contacts, "messages": [message]})

    def _envelope(self, fields: JsonDict) -> JsonDict:
        metadata = {
            "display_phone_number": self.display_phone_number,
            "phone_number_id": self.phone_number_id,
        }
        value = {"messaging_product": "whatsapp", "metadata": metadata, **fields}
        change = {"value": value, "field": "messages"}
        return {
            "object": "whatsapp_business_account",
            "entry": [{"id": self.waba_id, "changes": [change]}],
        }


def _value(payload: JsonDict) -> JsonDict:
    value: JsonDict = payload["entry"][0]["changes"][0]["value"]
    return value


def _present(**fields: Any) -> JsonDict:
    """The fields that are set: Meta leaves out what a message does not have."""
    return {key: value for key, value in fields.items() if value is not None}
