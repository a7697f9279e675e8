"""The updates Telegram holds for the bot: in order, and by chat for concurrent delivery.

Every operation a delivery makes is O(1), so 10,000 queued updates cost no more per update
than 10: the order is an ``OrderedDict`` (a duplicate jumps to the front with
``move_to_end``), and each chat has one of its own. A chat is *held* while one of its updates
is in flight or waiting to be retried; the chats that are not held and have updates are the
ready ones, taken in turn.
"""

from __future__ import annotations

import itertools
import time
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field

from tests.fakes.telegram.wire import JsonDict


@dataclass(eq=False, slots=True)
class Entry:
    """One pending delivery of an update (a redelivered duplicate is an entry of its own)."""

    update: JsonDict
    chat: int
    key: int
    dup: bool = False
    returned: bool = False  # given to a getUpdates
    attempts: int = 0  # webhook POSTs so far
    backend: str | None = None  # the backend of the last POST, when balancing
    queued: float = field(default_factory=time.monotonic)

    @property
    def update_id(self) -> int:
        return int(self.update["update_id"])


class Pending:
    """The pending entries, oldest first (duplicates first of all)."""

    def __init__(self) -> None:
        self._keys = itertools.count()
        self._all: OrderedDict[int, Entry] = OrderedDict()
        self._chats: dict[int, OrderedDict[int, Entry]] = {}
        self._held: set[int] = set()
        self._ready: OrderedDict[int, None] = OrderedDict()

    def __len__(self) -> int:
        return len(self._all)

    def __bool__(self) -> bool:
        return bool(self._all)

    def __iter__(self) -> Iterator[Entry]:
        return iter(list(self._all.values()))

    def first(self, limit: int) -> list[Entry]:
        return list(itertools.islice(self._all.values(), limit))

    def add(self, update: JsonDict, *, dup: bool = False) -> Entry:
        """Queue an update: at the end, or at the very front for a duplicate."""
        entry = Entry(update, chat_of(update), next(self._keys), dup=dup)
        self._all[entry.key] = entry
        chat = self._chats.setdefault(entry.chat, OrderedDict())
        chat[entry.key] = entry
        if entry.chat not in self._held:
            self._ready[entry.chat] = None
        if dup:
            self._all.move_to_end(entry.key, last=False)
            chat.move_to_end(entry.key, last=False)
            if entry.chat in self._ready:
                self._ready.move_to_end(entry.chat, last=False)
        return entry

    def remove(self, entry: Entry) -> None:
        """Forget the entry (delivered, confirmed, given up or dropped); twice is harmless."""
        if self._all.pop(entry.key, None) is None:
            return
        chat = self._chats[entry.chat]
        del chat[entry.key]
        if not chat:
            del self._chats[entry.chat]
            self._ready.pop(entry.chat, None)

    def clear(self) -> None:
        self._all.clear()
        self._chats.clear()
        self._ready.clear()

    def take(self) -> Entry | None:
        """The oldest entry of the next ready chat, which is held until ``release``."""
        if not self._ready:
            return None
        chat, _ = self._ready.popitem(last=False)
        self._held.add(chat)
        return next(iter(self._chats[chat].values()))

    def release(self, chat: int) -> None:
        """The chat's delivery is over (answered, given up, or its retry's wait is)."""
        self._held.discard(chat)
        if chat in self._chats:
            self._ready[chat] = None


def chat_of(update: JsonDict) -> int:
    """The chat whose updates Telegram keeps in order (the sender's when there is no chat)."""
    for kind, body in update.items():
        if not isinstance(body, dict):
            continue
        message = body.get("message") if kind == "callback_query" else body
        if isinstance(message, dict) and isinstance(message.get("chat"), dict):
            return int(message["chat"]["id"])
        sender = body.get("from")
        if isinstance(sender, dict) and "id" in sender:
            return int(sender["id"])
    return -int(update["update_id"]) - 10**15  # no chat: ordered with nothing else
