"""Support-request field validation: what is accepted, how it is stored, and which rule
a rejected input broke (each rule has its own message so the reply can say what to fix)."""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.i18n import LOCALES_DIR, Catalog
from handlers import fields
from handlers.fields import Invalid, Valid
from tests.handlers.strategies import luhn_complete

_ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
_PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def random_ids(first: str, n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [luhn_complete(first + "".join(rng.choices("0123456789", k=8))) for _ in range(n)]


def wrong_check_digit(valid: str) -> str:
    return valid[:-1] + str((int(valid[-1]) + 1) % 10)


def rule(result: Valid | Invalid) -> str:
    assert isinstance(result, Invalid), result
    return result.message_id


# --- full name -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("محمد الغامدي", "محمد الغامدي"),
        ("  محمد   عبدالله\tالغامدي ", "محمد عبدالله الغامدي"),
        ("أحمد إبراهيم آل سعود", "أحمد إبراهيم آل سعود"),  # hamza forms kept as typed
        ("نورة بنت عبدالرحمن", "نورة بنت عبدالرحمن"),
        ("مُحَمَّد العتيـــبي", "محمد العتيبي"),  # tashkeel and tatweel dropped
        ("\u200fسارة القحطاني\u200e", "سارة القحطاني"),  # bidi marks from a copied contact
        ("زهرا کریمی", "زهرا كريمي"),  # Persian keyboard letters
    ],
)
def test_name_accepted_and_normalised(raw: str, stored: str) -> None:
    assert fields.full_name(raw) == Valid(stored)


@pytest.mark.parametrize(
    ("raw", "message_id"),
    [
        ("", "form-name-empty"),
        ("   ", "form-name-empty"),
        ("Mohammed Alghamdi", "form-name-latin"),
        ("محمد Alghamdi", "form-name-latin"),
        ("محمد 2", "form-name-digits"),
        ("محمد ٢", "form-name-digits"),
        ("محمد", "form-name-one-part"),
        ("عبدالله", "form-name-one-part"),
        ("محمد ع الغامدي", "form-name-short-part"),
        ("محمد! الغامدي", "form-name-symbols"),
        ("محمد 🌷 الغامدي", "form-name-symbols"),
        ("محمد " * 30, "form-name-too-long"),
    ],
)
def test_name_rejected_with_the_rule_it_broke(raw: str, message_id: str) -> None:
    assert rule(fields.full_name(raw)) == message_id


def test_short_name_part_is_named_in_the_message() -> None:
    assert fields.full_name("محمد ع الغامدي") == Invalid("form-name-short-part", {"part": "ع"})


# --- national ID -----------------------------------------------------------------------


def test_luhn_helper_produces_known_valid_ids() -> None:
    assert luhn_complete("100000000") == "1000000008"
    assert fields.national_id("1000000008") == Valid("1000000008")


@pytest.mark.parametrize("valid", random_ids("1", 10, seed=1) + random_ids("2", 10, seed=2))
def test_citizen_and_resident_ids_with_a_right_check_digit(valid: str) -> None:
    assert fields.national_id(valid) == Valid(valid)
    assert rule(fields.national_id(wrong_check_digit(valid))) == "form-national-id-checksum"


@pytest.mark.parametrize(
    "writing",
    [
        lambda s: s.translate(_ARABIC_INDIC),
        lambda s: s.translate(_PERSIAN),
        lambda s: f"{s[:4]} {s[4:7]} {s[7:]}",
        lambda s: f"{s[:4]}-{s[4:7]}-{s[7:]}",
        lambda s: f"{s[:4]}.{s[4:7]}.{s[7:]}",
        lambda s: f" \u200f{s[:5]}\u00a0{s[5:]} ",
        lambda s: f"{s[:5]} {s[5:]}".translate(_ARABIC_INDIC),
    ],
)
def test_id_written_in_the_usual_ways(writing: Callable[[str], str]) -> None:
    valid = random_ids("1", 1, seed=3)[0]
    assert fields.national_id(writing(valid)) == Valid(valid)


