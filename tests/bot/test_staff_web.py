"""The staff inbox over HTTP (ASGI), against a real database (SQLite and PostgreSQL).

What a browser sees: redirects to the sign-in page, 401 from the JSON endpoint, a form
refused without its CSRF token, sign-in attempts throttled, a researcher who can't reveal
what an admin can (and the audit event the admin's look leaves), the case actions.
"""

from __future__ import annotations

import re
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import select

from bot.channels.telegram.client import make_bot
from bot.channels.telegram.files import TelegramFiles
from bot.staff_web.session import SESSION_COOKIE
from faq.service import FaqService
from handlers.staff_inbox import mask_chat
from handlers.types import Attachment, Incoming
from storage.crypto import Vault
from storage.db import Database
from storage.models import AuditEvent, Conversation, RequestAttachment, SupportRequest
from tests.bot.staff_stack import (
    ARABIC,
    PASSWORD,
    add_member,
    arabic_page,
    client,
    csrf_of,
    sign_in,
    staff_app,
    tr,
)
from tests.fakes.telegram import FakeTelegram
from tests.handlers.chats import Chat, submit
from tests.report_data import seed

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


async def test_nothing_answers_without_a_session(app: tuple[FastAPI, dict[str, Any]]) -> None:
    application, _ = app
    async with client(application) as browser:
        for path in (
            "/staff",
            "/staff/cases?tab=mine",
            "/staff/cases/1",
            "/staff/requests",
            "/staff/requests/2611-00001",
            "/staff/reports",
            "/staff/anything/else",
        ):
            response = await browser.get(path)
            assert response.status_code == 303, path
            location = response.headers["location"]
            assert location.startswith("/staff/login?next=%2Fstaff"), location
        api = await browser.get("/staff/api/cases/1/messages?after=0")
        assert api.status_code == 401
        assert api.json() == {"error": tr("staffweb-error-signed-out")}
        posted = await browser.post("/staff/cases/1/reply", data={"text": "hi"})
        assert posted.status_code == 303 and posted.headers["location"].startswith("/staff/login")
    async with client(application) as forger:
        forger.cookies.set(SESSION_COOKIE, "forged.cookie", path="/staff")
        assert (await forger.get("/staff/cases")).status_code == 303


async def test_sign_in_sets_a_safe_session_and_goes_where_it_was_asked(
    app: tuple[FastAPI, dict[str, Any]],
) -> None:
    application, _ = app
    async with client(application) as browser:
        page = await browser.get("/staff/login")
        assert arabic_page(page, tr("staffweb-login-title"))
        assert "httponly" in page.headers["set-cookie"].lower()
        wrong = await sign_in(browser, "sara", "not the password")
        assert wrong.status_code == 401 and arabic_page(wrong, tr("staffweb-login-failed"))
        assert SESSION_COOKIE not in wrong.cookies

        done = await sign_in(browser, "sara", next_url="/staff/requests?status=submitted")
        assert done.status_code == 303
        assert done.headers["location"] == "/staff/requests?status=submitted"
        cookie = [
            c for c in done.headers.get_list("set-cookie") if c.startswith(SESSION_COOKIE + "=")
        ]
        assert len(cookie) == 1
        flags = cookie[0].lower()
        assert "httponly" in flags and "samesite=lax" in flags and "path=/staff" in flags
        cases = await browser.get("/staff/cases")
        assert cases.status_code == 200 and arabic_page(cases, "موظف sara")
        # Every asset is local.
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", cases.text)
        for asset in re.findall(r"""(?:src|href)="(/static/[^"]+)""", cases.text):
            assert (await browser.get(asset)).status_code == 200

    async with client(application) as other:
        # `next` never leads to another site.
        away = await sign_in(other, "boss", next_url="https://evil.example/staff")
        assert away.headers["location"] == "/staff/cases"


