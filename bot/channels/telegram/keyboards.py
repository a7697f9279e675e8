"""A message's buttons as Telegram draws them: inline buttons, or a reply keyboard when the
message asks for the person's number."""

from __future__ import annotations

import functools
from typing import Any

from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

CALLBACK_DATA_BYTES = 64
_Pairs = list[tuple[str, str]]


def markup(body: dict[str, Any], share_label: str) -> Any:
    """The keyboard of an outbox message's body."""
    buttons = tuple(
        (str(b["label"]), str(b.get("payload", "")), bool(b.get("nav", False)))
        for b in body.get("buttons") or []
        if isinstance(b, dict)
    )
    return _keyboard(buttons, bool(body.get("request_contact")), share_label)


@functools.lru_cache(maxsize=512)
def _keyboard(
    buttons: tuple[tuple[str, str, bool], ...], request_contact: bool, share_label: str
) -> Any:
    # Most messages carry one of a few keyboards (👍/👎, the menu): built once each.
    # Navigation (back, cancel, the menu) goes in a last row of its own, apart from choices.
    choices = [(label, payload) for label, payload, nav in buttons if not nav]
    navigation = [(label, payload) for label, payload, nav in buttons if nav]
    if request_contact:
        return _reply_keyboard(share_label, choices, navigation)
    if not buttons:
        return ReplyKeyboardRemove()
    return _inline_keyboard(choices, navigation)


def _reply_keyboard(share_label: str, choices: _Pairs, navigation: _Pairs) -> ReplyKeyboardMarkup:
    # A reply keyboard can't carry inline buttons: the others become text buttons,
    # whose labels the form understands ("➡️ رجوع", "✖️ إلغاء").
    rows = [[KeyboardButton(text=share_label, request_contact=True)]]
    rows += [[KeyboardButton(text=label)] for label, _ in choices]
    if navigation:
        rows.append([KeyboardButton(text=label) for label, _ in navigation])
    return ReplyKeyboardMarkup(keyboard=rows, resize_keyboard=True, one_time_keyboard=True)


def _inline_keyboard(choices: _Pairs, navigation: _Pairs) -> InlineKeyboardMarkup:
    inline = _inline_buttons(choices)
    per_row = 2 if all(len(b.text) <= 18 for b in inline) else 1
    rows = [inline[i : i + per_row] for i in range(0, len(inline), per_row)]
    nav_row = _inline_buttons(navigation)
    return InlineKeyboardMarkup(inline_keyboard=[*rows, nav_row] if nav_row else rows)


def _inline_buttons(pairs: _Pairs) -> list[InlineKeyboardButton]:
    # Telegram refuses callback data over 64 bytes: such a button is left out.
    return [
        InlineKeyboardButton(text=label, callback_data=payload)
        for label, payload in pairs
        if len(payload.encode()) <= CALLBACK_DATA_BYTES
    ]
