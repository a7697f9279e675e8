"""What the Cloud API refuses in a message body, for the shapes Tawasul sends.

A missing or mistyped parameter answers code 100, a value out of Meta's limits (a length, a
count, a duplicate) 131009; ``error_data.details`` says which. Lengths are Python ``len()``.
"""

from __future__ import annotations

import re
from typing import Any

from tests.fakes.whatsapp.wire import JsonDict, bad_param, invalid

_WA_ID_RE = re.compile(r"^\+?[0-9]{6,15}$")
_SPACES_RE = re.compile(r" {5,}")
KINDS = ("text", "interactive", "template")


def check_send(body: JsonDict) -> tuple[str, str]:
    """The recipient and the message type of a valid send; ApiError otherwise."""
    _check_envelope(body)
    kind = body.get("type", "text")  # Meta's default
    if kind not in KINDS:
        raise bad_param(f"The fake knows message types {', '.join(KINDS)}, not {kind!r}")
    _CHECKS[kind](_obj(body, kind))
    return str(body["to"]).lstrip("+"), str(kind)


def check_read(body: JsonDict) -> tuple[str, bool]:
    """The message id of a valid read receipt and whether it asks for the typing indicator."""
    if body.get("messaging_product") != "whatsapp":
        raise bad_param("The parameter messaging_product is required.")
    message_id = _string(body, "message_id", "message_id")
    typing = body.get("typing_indicator")
    if typing is None:
        return message_id, False
    if not isinstance(typing, dict) or typing.get("type") != "text":
        raise invalid("typing_indicator['type'] must be 'text'")
    return message_id, True


def _check_envelope(body: JsonDict) -> None:
    if body.get("messaging_product") != "whatsapp":
        raise bad_param("The parameter messaging_product is required.")
    if body.get("recipient_type", "individual") != "individual":
        raise invalid("recipient_type must be 'individual'")
    to = body.get("to")
    if not isinstance(to, str) or not _WA_ID_RE.match(to):
        raise bad_param("The parameter to is required and must be a phone number.")


def _check_text(text: JsonDict) -> None:
    value = text.get("body")
    if not isinstance(value, str) or not value:
        raise bad_param("The parameter text['body'] is required.")
    if len(value) > 4096:
        raise bad_param("Param text['body'] must be at most 4096 characters long.")
    if not isinstance(text.get("preview_url", False), bool):
        raise bad_param("Param text['preview_url'] must be a boolean.")


def _check_interactive(interactive: JsonDict) -> None:
    kind = interactive.get("type")
    if kind not in ("button", "list"):
        raise bad_param(f"interactive['type'] must be 'button' or 'list', not {kind!r}")
    _sized(_obj(interactive, "body"), "text", "Body text", 1024)
    for part in ("header", "footer"):
        if part in interactive:
            _sized(_obj(interactive, part), "text", f"{part.title()} text", 60)
    action = _obj(interactive, "action")
    if kind == "button":
        _check_buttons(action)
    else:
        _check_list(action)


def _check_buttons(action: JsonDict) -> None:
    buttons = _array(action, "buttons")
    if not 1 <= len(buttons) <= 3:
        raise invalid(f"Buttons count {len(buttons)} is not valid. Min: 1, max: 3")
    replies = [_button(button) for button in buttons]
    _unique([reply["id"] for reply in replies], "Button ids")
    _unique([reply["title"] for reply in replies], "Button titles")


def _button(button: Any) -> JsonDict:
    if not isinstance(button, dict) or button.get("type") != "reply":
        raise bad_param("Each button must be {'type': 'reply', 'reply': {...}}")
    reply = _obj(button, "reply")
    _sized(reply, "id", "Button id", 256)
    _sized(reply, "title", "Button title", 20)
    return reply


