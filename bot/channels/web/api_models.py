"""The JSON APIs described as pydantic models, for `/openapi.json` (TAWASUL_OPENAPI=1).

The routes keep parsing their own bodies (their limits and Arabic refusals come first);
these models are the published contract, and tests/bot/test_openapi.py holds the answers
to it with schemathesis.
"""

from __future__ import annotations

import warnings
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema

MESSAGE_ID_PATTERN = r"^[A-Za-z0-9._:-]{1,64}$"
# A message id the page already has: digits only, as `?after=` is read.
AFTER_PATTERN = r"^[0-9]{1,18}$"
# A long poll's wait, in seconds: 0 to 25 (under the usual 30-60 s proxy idle timeouts).
WAIT_PATTERN = r"^([0-9]|1[0-9]|2[0-5])$"
WAIT_DESCRIPTION = (
    "With `after`: when nothing is newer, wait up to this many seconds (at most 25) for "
    "something new in the visitor's chat, and answer as soon as it comes."
)

VISITOR_AUTH = "visitorCookie"
STAFF_AUTH = "staffSession"


class ErrorBody(BaseModel):
    """Every refusal: one sentence in the bot's language (Arabic by default)."""

    error: str


class ChatRequest(BaseModel):
    """What the chat page posts: a typed text or a pressed button's payload, not both."""

    model_config = ConfigDict(
        json_schema_extra={"oneOf": [{"required": ["text"]}, {"required": ["payload"]}]}
    )

    # Absent, not null: a null is read as absent, so the schema doesn't offer it.
    text: Annotated[str, Field(max_length=20_000)] | SkipJsonSchema[None] = None
    payload: Annotated[str, Field(min_length=1, max_length=256)] | SkipJsonSchema[None] = None
    # Chosen by the page per message: a retried POST with the same id is processed once.
    id: Annotated[str, Field(pattern=MESSAGE_ID_PATTERN)] | SkipJsonSchema[None] = None


class Button(BaseModel):
    label: str
    payload: str


class ChatReply(BaseModel):
    text: str
    buttons: list[Button]


class ChatAnswer(BaseModel):
    replies: list[ChatReply]


class Action(BaseModel):
    label: str
    # Null when the transcript kept no payload: the page sends the label as text.
    payload: str | None


class HistoryMessage(BaseModel):
    id: int
    direction: Literal["in", "out"]
    text: str
    buttons: list[str]
    at: datetime
    # On the bot's latest turn only: the buttons still pressable after a reload.
    actions: list[Action] | None = None


class History(BaseModel):
    messages: list[HistoryMessage]
    # With ?after=: more came than one answer holds, so the page redraws it all.
    reset: bool | None = None


class Health(BaseModel):
    """`status` is "ok" whenever this answers; each channel adds "up", "retrying", "off" or
    "stopped", and `scheduler` says "leader" or "standby" (whether this process runs the
    periodic jobs)."""

    model_config = ConfigDict(
        extra="allow", json_schema_extra={"additionalProperties": {"type": "string"}}
    )

    status: Literal["ok"]


class Readiness(BaseModel):
    status: Literal["ready", "unavailable"]


class CaseMessage(BaseModel):
    id: int
    direction: str
    author: str
    author_label: str
    text: str
    # True when the text is what a command did («بدأ المحادثة»), not what was typed.
    command: bool
    # How many files came with it (the case page links each).
    attachments: int
    at: datetime
    time: str


class CaseMessages(BaseModel):
    status: str
    status_label: str
    assignee: str | None
    assignee_label: str
    messages: list[CaseMessage]


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {status: {"model": ErrorBody} for status in statuses}


def json_body(model: type[BaseModel]) -> dict[str, Any]:
    """A request body the route reads itself, described for the schema only."""
    schema = model.model_json_schema()
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


def secured(scheme: str, **extra: Any) -> dict[str, Any]:
    return {"security": [{scheme: []}], **extra}


def query(name: str, pattern: str, description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": {"type": "string", "pattern": pattern},
        "description": description,
    }


def case_parameters() -> list[dict[str, Any]]:
    return [
        {
            "name": "case_id",
            "in": "path",
            "required": True,
            "schema": {"type": "integer", "minimum": 1, "maximum": 10**18 - 1},
        },
        query("after", AFTER_PATTERN, "Only the messages after this id."),
    ]


# What /openapi.json describes: the JSON APIs, not the pages nor Telegram's webhook.
# (Filtered by path: FastAPI keeps included routers' routes out of `app.routes`.)
DESCRIBED = frozenset(
    {"/api/chat", "/api/chat/history", "/healthz", "/readyz", "/staff/api/cases/{case_id}/messages"}
)


def install_openapi(app: FastAPI, visitor_cookie: str, staff_cookie: str) -> None:
    """Serve the description at /openapi.json, with the two cookies as its security schemes."""

    def build() -> dict[str, Any]:
        if app.openapi_schema is None:
            with warnings.catch_warnings():
                # The pages share operation ids (one handler for GET and POST); they are
                # dropped below, and the described routes have ids of their own.
                warnings.simplefilter("ignore", UserWarning)
                schema = get_openapi(title=app.title, version=app.version, routes=app.routes)
            schema["paths"] = {p: v for p, v in schema["paths"].items() if p in DESCRIBED}
            schema.setdefault("components", {})["securitySchemes"] = {
                VISITOR_AUTH: {"type": "apiKey", "in": "cookie", "name": visitor_cookie},
                STAFF_AUTH: {"type": "apiKey", "in": "cookie", "name": staff_cookie},
            }
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = build  # type: ignore[method-assign]