async def test_a_form_without_its_csrf_token_is_refused_in_arabic(
    app: tuple[FastAPI, dict[str, Any]],
) -> None:
    application, holder = app
    await holder["engine"].handle(Incoming("web", "v1", "v1", text="ابي اكلم موظف"))
    async with client(application) as browser:
        # Sign-in itself needs the token of the page it came from.
        await browser.get("/staff/login")
        bare = await browser.post("/staff/login", data={"username": "sara", "password": PASSWORD})
        assert bare.status_code == 403 and arabic_page(bare, tr("staffweb-error-csrf"))

        await sign_in(browser, "sara")
        page = await browser.get("/staff/cases/1")
        assert page.status_code == 200
        token = csrf_of(page.text)
        for data in ({"text": "مرحبا"}, {"text": "مرحبا", "csrf": "wrong"}):
            refused = await browser.post("/staff/cases/1/reply", data=data)
            assert refused.status_code == 403
            assert arabic_page(refused, tr("staffweb-error-csrf"))
        assert (await holder["engine"].transcript("web", "v1"))[-1].direction == "out"
        assert "مرحبا" not in (await holder["engine"].transcript("web", "v1"))[-1].text

        sent = await browser.post("/staff/cases/1/reply", data={"text": "مرحبا", "csrf": token})
        assert sent.status_code == 303 and sent.headers["location"] == "/staff/cases/1?sent=1"
        assert (await holder["engine"].transcript("web", "v1"))[-1].text.endswith("مرحبا")
        # The header works as well as the field (for scripts on the page).
        claimed = await browser.post(
            "/staff/cases/1/claim", content=b"", headers={**FORM, "X-CSRF-Token": token}
        )
        assert claimed.status_code == 303


async def test_sign_in_attempts_are_throttled_per_username_and_address_pair(
    app: tuple[FastAPI, dict[str, Any]],
) -> None:
    application, _ = app
    async with client(application, "10.0.0.1") as attacker:
        for _ in range(5):
            assert (await sign_in(attacker, "sara", "guess guess")).status_code == 401
        blocked = await sign_in(attacker, "sara")  # even the right password now waits
        assert blocked.status_code == 429
        assert arabic_page(blocked, "حاول مرة أخرى بعد 15 دقيقة")
        # The same address, another name: slowed down a little, never locked out.
        assert (await sign_in(attacker, "boss")).status_code == 303
    async with client(application, "10.0.0.2") as owner:
        # A stranger's five guesses don't lock sara out from where she works.
        assert (await sign_in(owner, "sara")).status_code == 303


async def test_a_researcher_cannot_reveal_and_an_admins_look_is_audited(
    app: tuple[FastAPI, dict[str, Any]], database: Database
) -> None:
    application, holder = app
    reference = await submit(Chat(holder["engine"]))
    async with client(application) as researcher:
        await sign_in(researcher, "sara")
        page = await researcher.get(f"/staff/requests/{reference}")
        assert page.status_code == 200
        assert "1*******39" in page.text and "+9665*****321" in page.text
        assert "1098765439" not in page.text and "558764321" not in page.text
        assert "amina" not in page.text  # the beneficiary's chat id keys their chat
        refused = await researcher.post(
            f"/staff/requests/{reference}/reveal", data={"csrf": csrf_of(page.text)}
        )
        assert refused.status_code == 403
        assert arabic_page(refused, tr("staffweb-error-reveal-forbidden"))
        assert "1098765439" not in refused.text
    async with client(application) as admin:
        await sign_in(admin, "boss")
        page = await admin.get(f"/staff/requests/{reference}")
        shown = await admin.post(
            f"/staff/requests/{reference}/reveal", data={"csrf": csrf_of(page.text)}
        )
        assert shown.status_code == 200
        assert "1098765439" in shown.text and "+966558764321" in shown.text
        assert shown.headers["cache-control"] == "no-store"
    async with database.reading() as s:
        events = (
            await s.execute(
                select(AuditEvent.actor, AuditEvent.subject).where(
                    AuditEvent.action == "request.revealed"
                )
            )
        ).all()
    assert events == [("staff:boss", f"request:{reference}")]


