"""What Telegram refuses in a message: lengths, the HTML it cannot parse, bad keyboards."""

from __future__ import annotations

import html
import re
from typing import Any

from tests.fakes.telegram.wire import JsonDict, bad

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
MAX_DOWNLOAD = 20 * 1024 * 1024

_HTML_TAGS = frozenset(
    {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "a",
        "code",
        "pre",
        "blockquote",
        "tg-emoji",
        "br",
    }
)
_TAG_RE = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)?([^<>]*)>")


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def visible_text(text: str, parse_mode: str | None) -> str:
    """The text Telegram would count; raises 400 on HTML Telegram cannot parse."""
    if not parse_mode or parse_mode.lower() != "html":
        return text
    stack: list[str] = []
    pos = 0
    for match in _TAG_RE.finditer(text):
        _refuse_stray_bracket(text, pos, match.start())
        pos = match.end()
        _follow_tag(stack, match, len(text[: match.start()].encode()))
    _refuse_stray_bracket(text, pos, len(text))
    if stack:
        raise bad(
            f"can't parse entities: Can't find end tag corresponding to start tag \"{stack[-1]}\""
        )
    return html.unescape(_TAG_RE.sub("", text))


def _refuse_stray_bracket(text: str, start: int, end: int) -> None:
    if "<" in text[start:end]:
        offset = len(text[: text.index("<", start)].encode())
        raise bad(f'can\'t parse entities: Unsupported start tag "" at byte offset {offset}')


def _follow_tag(stack: list[str], match: re.Match[str], offset: int) -> None:
    """Push or pop the open tags for one tag; 400 for an unknown or unmatched one."""
    closing, name = match.group(1), (match.group(2) or "").lower()
    if name not in _HTML_TAGS:
        kind = "end" if closing else "start"
        raise bad(f'can\'t parse entities: Unsupported {kind} tag "{name}" at byte offset {offset}')
    if name == "br":
        return
    if not closing:
        stack.append(name)
    elif not stack or stack[-1] != name:
        raise bad(
            f"can't parse entities: Unmatched end tag at byte offset {offset}, expected \"</"
            f'{stack[-1] if stack else ""}>", found "</{name}>"'
        )
    else:
        stack.pop()


def message_text(params: JsonDict, *, too_long: str) -> str:
    """The visible text of a sendMessage/editMessageText call, checked."""
    text = params.get("text")
    if not isinstance(text, str) or not text.strip():
        raise bad("message text is empty")
    visible = visible_text(text, params.get("parse_mode"))
    if utf16_len(visible) > MAX_TEXT:
        raise bad(too_long)
    return visible


def caption(params: JsonDict) -> JsonDict:
    """The message's caption field, checked ({} when there is none)."""
    value = params.get("caption")
    if not value:
        return {}
    visible = visible_text(str(value), params.get("parse_mode"))
    if utf16_len(visible) > MAX_CAPTION:
        raise bad("message caption is too long")
    return {"caption": visible}


def check_reply_markup(markup: Any) -> None:
    if markup is None:
        return
    if not isinstance(markup, dict):
        raise bad("can't parse reply keyboard markup JSON object")
    for row in markup.get("inline_keyboard") or []:
        for button in row:
            _check_inline_button(button)
    for row in markup.get("keyboard") or []:
        for button in row:
            text = button.get("text") if isinstance(button, dict) else button
            if not text:
                raise bad("BUTTON_TEXT_EMPTY")


def _check_inline_button(button: Any) -> None:
    if not isinstance(button, dict) or not button.get("text"):
        raise bad("BUTTON_TEXT_EMPTY")
    data = button.get("callback_data")
    if data is not None and (
        not isinstance(data, str) or not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA
    ):
        raise bad("BUTTON_DATA_INVALID")
