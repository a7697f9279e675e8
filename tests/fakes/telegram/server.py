"""The aiohttp app: routes, reading a call's parameters, dispatching it to its method."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from tests.fakes.telegram.delivery import Delivery
from tests.fakes.telegram.faults import Faults
from tests.fakes.telegram.limits import Limits
from tests.fakes.telegram.methods import Methods
from tests.fakes.telegram.wire import (
    CHAT_METHODS,
    ApiError,
    JsonDict,
    bad,
    canonical,
    chat_key,
    decode,
    error_payload,
    without_uploads,
)

# The methods with a body of their own (lowercased, as Telegram ignores case); any other
# method answers {"ok": true, "result": true}.
_HANDLERS = {
    "getme": "_get_me",
    "getupdates": "_get_updates",
    "setwebhook": "_set_webhook",
    "deletewebhook": "_delete_webhook",
    "getwebhookinfo": "_get_webhook_info",
    "sendmessage": "_send_message",
    "editmessagetext": "_edit_message_text",
    "editmessagereplymarkup": "_edit_message_reply_markup",
    "deletemessage": "_delete_message",
    "answercallbackquery": "_answer_callback_query",
    "sendphoto": "_send_photo",
    "senddocument": "_send_document",
    "getfile": "_get_file",
    "setmycommands": "_set_my_commands",
    "getmycommands": "_get_my_commands",
    "deletemycommands": "_delete_my_commands",
    "createforumtopic": "_create_forum_topic",
    "closeforumtopic": "_close_forum_topic",
    "reopenforumtopic": "_reopen_forum_topic",
    "sendchataction": "_send_chat_action",
}
_UNAUTHORIZED = ApiError(401, "Unauthorized")


class FakeTelegram(Methods, Delivery, Faults, Limits):
    """A Bot API server on 127.0.0.1 that records what the bot does and plays the users."""

    def __init__(
        self,
        token: str = "123456:TEST",
        *,
        bot_id: int = 123456,
        bot_username: str = "tawasul_test_bot",
    ) -> None:
        self.token = token
        self.bot_id = bot_id
        self.bot_username = bot_username
        self.base_url = ""
        self._runner: web.AppRunner | None = None
        self._setup_state()
        self._setup_faults()
        self._setup_limits()
        self._setup_delivery()

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Listen on host:port (0 = any free port) and return the base URL."""
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        real_port = int(self._runner.addresses[0][1])
        self.base_url = f"http://{host}:{real_port}"
        return self.base_url

    async def stop(self) -> None:
        """Answer pending long polls, stop webhook delivery and close the server."""
        await self._stop_delivery()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _handle_api(self, request: web.Request) -> web.Response:
        method = canonical(request.match_info["method"])
        # Recorded on arrival; "status" is filled in when the answer is ready (None meanwhile,
        # e.g. for a long poll still waiting).
        call: JsonDict = {"method": method, "params": {}, "at": time.monotonic(), "status": None}
        self.calls.append(call)
        try:
            params = await _read_params(request)
        except Exception:
            status, payload = 400, error_payload(bad("can't parse request"))
        else:
            call["params"] = without_uploads(params)
            if request.match_info["token"] != self.token:
                status, payload = 401, error_payload(_UNAUTHORIZED)
            else:
                status, payload = await self._call(method, params)
        call["status"] = status
        return web.json_response(payload, status=status)

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return web.json_response(error_payload(_UNAUTHORIZED), status=401)
        file_id = self._files_by_path.get(request.match_info["path"])
        if file_id is None:
            return web.json_response(error_payload(ApiError(404, "Not Found")), status=404)
        return web.Response(body=self._file_bytes(self._files[file_id]))

    async def _call(self, method: str, params: JsonDict) -> tuple[int, JsonDict]:
        try:
            self._inject_fault(method, params)
            handler = self._handler(method)
            if handler is None:
                return 200, {"ok": True, "result": True}
            if method in CHAT_METHODS:
                self._check_chat(method, params)
            result = await handler(params)
        except ApiError as error:
            return error.status, error_payload(error)
        return 200, {"ok": True, "result": result}

    def _handler(self, method: str) -> Callable[[JsonDict], Awaitable[Any]] | None:
        name = _HANDLERS.get(method.lower())
        return None if name is None else getattr(self, name)  # type: ignore[no-any-return]

    def _check_chat(self, method: str, params: JsonDict) -> None:
        chat_id = chat_key(params)
        if chat_id is None:
            raise bad("chat not found")
        self._check_blocked(chat_id)
        self._check_thread(method, chat_id, params)


async def _read_params(request: web.Request) -> JsonDict:
    """The call's parameters: query string, then a JSON or form body (files in _uploads)."""
    params: JsonDict = {k: decode(k, v) for k, v in request.query.items()}
    if request.method != "POST" or not request.body_exists:
        return params
    if request.content_type == "application/json":
        body = await request.json()
        if isinstance(body, dict):
            params.update(body)
        return params
    form = await request.post()
    uploads: JsonDict = {}
    for key, value in form.items():
        if isinstance(value, web.FileField):
            uploads[key] = {
                "filename": value.filename,
                "content_type": value.content_type,
                "data": value.file.read(),
            }
        else:
            params[key] = decode(key, str(value))
    if uploads:
        params["_uploads"] = uploads
    return params
