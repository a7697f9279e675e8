"""The fake Cloud API server, exercised with a plain httpx client and an aiohttp receiver."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

import httpx
import pytest

from tests.fakes.clients import receiver
from tests.fakes.conftest import Hook
from tests.fakes.whatsapp import FakeWhatsApp, signature

USER = "966500000001"
OTHER = "966500000002"
JsonDict = dict[str, Any]


def message(kind: str, content: JsonDict, to: str = USER) -> JsonDict:
    envelope = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to}
    return {**envelope, "type": kind, kind: content}


def text(body: str = "مرحبا", to: str = USER) -> JsonDict:
    return message("text", {"body": body, "preview_url": False}, to)


def interactive(content: JsonDict, body: str = "اختر") -> JsonDict:
    return message("interactive", {"body": {"text": body}, **content})


def buttons(*titles: str, ids: tuple[str, ...] = (), body: str = "اختر") -> JsonDict:
    pairs = zip(ids or [f"b{i}" for i in range(len(titles))], titles, strict=True)
    replies = [{"type": "reply", "reply": {"id": i, "title": t}} for i, t in pairs]
    return interactive({"type": "button", "action": {"buttons": replies}}, body)


def rows(count: int, **row: Any) -> list[JsonDict]:
    return [{"id": f"r{i}", "title": f"خيار {i}", **row} for i in range(count)]


def listing(*sections: JsonDict, label: str = "الخيارات", body: str = "اختر") -> JsonDict:
    action = {"button": label, "sections": list(sections) or [{"rows": rows(4)}]}
    return interactive({"type": "list", "action": action}, body)


def _two_sections(first_title: str | None) -> JsonDict:
    first: JsonDict = {"rows": rows(2)}
    if first_title is not None:
        first["title"] = first_title
    return listing(first, {"title": "ب", "rows": [{"id": "z", "title": "ز"}]})


def template(*params: str, payload: str = "window:open") -> JsonDict:
    body = {"type": "body", "parameters": [{"type": "text", "text": p} for p in params]}
    button: JsonDict = {"type": "button", "sub_type": "quick_reply", "index": "0"}
    button["parameters"] = [{"type": "payload", "payload": payload}]
    spec = {"name": "tawasul_new_message", "language": {"code": "ar"}}
    return message("template", {**spec, "components": [body, button]})


async def send(api: httpx.AsyncClient, body: JsonDict, phone_id: str = "1098765") -> Any:
    response = await api.post(f"/{phone_id}/messages", json=body)
    return response.status_code, response.json()


def frozen_clock(wa: FakeWhatsApp) -> list[float]:
    now = [1000.0]
    wa.clock = lambda: now[0]
    return now


async def test_text_accepted_and_recorded(wa: FakeWhatsApp, api: httpx.AsyncClient) -> None:
    assert wa.base_url.startswith("http://127.0.0.1:") and wa.base_url.endswith("/v23.0")
    status, answer = await send(api, text("السلام عليكم"))
    assert status == 200
    assert answer["messaging_product"] == "whatsapp"
    assert answer["contacts"] == [{"input": USER, "wa_id": USER}]
    wamid = answer["messages"][0]["id"]
    assert wamid.startswith("wamid.")
    [record] = wa.sent
    assert (record.to, record.type, record.wamid, record.error) == (USER, "text", wamid, None)
    assert record.payload == text("السلام عليكم") and record.text == "السلام عليكم"
    _, again = await send(api, text())
    assert again["messages"][0]["id"] != wamid
    assert [(c.method, c.status) for c in wa.calls] == [("POST", 200), ("POST", 200)]


async def test_bearer_token_phone_id_version_and_json(wa: FakeWhatsApp) -> None:
    url = f"{wa.base_url}/{wa.phone_number_id}/messages"
    async with httpx.AsyncClient() as client:
        for headers in ({}, {"Authorization": "Bearer WRONG"}):
            refused = await client.post(url, json=text(), headers=headers)
            assert refused.status_code == 401
            error = refused.json()["error"]
            assert (error["code"], error["type"]) == (190, "OAuthException")
            assert error["message"] == "Invalid OAuth access token." and error["fbtrace_id"]
        auth = {"Authorization": f"Bearer {wa.token}"}
        wrong_id = await client.post(url.replace("1098765", "555"), json=text(), headers=auth)
        wrong_version = await client.post(url.replace("v23.0", "v19.0"), json=text(), headers=auth)
        not_json = await client.post(url, content=b"{oops", headers=auth)
    for refused in (wrong_id, wrong_version, not_json):
        assert refused.status_code == 400 and refused.json()["error"]["code"] == 100
    assert "does not exist" in wrong_id.json()["error"]["error_data"]["details"]
    assert wa.sent == [] and [c.status for c in wa.calls] == [401, 401, 400, 400, 400]


@pytest.mark.parametrize(
    "body",
    [
        text("ب" * 4096),
        buttons("نعم", "لا", "ربما"),
        buttons("🙂" * 20, "e\u0301" * 10, ids=("x" * 256, "y")),  # len(): code points
        buttons("تم", body="ن" * 1024),
        listing({"rows": rows(10, description="و" * 72)}),
        _two_sections("أ" * 24),
        template("أحمد", "رقم    4 مسافات"),
    ],
    ids=["text", "buttons", "lengths", "long-body", "list", "sections", "template"],
)
async def test_contract_shapes_accepted(
    wa: FakeWhatsApp, api: httpx.AsyncClient, body: JsonDict
) -> None:
    status, answer = await send(api, body)
    assert status == 200, answer
    assert wa.sent[0].payload == body and wa.sent[0].type == body["type"]


REFUSED = {
    "empty-text": (text(""), 100, "text['body']"),
    "long-text": (text("ب" * 4097), 100, "4096"),
    "no-product": ({**text(), "messaging_product": "sms"}, 100, "messaging_product"),
    "no-to": ({**text(), "to": ""}, 100, "parameter to"),
    "image": ({**text(), "type": "image"}, 100, "image"),
    "no-buttons": (buttons(), 131009, "Buttons count 0"),
    "four-buttons": (buttons("1", "2", "3", "4"), 131009, "Buttons count 4"),
    "empty-title": (buttons(""), 131009, "Button title length 0"),
    "long-title": (buttons("ع" * 21), 131009, "Button title length 21"),
    "same-titles": (buttons("نعم", "نعم"), 131009, "Button titles must be unique"),
    "same-ids": (buttons("نعم", "لا", ids=("a", "a")), 131009, "Button ids must be unique"),
    "long-id": (buttons("نعم", ids=("i" * 257,)), 131009, "Button id length 257"),
    "long-body": (buttons("نعم", body="ن" * 1025), 131009, "Body text length 1025"),
    "empty-body": (buttons("نعم", body=""), 131009, "Body text length 0"),
    "long-label": (listing(label="ق" * 21), 131009, "Button label length 21"),
    "no-rows": (listing({"rows": []}), 131009, "Total row count 0"),
    "11-sections": (listing(*[{"title": "s", "rows": rows(1)}] * 11), 131009, "Sections"),
    "11-rows": (listing({"rows": rows(11)}), 131009, "Total row count 11"),
    "long-row": (listing({"rows": [{"id": "a", "title": "ر" * 25}]}), 131009, "Row title"),
    "long-desc": (listing({"rows": rows(1, description="و" * 73)}), 131009, "Row description"),
    "long-row-id": (listing({"rows": [{"id": "i" * 201, "title": "ر"}]}), 131009, "Row id"),
    "untitled": (_two_sections(None), 100, "Section title"),
    "long-section": (_two_sections("ع" * 25), 131009, "Section title length 25"),
    "newline": (template("سطر\nسطر"), 131009, "new-line/tab"),
    "tab": (template("a\tb"), 131009, "new-line/tab"),
    "5-spaces": (template("a     b"), 131009, "4 consecutive spaces"),
    "no-payload": (template("a", payload=""), 100, "payload"),
}
REFUSED["no-name"] = (template(), 100, "name")
REFUSED["no-name"][0]["template"]["name"] = ""
REFUSED["same-row-ids"] = (_two_sections("أ"), 131009, "Row ids must be unique")
REFUSED["same-row-ids"][0]["interactive"]["action"]["sections"][1]["rows"][0]["id"] = "r0"


@pytest.mark.parametrize(("body", "code", "detail"), REFUSED.values(), ids=REFUSED.keys())
async def test_refused_shapes(
    wa: FakeWhatsApp, api: httpx.AsyncClient, body: JsonDict, code: int, detail: str
) -> None:
    status, answer = await send(api, body)
    assert status == 400
    assert answer["error"]["code"] == code
    assert detail in answer["error"]["error_data"]["details"]
    assert wa.sent == [] and wa.calls[0].error == code


async def test_read_receipt(wa: FakeWhatsApp, api: httpx.AsyncClient, hook: Hook) -> None:
    wamid = await wa.user_says(USER, "مرحبا")
    read = {"messaging_product": "whatsapp", "status": "read", "message_id": wamid}
    typing = {**read, "typing_indicator": {"type": "text"}}
    assert await send(api, typing) == (200, {"success": True})
    assert await send(api, read) == (200, {"success": True})
    assert [(r.message_id, r.typing) for r in wa.reads] == [(wamid, True), (wamid, False)]
    status, answer = await send(api, {**read, "message_id": "wamid.unknown"})
    assert (status, answer["error"]["code"]) == (400, 100)
    status, answer = await send(api, {**read, "typing_indicator": {"type": "audio"}})
    assert (status, answer["error"]["code"]) == (400, 131009)
    assert wa.sent == []


@pytest.mark.parametrize(
    ("code", "http"),
    [(130429, 429), (190, 401), (1, 500), (2, 503)]
    + [(code, 400) for code in (131056, 131026, 131051, 131048, 131049)],
)
async def test_injected_error_then_recovery(
    wa: FakeWhatsApp, api: httpx.AsyncClient, code: int, http: int
) -> None:
    wa.fail_next(code)
    status, answer = await send(api, text())
    assert (status, answer["error"]["code"]) == (http, code)
    assert answer["error"]["type"] == "OAuthException"
    assert (await send(api, text()))[0] == 200
    assert len(wa.sent) == 1


async def test_fault_times_and_recipient(wa: FakeWhatsApp, api: httpx.AsyncClient) -> None:
    wa.fail_next(131026, times=2, to=OTHER)
    wa.fail_next(2, http_status=502, to=USER)
    outcomes = [(await send(api, text(to=to)))[0] for to in (OTHER, USER, OTHER, USER, OTHER)]
    assert outcomes == [400, 502, 400, 200, 200]
    assert [m.to for m in wa.sent] == [USER, OTHER]


async def test_closed_window(wa: FakeWhatsApp, api: httpx.AsyncClient, hook: Hook) -> None:
    wa.close_window(USER)
    status, answer = await send(api, text())
    assert status == 200
    free_form = answer["messages"][0]["id"]
    status, answer = await send(api, template("أحمد"))
    assert status == 200 and answer["messages"][0]["message_status"] == "accepted"
    await wa.flush()
    [failed] = hook.statuses()
    assert (failed["id"], failed["status"], failed["recipient_id"]) == (free_form, "failed", USER)
    assert failed["errors"][0]["code"] == 131047
    assert failed["errors"][0]["title"] == "Re-engagement message"
    assert all(valid for _, valid, _ in hook.posts)
    assert [m.error for m in wa.sent] == [131047, None]
    await wa.user_says(USER, "أنا هنا")  # the user writes: the window opens
    await send(api, text())
    await wa.flush()
    assert wa.sent[-1].error is None and len(hook.statuses()) == 1


async def test_require_window(wa: FakeWhatsApp, api: httpx.AsyncClient, hook: Hook) -> None:
    wa.require_window = True  # closed for users who never wrote
    await wa.user_says(USER, "مرحبا")
    await send(api, text(to=USER))
    await send(api, text(to=OTHER))
    assert [(m.to, m.error) for m in wa.sent] == [(USER, None), (OTHER, 131047)]


async def test_media(wa: FakeWhatsApp, api: httpx.AsyncClient) -> None:
    data = b"\x89PNG fake image"
    media_id = wa.add_media(data, "image/png", "photo.png")
    info = (await api.get(f"/{media_id}")).json()
    assert info["messaging_product"] == "whatsapp" and info["id"] == media_id
    assert info["mime_type"] == "image/png" and info["file_size"] == len(data)
    assert info["sha256"] == hashlib.sha256(data).hexdigest()
    assert info["url"].startswith(f"{wa.base_root}/media/{media_id}?token=")
    download = await api.get(info["url"])
    assert (download.status_code, download.content) == (200, data)
    async with httpx.AsyncClient() as anonymous:
        refused = await anonymous.get(info["url"])
    assert (refused.status_code, refused.json()["error"]["code"]) == (401, 190)
    assert (await api.get(info["url"] + "x")).status_code == 404
    wa.expire_media(media_id)
    lookup, gone = await api.get(f"/{media_id}"), await api.get(info["url"])
    assert (lookup.status_code, lookup.json()["error"]["code"]) == (400, 100)
    assert "does not exist" in lookup.json()["error"]["error_data"]["details"]
    assert (gone.status_code, gone.json()["error"]["code"]) == (404, 100)
    assert (await api.get("/999")).status_code == 400
    always, once = wa.add_media(b"a", "audio/ogg"), wa.add_media(b"b", "image/jpeg")
    wa.fail_media_download(always)
    wa.fail_media_download(once, times=1)
    urls = [(await api.get(f"/{m}")).json()["url"] for m in (always, always, once, once)]
    assert [(await api.get(url)).status_code for url in urls] == [500, 500, 500, 200]


async def test_throughput_limit_130429(wa: FakeWhatsApp, api: httpx.AsyncClient) -> None:
    now = frozen_clock(wa)
    for _ in range(80):
        assert (await send(api, text()))[0] == 200
    status, answer = await send(api, text())
    assert (status, answer["error"]["code"]) == (429, 130429)
    assert (wa.rate_limited, wa.max_in_any_second(), len(wa.sent)) == (1, 80, 80)
    now[0] += 1.0
    assert (await send(api, text()))[0] == 200
    assert wa.max_in_any_second() == 80


async def test_pair_rate_limit_131056(wa: FakeWhatsApp, api: httpx.AsyncClient) -> None:
    now = frozen_clock(wa)
    wa.pair_interval = 1.0
    assert (await send(api, text(to=USER)))[0] == 200
    status, answer = await send(api, text(to=USER))
    assert (status, answer["error"]["code"]) == (400, 131056)
    assert (await send(api, text(to=OTHER)))[0] == 200
    now[0] += 1.0
    assert (await send(api, text(to=USER)))[0] == 200
    assert wa.pair_limited == 1 and [m.to for m in wa.sent] == [USER, OTHER, USER]


STATUS_OPTIONS = {
    None: ["sent", "delivered", "read"],
    "skip_delivered": ["sent", "read"],
    "duplicate_statuses": ["sent", "sent", "delivered", "delivered", "read", "read"],
}


@pytest.mark.parametrize(("option", "expected"), STATUS_OPTIONS.items())
async def test_auto_statuses(
    wa: FakeWhatsApp, api: httpx.AsyncClient, hook: Hook, option: str | None, expected: list[str]
) -> None:
    wa.auto_statuses = ["sent", "delivered", "read"]
    if option:
        setattr(wa, option, True)
    _, answer = await send(api, text())
    await wa.flush()
    statuses = hook.statuses()
    assert [s["status"] for s in statuses] == expected
    assert {s["id"] for s in statuses} == {answer["messages"][0]["id"]}
    assert all(s["recipient_id"] == USER and s["timestamp"].isdigit() for s in statuses)
    assert all(valid for _, valid, _ in hook.posts)


async def test_statuses_out_of_order(wa: FakeWhatsApp, api: httpx.AsyncClient, hook: Hook) -> None:
    wa.auto_statuses, wa.shuffle_statuses = ["sent", "delivered", "read"], True
    for _ in range(3):
        await send(api, text())
    await wa.flush()
    for record in wa.sent:
        order = [s["status"] for s in hook.statuses() if s["id"] == record.wamid]
        assert sorted(order) == ["delivered", "read", "sent"] and order != wa.auto_statuses


async def test_deliver_signs_retries_and_duplicates(wa: FakeWhatsApp, hook: Hook) -> None:
    payload = wa.text_message(USER, "سؤال عن الخدمة/الموعد")
    hook.answers = [500, 503]
    assert await wa.deliver(payload, retries=3) == [500, 503, 200]
    assert await wa.deliver(payload, times=2) == [200, 200]
    assert await wa.deliver(payload, sign=False) == [200]
    assert await wa.deliver(payload, secret="not-the-secret") == [200]
    assert [p == payload for p, _, _ in hook.posts] == [True] * 7
    assert [valid for _, valid, _ in hook.posts] == [True] * 5 + [False, False]
    raw = hook.posts[0][2]
    assert raw.isascii() and b"\\/" in raw  # Meta escapes: verify the raw body, not a re-dump
    assert [w.status for w in wa.webhooks] == [500, 503, 200, 200, 200, 200, 200]
    assert [w.attempt for w in wa.webhooks][:3] == [1, 2, 3]


async def test_deliver_to_nobody_listening(wa: FakeWhatsApp) -> None:
    runner, wa.webhook_url = await receiver(Hook("x").handle)
    await runner.cleanup()
    assert await wa.deliver(wa.text_message(USER, "مرحبا"), retries=1) == [0, 0]


def value(payload: JsonDict) -> JsonDict:
    assert payload["object"] == "whatsapp_business_account"
    return payload["entry"][0]["changes"][0]["value"]  # type: ignore[no-any-return]


async def test_builders_make_metas_payloads(wa: FakeWhatsApp, api: httpx.AsyncClient) -> None:
    _, answer = await send(api, buttons("نعم"))
    shown = answer["messages"][0]["id"]
    photo = wa.add_media(b"jpeg", "image/jpeg")
    built = {
        "text": wa.text_message(USER, "مرحبا", name="منى"),
        "button": wa.button_reply(USER, "b0", "نعم"),
        "list": wa.list_reply(USER, "r1", "خيار", "وصف"),
        "template": wa.template_button(USER, "window:open", "متابعة"),
        "image": wa.image(USER, photo, caption="صورة"),
        "document": wa.document(USER, "77", "cv.pdf"),
        "voice": wa.voice(USER, "78"),
        "sticker": wa.sticker(USER, "79"),
        "contact": wa.contact(USER, "+966 50 000 0003", "966500000003"),
        "location": wa.location(USER, 24.7, 46.7, name="الرياض"),
        "unsupported": wa.unsupported(USER),
    }
    assert all(value(p)["metadata"]["phone_number_id"] == "1098765" for p in built.values())
    messages = {key: value(payload)["messages"][0] for key, payload in built.items()}
    assert len({m["id"] for m in messages.values()}) == len(messages)
    assert all(m["from"] == USER and m["timestamp"].isdigit() for m in messages.values())
    assert value(built["text"])["contacts"] == [{"profile": {"name": "منى"}, "wa_id": USER}]
    assert messages["text"]["text"] == {"body": "مرحبا"}
    assert messages["button"]["interactive"]["button_reply"] == {"id": "b0", "title": "نعم"}
    assert messages["button"]["context"]["id"] == shown
    assert messages["list"]["interactive"]["list_reply"]["description"] == "وصف"
    assert messages["template"]["button"] == {"payload": "window:open", "text": "متابعة"}
    image = messages["image"]["image"]
    assert (image["id"], image["mime_type"], image["caption"]) == (photo, "image/jpeg", "صورة")
    assert image["sha256"] == hashlib.sha256(b"jpeg").hexdigest()
    assert messages["document"]["document"]["filename"] == "cv.pdf"
    assert messages["voice"]["type"] == "audio" and messages["voice"]["audio"]["voice"] is True
    assert messages["sticker"]["sticker"]["mime_type"] == "image/webp"
    phone = messages["contact"]["contacts"][0]["phones"][0]
    assert phone == {"phone": "+966 50 000 0003", "type": "CELL", "wa_id": "966500000003"}
    place = messages["location"]["location"]
    assert place == {"latitude": 24.7, "longitude": 46.7, "name": "الرياض"}
    assert messages["unsupported"]["errors"][0]["code"] == 131051
    [entry] = value(wa.status(shown, "failed", USER, error_code=131026))["statuses"]
    assert (entry["id"], entry["status"], entry["errors"][0]["code"]) == (shown, "failed", 131026)


def test_signature_is_hmac_sha256_of_the_raw_body() -> None:
    body = '{"a":"ب"}'.encode()
    expected = hmac.new(b"app-secret", body, hashlib.sha256).hexdigest()
    assert signature(body, "app-secret") == f"sha256={expected}"