async def test_cases_list_case_page_and_new_messages_as_json(
    app: tuple[FastAPI, dict[str, Any]],
) -> None:
    application, holder = app
    engine = holder["engine"]
    await engine.handle(Incoming("web", "v1", "v1", text="ابي اكلم موظف"))
    async with client(application) as browser:
        await sign_in(browser, "sara")
        listing = await browser.get("/staff/cases")
        assert "حالة رقم 1" in listing.text and tr("staffweb-channel-web") in listing.text
        assert "ينتظر منذ" in listing.text
        assert "حالة رقم 1" not in (await browser.get("/staff/cases?tab=mine")).text
        page = await browser.get("/staff/cases/1")
        assert "ابي اكلم موظف" in page.text
        last = int(re.search(r'data-last-id="(\d+)"', page.text).group(1))  # type: ignore[union-attr]
        empty = await browser.get(f"/staff/api/cases/1/messages?after={last}")
        assert empty.json()["messages"] == [] and empty.json()["status"] == "open"

        await engine.handle(Incoming("web", "v1", "v1", text="أنا بانتظاركم"))
        newer = (await browser.get(f"/staff/api/cases/1/messages?after={last}")).json()
        assert newer["messages"][0]["text"] == "أنا بانتظاركم"
        assert newer["messages"][0]["author_label"] == "المستفيد"

        token = csrf_of(page.text)
        await browser.post("/staff/cases/1/claim", data={"csrf": token})
        assert "حالة رقم 1" in (await browser.get("/staff/cases?tab=mine")).text
        closed = await browser.post("/staff/cases/1/close", data={"csrf": token})
        assert closed.status_code == 303
        again = await browser.post("/staff/cases/1/reply", data={"csrf": token, "text": "x"})
        assert again.status_code == 409 and arabic_page(again, "الحالة 1 مغلقة.")
        missing = await browser.get("/staff/cases/999")
        assert missing.status_code == 404 and arabic_page(missing, "لا توجد حالة رقم 999")


async def test_status_change_with_a_note_and_a_telegram_attachment(
    app: tuple[FastAPI, dict[str, Any]], database: Database, tg: FakeTelegram
) -> None:
    application, holder = app
    reference = await submit(Chat(holder["engine"]))
    update = tg.user_sends_document(77, file_name="تقرير.pdf", file_size=4096)
    bot = make_bot(tg.token, tg.base_url)
    holder["backend"].files = TelegramFiles(bot)
    async with database.transaction() as s:
        request = (await s.execute(select(SupportRequest))).scalar_one()
        attachment = RequestAttachment(
            request_id=request.id,
            channel="telegram",
            file_id=update["message"]["document"]["file_id"],
            kind="document",
            size=4096,
            name="تقرير.pdf",
            mime="application/pdf",
            created_at=request.submitted_at,
        )
        s.add(attachment)
        await s.flush()
        attachment_id = attachment.id
    try:
        async with client(application) as browser:
            await sign_in(browser, "sara")
            page = await browser.get(f"/staff/requests/{reference}")
            token = csrf_of(page.text)
            no_note = await browser.post(
                f"/staff/requests/{reference}/status", data={"csrf": token, "status": "needs_info"}
            )
            assert no_note.status_code == 409
            assert tr("staffweb-error-needs-note") in no_note.text
            moved = await browser.post(
                f"/staff/requests/{reference}/status",
                data={"csrf": token, "status": "needs_info", "note": "صورة الهوية"},
            )
            assert moved.status_code == 303
            shown = await browser.get(moved.headers["location"])
            assert tr("staffweb-status-saved") in shown.text and "صورة الهوية" in shown.text
            told = (await holder["engine"].transcript("web", "amina"))[-1].text
            assert "بحاجة إلى استكمال" in told and "صورة الهوية" in told

            filtered = await browser.get("/staff/requests?status=needs_info")
            assert f'data-reference="{reference}"' in filtered.text
            closed = await browser.get("/staff/requests?status=closed")
            assert f'data-reference="{reference}"' not in closed.text

            file = await browser.get(f"/staff/requests/{reference}/attachments/{attachment_id}")
            assert file.status_code == 200 and len(file.content) == 4096
            assert file.headers["content-type"] == "application/pdf"
            assert file.headers["content-disposition"].startswith("inline;")
            assert "sandbox" in file.headers["content-security-policy"]
            web_file = await browser.get(f"/staff/requests/{reference}/attachments/1")
            assert web_file.status_code == 404
            assert arabic_page(web_file, tr("staffweb-error-attachment-unavailable"))
    finally:
        await bot.session.close()


