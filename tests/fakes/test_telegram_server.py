"""The fake Bot API server, exercised through real aiogram over HTTP."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from aiogram import Bot, Dispatcher
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramConflictError,
    TelegramForbiddenError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.methods import SendMessage
from aiogram.types import (
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

from tests.fakes.clients import eventually, make_bot, receiver
from tests.fakes.telegram import FakeTelegram

USER = 501


async def test_get_me_and_bad_token(tg: FakeTelegram, bot: Bot) -> None:
    me = await bot.get_me()
    assert me.id == 123456 and me.is_bot and me.username == "tawasul_test_bot"
    other = make_bot(tg, token="999:WRONG")
    with pytest.raises(TelegramUnauthorizedError):
        await other.get_me()
    await other.session.close()
    assert [c["status"] for c in tg.calls] == [200, 401]


async def test_inline_keyboard_callback_and_edit(tg: FakeTelegram, bot: Bot) -> None:
    markup = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="نعم", callback_data="yes")]]
    )
    sent = await bot.send_message(USER, "هل تريد المتابعة؟", reply_markup=markup)
    assert sent.from_user is not None and sent.from_user.id == 123456
    assert sent.reply_markup is not None
    record = tg.messages_to(USER)[0]
    assert record["text"] == "هل تريد المتابعة؟"
    assert record["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "yes"

    update = tg.user_presses(USER, sent.message_id, "yes")
    [got] = await bot.get_updates(timeout=1)
    assert got.update_id == update["update_id"]
    assert got.callback_query is not None and got.callback_query.data == "yes"
    assert isinstance(got.callback_query.message, Message)
    assert got.callback_query.message.message_id == sent.message_id
    assert await bot.answer_callback_query(got.callback_query.id, text="تم")
    with pytest.raises(TelegramBadRequest, match="query ID is invalid"):
        await bot.answer_callback_query("no-such-query")

    edited = await bot.edit_message_text("تم ✅", chat_id=USER, message_id=sent.message_id)
    assert isinstance(edited, Message) and edited.text == "تم ✅"
    assert tg.sent[-1]["method"] == "editMessageText"
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text("تم ✅", chat_id=USER, message_id=sent.message_id)
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text("x", chat_id=USER, message_id=999)
    assert len(tg.messages_to(USER)) == 1  # edits are in `sent`, not in messages_to


async def test_reply_keyboard_contact_and_remove(tg: FakeTelegram, bot: Bot) -> None:
    keyboard = ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text="مشاركة رقمي", request_contact=True)]],
        resize_keyboard=True,
        one_time_keyboard=True,
    )
    await bot.send_message(USER, "أرسل رقم جوالك", reply_markup=keyboard)
    button = tg.sent[-1]["reply_markup"]["keyboard"][0][0]
    assert button == {"text": "مشاركة رقمي", "request_contact": True}

    tg.user_shares_contact(USER, "966501234567")
    tg.user_shares_contact(USER, "+966551112222", contact_user_id=777)
    first, second = await bot.get_updates()
    assert first.message is not None and first.message.contact is not None
    assert first.message.contact.phone_number == "966501234567"
    assert first.message.contact.user_id == USER
    assert second.message is not None and second.message.contact is not None
    assert second.message.contact.user_id == 777

    await bot.send_message(USER, "شكراً", reply_markup=ReplyKeyboardRemove())
    assert tg.sent[-1]["reply_markup"] == {"remove_keyboard": True}


async def test_get_updates_offset_and_redelivery(tg: FakeTelegram, bot: Bot) -> None:
    first = tg.user_sends_text(USER, "مرحبا")["update_id"]
    second = tg.user_sends_text(USER, "/start")["update_id"]
    updates = await bot.get_updates()
    assert [u.update_id for u in updates] == [first, second]
    assert updates[1].message is not None and updates[1].message.text == "/start"
    # Not confirmed yet: asking again without an offset gives them again.
    assert [u.update_id for u in await bot.get_updates()] == [first, second]
    # Offset confirms everything before it.
    assert [u.update_id for u in await bot.get_updates(offset=second)] == [second]
    assert await bot.get_updates(offset=second + 1) == []
    assert await bot.get_updates(offset=first) == []  # confirmed updates are gone for good

    tg.redeliver(first)
    again = await bot.get_updates(offset=second + 1)
    assert [u.update_id for u in again] == [first]
    assert again[0].message is not None and again[0].message.text == "مرحبا"
    assert await bot.get_updates(offset=second + 1) == []  # the duplicate is confirmed too


async def test_long_poll_returns_when_an_update_arrives(tg: FakeTelegram, bot: Bot) -> None:
    started = time.monotonic()
    poll = asyncio.create_task(bot.get_updates(timeout=10))
    await asyncio.sleep(0.2)
    assert not poll.done()
    tg.user_sends_text(USER, "هل من أحد؟")
    updates = await asyncio.wait_for(poll, 3)
    assert len(updates) == 1 and time.monotonic() - started < 2
    # An empty long poll waits for its timeout, then answers [].
    started = time.monotonic()
    assert await bot.get_updates(offset=updates[0].update_id + 1, timeout=1) == []
    assert 0.9 < time.monotonic() - started < 2


async def test_injected_errors_map_to_aiogram_exceptions(tg: FakeTelegram, bot: Bot) -> None:
    tg.fail_next("sendMessage", status=429, retry_after=7)
    with pytest.raises(TelegramRetryAfter) as retry:
        await bot.send_message(USER, "١")
    assert retry.value.retry_after == 7
    await bot.send_message(USER, "٢")  # the fault was used up

    tg.fail_next("sendMessage", status=500, times=2, chat_id=USER)
    await bot.send_message(USER + 1, "other chat is unaffected")
    for _ in range(2):
        with pytest.raises(TelegramServerError):
            await bot.send_message(USER, "٣")
    tg.fail_next("getUpdates", status=502)
    with pytest.raises(TelegramServerError):
        await bot.get_updates()

    tg.block(USER)
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await bot.send_message(USER, "٤")
    with pytest.raises(TelegramForbiddenError):
        await bot.send_chat_action(USER, "typing")
    assert [m["text"] for m in tg.messages_to(USER)] == ["٢"]
    assert [c["status"] for c in tg.calls if c["method"] == "sendMessage"] == [
        429,
        200,
        200,
        500,
        500,
        403,
    ]


async def test_bad_requests(tg: FakeTelegram, bot: Bot) -> None:
    await bot.send_message(USER, "ب" * 4096)
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(USER, "ب" * 4097)
    long_data = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="x", callback_data="ع" * 33)]]  # 66 bytes
    )
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(USER, "x", reply_markup=long_data)
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await bot.send_message(USER, "الاسم: <محمد>", parse_mode="HTML")
    await bot.send_message(USER, "<b>مرحبا</b> &lt;محمد&gt;", parse_mode="HTML")
    assert tg.sent[-1]["text"] == "مرحبا <محمد>"
    assert tg.sent[-1]["params"]["text"] == "<b>مرحبا</b> &lt;محمد&gt;"
    assert len(tg.messages_to(USER)) == 2


async def test_webhook_delivery_secret_and_retry(tg: FakeTelegram, bot: Bot) -> None:
    seen: list[tuple[int, str | None]] = []

    async def hook(request: web.Request) -> web.Response:
        body = await request.json()
        seen.append((body["update_id"], request.headers.get("X-Telegram-Bot-Api-Secret-Token")))
        return web.Response(status=500 if len(seen) == 1 else 200)

    runner, url = await receiver(hook)
    try:
        assert await bot.set_webhook(url, secret_token="s3cr3t-Token_1")
        info = await bot.get_webhook_info()
        assert info.url == url
        with pytest.raises(TelegramConflictError):
            await bot.get_updates()
        update = tg.user_sends_text(USER, "عبر الويب هوك")
        await eventually(lambda: len(seen) == 2)
        assert seen == [(update["update_id"], "s3cr3t-Token_1")] * 2  # redelivered after 500
        assert [d["status"] for d in tg.webhook_deliveries] == [500, 200]
        info = await bot.get_webhook_info()
        assert info.pending_update_count == 0 and "500" in (info.last_error_message or "")

        tg.redeliver(update["update_id"])  # a duplicate delivery, same update_id
        await eventually(lambda: len(seen) == 3)
        assert seen[2][0] == update["update_id"]

        assert await bot.delete_webhook()
        later = tg.user_sends_text(USER, "بعد حذف الويب هوك")
        [got] = await bot.get_updates()
        assert got.update_id == later["update_id"] and len(seen) == 3
    finally:
        await runner.cleanup()


async def test_webhook_gives_up_after_bounded_attempts(tg: FakeTelegram, bot: Bot) -> None:
    attempts: list[int] = []

    async def hook(request: web.Request) -> web.Response:
        attempts.append((await request.json())["update_id"])
        return web.Response(status=503)

    tg.webhook_max_attempts = 3
    runner, url = await receiver(hook)
    try:
        await bot.set_webhook(url)
        tg.user_sends_text(USER, "١")
        await eventually(lambda: tg.pending_updates == 0)
        assert len(attempts) == 3 and len(set(attempts)) == 1
    finally:
        await runner.cleanup()


async def test_webhook_reply_in_response_body_is_executed(tg: FakeTelegram) -> None:
    dp = Dispatcher()

    @dp.message()
    async def echo(message: Message) -> SendMessage:
        return message.answer(f"صدى: {message.text}")

    bot = make_bot(tg)
    app = web.Application()
    SimpleRequestHandler(dp, bot, handle_in_background=False, secret_token="abc").register(
        app, path="/hook"
    )
    runner = web.AppRunner(app, shutdown_timeout=0.5)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        await bot.set_webhook(f"http://127.0.0.1:{runner.addresses[0][1]}/hook", secret_token="abc")
        tg.user_sends_text(USER, "سلام")
        await eventually(lambda: bool(tg.messages_to(USER)))
        assert tg.messages_to(USER)[0]["text"] == "صدى: سلام"
        assert tg.calls[-1]["via"] == "webhook"
    finally:
        await runner.cleanup()
        await bot.session.close()


async def test_enforce_limits(tg: FakeTelegram, bot: Bot) -> None:
    tg.enforce_limits = True
    await bot.send_message(USER, "١")
    with pytest.raises(TelegramRetryAfter) as retry:
        await bot.send_message(USER, "٢")
    assert retry.value.retry_after >= 1 and tg.limit_violations == 1

    group = -1001234567890
    for i in range(20):
        await bot.send_message(group, f"رسالة {i}")
    with pytest.raises(TelegramRetryAfter) as retry:
        await bot.send_message(group, "21")
    assert 1 <= retry.value.retry_after <= 60

    # 30/s overall across many chats (21 sends already in the last second).
    results: list[Any] = []
    for chat in range(1000, 1012):
        try:
            results.append(await bot.send_message(chat, "تذكير"))
        except TelegramRetryAfter as error:
            results.append(error)
    assert sum(isinstance(r, TelegramRetryAfter) for r in results) >= 3
    assert tg.limit_violations >= 5
    assert {c["status"] for c in tg.calls} == {200, 429}


async def test_forum_topics(tg: FakeTelegram, bot: Bot) -> None:
    staff = -1009876543210
    topic = await bot.create_forum_topic(staff, "حالة #12 — أحمد")
    assert topic.name == "حالة #12 — أحمد" and topic.message_thread_id > 0
    assert tg.topics[staff][0]["message_thread_id"] == topic.message_thread_id
    msg = await bot.send_message(staff, "نص المحادثة", message_thread_id=topic.message_thread_id)
    assert msg.message_thread_id == topic.message_thread_id
    assert tg.messages_to(staff)[0]["message_thread_id"] == topic.message_thread_id
    with pytest.raises(TelegramBadRequest, match="message thread not found"):
        await bot.send_message(staff, "x", message_thread_id=99999)

    tg.user_sends_text(900, "سأتواصل معه", chat_id=staff, message_thread_id=topic.message_thread_id)
    [update] = await bot.get_updates()
    assert update.message is not None
    assert update.message.message_thread_id == topic.message_thread_id
    assert update.message.chat.id == staff and update.message.is_topic_message

    assert await bot.close_forum_topic(staff, topic.message_thread_id)
    assert tg.topics[staff][0]["is_closed"]
    with pytest.raises(TelegramBadRequest, match="TOPIC_CLOSED"):
        await bot.send_message(staff, "x", message_thread_id=topic.message_thread_id)


async def test_my_commands(tg: FakeTelegram, bot: Bot) -> None:
    await bot.set_my_commands([BotCommand(command="start", description="Start")])
    await bot.set_my_commands(
        [
            BotCommand(command="start", description="ابدأ"),
            BotCommand(command="help", description="مساعدة"),
        ],
        language_code="ar",
    )
    await bot.set_my_commands(
        [BotCommand(command="menu", description="menu")], scope=BotCommandScopeAllPrivateChats()
    )
    assert tg.commands["default"] == [{"command": "start", "description": "Start"}]
    assert [c["command"] for c in tg.commands["ar"]] == ["start", "help"]
    assert "all_private_chats" in tg.commands
    got = await bot.get_my_commands(language_code="ar")
    assert [c.description for c in got] == ["ابدأ", "مساعدة"]
    with pytest.raises(TelegramBadRequest, match="BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand(command="ابدأ", description="x")])
    assert await bot.delete_my_commands(language_code="ar")
    assert "ar" not in tg.commands and await bot.get_my_commands(language_code="ar") == []


async def test_files_both_ways(tg: FakeTelegram, bot: Bot) -> None:
    tg.user_sends_photo(USER, file_size=5000, caption="صورة الهوية")
    tg.user_sends_document(USER, file_name="تقرير.pdf", file_size=3000)
    photo_update, doc_update = await bot.get_updates()
    assert photo_update.message is not None and photo_update.message.photo
    assert photo_update.message.caption == "صورة الهوية"
    largest = photo_update.message.photo[-1]
    file = await bot.get_file(largest.file_id)
    assert file.file_path and file.file_size == 5000
    data = await bot.download_file(file.file_path)
    assert data is not None and len(data.read()) == 5000
    assert doc_update.message is not None and doc_update.message.document is not None
    assert doc_update.message.document.file_name == "تقرير.pdf"

    payload = "طلب رقم ١٢٣".encode() * 10
    sent = await bot.send_document(
        USER, BufferedInputFile(payload, filename="summary.txt"), caption="ملخص"
    )
    assert sent.document is not None and sent.document.file_name == "summary.txt"
    assert tg.messages_to(USER)[-1]["caption"] == "ملخص"
    back = await bot.download(sent.document.file_id)
    assert back is not None and back.read() == payload

    await bot.send_photo(USER, largest.file_id)  # re-send by file_id
    assert tg.messages_to(USER)[-1]["file_id"] == largest.file_id
    with pytest.raises(TelegramBadRequest, match="wrong file identifier"):
        await bot.send_photo(USER, "no-such-file")


async def test_dispatcher_polling_confirms_offsets(tg: FakeTelegram) -> None:
    dp = Dispatcher()

    @dp.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text or "")

    bot = make_bot(tg)
    polling = asyncio.create_task(dp.start_polling(bot, handle_signals=False, polling_timeout=1))
    try:
        tg.user_sends_text(USER, "واحد")
        tg.user_sends_text(USER + 1, "اثنان")
        await eventually(lambda: len(tg.sent) == 2)
        assert {m["text"] for m in tg.sent} == {"واحد", "اثنان"}
        await eventually(lambda: tg.pending_updates == 0)  # the next poll carried the offset
        offsets = [c["params"].get("offset") for c in tg.calls if c["method"] == "getUpdates"]
        assert offsets[0] is None and offsets[-1] is not None
    finally:
        await dp.stop_polling()
        await asyncio.wait_for(polling, 5)
