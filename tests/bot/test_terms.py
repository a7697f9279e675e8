"""The association's own words, bound once where the profile is known: the catalogs hold no
hard-coded «مستفيد», and the staff inbox, its reports and exports, and `bot.py report` say
«العضو / طلبات العضو / رضا الأعضاء» for health-coop."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from fastapi import FastAPI
from fluent.syntax import FluentParser, ast, serialize

from bot.config import PROFILES_DIR
from bot.i18n import LOCALES_DIR, Catalog, speaking
from faq.profile import load_profile_dir, missing_phrases
from faq.service import FaqService
from handlers.types import Incoming
from storage.db import Database
from tests.bot.staff_stack import add_member, client, sign_in, staff_app
from tests.handlers.chats import Chat, file_request
from tests.processes import run_cli

NAMED = {"ar": "مستفيد", "en": "beneficiar"}
RESEARCHER = {"ar": "باحث", "en": "researcher"}
# The one place the default words are defined, and the staff account role «باحث».
TERM_DEFINITIONS = {"term-beneficiary", "term-beneficiary-indefinite", "term-beneficiaries"}
TERM_DEFINITIONS |= {"term-beneficiary-title"}
STAFF_ROLE = {"staffweb-role-researcher"}


def messages(locale: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for path in sorted((LOCALES_DIR / locale).glob("*.ftl")):
        resource = FluentParser().parse(path.read_text(encoding="utf-8"))
        for entry in resource.body:
            if isinstance(entry, ast.Message):
                found[entry.id.name] = serialize(ast.Resource([entry]))
    return found


@pytest.mark.parametrize("locale", ["ar", "en"])
def test_no_catalog_message_hard_codes_the_beneficiary_or_the_researcher(locale: str) -> None:
    texts = messages(locale)
    assert len(texts) > 300
    named = {k for k, v in texts.items() if NAMED[locale] in v.split("=", 1)[1].casefold()}
    assert named == TERM_DEFINITIONS
    researcher = {
        k for k, v in texts.items() if RESEARCHER[locale] in v.split("=", 1)[1].casefold()
    }
    assert researcher == STAFF_ROLE


def test_the_catalog_speaks_the_profiles_words_and_a_call_can_still_say_its_own() -> None:
    coop = load_profile_dir(PROFILES_DIR / "health-coop")[0]
    ar = speaking(Catalog("ar"), coop)
    assert ar("staffweb-beneficiary-requests") == "طلبات العضو"
    assert ar("staffweb-no-requests") == "لا طلبات لهذا العضو."
    assert ar("staff-unnamed") == "عضو"
    assert "رضا الأعضاء" in ar("report-title")
    assert ar("menu-human") == f"التحدث مع {coop.referral_role}"
    assert ar("staffweb-signed-in-as", name="هدى", role="مشرف") == "هدى (مشرف)"
    en = speaking(Catalog("en"), coop)
    assert en("staffweb-beneficiary-requests") == "Requests from this member"
    assert en("staffweb-beneficiary") == "Member"
    # Without a profile, the catalog's own default words.
    plain = Catalog("ar")
    assert plain("staffweb-beneficiary-requests") == "طلبات المستفيد"
    assert plain("menu-human") == f"التحدث مع {plain('default-referral-role')}"
    qader = load_profile_dir(PROFILES_DIR / "qader")[0]
    assert speaking(plain, qader)("menu-human") == plain("menu-human")


@pytest_asyncio.fixture(params=["health-coop", "little-hearts"])
async def site(
    request: pytest.FixtureRequest, database: Database
) -> AsyncIterator[tuple[FastAPI, dict[str, Any], str]]:
    slug = request.param
    faq = FaqService.from_dir(PROFILES_DIR / slug, missing_phrases(Catalog("ar").t))
    holder: dict[str, Any] = {}
    application = staff_app(faq, holder, db=database)
    async with application.router.lifespan_context(application):
        await add_member(database, "boss", "admin")
        yield application, holder, slug


async def test_the_staff_inbox_names_the_associations_people(
    site: tuple[FastAPI, dict[str, Any], str],
) -> None:
    application, holder, slug = site
    engine = holder["engine"]
    person, people = {
        "health-coop": ("العضو", "الأعضاء"),
        "little-hearts": ("المستفيد", "المستفيدين"),
    }[slug]
    await file_request(Chat(engine, "amina"), [])
    await engine.handle(Incoming("web", "v1", "v1", payload="handover:request"))
    await engine.handle(Incoming("web", "v1", "v1", text="أنتظر ردكم"))
    async with client(application) as browser:
        await sign_in(browser, "boss")
        cases = (await browser.get("/staff/cases")).text
        case = (await browser.get("/staff/cases/1")).text
        assert f"<dt>{person}</dt>" in case and f"طلبات {person}" in case
        assert f"ردك على {person}" in case
        api = (await browser.get("/staff/api/cases/1/messages?after=0")).json()
        assert {m["author_label"] for m in api["messages"]} >= {person}
        listing = (await browser.get("/staff/requests")).text
        reference = listing.split('href="/staff/requests/')[1].split('"')[0]
        page = (await browser.get(f"/staff/requests/{reference}")).text
        assert f"تصل إلى {person}" in page and f"حفظ وإبلاغ {person}" in page
        reports = (await browser.get("/staff/reports")).text
        assert f"رضا {people}" in reports
        headers = [
            (await browser.get(f"/staff/reports/{kind}.csv")).text.splitlines()[0]
            for kind in ("requests", "surveys")
        ]
    if slug == "health-coop":
        for shown in (cases, case, str(api), listing, page, reports, *headers):
            assert "مستفيد" not in shown, shown


def test_the_report_command_names_the_configured_associations_people(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TAWASUL_")}
    env.update(TAWASUL_DATA_DIR=str(tmp_path / "var"), TAWASUL_ORG="health-coop")
    result = run_cli(["report"], env)
    assert result.returncode == 0, result.stderr
    assert "تقرير رضا الأعضاء والطلبات" in result.stdout
    assert "مستفيد" not in result.stdout
