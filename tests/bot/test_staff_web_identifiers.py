"""Numbers a beneficiary typed in a handover, on the staff case page (SQLite and PostgreSQL).

Staff read them masked; an admin may reveal them, which leaves an audit event; a
researcher sees no reveal button and is refused if they post the form anyway.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from sqlalchemy import select

from faq.bidi import ltr
from handlers.types import Incoming
from storage.db import Database
from storage.models import AuditEvent, HandoverCase
from tests.bot.staff_stack import CLEAR, TYPED, arabic_page, client, csrf_of, sign_in, tr


async def open_case(holder: dict[str, Any], database: Database) -> int:
    await holder["engine"].handle(Incoming("web", "v1", "v1", text=TYPED))
    async with database.reading() as s:
        return int((await s.execute(select(HandoverCase.id))).scalar_one())


async def test_the_case_page_shows_typed_numbers_masked_and_only_an_admin_reveals_them(
    app: tuple[FastAPI, dict[str, Any]], database: Database
) -> None:
    application, holder = app
    case_id = await open_case(holder, database)
    page_url = f"/staff/cases/{case_id}"
    async with client(application) as researcher:
        await sign_in(researcher, "sara")
        page = await researcher.get(page_url)
        assert page.status_code == 200
        assert ltr("1*******08") in page.text and ltr("+9665*****567") in page.text
        assert not any(c in page.text for c in CLEAR)
        assert tr("staffweb-reveal-identifiers") not in page.text  # not hers to do
        polled = await researcher.get(f"/staff/api/cases/{case_id}/messages?after=0")
        assert not any(c in polled.text for c in CLEAR)
        refused = await researcher.post(f"{page_url}/reveal", data={"csrf": csrf_of(page.text)})
        assert refused.status_code == 403
        assert arabic_page(refused, tr("staffweb-error-reveal-forbidden"))
        assert not any(c in refused.text for c in CLEAR)
    async with client(application) as admin:
        await sign_in(admin, "boss")
        page = await admin.get(page_url)
        assert tr("staffweb-reveal-identifiers") in page.text
        assert not any(c in page.text for c in CLEAR)
        forged = await admin.post(f"{page_url}/reveal", data={"csrf": "forged"})
        assert forged.status_code == 403
        shown = await admin.post(f"{page_url}/reveal", data={"csrf": csrf_of(page.text)})
        assert shown.status_code == 200 and shown.headers["cache-control"] == "no-store"
        assert arabic_page(shown, tr("staffweb-revealed-note"))
        assert tr("staffweb-identifier-national_id") + ': <bdi dir="ltr"' in shown.text
        assert ">1000000008</bdi>" in shown.text and ">+966551234567</bdi>" in shown.text
        again = await admin.get(page_url)  # revealed for that one look only
        assert not any(c in again.text for c in CLEAR)
    async with database.reading() as s:
        events = (
            await s.execute(
                select(AuditEvent.actor, AuditEvent.subject, AuditEvent.details).where(
                    AuditEvent.action == "case.identifiers_revealed"
                )
            )
        ).all()
    ((actor, subject, details),) = events
    assert (actor, subject) == ("staff:boss", f"case:{case_id}")
    assert details["fields"] == ["national_id", "phone"] and len(details["messages"]) == 1


async def test_a_case_without_typed_numbers_offers_nothing_to_reveal(
    app: tuple[FastAPI, dict[str, Any]], database: Database
) -> None:
    application, holder = app
    await holder["engine"].handle(Incoming("web", "v2", "v2", text="ابي اكلم موظف"))
    async with database.reading() as s:
        case_id = int((await s.execute(select(HandoverCase.id))).scalar_one())
    async with client(application) as admin:
        await sign_in(admin, "boss")
        page = await admin.get(f"/staff/cases/{case_id}")
        assert page.status_code == 200 and "ابي اكلم موظف" in page.text
        assert tr("staffweb-reveal-identifiers") not in page.text