async def test_the_visitor_polls_and_gets_what_staff_wrote(
    app: tuple[FastAPI, dict[str, Any]],
) -> None:
    application, _ = app
    async with client(application) as visitor:
        assert (await visitor.get("/")).status_code == 200
        asked = await visitor.post("/api/chat", json={"text": "ابي اكلم موظف"})
        assert asked.status_code == 200
        history = (await visitor.get("/api/chat/history")).json()["messages"]
        last = history[-1]["id"]
        assert [m["id"] for m in history] == sorted(m["id"] for m in history)
        nothing = (await visitor.get(f"/api/chat/history?after={last}")).json()
        assert nothing == {"messages": [], "reset": False}

        async with client(application) as staff:
            await sign_in(staff, "sara")
            page = await staff.get("/staff/cases/1")
            await staff.post(
                "/staff/cases/1/reply", data={"csrf": csrf_of(page.text), "text": "أهلاً بك"}
            )
        news = (await visitor.get(f"/api/chat/history?after={last}")).json()
        assert [m["text"] for m in news["messages"]] == ["موظف sara من فريق الجمعية:\nأهلاً بك"]
        assert news["messages"][0]["id"] > last and news["reset"] is False
        bad = await visitor.get("/api/chat/history?after=-1")
        assert bad.status_code == 400 and ARABIC.search(bad.json()["error"])


async def test_a_file_sent_on_telegram_opens_a_case_and_staff_can_view_it(
    app: tuple[FastAPI, dict[str, Any]], database: Database, tg: FakeTelegram
) -> None:
    application, holder = app
    update = tg.user_sends_photo(88, file_size=3000)
    photo = update["message"]["photo"][-1]
    bot = make_bot(tg.token, tg.base_url)
    holder["backend"].files = TelegramFiles(bot)
    sent = Attachment(photo["file_id"], "photo", 3000)
    await holder["engine"].handle(Incoming("telegram", "88", "88", attachments=(sent,)))
    try:
        async with client(application) as browser:
            await sign_in(browser, "sara")
            listing = await browser.get("/staff/cases")
            assert tr("staff-reason-media") in listing.text
            page = await browser.get("/staff/cases/1")
            link = re.search(r'href="(/staff/cases/1/messages/\d+/files/0)"', page.text)
            assert link, "no link to the file on the case page"
            file = await browser.get(link.group(1))
            assert file.status_code == 200 and len(file.content) == 3000
            assert file.headers["content-type"] == "image/jpeg"
            beyond = await browser.get(link.group(1)[:-1] + "1")
            assert beyond.status_code == 404
    finally:
        await bot.session.close()
    async with database.reading() as s:
        viewed = (
            await s.execute(select(AuditEvent.actor).where(AuditEvent.action == "case.file_viewed"))
        ).all()
    assert viewed == [("staff:sara",)]


async def test_behind_https_the_session_cookie_is_secure(
    database: Database, faq_service: FaqService
) -> None:
    application = staff_app(faq_service, {}, db=database, cookie_secure=True)
    async with application.router.lifespan_context(application):
        await add_member(database, "sara", "researcher")
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=application), base_url="https://testserver"
        ) as browser:
            done = await sign_in(browser, "sara")
            assert done.status_code == 303
            session = next(
                c for c in done.headers.get_list("set-cookie") if c.startswith(SESSION_COOKIE + "=")
            )
            assert "secure" in session.lower()
            assert (await browser.get("/staff/cases")).status_code == 200


ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def selected_status(html: str) -> str | None:
    found = re.search(r'<option value="(\w+)" selected>', html)
    return found.group(1) if found else None


