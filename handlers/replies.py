"""What a handler sends back: channel-agnostic messages that each adapter renders."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

# The payload of the "🏠 menu" button (catalog `nav-menu`) that every state may offer.
MENU_PAYLOAD = "menu:main"
# The payload of a WhatsApp template's quick-reply button ("show the message"): the person
# is back within the 24-hour window, and the messages held for it follow by themselves.
WINDOW_PAYLOAD = "window:open"


@dataclass(frozen=True)
class Button:
    label: str
    payload: str
    # A way back or out (back, cancel, the menu): channels draw these in a row of their own.
    nav: bool = False

    def to_dict(self) -> dict[str, object]:
        body: dict[str, object] = {"label": self.label, "payload": self.payload}
        if self.nav:
            body["nav"] = True
        return body

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Button:
        return cls(str(data["label"]), str(data["payload"]), bool(data.get("nav", False)))


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
            "buttons": [b.to_dict() for b in self.buttons],
            "request_contact": self.request_contact,
        }

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Reply:
        raw = data.get("buttons") or []
        assert isinstance(raw, list)
        return cls(
            text=str(data.get("text", "")),
            buttons=tuple(Button.from_dict(b) for b in raw),
            request_contact=bool(data.get("request_contact", False)),
        )


def menu_button(tr: Callable[..., str]) -> Button:
    """The way back to the main menu, drawn with the other navigation buttons."""
    return Button(tr("nav-menu"), MENU_PAYLOAD, nav=True)
