"""A fake Telegram Bot API server for tests and benchmarks.

It speaks the Bot API wire format (``{base}/bot{token}/{method}``, JSON or form bodies,
``{"ok": ..., "result"|"error_code"/"description"/"parameters"}`` answers) closely enough that
real aiogram 3 works against it, listens on 127.0.0.1 only, and lets a test play the users
(``user_sends_text`` …), inspect what the bot did (``sent``, ``calls`` …) and inject the
failures Telegram produces (429 with ``retry_after``, 403 blocked, 5xx, duplicate deliveries,
webhook retries, flood limits).

Usage::

    tg = FakeTelegram()
    base = await tg.start()
    bot = Bot(tg.token, session=AiohttpSession(api=TelegramAPIServer.from_base(base)))
    tg.user_sends_text(42, "السلام عليكم")
    updates = await bot.get_updates(timeout=1)

In front of several bot processes that all set the same public webhook URL, it is also their
load balancer (round-robin; a failed POST goes to another process)::

    tg.backends = ["http://127.0.0.1:8001", "http://127.0.0.1:8002", "http://127.0.0.1:8003"]
    tg.users_send_text(range(1, 601), "السلام عليكم")  # 600 chats
    ...
    tg.webhook_stats()  # answered/s, p50/p95 from first POST to 2xx
    tg.max_in_window(1.0), tg.limit_violations  # the densest second of sends; the 429s

Everything except ``start``/``stop`` is synchronous and must be called from the event loop's
thread (the one the server runs on).

The modules: ``wire`` (method names, errors, parameter decoding), ``checks`` (what Telegram
refuses in texts and keyboards), ``state`` (chats, messages, files and the simulated users),
``pending`` (the update queue, by chat), ``faults`` (injected errors, blocked chats),
``limits`` (flood limits, paid broadcasts, the densest second), ``methods`` (the Bot API
methods), ``delivery`` (getUpdates and the webhook's methods), ``webhook`` (the webhook
sender: concurrent POSTs, retries, timings, and the load balancer over ``backends``),
``server`` (the aiohttp app and the class that puts them together).
"""

from tests.fakes.telegram.server import FakeTelegram

__all__ = ["FakeTelegram"]
