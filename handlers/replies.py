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

    def to_json(self) -> dict[str, object]:
        return {"text": self.text, "buttons": [b.label for b in self.buttons]}
