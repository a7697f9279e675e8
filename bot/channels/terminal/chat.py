"""The terminal channel: `python bot.py chat` reads lines and prints the bot's replies.

Buttons print as `[1] label` and are chosen by typing the number (Arabic-Indic digits
too) or the label. With `--json` every input line gives exactly one output line, so a
script can hold a conversation turn by turn. The same `--user` later resumes the same
conversation, its last buttons included.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TextIO

from faq.normalize import normalize
from handlers.replies import Button, Reply
from handlers.types import ChatEngine, Incoming

CHANNEL = "terminal"


def _choose(text: str, buttons: tuple[Button, ...]) -> Button | None:
    typed = normalize(text)
    if typed.isdigit() and 1 <= int(typed) <= len(buttons):
        return buttons[int(typed) - 1]
    return next((b for b in buttons if typed and normalize(b.label) == typed), None)


def _render(reply: Reply) -> str:
    lines = [reply.text]
    lines += [f"[{i}] {b.label}" for i, b in enumerate(reply.buttons, 1)]
    return "\n".join(lines)


async def _last_buttons(engine: ChatEngine, user: str) -> tuple[Reply | None, tuple[Button, ...]]:
    history = await engine.transcript(CHANNEL, user, limit=20)
    last = next((entry for entry in reversed(history) if entry.direction == "out"), None)
    if last is None:
        return None, ()
    buttons = tuple(Button(lbl, p) for lbl, p in zip(last.buttons, last.payloads, strict=False))
    return Reply(last.text, buttons), buttons


async def run_terminal(
    engine: ChatEngine,
    user: str,
    lines: Iterable[str],
    out: TextIO,
    *,
    as_json: bool,
    prompt: bool,
) -> None:
    last, buttons = await _last_buttons(engine, user)
    if not as_json:
        buttons = await _greet(engine, user, out, last, buttons)
    if prompt:
        out.write("> ")
        out.flush()
    for raw in lines:
        replies = await engine.handle(_incoming(user, raw.rstrip("\r\n"), buttons))
        # Buttons stay choosable until the bot offers new ones, as in Telegram.
        buttons = next((r.buttons for r in reversed(replies) if r.buttons), buttons)
        _write(out, replies, as_json=as_json)
        if prompt:
            out.write("> ")
        out.flush()


async def _greet(
    engine: ChatEngine, user: str, out: TextIO, last: Reply | None, buttons: tuple[Button, ...]
) -> tuple[Button, ...]:
    """The conversation's last message shown again, or a new one started; its buttons."""
    if last is None:
        replies = await engine.handle(Incoming(CHANNEL, user, user, text="/start"))
        last = replies[-1] if replies else None
        buttons = last.buttons if last else ()
    if last is not None:
        out.write(_render(last) + "\n")
    return buttons


def _incoming(user: str, text: str, buttons: tuple[Button, ...]) -> Incoming:
    chosen = _choose(text, buttons) if text.strip() else None
    if chosen:
        return Incoming(CHANNEL, user, user, payload=chosen.payload)
    return Incoming(CHANNEL, user, user, text=text)


def _write(out: TextIO, replies: list[Reply], *, as_json: bool) -> None:
    if as_json:
        record = {"replies": [r.to_json() for r in replies]}
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        return
    for reply in replies:
        out.write(_render(reply) + "\n")
