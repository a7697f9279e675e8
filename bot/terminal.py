"""The terminal channel: `python bot.py chat` reads lines and prints the bot's replies.

Buttons print as `[1] label` and are chosen by typing the number (Arabic-Indic digits
too) or the label.  With `--json` every input line gives exactly one output line, so a
script can hold a conversation turn by turn.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TextIO

from faq.normalize import normalize
from handlers.faq_chat import FaqChat
from handlers.replies import Button, Reply


def _choose(text: str, buttons: tuple[Button, ...]) -> Button | None:
    typed = normalize(text)
    if typed.isdigit() and 1 <= int(typed) <= len(buttons):
        return buttons[int(typed) - 1]
    return next((b for b in buttons if normalize(b.label) == typed and typed), None)


def _render(reply: Reply) -> str:
    lines = [reply.text]
    lines += [f"[{i}] {b.label}" for i, b in enumerate(reply.buttons, 1)]
    return "\n".join(lines)


def run_terminal(
    chat: FaqChat, lines: Iterable[str], out: TextIO, *, as_json: bool, prompt: bool
) -> None:
    buttons: tuple[Button, ...] = ()
    if not as_json:
        out.write(_render(chat.welcome()) + "\n")
        buttons = chat.welcome().buttons
    if prompt:
        out.write("> ")
        out.flush()
    for raw in lines:
        text = raw.rstrip("\r\n")
        chosen = _choose(text, buttons) if text.strip() else None
        replies = chat.on_payload(chosen.payload) if chosen else chat.on_text(text)
        # Buttons stay choosable until the bot offers new ones, as in Telegram.
        offered = [r.buttons for r in replies if r.buttons]
        if offered:
            buttons = offered[-1]
        if as_json:
            out.write(
                json.dumps({"replies": [r.to_json() for r in replies]}, ensure_ascii=False) + "\n"
            )
        else:
            for reply in replies:
                out.write(_render(reply) + "\n")
        if prompt:
            out.write("> ")
        out.flush()