async def test_needs_info_without_a_note_says_so_and_keeps_the_choice(
    app: tuple[FastAPI, dict[str, Any]], database: Database
) -> None:
    application, holder = app
    reference = await submit(Chat(holder["engine"]))
    async with client(application) as browser:
        await sign_in(browser, "sara")
        page = await browser.get(f"/staff/requests/{reference}")
        assert selected_status(page.text) is None  # nothing chosen yet: the first option
        token = csrf_of(page.text)
        for note in ("", "   "):
            refused = await browser.post(
                f"/staff/requests/{reference}/status",
                data={"csrf": token, "status": "needs_info", "note": note},
            )
            assert refused.status_code == 409
            assert arabic_page(refused, tr("staffweb-error-needs-note"))
            assert "--note" not in refused.text
            # Saving again as the page stands asks for needs-info, not the first status.
            assert selected_status(refused.text) == "needs_info"
        too_long = await browser.post(
            f"/staff/requests/{reference}/status",
            data={"csrf": token, "status": "rejected", "note": "ن" * 2001},
        )
        assert too_long.status_code == 413 and selected_status(too_long.text) == "rejected"
        assert "ن" * 2001 in too_long.text  # what was typed is not lost
    async with database.reading() as s:
        assert (await s.execute(select(SupportRequest.status))).scalar_one() == "submitted"


async def test_a_reference_in_arabic_indic_digits_finds_the_request(
    app: tuple[FastAPI, dict[str, Any]],
) -> None:
    application, holder = app
    reference = await submit(Chat(holder["engine"]))
    typed = reference.translate(ARABIC_DIGITS)
    async with client(application) as browser:
        await sign_in(browser, "sara")
        opened = await browser.get(f"/staff/requests/{typed}")
        assert opened.status_code == 303
        assert opened.headers["location"] == f"/staff/requests/{reference}"
        for search in (typed, f" {typed.replace('-', 'ـ')} ", reference.replace("-", " ")):
            found = await browser.get("/staff/requests", params={"q": search})
            assert found.status_code == 303, search
            assert found.headers["location"] == f"/staff/requests/{reference}"
        none = await browser.get("/staff/requests", params={"q": "٢٦١٢-٩٩٩٩٩"})
        assert none.status_code == 200 and arabic_page(none, tr("staffweb-requests-empty"))
        assert 'value="٢٦١٢-٩٩٩٩٩"' in none.text  # the search box keeps what was typed
        page = await browser.get(f"/staff/requests/{reference}")
        moved = await browser.post(
            f"/staff/requests/{typed}/status",
            data={"csrf": csrf_of(page.text), "status": "under_review", "note": ""},
        )
        assert moved.status_code == 303
        assert moved.headers["location"] == f"/staff/requests/{reference}?saved=1"
        shown = await browser.get(moved.headers["location"])
        assert tr("staffweb-status-saved") in shown.text


async def test_a_researcher_is_not_offered_the_reveal_an_admin_has(
    app: tuple[FastAPI, dict[str, Any]],
) -> None:
    application, holder = app
    reference = await submit(Chat(holder["engine"]))
    async with client(application) as researcher:
        await sign_in(researcher, "sara")
        page = await researcher.get(f"/staff/requests/{reference}")
        assert page.status_code == 200 and "1*******39" in page.text
        assert tr("staffweb-reveal") not in page.text and "/reveal" not in page.text
    async with client(application) as admin:
        await sign_in(admin, "boss")
        page = await admin.get(f"/staff/requests/{reference}")
        assert tr("staffweb-reveal") in page.text and f"/requests/{reference}/reveal" in page.text


async def test_a_wrong_password_keeps_the_username_typed(
    app: tuple[FastAPI, dict[str, Any]],
) -> None:
    application, _ = app
    async with client(application) as browser:
        wrong = await sign_in(browser, "sara", "not the password")
        assert wrong.status_code == 401
        assert re.search(r'id="username"[^>]*value="sara"', wrong.text)
        assert re.search(r'id="password"[^>]*autofocus', wrong.text)
        assert "not the password" not in wrong.text
        odd = await sign_in(browser, '"><script>x</script>', "nope")
        assert "<script>x</script>" not in odd.text  # escaped, never markup


