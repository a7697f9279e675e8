"""What a handler sends back: channel-agnostic messages that each adapter renders."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Button:
    label: str
    payload: str


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: tuple[Button, ...] = field(default_factory=tuple)
    # Ask for the user's phone number where the channel can (Telegram's contact button).
    request_contact: bool = False

    def to_json(self) -> dict[str, object]:
        return {"text": self.text, "buttons": [b.label for b in self.buttons]}

    def to_dict(self) -> dict[str, object]:
        """The full reply, payloads included, as stored in the outbox."""
        return {
            "text": self.text,
            "buttons": [{"label": b.label, "payload": b.payload} for b in self.buttons],
            "request_contact": self.request_contact,
        }

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Reply:
        raw = data.get("buttons") or []
        assert isinstance(raw, list)
        return cls(
            text=str(data.get("text", "")),
            buttons=tuple(Button(str(b["label"]), str(b["payload"])) for b in raw),
            request_contact=bool(data.get("request_contact", False)),
        )
