"""What the fake remembers: accepted messages, calls, read receipts, webhook posts, media."""

from __future__ import annotations

from dataclasses import dataclass, field

from tests.fakes.whatsapp.wire import JsonDict


@dataclass
class SentMessage:
    """A message the fake accepted (answered 200 with ``wamid``)."""

    to: str
    type: str  # text | interactive | template
    payload: JsonDict  # the request body as posted
    wamid: str
    at: float  # the fake's clock (time.monotonic unless a test replaced it)
    error: int | None = None  # a failure reported later by webhook (131047: window closed)

    @property
    def text(self) -> str:
        """The visible text: a text's body or an interactive message's body."""
        content = self.payload.get(self.type, {})
        if self.type == "text":
            return str(content.get("body", ""))
        return str(content.get("body", {}).get("text", "")) if self.type == "interactive" else ""


@dataclass
class Call:
    """One HTTP request to the fake, whatever its outcome."""

    method: str  # HTTP method
    path: str
    body: JsonDict | None
    at: float
    status: int | None = None  # None while it is being answered
    error: int | None = None  # Meta's error code when refused


@dataclass
class ReadReceipt:
    message_id: str
    typing: bool
    at: float


@dataclass
class WebhookPost:
    """One POST of a webhook to ``webhook_url`` (one attempt; ``status`` 0: no connection)."""

    payload: JsonDict
    body: bytes
    signature: str | None
    status: int
    attempt: int
    at: float


@dataclass
class Media:
    id: str
    data: bytes
    mime: str
    sha256: str
    filename: str | None
    url_token: str
    expired: bool = False
    failures: int | None = 0  # downloads still to answer 500; None: all of them
    downloads: list[float] = field(default_factory=list)