def test_id_length_error_says_how_many_digits_were_typed() -> None:
    valid = random_ids("1", 1, seed=4)[0]
    assert fields.national_id(valid[:9]) == Invalid(
        "form-national-id-length", {"count": 9, "expected": 10}
    )
    assert fields.national_id(valid + "5") == Invalid(
        "form-national-id-length", {"count": 11, "expected": 10}
    )
    nine_arabic = valid[:9].translate(_ARABIC_INDIC)
    assert fields.national_id(nine_arabic) == Invalid(
        "form-national-id-length", {"count": 9, "expected": 10}
    )


@pytest.mark.parametrize(
    ("raw", "message_id"),
    [
        ("", "form-national-id-empty"),
        (" - ", "form-national-id-empty"),
        ("١٠١٢٣٤abc٨", "form-national-id-not-digits"),
        ("رقمي 1000000008", "form-national-id-not-digits"),
        ("+1000000008", "form-national-id-not-digits"),
        (luhn_complete("300000000"), "form-national-id-prefix"),
        (luhn_complete("012345678"), "form-national-id-prefix"),
        ("1000000009", "form-national-id-checksum"),
    ],
)
def test_id_rejected_with_the_rule_it_broke(raw: str, message_id: str) -> None:
    assert rule(fields.national_id(raw)) == message_id


# --- mobile ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "0501234567",
        "501234567",
        "966501234567",
        "00966501234567",
        "+966501234567",
        "+966 50 123 4567",
        "+966-50-123-4567",
        "050-123-4567",
        "050 123 4567",
        "(050) 123 4567",
        "٠٥٠١٢٣٤٥٦٧",
        "+٩٦٦ ٥٠ ١٢٣ ٤٥٦٧",
        "+966 050 123 4567",  # the trunk 0 kept after the country code
        "\u200e+966 50 123 4567\u200f",
    ],
)
def test_saudi_mobile_in_any_usual_writing_becomes_e164(raw: str) -> None:
    assert fields.mobile(raw) == Valid("+966501234567")


@pytest.mark.parametrize(
    ("raw", "message_id"),
    [
        ("", "form-mobile-empty"),
        ("011 234 5678", "form-mobile-landline"),
        ("0112345678", "form-mobile-landline"),
        ("+966 12 612 3456", "form-mobile-landline"),
        ("920012345", "form-mobile-not-mobile"),
        ("+971 50 123 4567", "form-mobile-foreign"),
        ("00201001234567", "form-mobile-foreign"),
        ("971501234567", "form-mobile-foreign"),
        ("+14155552671", "form-mobile-foreign"),
        ("05012345", "form-mobile-invalid"),
        ("050123456789", "form-mobile-invalid"),
        ("0501234abc", "form-mobile-invalid"),  # a keypad reading would make it "valid"
        ("جوالي 0501234567", "form-mobile-invalid"),
        ("hello", "form-mobile-invalid"),
        ("+", "form-mobile-invalid"),
        ("+999 123", "form-mobile-invalid"),
    ],
)
def test_mobile_rejected_with_the_rule_it_broke(raw: str, message_id: str) -> None:
    assert rule(fields.mobile(raw)) == message_id


# --- description -----------------------------------------------------------------------


def test_description_keeps_lines_and_drops_extra_spaces() -> None:
    raw = "  أحتاج   مساعدة\r\nفي سداد الإيجار  \n\n\n\nشكراً \x00 "
    assert fields.description(raw) == Valid("أحتاج مساعدة\nفي سداد الإيجار\n\nشكراً")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("", Invalid("form-description-empty")),
        (" \n ", Invalid("form-description-empty")),
        ("مساعدة", Invalid("form-description-too-short", {"count": 6, "min": 10})),
        ("...........", Invalid("form-description-no-words")),
        ("١٢٣٤٥٦٧٨٩٠١٢", Invalid("form-description-no-words")),
        ("أ" * 1001, Invalid("form-description-too-long", {"count": 1001, "max": 1000})),
    ],
)
def test_description_rejected_with_the_rule_it_broke(raw: str, expected: Invalid) -> None:
    assert fields.description(raw) == expected


def test_description_limits_are_parameters() -> None:
    assert fields.description("أحتاج", min_chars=3) == Valid("أحتاج")
    assert rule(fields.description("أحتاج مساعدة", max_chars=5)) == "form-description-too-long"


# --- city ------------------------------------------------------------------------------


