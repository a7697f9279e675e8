"""What the fake server holds: chats, messages, files, the update queue, and the users."""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import time
from collections import Counter
from collections.abc import Callable, Iterable

from tests.fakes.telegram.checks import utf16_len
from tests.fakes.telegram.pending import Pending
from tests.fakes.telegram.wire import SEND_METHODS, JsonDict, as_int, bad, without_uploads

USER_NAME = "مستخدم"


class State:
    """Chats, messages and files as Telegram keeps them, and the users who produce updates."""

    bot_id: int
    bot_username: str

    def _setup_state(self) -> None:
        # What the bot did.
        self.sent: list[JsonDict] = []
        self.calls: list[JsonDict] = []
        self.commands: dict[str, list[JsonDict]] = {}
        self.topics: dict[int, list[JsonDict]] = {}
        self.callback_answers: dict[str, JsonDict] = {}
        # What Telegram holds.
        self._pending = Pending()
        self._sent_by_chat: dict[int, list[JsonDict]] = {}
        self._sent_indexed = 0
        self._history: dict[int, JsonDict] = {}
        self._messages: dict[tuple[int, int], JsonDict] = {}
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._files: dict[str, JsonDict] = {}
        self._files_by_path: dict[str, str] = {}
        self._threads: dict[int, set[int]] = {}
        self._callbacks: set[str] = set()
        self._update_ids = itertools.count(100_001)
        self._ids = itertools.count(1)
        self._wakeup = asyncio.Event()

    # ------------------------------------------------------------------ users

    def user_sends_text(
        self,
        user_id: int,
        text: str,
        *,
        chat_id: int | None = None,
        first_name: str = USER_NAME,
        message_thread_id: int | None = None,
        reply_to_message_id: int | None = None,
    ) -> JsonDict:
        extra: JsonDict = {"text": text}
        if text.startswith("/"):
            command = text.split()[0]
            extra["entities"] = [{"type": "bot_command", "offset": 0, "length": utf16_len(command)}]
        message = self._user_message(
            user_id,
            chat_id,
            first_name,
            extra,
            message_thread_id=message_thread_id,
            reply_to_message_id=reply_to_message_id,
        )
        return self._queue({"message": message})

    def users_send_text(
        self, user_ids: Iterable[int], text: str | Callable[[int], str]
    ) -> list[JsonDict]:
        """Each user writes once in a private chat, in the order given: a load test's crowd.

        ``text`` is the same for all, or a function of the user's id. O(1) an update.
        """
        return [
            self.user_sends_text(user, text if isinstance(text, str) else text(user))
            for user in user_ids
        ]

    def user_presses(
        self, user_id: int, message_id: int, data: str, *, chat_id: int | None = None
    ) -> JsonDict:
        """A callback_query from pressing an inline button on bot message ``message_id``."""
        chat = chat_id if chat_id is not None else user_id
        message = self._snapshot(chat, message_id) or {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": self._chat(chat, USER_NAME),
            "from": self._bot_user(),
            "text": "",
        }
        query_id = str(next(self._ids) * 7919 + 10**12)
        self._callbacks.add(query_id)
        query = {
            "id": query_id,
            "from": self._user(user_id, USER_NAME),
            "message": message,
            "chat_instance": str(int(hashlib.sha1(str(chat).encode()).hexdigest()[:12], 16)),
            "data": data,
        }
        return self._queue({"callback_query": query})

    def user_shares_contact(
        self, user_id: int, phone: str, *, contact_user_id: int | None = None
    ) -> JsonDict:
        contact: JsonDict = {
            "phone_number": phone,
            "first_name": USER_NAME,
            "user_id": user_id if contact_user_id is None else contact_user_id,
        }
        return self._queue(
            {"message": self._user_message(user_id, None, USER_NAME, {"contact": contact})}
        )

    def user_sends_photo(
        self, user_id: int, *, file_size: int = 120_000, caption: str | None = None
    ) -> JsonDict:
        sizes = []
        for side, size in ((90, max(1, file_size // 40)), (320, max(1, file_size // 6))):
            file = self._new_file("photos", "jpg", size)
            sizes.append(self._photo_size(file, side))
        sizes.append(self._photo_size(self._new_file("photos", "jpg", file_size), 1280))
        extra: JsonDict = {"photo": sizes}
        if caption is not None:
            extra["caption"] = caption
        return self._queue({"message": self._user_message(user_id, None, USER_NAME, extra)})

    def user_sends_document(
        self,
        user_id: int,
        *,
        file_name: str = "report.pdf",
        mime_type: str = "application/pdf",
        file_size: int = 50_000,
    ) -> JsonDict:
        ext = file_name.rsplit(".", 1)[-1] if "." in file_name else "bin"
        file = self._new_file("documents", ext, file_size)
        document = {
            "file_id": file["file_id"],
            "file_unique_id": file["file_unique_id"],
            "file_name": file_name,
            "mime_type": mime_type,
            "file_size": file_size,
        }
        return self._queue(
            {"message": self._user_message(user_id, None, USER_NAME, {"document": document})}
        )

    # ------------------------------------------------------------------ inspection

    def messages_to(self, chat_id: int) -> list[JsonDict]:
        """Messages the bot sent to the chat (send* methods, not edits), in order."""
        records = self._sent_index().get(chat_id, [])
        return [s for s in records if s["method"] in SEND_METHODS]

    def send_counts(self) -> Counter[int]:
        """How many messages (send* methods) the bot sent to each chat it sent any to."""
        counts: Counter[int] = Counter()
        for chat_id, records in self._sent_index().items():
            sends = sum(s["method"] in SEND_METHODS for s in records)
            if sends:
                counts[chat_id] = sends
        return counts

    def _sent_index(self) -> dict[int, list[JsonDict]]:
        """``sent`` by chat, so that checking 10,000 chats is not 10,000 scans of ``sent``."""
        if self._sent_indexed > len(self.sent):  # a test cut ``sent``: index it afresh
            self._sent_by_chat, self._sent_indexed = {}, 0
        for record in self.sent[self._sent_indexed :]:
            self._sent_by_chat.setdefault(record["chat_id"], []).append(record)
        self._sent_indexed = len(self.sent)
        return self._sent_by_chat

    @property
    def pending_updates(self) -> int:
        return len(self._pending)

    # ------------------------------------------------------------------ objects

    def _bot_user(self) -> JsonDict:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": "Tawasul",
            "username": self.bot_username,
        }

    @staticmethod
    def _user(user_id: int, first_name: str) -> JsonDict:
        return {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": "ar"}

    def _chat(self, chat_id: int, first_name: str) -> JsonDict:
        if chat_id > 0:
            return {"id": chat_id, "type": "private", "first_name": first_name}
        chat: JsonDict = {"id": chat_id, "type": "supergroup", "title": "Staff"}
        if chat_id in self._threads:
            chat["is_forum"] = True
        return chat

    def _next_message_id(self, chat_id: int) -> int:
        return next(self._message_ids.setdefault(chat_id, itertools.count(1)))

    def _new_message(self, chat_id: int, sender: JsonDict, first_name: str) -> JsonDict:
        return {
            "message_id": self._next_message_id(chat_id),
            "from": sender,
            "chat": self._chat(chat_id, first_name),
            "date": int(time.time()),
        }

    @staticmethod
    def _mark_topic(message: JsonDict, thread_id: int) -> None:
        message["message_thread_id"] = thread_id
        message["is_topic_message"] = True

    def _store(self, chat_id: int, message: JsonDict, extra: JsonDict) -> JsonDict:
        message.update(extra)
        self._messages[(chat_id, message["message_id"])] = message
        return message

    def _user_message(
        self,
        user_id: int,
        chat_id: int | None,
        first_name: str,
        extra: JsonDict,
        *,
        message_thread_id: int | None = None,
        reply_to_message_id: int | None = None,
    ) -> JsonDict:
        chat = user_id if chat_id is None else chat_id
        if message_thread_id is not None:
            self._threads.setdefault(chat, set()).add(message_thread_id)
        message = self._new_message(chat, self._user(user_id, first_name), first_name)
        if message_thread_id is not None:
            self._mark_topic(message, message_thread_id)
        if reply_to_message_id is not None:
            message["reply_to_message"] = self._snapshot(chat, reply_to_message_id) or {
                "message_id": reply_to_message_id,
                "date": int(time.time()),
                "chat": self._chat(chat, first_name),
            }
        return self._store(chat, message, extra)

    def _bot_message(self, chat_id: int, params: JsonDict, extra: JsonDict) -> JsonDict:
        message = self._new_message(chat_id, self._bot_user(), USER_NAME)
        thread = params.get("message_thread_id")
        if thread:
            self._mark_topic(message, int(thread))
        original = self._replied_to(chat_id, params)
        if original is not None:
            message["reply_to_message"] = original
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        return self._store(chat_id, message, extra)

    def _replied_to(self, chat_id: int, params: JsonDict) -> JsonDict | None:
        """The message a bot's send answers (reply_to_message_id or reply_parameters)."""
        reply_to = params.get("reply_to_message_id")
        reply_parameters = params.get("reply_parameters")
        if isinstance(reply_parameters, dict):
            reply_to = reply_parameters.get("message_id")
        return self._snapshot(chat_id, int(reply_to)) if reply_to else None

    def _snapshot(self, chat_id: int, message_id: int) -> JsonDict | None:
        """A copy of a stored message as it is now, without its own reply_to_message."""
        message = self._messages.get((chat_id, message_id))
        if message is None:
            return None
        copy = dict(message)
        copy.pop("reply_to_message", None)
        return copy

    def _check_thread(self, method: str, chat_id: int, params: JsonDict) -> None:
        """A send into a forum topic needs the topic to exist and be open."""
        thread_id = params.get("message_thread_id")
        if not thread_id or method not in SEND_METHODS:
            return
        thread_id = as_int(thread_id, "message_thread_id")
        if thread_id not in self._threads.get(chat_id, set()):
            raise bad("message thread not found")
        for topic in self.topics.get(chat_id, []):
            if topic["message_thread_id"] == thread_id and topic.get("is_closed"):
                raise bad("TOPIC_CLOSED")

    def _queue(self, body: JsonDict) -> JsonDict:
        update = {"update_id": next(self._update_ids), **body}
        self._history[update["update_id"]] = update
        self._pending.add(update)
        self._wakeup.set()
        return update

    def _record(self, method: str, chat_id: int, params: JsonDict, message: JsonDict) -> None:
        self.sent.append(
            {
                "method": method,
                "chat_id": chat_id,
                "text": message.get("text"),
                "caption": message.get("caption"),
                "reply_markup": params.get("reply_markup"),
                "message_id": message["message_id"],
                "message_thread_id": message.get("message_thread_id"),
                "parse_mode": params.get("parse_mode"),
                "at": time.monotonic(),
                "params": without_uploads(params),
            }
        )

    # ------------------------------------------------------------------ files

    def _new_file(self, folder: str, ext: str, size: int, data: bytes | None = None) -> JsonDict:
        n = next(self._ids)
        file: JsonDict = {
            "file_id": f"AgAC{n:06d}{hashlib.sha1(str(n).encode()).hexdigest()[:20]}",
            "file_unique_id": f"AQAD{n:06d}",
            "file_size": size if data is None else len(data),
            "file_path": f"{folder}/file_{n}.{ext}",
            "data": data,
        }
        self._files[file["file_id"]] = file
        self._files_by_path[file["file_path"]] = file["file_id"]
        return file

    @staticmethod
    def _photo_size(file: JsonDict, side: int) -> JsonDict:
        return {
            "file_id": file["file_id"],
            "file_unique_id": file["file_unique_id"],
            "width": side,
            "height": side,
            "file_size": file["file_size"],
        }

    @staticmethod
    def _file_bytes(file: JsonDict) -> bytes:
        data = file["data"]
        if isinstance(data, bytes):
            return data
        seed = str(file["file_unique_id"]).encode()
        size = int(file["file_size"])
        return bytes((seed * (size // len(seed) + 1))[:size])
