"""CSV exports on both databases: what Excel shows, what it must never run or reveal."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from bot.i18n import Catalog
from handlers.exports import (
    MASKED,
    csv_filename,
    encode_csv,
    requests_csv,
    safe_cell,
    survey_answers_csv,
)
from storage.crypto import Vault
from storage.db import Database
from storage.models import SupportRequest
from tests.report_data import EMPTY, INJECTION, NATIONAL_ID, NOVEMBER, PHONE, seed

VAULT = Vault(b"k" * 32)
AR = Catalog("ar").t
BOM = b"\xef\xbb\xbf"


def read(data: bytes) -> list[list[str]]:
    assert data.startswith(BOM)  # Excel needs it to read UTF-8 Arabic
    return list(csv.reader(io.StringIO(data[len(BOM) :].decode("utf-8"), newline="")))


async def test_requests_export_in_arabic_with_masked_identifiers(database: Database) -> None:
    seeded = await seed(database, VAULT)
    async with database.reading() as session:
        data = await requests_csv(session, NOVEMBER, AR)
        tokens = (
            await session.execute(select(SupportRequest.national_id_enc, SupportRequest.phone_enc))
        ).all()
    header, *rows = read(data)
    assert header[:4] == ["رقم الطلب", "نوع الطلب", "الحالة", "المدينة"]
    assert header[-2:] == ["رقم الهوية (مخفي)", "الجوال (مخفي)"]
    assert [r[0] for r in rows] == [seeded.references[i] for i in (0, 1, 2, 4)]
    first = dict(zip(header, rows[0], strict=True))
    assert first["الحالة"] == "مقبول" and first["المدينة"] == "جدة"
    assert first["تاريخ التقديم (بتوقيت الرياض)"] == "2026-11-02 10:00"
    assert first["تاريخ التقديم (هجري)"] == "1448-05-22"
    assert first["تاريخ القرار (بتوقيت الرياض)"] == "2026-11-04 10:00"
    assert {r[-1] for r in rows} == {r[-2] for r in rows} == {MASKED}
    # A city typed as a formula stays text.
    assert rows[1][3] == "'-cmd|calc"
    text = data.decode("utf-8-sig")
    assert NATIONAL_ID not in text and PHONE not in text and PHONE[4:] not in text
    for national_id_enc, phone_enc in tokens:
        assert national_id_enc not in text and phone_enc not in text


async def test_survey_answers_export_links_what_and_who_was_rated(database: Database) -> None:
    seeded = await seed(database, VAULT)
    async with database.reading() as session:
        header, *rows = read(await survey_answers_csv(session, NOVEMBER, AR))
    assert header == [
        "تاريخ الإجابة (بتوقيت الرياض)",
        "تاريخ الإجابة (هجري)",
        "التقييم (1-5)",
        "التعليق",
        "سبب الاستبيان",
        "رقم الطلب",
        "رقم الحالة",
        "الموظف",
    ]
    assert [r[2] for r in rows] == ["1", "5", "5", "4", "3", "5"]
    campaign, delivered, closed = rows[0], rows[1], rows[2]
    assert campaign[3] == "'+966 اتصلوا بي" and campaign[4] == "حملة استبيان"
    assert delivered[3] == "شكراً لكم، خدمة ممتازة"
    assert delivered[4:] == ["بعد تقديم الخدمة", seeded.references[0], "", seeded.staff_name]
    assert closed[0] == "2026-11-06 23:30"
    assert closed[4:] == ["بعد إغلاق الحالة", "", str(seeded.case_ids[0]), seeded.staff_name]
    assert rows[4][3] == "'" + INJECTION  # =HYPERLINK(…) is shown, never evaluated
    # No staff member on the survey itself: the one who had the case, or last moved the
    # request; a campaign about no request names nobody.
    assert rows[3][4:] == ["بعد إغلاق الحالة", "", str(seeded.case_ids[1]), seeded.staff_name]
    assert rows[4][4:] == ["بعد تقديم الخدمة", seeded.references[4], "", seeded.staff_name]
    assert campaign[7] == ""


async def test_an_empty_period_exports_the_header_only(database: Database) -> None:
    await seed(database, VAULT)
    async with database.reading() as session:
        assert len(read(await requests_csv(session, EMPTY, AR))) == 1
        assert len(read(await survey_answers_csv(session, EMPTY, AR))) == 1


def test_cells_a_spreadsheet_would_evaluate_are_made_text() -> None:
    for formula in ("=1+1", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"):
        assert safe_cell(formula) == "'" + formula
    assert safe_cell("جدة") == "جدة" and safe_cell(None) == "" and safe_cell(-1) == "-1"
    assert safe_cell("a=b") == "a=b"
    data = encode_csv(["ع"], [["سطر\nثانٍ، و«اقتباس»"]])
    assert read(data) == [["ع"], ["سطر\nثانٍ، و«اقتباس»"]]
    assert data.endswith(b"\r\n")


def test_the_file_is_named_after_the_period_in_riyadh_days() -> None:
    assert csv_filename("requests", NOVEMBER) == "requests-2026-11-01_2026-11-30.csv"