def _check_list(action: JsonDict) -> None:
    _sized(action, "button", "Button label", 20)
    sections = _array(action, "sections")
    if not 1 <= len(sections) <= 10:
        raise invalid(f"Sections count {len(sections)} is not valid. Min: 1, max: 10")
    rows = [row for section in sections for row in _section(section, len(sections) > 1)]
    if not 1 <= len(rows) <= 10:
        raise invalid(f"Total row count {len(rows)} is not valid. Min: 1, max: 10")
    _unique([row["id"] for row in rows], "Row ids")


def _section(section: Any, titled: bool) -> list[JsonDict]:
    if not isinstance(section, dict):
        raise bad_param("Each section must be an object")
    if titled or "title" in section:
        _sized(section, "title", "Section title", 24)
    rows = _array(section, "rows")
    for row in rows:
        _row(row)
    return rows


def _row(row: Any) -> None:
    if not isinstance(row, dict):
        raise bad_param("Each row must be an object")
    _sized(row, "id", "Row id", 200)
    _sized(row, "title", "Row title", 24)
    if "description" in row:
        _sized(row, "description", "Row description", 72, shortest=0)


def _check_template(template: JsonDict) -> None:
    _string(template, "name", "template['name']")
    _string(_obj(template, "language"), "code", "template['language']['code']")
    components = template.get("components", [])
    if not isinstance(components, list):
        raise bad_param("template['components'] must be an array")
    for component in components:
        _component(component)


def _component(component: Any) -> None:
    if not isinstance(component, dict) or component.get("type") not in ("body", "button"):
        raise bad_param("A template component's type must be 'body' or 'button'")
    parameters = _array(component, "parameters")
    if component["type"] == "body":
        for parameter in parameters:
            _body_parameter(parameter)
        return
    if component.get("sub_type") != "quick_reply":
        raise bad_param("A button component's sub_type must be 'quick_reply'")
    index = component.get("index")
    if not isinstance(index, str | int) or not str(index).isdigit():
        raise bad_param("A button component needs an index ('0', '1', …)")
    for parameter in parameters:
        if not isinstance(parameter, dict) or parameter.get("type") != "payload":
            raise bad_param("A quick_reply button's parameters are of type 'payload'")
        _string(parameter, "payload", "button payload")


def _body_parameter(parameter: Any) -> None:
    if not isinstance(parameter, dict) or parameter.get("type") != "text":
        raise bad_param("A body parameter must be {'type': 'text', 'text': ...}")
    text = _string(parameter, "text", "body parameter text")
    if "\n" in text or "\t" in text or _SPACES_RE.search(text):
        raise invalid(
            "Param text cannot have new-line/tab characters or more than 4 consecutive spaces"
        )


def _obj(parent: JsonDict, key: str) -> JsonDict:
    value = parent.get(key)
    if not isinstance(value, dict):
        raise bad_param(f"The parameter {key} is required and must be an object.")
    return value


def _array(parent: JsonDict, key: str) -> list[Any]:
    value = parent.get(key)
    if not isinstance(value, list):
        raise bad_param(f"The parameter {key} is required and must be an array.")
    return value


def _string(parent: JsonDict, key: str, name: str) -> str:
    value = parent.get(key)
    if not isinstance(value, str) or not value:
        raise bad_param(f"The parameter {name} is required.")
    return value


def _sized(parent: JsonDict, key: str, name: str, longest: int, *, shortest: int = 1) -> None:
    """A string parameter within Meta's length limits (an empty one is a length too)."""
    value = parent.get(key)
    if not isinstance(value, str):
        raise bad_param(f"The parameter {name} is required and must be a string.")
    _limit(value, name, longest, shortest=shortest)


def _limit(value: str, name: str, longest: int, *, shortest: int = 1) -> None:
    if not shortest <= len(value) <= longest:
        raise invalid(
            f"{name} length {len(value)} is not valid. Min length: {shortest}, "
            f"max length: {longest}"
        )


def _unique(values: list[Any], name: str) -> None:
    if len(set(values)) != len(values):
        raise invalid(f"{name} must be unique")


_CHECKS = {"text": _check_text, "interactive": _check_interactive, "template": _check_template}
