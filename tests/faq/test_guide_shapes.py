"""The shapes facts take inside a guide: hours, numbers, documents and headings, one by one."""

from __future__ import annotations

import pytest

from bot.i18n import Catalog
from faq.builder import build_profile
from faq.guide import parse_guide
from faq.hours import schedule_of

tr = Catalog("ar").t
WEEKDAYS = ["sun", "mon", "tue", "wed", "thu"]
USUAL = ("08:00", "14:00")


@pytest.mark.parametrize(
    ("text", "days", "opens", "closes"),
    [
        ("من الأحد إلى الخميس، من الساعة 8 صباحاً حتى 3 عصراً", WEEKDAYS, "08:00", "15:00"),
        ("الأحد – الخميس: ٨:٠٠ ص – ٤:٠٠ م", WEEKDAYS, "08:00", "16:00"),
        ("من السبت إلى الأربعاء 7:30 - 14:30", ["sat", *WEEKDAYS[:4]], "07:30", "14:30"),
        ("الأحد والثلاثاء والخميس من 4 إلى 9 مساءً", ["sun", "tue", "thu"], "16:00", "21:00"),
        ("من الأحد إلى الخميس من الساعة الثامنة صباحاً حتى الثانية ظهراً", WEEKDAYS, *USUAL),
        ("Sunday – Thursday, 9:00 AM – 5:00 PM", WEEKDAYS, "09:00", "17:00"),
        # Ramadan's hours are not the usual week's.
        ("في رمضان من 10 إلى 2، وبقية العام الأحد – الخميس 8 – 4", None, None, None),
        ("من الأحد إلى الخميس من 8 صباحاً حتى 2 ظهراً، وفي رمضان من 10 حتى 3", WEEKDAYS, *USUAL),
    ],
)
def test_days_and_hours_become_a_schedule(
    text: str, days: list[str] | None, opens: str | None, closes: str | None
) -> None:
    schedule = schedule_of(text)
    if days is None:
        assert schedule is None
        return
    assert schedule == {"days": days, "open": opens, "close": closes, "timezone": "Asia/Riyadh"}


@pytest.mark.parametrize("text", ["الدوام حسب الجدول المعلن", "8 صباحاً حتى 2 ظهراً", "كل الأيام"])
def test_no_schedule_without_both_days_and_hours(text: str) -> None:
    assert schedule_of(text) is None


def _guide(*body: str) -> str:
    head = ["جمعية البر بالخرج", "", "الهدف العام:", "خدمة الأسر المحتاجة في محافظة الخرج.", ""]
    return "\n".join([*head, *body])


def _profile(*body: str):  # type: ignore[no-untyped-def]
    return build_profile(_guide(*body), "test", tr)[0]


def test_two_numbers_on_one_line_each_take_their_own_label() -> None:
    line = "واتساب: 0551112222 — الهاتف: 0114445555 — فاكس: 0114445556"
    profile = _profile("قنوات التواصل:", line)
    assert profile.contacts["whatsapp"] == "0551112222"
    assert profile.contacts["phone"] == "0114445555"


def test_a_fax_number_is_not_the_phone() -> None:
    profile = _profile("قنوات التواصل:", "فاكس 0114445556", "الجوال 0551112222")
    assert profile.contacts["phone"] == "0551112222"


def test_documents_named_in_a_paragraph_are_split_where_a_document_starts() -> None:
    profile = _profile(
        "آلية تقديم الطلب:",
        "يحضر المستفيد إلى مقر الجمعية ويرفق بطلبه صورة الهوية الوطنية وصورة شهادة وفاة الزوج"
        " وكشف حساب بنكي لآخر ثلاثة أشهر، ثم تدرس اللجنة الطلب خلال أسبوعين.",
    )
    assert profile.documents == [
        "صورة الهوية الوطنية",
        "صورة شهادة وفاة الزوج",
        "كشف حساب بنكي لآخر ثلاثة أشهر",
    ]
    assert profile.review_period.days == 14


def test_a_step_that_names_no_document_gives_none() -> None:
    profile = _profile(
        "آلية تقديم الطلب:",
        "1- استقبال المستفيد.",
        "2- إرفاق المستندات المطلوبة.",
        "3- دراسة الطلب.",
    )
    assert profile.documents == []


def test_a_visit_to_the_headquarters_is_a_channel_not_an_address() -> None:
    profile = _profile("قنوات التواصل:", "- زيارة مقر الجمعية", "- الهاتف 0114445555")
    assert profile.contacts["address"] is None
    assert "زيارة مقر الجمعية" in profile.channels


def test_table_rows_flattened_from_a_pdf_are_list_items_not_headings() -> None:
    rows = [
        "أوقات الدوام",
        "اليوم\tمن\tإلى",
        "الأحد – الخميس\t8:00 ص\t4:00 م",
        "الجمعة\tمغلق\tمغلق",
    ]
    guide = parse_guide("\n".join(rows))
    assert [s.title for s in guide.sections] == ["أوقات الدوام"]
    assert guide.sections[0].items == ["الأحد – الخميس: 8:00 ص، 4:00 م", "الجمعة: مغلق"]


def test_english_headings_are_headings_when_they_name_a_section() -> None:
    families = "Families living in Al-Kharj with a monthly income under 4,000 SAR"
    profile = _profile("Eligibility", families)
    assert profile.target_groups == [families]


def test_an_address_in_the_letterhead_or_after_a_label_is_taken_as_written() -> None:
    letterhead = "المقر الرئيسي: الخرج، حي الروضة، شارع الأمير سلطان"
    text = f"{letterhead}\n" + _guide("قنوات التواصل:", "- الهاتف 0114445555")
    assert build_profile(text, "t", tr)[0].contacts["address"] == (
        "الخرج، حي الروضة، شارع الأمير سلطان"
    )
    profile = _profile("معلومات التواصل:", "العنوان: الخرج، طريق الملك عبدالعزيز")
    assert profile.contacts["address"] == "الخرج، طريق الملك عبدالعزيز"


def test_receiving_people_kindly_at_the_headquarters_is_no_address() -> None:
    profile = _profile(
        "آلية التعامل مع المستفيدين:",
        "1- استقبال المستفيد في مقر الجمعية بلباقة واحترام.",
        "2- دراسة الطلب خلال أسبوعين.",
    )
    assert profile.contacts["address"] is None


def test_a_committees_meeting_hours_are_not_the_opening_hours() -> None:
    profile = _profile("لجنة المساعدات:", "تجتمع اللجنة يوم الأحد من 10 إلى 12 لدراسة الطلبات.")
    assert profile.contacts["working_hours"] is None and profile.schedule is None


def test_labelled_hours_without_days_are_stated_but_make_no_schedule() -> None:
    profile = _profile("معلومات التواصل:", "ساعات العمل: من 8 صباحاً حتى 4 مساءً")
    assert profile.contacts["working_hours"] == "من 8 صباحاً حتى 4 مساءً"
    assert profile.schedule is None


def test_a_landline_in_brackets_is_a_phone() -> None:
    profile = _profile("قنوات التواصل:", "الهاتف (011) 465 3333")
    assert profile.contacts["phone"] == "0114653333"
