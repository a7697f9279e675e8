"""Messages out, as the Cloud API takes them: an outbox body (text, buttons) becomes the
payloads to POST, in order, each within Meta's limits, so that nothing is ever sent that the
API would refuse for its shape. Pure: the catalog's labels come in as arguments.

Lengths are counted in UTF-16 units, never fewer than Python's characters: Meta does not
say how it counts an emoji, and an over-count only shortens a little more than needed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

MAX_TEXT = 4096
MAX_BODY = 1024  # an interactive message's body
MAX_BUTTONS = 3
MAX_BUTTON_TITLE = 20
MAX_BUTTON_ID = 256
MAX_ROWS = 10
MAX_ROW_TITLE = 24
MAX_ROW_DESCRIPTION = 72
MAX_ROW_ID = 200
MAX_LIST_BUTTON = 20
MAX_PARAM = 1024
# The payload of the row that shows the next page of a long list: `more:<offset>`.
MORE_PREFIX = "more:"
# Navigation (back, cancel, the menu) stays on every page of a long list, when it is this few.
MAX_NAV_ON_EVERY_PAGE = 3
ELLIPSIS = "…"
BULLET = "• "
# What a shortened text may not end with before its "…", nor its rest begin with.
_TRAILING = re.compile(r"[\s,،;؛:.\-–—]+$")
_LEADING = re.compile(r"^[\s,،;؛:.\-–—]+")
_SURROGATE = re.compile("[\ud800-\udfff]")
_SPACES = re.compile(r"\s+")
_NOT_A_SPACE = re.compile(r"[^\S ]")
_LONG_SPACE = re.compile(" {5,}")


@dataclass(frozen=True)
class _Option:
    label: str  # on one line
    payload: str
    nav: bool = False


def render(
    to: str,
    body: dict[str, Any],
    *,
    more_label: str,
    fallback_label: str,
    contact_hint: str = "",
) -> list[dict[str, Any]]:
    """The payloads of an outbox body, in order: text messages, then the options, if any,
    as reply buttons (up to 3) or a list (a page of it, from `page_from`, past 10).

    `fallback_label` (catalog `wa-choose`) is the list's button and the body of options
    that came without a text; `more_label` (`wa-more`) the row to a list's next page;
    `contact_hint` (`wa-contact-hint`) follows the text when the body asks for the person's
    number, as WhatsApp has no button that shares it. A body with nothing to show: [].
    """
    more, choose = _label(more_label), _label(fallback_label)
    text = _text_of(body, contact_hint)
    options = _options(body.get("buttons"), MAX_BUTTON_ID)
    if len(options) > MAX_BUTTONS:
        options = _options(body.get("buttons"), MAX_ROW_ID)
    if not options:
        return [_text_message(to, chunk) for chunk in split(text)]
    if len(options) <= MAX_BUTTONS:
        kind, action, cut = _buttons(options)
    else:
        kind, action, cut = _list(_page(options, _page_from(body), more), choose)
    head, said = _body(text, cut)
    interactive = {"type": kind, "body": {"text": said or choose}, "action": action}
    return [
        *(_text_message(to, chunk) for chunk in split(head)),
        {**_to(to), "type": "interactive", "interactive": interactive},
    ]


def template(
    to: str,
    name: str,
    language: str,
    params: Sequence[str],
    button_payload: str | None = None,
) -> dict[str, Any]:
    """An approved template, its body's parameters in order, and the payload of its
    quick-reply button (the first) when it has one."""
    components: list[dict[str, Any]] = []
    if params:
        parameters = [{"type": "text", "text": _param(p)} for p in params]
        components.append({"type": "body", "parameters": parameters})
    if button_payload is not None:
        payload = [{"type": "payload", "payload": button_payload}]
        components.append(
            {"type": "button", "sub_type": "quick_reply", "index": "0", "parameters": payload}
        )
    content: dict[str, Any] = {"name": name, "language": {"code": language}}
    if components:
        content["components"] = components
    return {**_to(to), "type": "template", "template": content}


def read_receipt(wamid: str, typing: bool = False) -> dict[str, Any]:
    """Marks a message read, and shows "typing…" until the answer (or 25 s) if asked."""
    receipt: dict[str, Any] = {
        "messaging_product": "whatsapp",
        "status": "read",
        "message_id": wamid,
    }
    if typing:
        receipt["typing_indicator"] = {"type": "text"}
    return receipt


def shorten(text: str, limit: int) -> str:
    """`text` in at most `limit` units: cut after the last whole word that fits, with "…";
    only a first word longer than the limit is cut inside."""
    if width(text) <= limit:
        return text
    if limit < 1:
        return ""
    room = _fit(text, limit - len(ELLIPSIS))
    # A combining mark or a joiner stays with the letter it belongs to.
    while room and (unicodedata.combining(text[room]) or text[room] == "\u200d"):
        room -= 1
    head = text[:room]
    if not text[room].isspace():
        start = _last_space(head)
        head = head[:start] if start > 0 else head
    return (_TRAILING.sub("", head) or head) + ELLIPSIS


def split(text: str, limit: int = MAX_TEXT) -> list[str]:
    """A text in messages of at most `limit` units, cut at line breaks where possible, then
    at spaces (as Telegram's `split_text`); nothing blank, which Meta refuses."""
    chunks: list[str] = []
    rest = text
    while width(rest) > limit:
        room = _fit(rest, limit)
        cut = rest.rfind("\n", 0, room)
        if cut <= 0:
            cut = rest.rfind(" ", 0, room)
        if cut <= 0:
            cut = room
        chunks.append(rest[:cut])
        rest = rest[cut:].lstrip("\n")
    chunks.append(rest)
    return [chunk for chunk in chunks if chunk.strip()]


def width(text: str) -> int:
    """The length as UTF-16 counts it: an emoji outside the first plane is 2."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _fit(text: str, limit: int) -> int:
    """How many of the text's first characters fit in `limit` units."""
    used = 0
    for i, char in enumerate(text):
        used += 2 if ord(char) > 0xFFFF else 1
        if used > limit:
            return i
    return len(text)


def _last_space(text: str) -> int:
    return next((i for i in range(len(text) - 1, -1, -1) if text[i].isspace()), -1)


def _tail(text: str, limit: int) -> tuple[str, str]:
    """The text as what goes before and a last part of at most `limit` units, cut at a line
    break where possible, then at a space."""
    if width(text) <= limit:
        return "", text
    if limit < 1:
        return text, ""
    start = len(text) - _fit(text[::-1], limit)
    for separator in ("\n", " "):
        cut = text.find(separator, start - 1)
        if cut >= 0:
            return text[:cut].rstrip(), text[cut + 1 :]
    return text[:start], text[start:]


def _safe(text: str) -> str:
    # A lone surrogate can't be sent as UTF-8 JSON.
    return _SURROGATE.sub("\ufffd", text)


def _one_line(text: str) -> str:
    return _SPACES.sub(" ", _safe(text)).strip()


def _label(text: str) -> str:
    label = _one_line(text)
    if not label:
        raise ValueError("a WhatsApp label can't be blank")
    return label


def _text_of(body: dict[str, Any], contact_hint: str) -> str:
    text = _safe(str(body.get("text") or "")).strip()
    hint = _safe(contact_hint).strip()
    if body.get("request_contact") and hint:
        return f"{text}\n\n{hint}" if text else hint
    return text


def _page_from(body: dict[str, Any]) -> int:
    start = body.get("page_from")
    return start if isinstance(start, int) and not isinstance(start, bool) else 0


def _options(raw: object, max_id: int) -> list[_Option]:
    """The buttons WhatsApp can draw, choices first, then navigation: a blank label or
    payload, a payload longer than the channel takes or one seen before is left out."""
    options: dict[str, _Option] = {}
    for button in raw if isinstance(raw, list) else []:
        if not isinstance(button, dict):
            continue
        label = _one_line(str(button.get("label") or ""))
        payload = _safe(str(button.get("payload") or ""))
        if label and payload.strip() and width(payload) <= max_id and payload not in options:
            options[payload] = _Option(label, payload, bool(button.get("nav")))
    ordered = list(options.values())
    return [o for o in ordered if not o.nav] + [o for o in ordered if o.nav]


def _page(options: list[_Option], start: int, more_label: str) -> list[_Option]:
    """A list's rows: all of them, or past 10 a page from `start` and a row to the next."""
    if len(options) <= MAX_ROWS:
        return options
    nav = [o for o in options if o.nav]
    nav = nav if len(nav) <= MAX_NAV_ON_EVERY_PAGE else []
    choices = [o for o in options if o not in nav]
    start = start if 0 <= start < len(choices) else 0
    if len(choices) - start <= MAX_ROWS - len(nav):
        return [*choices[start:], *nav]
    end = start + MAX_ROWS - 1 - len(nav)
    more = _Option(more_label, f"{MORE_PREFIX}{end}", nav=True)
    return [*(o for o in choices[start:end] if o.payload != more.payload), more, *nav]


def _buttons(options: list[_Option]) -> tuple[str, dict[str, Any], list[str]]:
    """Reply buttons, and the labels their titles don't show whole."""
    titles = _unique([o.label for o in options], MAX_BUTTON_TITLE)
    buttons = [
        {"type": "reply", "reply": {"id": o.payload, "title": title}}
        for o, title in zip(options, titles, strict=True)
    ]
    cut = [o.label for o in options if shorten(o.label, MAX_BUTTON_TITLE) != o.label]
    return "button", {"buttons": buttons}, cut


def _unique(labels: list[str], limit: int) -> list[str]:
    """Shortened titles, a number after one that is already there (Meta refuses twins)."""
    seen: set[str] = set()
    titles: list[str] = []
    for label in labels:
        title, n = shorten(label, limit), 1
        while title.casefold() in seen:
            n += 1
            title = f"{shorten(label, limit - len(str(n)) - 1)} {n}"
        seen.add(title.casefold())
        titles.append(title)
    return titles


def _list(options: list[_Option], choose: str) -> tuple[str, dict[str, Any], list[str]]:
    """A list of rows in one section, and the labels its rows don't show whole."""
    rows = [_row(o) for o in options]
    sections = [{"rows": [row for row, _ in rows]}]
    action = {"button": shorten(choose, MAX_LIST_BUTTON), "sections": sections}
    cut = [o.label for o, (_, whole) in zip(options, rows, strict=True) if not whole]
    return "list", action, cut


def _row(option: _Option) -> tuple[dict[str, str], bool]:
    """A row, the label's first words as its title and the rest as its description; and
    whether the two show the label whole."""
    title = shorten(option.label, MAX_ROW_TITLE)
    row = {"id": option.payload, "title": title}
    if title == option.label:
        return row, True
    rest = _LEADING.sub("", option.label[len(title) - len(ELLIPSIS) :])
    if not rest:
        return row, True
    row["description"] = shorten(rest, MAX_ROW_DESCRIPTION)
    return row, row["description"] == rest


def _body(text: str, cut: list[str]) -> tuple[str, str]:
    """The text as what goes before in text messages, and the interactive body: the text's
    last part, then the labels the options don't show whole; at most MAX_BODY together."""
    # However long the labels, a short text stays with its options, a long one's last lines.
    keep = min(width(text), MAX_BODY // 4)
    listing = _listing(cut, MAX_BODY - keep - (2 if keep else 0))
    room = MAX_BODY - width(listing) - (2 if listing else 0)
    head, tail = _tail(text, room)
    return head, "\n\n".join(part for part in (tail, listing) if part)


def _listing(labels: list[str], limit: int) -> str:
    lines = [BULLET + label for label in labels]
    if width("\n".join(lines)) > limit:
        # An equal share for each, its line break counted.
        share = (limit + 1) // len(lines) - 1
        lines = [shorten(line, share) for line in lines]
    return "\n".join(lines)


def _param(text: str) -> str:
    """A template parameter as Meta takes it: one line, no more than 4 spaces in a row,
    never empty."""
    line = _LONG_SPACE.sub(" ", _NOT_A_SPACE.sub(" ", _safe(text))).strip()
    return shorten(line, MAX_PARAM) or "-"


def _to(to: str) -> dict[str, str]:
    return {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to}


def _text_message(to: str, chunk: str) -> dict[str, Any]:
    return {**_to(to), "type": "text", "text": {"body": chunk, "preview_url": False}}
