"""The JSON the chat API answers with: the bot's replies and the visitor's transcript."""

from __future__ import annotations

from datetime import UTC

from handlers.replies import Reply
from handlers.types import TranscriptEntry


def reply_json(reply: Reply) -> dict[str, object]:
    return {
        "text": reply.text,
        "buttons": [{"label": b.label, "payload": b.payload, "nav": b.nav} for b in reply.buttons],
    }


def history_json(entries: list[TranscriptEntry]) -> list[dict[str, object]]:
    """The transcript, oldest first; the bot's latest turn keeps its buttons pressable."""
    last_in = max((i for i, e in enumerate(entries) if e.direction == "in"), default=-1)
    return [
        _message(entry, pressable=entry.direction == "out" and i > last_in and bool(entry.buttons))
        for i, entry in enumerate(entries)
    ]


def _message(entry: TranscriptEntry, *, pressable: bool) -> dict[str, object]:
    at = entry.at if entry.at.tzinfo is not None else entry.at.replace(tzinfo=UTC)
    item: dict[str, object] = {
        "direction": entry.direction,
        "text": entry.text,
        "buttons": list(entry.buttons),
        "at": at.isoformat(),
        "id": entry.id,
    }
    if entry.files:
        item["files"] = list(entry.files)
    nav = entry.nav if len(entry.nav) == len(entry.buttons) else ()
    if any(nav):
        item["nav"] = list(nav)
    if pressable:
        item["actions"] = _actions(entry, nav)
    return item


def _actions(entry: TranscriptEntry, nav: tuple[bool, ...]) -> list[dict[str, object]]:
    # An engine that keeps no payloads (or not all of them) still offers the labels.
    payloads = entry.payloads
    known = len(payloads) == len(entry.buttons)
    return [
        {"label": label, "payload": payloads[n] if known else None, "nav": bool(nav and nav[n])}
        for n, label in enumerate(entry.buttons)
    ]