def test_known_cities_are_the_main_saudi_cities() -> None:
    assert len(fields.KNOWN_CITIES) >= 20
    assert len(set(fields.KNOWN_CITIES)) == len(fields.KNOWN_CITIES)
    assert {"الرياض", "جدة", "مكة المكرمة", "الأحساء", "خميس مشيط"} <= set(fields.KNOWN_CITIES)


@pytest.mark.parametrize("known", fields.KNOWN_CITIES)
def test_every_known_city_matches_itself(known: str) -> None:
    assert fields.city(known) == Valid(known)


@pytest.mark.parametrize(
    ("typed", "known"),
    [
        ("الاحساء", "الأحساء"),  # without hamza
        ("احساء", "الأحساء"),  # without the article
        ("ابها", "أبها"),
        ("جده", "جدة"),  # ta marbuta typed as ha
        ("المدينه المنوره", "المدينة المنورة"),
        ("مكه", "مكة المكرمة"),
        ("الطايف", "الطائف"),
        ("رياض", "الرياض"),
        (" خميس  مشيط ", "خميس مشيط"),
        ("خميس مشيط", "خميس مشيط"),
        ("حايل", "حائل"),
        ("جيزان", "جازان"),
        ("Riyadh", "الرياض"),
        ("al-khobar", "الخبر"),
        ("JEDDAH", "جدة"),
        ("الرياض!", "الرياض"),  # a known city survives stray punctuation
    ],
)
def test_city_typed_differently_returns_the_known_spelling(typed: str, known: str) -> None:
    assert fields.city(typed) == Valid(known)


def test_city_matches_only_the_given_list() -> None:
    assert fields.city("بيشه", ["بيشة", "الرياض"]) == Valid("بيشة")
    assert fields.city("جده", ["الرياض"]) == Valid("جده")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("بيشة", "بيشة"), ("  وادي   الدواسر ", "وادي الدواسر"), ("Al Ula", "Al Ula")],
)
def test_free_text_city_is_accepted_as_typed(typed: str, stored: str) -> None:
    assert fields.city(typed) == Valid(stored)


@pytest.mark.parametrize(
    ("raw", "message_id"),
    [
        ("", "form-city-empty"),
        ("ب", "form-city-too-short"),
        ("مدينة " * 10, "form-city-too-long"),
        ("حي 12", "form-city-invalid-chars"),
        ("بيشة!", "form-city-invalid-chars"),
        ("الرياض-الملز", "form-city-invalid-chars"),
    ],
)
def test_city_rejected_with_the_rule_it_broke(raw: str, message_id: str) -> None:
    assert rule(fields.city(raw)) == message_id


# --- masks -----------------------------------------------------------------------------


def test_masks_keep_only_what_staff_need_to_recognise() -> None:
    assert fields.mask_national_id("1000000008") == "1*******08"
    assert fields.mask_national_id("2012345670") == "2*******70"
    assert fields.mask_phone("+966501234567") == "+9665*****567"
    assert fields.mask_national_id("12") == "**"
    assert fields.mask_phone("+9665") == "*****"


# --- messages --------------------------------------------------------------------------

_FORM_ID = re.compile(r"\"(form-[a-z-]+)\"")


def _ids_used_in_code() -> set[str]:
    source = Path(fields.__file__).read_text(encoding="utf-8")
    return set(_FORM_ID.findall(source))


@pytest.mark.parametrize("locale", ["ar", "en"])
def test_every_message_id_exists_and_formats(locale: str) -> None:
    catalog = Catalog(locale)
    used = _ids_used_in_code()
    assert len(used) >= 20
    args = {"count": 11, "expected": 10, "min": 10, "max": 100, "part": "x"}
    for message_id in sorted(used):
        assert catalog.has(message_id), message_id
        text = catalog.t(message_id, args)
        assert text != message_id and "{" not in text, text


def test_catalogs_define_the_same_form_messages() -> None:
    def ids(locale: str) -> set[str]:
        text = (LOCALES_DIR / locale / "form.ftl").read_text(encoding="utf-8")
        return set(re.findall(r"^(form-[\w-]+)\s*=", text, re.MULTILINE))

    assert ids("ar") == ids("en") == _ids_used_in_code()


def test_length_message_uses_arabic_plurals() -> None:
    ar = Catalog("ar")
    assert "9 أرقام" in ar.t("form-national-id-length", count=9)
    assert "11 رقماً" in ar.t("form-national-id-length", count=11)