async def test_cases_name_the_person_and_the_transcript_reads_as_words(
    app: tuple[FastAPI, dict[str, Any]], database: Database
) -> None:
    application, holder = app
    engine = holder["engine"]
    cookie = "Ru8fK2xPq0LmdQ"  # an anonymous visitor's cookie id
    await engine.handle(Incoming("web", cookie, cookie, text="/start"))
    await engine.handle(Incoming("web", cookie, cookie, text="ابي اكلم موظف"))
    await engine.handle(
        Incoming("telegram", "5550001", "5550001", text="/start", display_name="Ahmad Ali")
    )
    await engine.handle(Incoming("telegram", "5550001", "5550001", text="ابي اكلم موظف"))
    filer = Chat(engine, "v-filer")
    await submit(filer)  # her request says سارة محمد العتيبي
    await filer.say("ابي اكلم موظف")
    async with database.reading() as s:
        ids = dict(
            (await s.execute(select(Conversation.chat_id, Conversation.beneficiary_id))).all()
        )
    async with client(application) as browser:
        await sign_in(browser, "sara")
        listing = (await browser.get("/staff/cases")).text
        assert f"زائر الموقع {ids[cookie]}" in listing
        assert "Ahmad Ali · مستخدم تيليجرام" in listing
        assert f"سارة · زائر الموقع {ids['v-filer']}" in listing
        assert "العتيبي" not in listing  # a first name is enough to tell people apart
        for secret in (cookie, mask_chat(cookie), mask_chat("5550001")):
            assert secret not in listing

        page = await browser.get("/staff/cases/1")
        assert re.search(rf'id="case-who">\s*زائر الموقع {ids[cookie]}\s*<', page.text)
        assert mask_chat(cookie) not in page.text and cookie not in page.text
        transcript = page.text.split('id="transcript"')[1]
        assert "/start" not in transcript
        assert tr("staffweb-command-start") in transcript
        polled = (await browser.get("/staff/api/cases/1/messages?after=0")).json()["messages"]
        assert polled[0]["text"] == tr("staffweb-command-start") and polled[0]["command"]
        assert polled[1]["text"] != tr("staffweb-command-start")

        reference = (await browser.get("/staff/requests")).text
        found = re.search(r'data-reference="([^"]+)"', reference)
        assert found
        request_page = (await browser.get(f"/staff/requests/{found.group(1)}")).text
        declared = re.search(r'id="declaration"[^>]*>([^<]+)<', request_page)
        assert declared and "وافق على الإقرار" in declared.group(1)
        assert "النسخة 1 من نص الإقرار" in declared.group(1)
        assert "v-test" not in declared.group(1)  # the stored version is a hash of the text


async def test_the_reports_page_counts_in_arabic_and_headings_its_charts(
    app: tuple[FastAPI, dict[str, Any]], database: Database
) -> None:
    application, _ = app
    seeded = await seed(database, Vault(b"k" * 32))
    async with client(application) as browser:
        await sign_in(browser, "sara")
        page = await browser.get("/staff/reports?since=2026-11-01&until=2026-11-30")
        assert page.status_code == 200
        average = re.search(r'data-testid="csat-average">([^<]+)<', page.text)
        assert average and average.group(1) == "متوسط التقييم 3.8 من 5 (6 إجابات)"
        one = await browser.get("/staff/reports?since=2026-11-04&until=2026-11-04")
        assert "متوسط التقييم 5.0 من 5 (إجابة واحدة)" in one.text  # 5.0, never 5.00 or 5
        # The period's button is a button like the page's others.
        assert re.search(r'<button type="submit" class="primary" id="period-show">', page.text)
        # Each chart's title is a heading of the page; the drawing repeats none of it.
        for testid, title in (
            ("chart-csat-over-time", tr("report-chart-csat-over-time")),
            ("chart-distribution", tr("report-chart-distribution")),
            ("chart-by-status", tr("report-chart-by-status")),
        ):
            section = page.text.split(f'data-testid="{testid}">')[1].split("</section>")[0]
            assert section.startswith(f"<h2>{title}</h2>"), testid
            assert 'class="title"' not in section and f"aria-label={title!r}" in section.replace(
                '"', "'"
            )
        export = await browser.get("/staff/reports/surveys.csv?since=2026-11-01&until=2026-11-30")
        assert export.text.count(seeded.staff_name) == 5  # all six but the campaign's
