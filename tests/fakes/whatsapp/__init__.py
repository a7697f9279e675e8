"""A fake WhatsApp Business Cloud API server for tests and benchmarks.

It speaks the Cloud API's wire format for what Tawasul uses (issue 14's contract): ``POST
{base}/{phone_number_id}/messages`` with a bearer token (text, reply buttons, lists,
templates; the read receipt with its typing indicator), media lookup and download, and
Meta's error answers. It validates message bodies as Meta does
(lengths as Python ``len()``), listens on 127.0.0.1 only, plays Meta's webhook side (signed
POSTs of users' messages and delivery statuses, retries, duplicates) and injects Meta's
failures (rate limits, auth, 5xx, a closed 24-hour window reported as a failed status).

Usage::

    wa = FakeWhatsApp()
    base = await wa.start()          # http://127.0.0.1:PORT/v23.0 = WHATSAPP_API_BASE
    wa.webhook_url = "http://127.0.0.1:8000/whatsapp/webhook"
    wamid = await wa.user_says("966500000001", "السلام عليكم")
    ...                              # the bot answers through base
    assert wa.sent[-1].text == "وعليكم السلام"
    await wa.stop()

Everything except ``start``/``stop``, ``deliver``/``user_*`` (they post) and ``flush`` is
synchronous and must be called from the event loop's thread (the one the server runs on).

The modules: ``wire`` (error answers, wamids, webhook bodies, ``signature``), ``checks``
(what Meta refuses in a body), ``records`` (what the fake remembers), ``faults`` (injected
errors, closed windows), ``limits`` (throughput and pair rate limits), ``media`` (uploads,
lookup, download), ``builders`` (the webhook payloads), ``delivery`` (posting them, status
webhooks), ``server`` (the aiohttp app and the class that puts them together).
"""

from tests.fakes.whatsapp.records import Call, ReadReceipt, SentMessage, WebhookPost
from tests.fakes.whatsapp.server import FakeWhatsApp
from tests.fakes.whatsapp.wire import signature

__all__ = ["Call", "FakeWhatsApp", "ReadReceipt", "SentMessage", "WebhookPost", "signature"]
