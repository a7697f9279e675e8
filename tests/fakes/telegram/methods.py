"""The Bot API methods the fake implements (besides getUpdates and the webhook ones)."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from tests.fakes.telegram.checks import (
    MAX_DOWNLOAD,
    caption,
    check_reply_markup,
    message_text,
)
from tests.fakes.telegram.limits import is_paid
from tests.fakes.telegram.state import State
from tests.fakes.telegram.wire import JsonDict, as_int, bad, chat_id_of

_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)


class Methods(State):
    """One ``_snake_case`` coroutine a method: the call's params in, its result out."""

    _check_limits: Callable[[int, bool], None]  # from Limits

    async def _get_me(self, params: JsonDict) -> JsonDict:
        return {
            **self._bot_user(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    # ------------------------------------------------------------------ messages

    async def _send_message(self, params: JsonDict) -> JsonDict:
        chat_id = chat_id_of(params)
        visible = message_text(params, too_long="message is too long")
        if not visible.strip():
            raise bad("message text is empty")
        check_reply_markup(params.get("reply_markup"))
        self._check_limits(chat_id, is_paid(params))
        message = self._bot_message(chat_id, params, {"text": visible})
        self._record("sendMessage", chat_id, params, message)
        return message

    def _find_bot_message(self, params: JsonDict) -> tuple[int, JsonDict]:
        if params.get("inline_message_id"):
            raise bad("message to edit not found")
        chat_id = chat_id_of(params)
        message_id = as_int(params.get("message_id"), "message_id")
        assert message_id is not None
        message = self._messages.get((chat_id, message_id))
        if message is None:
            raise bad("message to edit not found")
        if message.get("from", {}).get("id") != self.bot_id:
            raise bad("message can't be edited")
        return chat_id, message

    async def _edit_message_text(self, params: JsonDict) -> JsonDict:
        chat_id, message = self._find_bot_message(params)
        visible = message_text(params, too_long="MESSAGE_TOO_LONG")
        markup = params.get("reply_markup")
        check_reply_markup(markup)
        if message.get("text") == visible and message.get("reply_markup") == markup:
            raise bad(_NOT_MODIFIED)
        message["text"] = visible
        message["edit_date"] = int(time.time())
        _set_markup(message, markup)
        self._record("editMessageText", chat_id, params, message)
        return message

    async def _edit_message_reply_markup(self, params: JsonDict) -> JsonDict:
        chat_id, message = self._find_bot_message(params)
        markup = params.get("reply_markup")
        check_reply_markup(markup)
        if message.get("reply_markup") == markup or (not markup and "reply_markup" not in message):
            raise bad(_NOT_MODIFIED)
        _set_markup(message, markup)
        message["edit_date"] = int(time.time())
        self._record("editMessageReplyMarkup", chat_id, params, message)
        return message

    async def _delete_message(self, params: JsonDict) -> bool:
        chat_id = chat_id_of(params)
        message_id = as_int(params.get("message_id"), "message_id")
        assert message_id is not None
        if self._messages.pop((chat_id, message_id), None) is None:
            raise bad("message to delete not found")
        return True

    async def _answer_callback_query(self, params: JsonDict) -> bool:
        query_id = str(params.get("callback_query_id") or "")
        if query_id not in self._callbacks:
            raise bad("query is too old and response timeout expired or query ID is invalid")
        self._callbacks.discard(query_id)
        self.callback_answers[query_id] = {k: v for k, v in params.items()}
        return True

    async def _send_chat_action(self, params: JsonDict) -> bool:
        if not params.get("action"):
            raise bad("action is empty")
        return True

    # ------------------------------------------------------------------ files

    async def _send_photo(self, params: JsonDict) -> JsonDict:
        def sizes(file: JsonDict) -> list[JsonDict]:
            return [self._photo_size(file, 1280)]

        return self._send_file("sendPhoto", params, ("photo", "photos", "jpg"), sizes)

    async def _send_document(self, params: JsonDict) -> JsonDict:
        return self._send_file("sendDocument", params, ("document", "documents", "bin"), _document)

    def _send_file(
        self,
        method: str,
        params: JsonDict,
        kind: tuple[str, str, str],
        attachment: Callable[[JsonDict], object],
    ) -> JsonDict:
        """A send* of a file; kind is (the file's field, its folder, the default extension)."""
        chat_id = chat_id_of(params)
        extra = caption(params)
        check_reply_markup(params.get("reply_markup"))
        file = self._input_file(params, *kind)
        self._check_limits(chat_id, is_paid(params))
        extra[kind[0]] = attachment(file)
        message = self._bot_message(chat_id, params, extra)
        self._record(method, chat_id, params, message)
        self.sent[-1]["file_id"] = file["file_id"]
        return message

    def _input_file(self, params: JsonDict, field: str, folder: str, ext: str) -> JsonDict:
        value = params.get(field)
        if not isinstance(value, str) or not value:
            raise bad(f"there is no {field} in the request")
        if value.startswith("attach://"):
            return self._uploaded_file(params, value[len("attach://") :], field, folder, ext)
        if value in self._files:
            return self._files[value]
        if value.startswith(("http://", "https://")):
            file = self._new_file(folder, ext, 10_000)
            file["file_name"] = value.rsplit("/", 1)[-1]
            return file
        raise bad("wrong file identifier/HTTP URL specified")

    def _uploaded_file(
        self, params: JsonDict, name: str, field: str, folder: str, ext: str
    ) -> JsonDict:
        upload = (params.get("_uploads") or {}).get(name)
        if upload is None:
            raise bad(f"there is no {field} in the request")
        file_name = upload["filename"] or f"file.{ext}"
        file_ext = file_name.rsplit(".", 1)[-1] if "." in file_name else ext
        file = self._new_file(folder, file_ext, len(upload["data"]), upload["data"])
        file["file_name"] = file_name
        file["mime_type"] = upload["content_type"]
        return file

    async def _get_file(self, params: JsonDict) -> JsonDict:
        file = self._files.get(str(params.get("file_id") or ""))
        if file is None:
            raise bad("invalid file_id")
        if file["file_size"] > MAX_DOWNLOAD:
            raise bad("file is too big")
        return {k: file[k] for k in ("file_id", "file_unique_id", "file_size", "file_path")}

    # ------------------------------------------------------------------ commands

    async def _set_my_commands(self, params: JsonDict) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad("commands must be a list of at most 100 BotCommand")
        for command in commands:
            _check_command(command)
        key = _commands_key(params)
        if commands:
            self.commands[key] = [dict(c) for c in commands]
        else:
            self.commands.pop(key, None)
        return True

    async def _get_my_commands(self, params: JsonDict) -> list[JsonDict]:
        return list(self.commands.get(_commands_key(params), []))

    async def _delete_my_commands(self, params: JsonDict) -> bool:
        self.commands.pop(_commands_key(params), None)
        return True

    # ------------------------------------------------------------------ forum topics

    async def _create_forum_topic(self, params: JsonDict) -> JsonDict:
        chat_id = chat_id_of(params)
        name = str(params.get("name") or "")
        if not 1 <= len(name) <= 128:
            raise bad("TOPIC_NAME_INVALID" if name else "parameter name is required")
        thread_id = self._next_message_id(chat_id)
        self._threads.setdefault(chat_id, set()).add(thread_id)
        topic: JsonDict = {
            "message_thread_id": thread_id,
            "name": name,
            "icon_color": int(params.get("icon_color") or 0x6FB9F0),
        }
        if params.get("icon_custom_emoji_id"):
            topic["icon_custom_emoji_id"] = params["icon_custom_emoji_id"]
        self.topics.setdefault(chat_id, []).append({**topic, "is_closed": False})
        return topic

    def _topic(self, params: JsonDict) -> JsonDict:
        chat_id = as_int(params.get("chat_id"), "chat_id")
        thread_id = as_int(params.get("message_thread_id"), "message_thread_id")
        for topic in self.topics.get(chat_id or 0, []):
            if topic["message_thread_id"] == thread_id:
                return topic
        raise bad("TOPIC_ID_INVALID")

    async def _close_forum_topic(self, params: JsonDict) -> bool:
        return self._set_topic_closed(params, True)

    async def _reopen_forum_topic(self, params: JsonDict) -> bool:
        return self._set_topic_closed(params, False)

    def _set_topic_closed(self, params: JsonDict, closed: bool) -> bool:
        topic = self._topic(params)
        if topic["is_closed"] == closed:
            raise bad("TOPIC_NOT_MODIFIED")
        topic["is_closed"] = closed
        return True


def _set_markup(message: JsonDict, markup: object) -> None:
    if markup:
        message["reply_markup"] = markup
    else:
        message.pop("reply_markup", None)


def _document(file: JsonDict) -> JsonDict:
    document = {
        "file_id": file["file_id"],
        "file_unique_id": file["file_unique_id"],
        "file_size": file["file_size"],
    }
    for key in ("file_name", "mime_type"):
        if file.get(key):
            document[key] = file[key]
    return document


def _check_command(command: object) -> None:
    if not isinstance(command, dict) or not _COMMAND_RE.match(str(command.get("command", ""))):
        raise bad("BOT_COMMAND_INVALID")
    if not 1 <= len(str(command.get("description", ""))) <= 256:
        raise bad("command description must be non-empty")


def _commands_key(params: JsonDict) -> str:
    scope = params.get("scope") or {"type": "default"}
    lang = params.get("language_code") or ""
    if not isinstance(scope, dict) or scope.get("type", "default") == "default":
        return lang or "default"
    parts = [str(scope["type"])]
    parts += [str(scope[k]) for k in ("chat_id", "user_id") if k in scope]
    if lang:
        parts.append(lang)
    return ":".join(parts)
