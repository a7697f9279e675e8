"""The one error type a use case raises when it refuses: a catalog message, not a string.

Every layer that meets it says it in the person's own language: the chat as a reply, the
web routes as a page or JSON with `http_status`, the command line on stderr with exit code 1.
Kinds that callers tell apart (a lifecycle's refusal, a password the policy refuses) are
subclasses, never look-alikes with other field names.
"""

from __future__ import annotations

from collections.abc import Callable


class Refusal(Exception):
    """A request that can't be done: `message_id` names the catalog text, `arguments` fill it.

    `http_status` is the HTTP status a web route answers with; other channels ignore it.
    """

    def __init__(self, message_id: str, /, *, http_status: int = 400, **arguments: object) -> None:
        super().__init__(message_id)
        self.message_id = message_id
        self.http_status = http_status
        self.arguments = arguments

    def text(self, tr: Callable[..., str]) -> str:
        return tr(self.message_id, **self.arguments)
