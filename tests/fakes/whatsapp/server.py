"""The aiohttp app: routes, the bearer check, and the messages endpoint (sends, read receipts)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable

from aiohttp import web

from tests.fakes.whatsapp.checks import check_read, check_send
from tests.fakes.whatsapp.delivery import Delivery
from tests.fakes.whatsapp.faults import Faults
from tests.fakes.whatsapp.limits import Limits
from tests.fakes.whatsapp.media import MediaStore
from tests.fakes.whatsapp.records import Call, ReadReceipt, SentMessage
from tests.fakes.whatsapp.wire import ApiError, JsonDict, bad_param, error_payload, new_wamid

_Work = Callable[[web.Request, Call], Awaitable[web.StreamResponse]]


class FakeWhatsApp(Delivery, MediaStore, Faults, Limits):
    """A Cloud API server on 127.0.0.1 that records what the bot sends and plays Meta."""

    def __init__(
        self,
        token: str = "EAAG-TEST",
        phone_number_id: str = "1098765",
        app_secret: str = "app-secret",
        version: str = "v23.0",
        *,
        display_phone_number: str = "966110000000",
        waba_id: str = "102290129340398",
    ) -> None:
        self.token = token
        self.phone_number_id = phone_number_id
        self.app_secret = app_secret
        self.version = version
        self.display_phone_number = display_phone_number
        self.waba_id = waba_id
        self.base_root = ""  # http://127.0.0.1:PORT
        self.base_url = ""  # base_root + "/" + version: what WHATSAPP_API_BASE is set to
        self.sent: list[SentMessage] = []
        self.calls: list[Call] = []
        self.reads: list[ReadReceipt] = []
        self._runner: web.AppRunner | None = None
        self._setup_limits()
        self._setup_faults()
        self._setup_media()
        self._setup_builders()
        self._setup_delivery()

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Listen on host:port (0 = any free port); the API base, version included."""
        app = web.Application(client_max_size=16 * 1024 * 1024)
        # The download path first: "/{version}/{media_id}" would match it too.
        app.router.add_get("/media/{media_id}", self._handle_download)
        app.router.add_post("/{version}/{phone_id}/messages", self._handle_messages)
        app.router.add_get("/{version}/{media_id}", self._handle_media_info)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, host, port).start()
        self.base_root = f"http://{host}:{int(self._runner.addresses[0][1])}"
        self.base_url = f"{self.base_root}/{self.version}"
        return self.base_url

    async def stop(self) -> None:
        """Stop posting status webhooks and close the server."""
        await self._stop_delivery()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def messages_to(self, wa_id: str) -> list[SentMessage]:
        return [message for message in self.sent if message.to == wa_id]

    # ------------------------------------------------------------------ handlers

    async def _handle_messages(self, request: web.Request) -> web.StreamResponse:
        return await self._serve(request, self._messages)

    async def _handle_media_info(self, request: web.Request) -> web.StreamResponse:
        async def work(request: web.Request, call: Call) -> web.StreamResponse:
            return web.json_response(self._media_info(request.match_info["media_id"]))

        return await self._serve(request, work)

    async def _handle_download(self, request: web.Request) -> web.StreamResponse:
        async def work(request: web.Request, call: Call) -> web.StreamResponse:
            media_id, token = request.match_info["media_id"], request.query.get("token")
            return self._media_bytes(media_id, token, call.at)

        return await self._serve(request, work)

    async def _serve(self, request: web.Request, work: _Work) -> web.StreamResponse:
        """Record the call, check the bearer token and the version, answer Meta's errors."""
        call = Call(request.method, request.path, None, self.clock())
        self.calls.append(call)
        try:
            self._check_access(request)
            response = await work(request, call)
        except ApiError as error:
            call.error = error.code
            response = web.json_response(error_payload(error), status=error.status)
        call.status = response.status
        return response

    def _check_access(self, request: web.Request) -> None:
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            raise ApiError(190)
        version = request.match_info.get("version", self.version)
        if version != self.version:
            raise bad_param(f"Unknown path components: /{version} (the fake is {self.version})")

    async def _messages(self, request: web.Request, call: Call) -> web.StreamResponse:
        call.body = body = await _json_body(request)
        phone_id = request.match_info["phone_id"]
        if phone_id != self.phone_number_id:
            raise ApiError(
                100,
                f"Unsupported post request. Object with ID '{phone_id}' does not exist, cannot "
                "be loaded due to missing permissions, or does not support this operation.",
                subcode=33,
            )
        answer = self._read(body) if body.get("status") == "read" else self._send(body)
        return web.json_response(answer)

    def _send(self, body: JsonDict) -> JsonDict:
        given = body.get("to")
        self._inject_fault(given.lstrip("+") if isinstance(given, str) else None)
        to, kind = check_send(body)
        at = self._check_limits(to)
        self._count_send(to, at)
        record = SentMessage(to, kind, body, new_wamid(to), at)
        # Meta accepts a free-form message outside the window and fails it afterwards.
        if kind != "template" and not self.window_open(to):
            record.error = 131047
        self.sent.append(record)
        self._after_send(record)
        message: JsonDict = {"id": record.wamid}
        if kind == "template":
            message["message_status"] = "accepted"
        contact = {"input": given, "wa_id": to}
        return {"messaging_product": "whatsapp", "contacts": [contact], "messages": [message]}

    def _read(self, body: JsonDict) -> JsonDict:
        message_id, typing = check_read(body)
        if message_id not in self.inbound_wamids:
            raise bad_param(f"message_id {message_id!r} is not a message this number received")
        self.reads.append(ReadReceipt(message_id, typing, self.clock()))
        return {"success": True}


async def _json_body(request: web.Request) -> JsonDict:
    try:
        body = json.loads(await request.read())
    except ValueError as error:
        raise bad_param(f"The request body is not JSON: {error}") from None
    if not isinstance(body, dict):
        raise bad_param("The request body must be a JSON object")
    return body
