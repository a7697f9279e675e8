"""Properties of the form's field validators and masks (handlers/fields.py).

What the module promises: every validator takes any ``str`` without raising and answers
`Valid` with the value to store or `Invalid` with a rule the catalogs can word; a stored
value is accepted again as itself; a number typed in Arabic-Indic or Persian digits counts
exactly as in Western ones; every well-formed national ID or iqama (check digit included)
is accepted however it is written, and a single wrong digit never is; the masks show staff
no more than the kind of ID and its last two digits, or a mobile's prefix and last three.
"""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.i18n import Catalog
from faq.normalize import to_ascii_digits
from handlers import fields
from handlers.fields import Invalid, Valid
from tests.handlers.strategies import MOBILES, NATIONAL_IDS, write

tr = Catalog("ar")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
ARABIC_LETTERS = "ءآأؤإئابةتثجحخدذرزسشصضطظعغفقكلمنهوىيٱ"
TASHKEEL = "".join(chr(c) for c in range(0x064B, 0x0653))
INVISIBLE = "\u200e\u200f\u200c\u200d\u2066\u2067\u2068\u2069\ufeff"
VALIDATORS: dict[str, Callable[[str], Valid | Invalid]] = {
    "full_name": fields.full_name,
    "national_id": fields.national_id,
    "mobile": fields.mobile,
    "city": fields.city,
    "description": fields.description,
}

# Any code point (lone surrogates too), and the keyboard a beneficiary actually has.
ANY_TEXT = st.text(st.characters(exclude_categories=()), max_size=120)
TYPED = st.text(
    st.sampled_from(
        ARABIC_LETTERS + TASHKEEL + "\u0640" + "0123456789٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹"
        "abcRiyadh +-()._/\u066b\u066c\u2212\n\t\r" + INVISIBLE + "🙂"
    ),
    max_size=60,
)
TEXTS = st.one_of(ANY_TEXT, TYPED)
# Texts made of what numbers are written with, where the digits' script matters most.
NUMBERISH = st.text(st.sampled_from("0123456789 +-.()_/\u00a0٠١٢٣٤٥٦٧٨٩" + INVISIBLE), max_size=20)


def arabic_digits(text: str) -> str:
    return text.translate(ARABIC_INDIC)


def rule(result: Valid | Invalid) -> tuple[type, str | None]:
    return type(result), result.message_id if isinstance(result, Invalid) else None


# --- any text ----------------------------------------------------------------------------


@settings(max_examples=100)
@given(TEXTS)
@example("\ud800")
@example("\u200f\u200e")
@example("0501234abc")
def test_every_validator_takes_any_text_and_names_a_worded_rule(text: str) -> None:
    for name, validate in VALIDATORS.items():
        result = validate(text)
        assert isinstance(result, Valid | Invalid), name
        if isinstance(result, Invalid):
            assert tr.has(result.message_id), result
            worded = tr.t(result.message_id, result.args)
            assert worded and "{" not in worded, result


@settings(max_examples=100)
@given(TEXTS)
def test_a_stored_value_is_accepted_again_as_itself(text: str) -> None:
    for name, validate in VALIDATORS.items():
        result = validate(text)
        if isinstance(result, Valid):
            assert validate(result.value) == result, name


@settings(max_examples=100)
@given(st.one_of(NUMBERISH, TEXTS))
@example("1000000008")
@example("+966 50 123 4567")
def test_arabic_indic_digits_count_exactly_as_western_ones(text: str) -> None:
    assert fields.national_id(arabic_digits(text)) == fields.national_id(text)
    assert fields.mobile(arabic_digits(text)) == fields.mobile(text)
    for name in ("full_name", "city", "description"):
        western, arabic = VALIDATORS[name](text), VALIDATORS[name](arabic_digits(text))
        assert rule(arabic) == rule(western), name
        if isinstance(western, Valid) and isinstance(arabic, Valid):
            assert to_ascii_digits(arabic.value) == to_ascii_digits(western.value), name


def test_arabic_indic_national_id_is_the_western_one() -> None:
    assert fields.national_id("١٠٠٠٠٠٠٠٠٨") == fields.national_id("1000000008")
    assert fields.national_id("١٠٠٠٠٠٠٠٠٨") == Valid("1000000008")


# --- national ID -------------------------------------------------------------------------


@settings(max_examples=60)
@given(NATIONAL_IDS, st.data())
def test_every_well_formed_id_is_accepted_however_written(
    national_id: str, data: st.DataObject
) -> None:
    assert fields.national_id(national_id) == Valid(national_id)
    assert fields.national_id(write(national_id, data.draw)) == Valid(national_id)


@settings(max_examples=100)
@given(NATIONAL_IDS, st.integers(0, 9), st.integers(1, 9))
def test_a_single_wrong_digit_is_always_refused(national_id: str, position: int, by: int) -> None:
    digit = str((int(national_id[position]) + by) % 10)
    wrong = national_id[:position] + digit + national_id[position + 1 :]
    result = fields.national_id(wrong)
    assert isinstance(result, Invalid)
    assert result.message_id in ("form-national-id-checksum", "form-national-id-prefix")


@settings(max_examples=100)
@given(NATIONAL_IDS, st.integers(0, 9), st.sampled_from("0123456789"))
def test_a_digit_too_many_or_too_few_is_a_length_error(
    national_id: str, position: int, extra: str
) -> None:
    for wrong in (
        national_id[:position] + national_id[position + 1 :],
        national_id[:position] + extra + national_id[position:],
    ):
        result = fields.national_id(wrong)
        assert isinstance(result, Invalid) and result.message_id == "form-national-id-length"
        assert result.args["count"] == len(wrong)


# --- mobile ------------------------------------------------------------------------------


@settings(max_examples=60)
@given(MOBILES, st.sampled_from(["0", "", "+966", "00966", "966", "+966 "]), st.data())
def test_every_saudi_mobile_is_accepted_in_every_usual_writing(
    national: str, lead: str, data: st.DataObject
) -> None:
    e164 = "+966" + national
    assert fields.mobile(e164) == Valid(e164)
    lead = lead.translate(ARABIC_INDIC if data.draw(st.booleans()) else {})
    typed = lead + write(national, data.draw)
    assert fields.mobile(typed) == Valid(e164), typed


@settings(max_examples=50)
@given(MOBILES, st.integers(0, 8), st.sampled_from("0123456789"))
def test_a_mobile_with_a_digit_too_many_or_too_few_is_never_accepted(
    national: str, position: int, extra: str
) -> None:
    for wrong in (
        national[:position] + national[position + 1 :],
        national[:position] + extra + national[position:],
    ):
        for lead in ("0", "+966"):
            if lead == "+966" and wrong == "0" + national:
                continue  # «+966 05…»: the trunk zero, which people do type
            assert not isinstance(fields.mobile(lead + wrong), Valid), lead + wrong


# --- names, cities, descriptions ----------------------------------------------------------

NAME_PARTS = st.lists(
    st.text(st.sampled_from(ARABIC_LETTERS), min_size=2, max_size=10), min_size=2, max_size=5
)


@settings(max_examples=100)
@given(
    NAME_PARTS,
    st.lists(st.text(st.sampled_from(TASHKEEL + "\u0640" + INVISIBLE), max_size=2), max_size=60),
    st.sampled_from([" ", "  ", "\t", "\u00a0", " \u200f "]),
)
def test_a_name_decorated_or_spaced_out_is_stored_plain(
    parts: list[str], marks: list[str], space: str
) -> None:
    plain = " ".join(parts)
    letters = list(space.join(parts))
    decorated = "".join(ch + (marks[i] if i < len(marks) else "") for i, ch in enumerate(letters))
    assert fields.full_name(plain) == Valid(plain)
    assert fields.full_name(f"  {decorated} ") == Valid(plain)


@settings(max_examples=100)
@given(TEXTS)
def test_a_stored_name_is_two_or_more_parts_of_arabic_letters(text: str) -> None:
    result = fields.full_name(text)
    if isinstance(result, Valid):
        parts = result.value.split(" ")
        assert len(parts) >= 2 and all(len(p) >= 2 for p in parts)
        assert all(ch in ARABIC_LETTERS for p in parts for ch in p)
        assert len(result.value) <= fields.NAME_MAX_CHARS


@settings(max_examples=60)
@given(st.sampled_from(fields.KNOWN_CITIES), st.data())
def test_a_known_city_typed_loosely_is_its_listed_spelling(name: str, data: st.DataObject) -> None:
    loose = name.replace("ة", data.draw(st.sampled_from(["ة", "ه"])))
    loose = loose.replace("ا", data.draw(st.sampled_from(["ا", "أ", "ا\u0640"])), 1)
    if loose.startswith("ال") and data.draw(st.booleans()):
        loose = loose[2:]
    loose = (
        data.draw(st.sampled_from(["", " ", "\u200f"]))
        + loose
        + data.draw(st.sampled_from(["", "  ", "\u064f"]))
    )
    assert fields.city(name) == Valid(name)
    assert fields.city(loose) == Valid(name), loose


@settings(max_examples=100)
@given(TEXTS)
def test_a_stored_city_is_listed_or_a_short_run_of_letters(text: str) -> None:
    result = fields.city(text)
    if isinstance(result, Valid) and result.value not in fields.KNOWN_CITIES:
        value = result.value
        assert fields.CITY_MIN_CHARS <= len(value) <= fields.CITY_MAX_CHARS
        assert all(ch == " " or ch.isalpha() for ch in value)
        assert value == " ".join(value.split())


LONG_TEXT = st.builds(
    lambda s, n: (s * n)[:1200], st.text(min_size=1, max_size=30), st.integers(1, 200)
)


@settings(max_examples=100)
@given(st.one_of(TEXTS, LONG_TEXT), st.integers(1, 50), st.integers(50, 1200))
def test_a_stored_description_is_tidy_text_within_its_limits(
    text: str, min_chars: int, max_chars: int
) -> None:
    result = fields.description(text, min_chars=min_chars, max_chars=max_chars)
    if isinstance(result, Valid):
        value = result.value
        assert min_chars <= len(value) <= max_chars
        assert any(ch.isalpha() for ch in value)
        assert value == value.strip() and "\n\n\n" not in value and "\r" not in value
        for line in value.split("\n"):
            assert line == line.strip() and "  " not in line and "\t" not in line
        again = fields.description(value, min_chars=min_chars, max_chars=max_chars)
        assert again == result


# --- masks -------------------------------------------------------------------------------


@settings(max_examples=100)
@given(NATIONAL_IDS, MOBILES)
def test_masks_show_the_kind_and_the_last_digits_only(national_id: str, national: str) -> None:
    masked_id = fields.mask_national_id(national_id)
    assert masked_id == national_id[0] + "*" * 7 + national_id[-2:]
    e164 = "+966" + national
    masked_phone = fields.mask_phone(e164)
    assert masked_phone == "+9665" + "*" * 5 + e164[-3:]
    # Of the digits that tell one person from another, at most three show.
    assert sum(ch.isdigit() for ch in masked_id[1:]) == 2
    assert sum(ch.isdigit() for ch in masked_phone[5:]) == 3


@settings(max_examples=100)
@given(TEXTS)
def test_a_mask_of_anything_keeps_its_length_and_hides_the_rest(value: str) -> None:
    for mask, shown in ((fields.mask_national_id, 3), (fields.mask_phone, 8)):
        masked = mask(value)
        assert len(masked) == len(value)
        visible = [i for i, ch in enumerate(masked) if ch != "*"]
        assert len(visible) <= shown
        assert all(masked[i] == value[i] for i in visible)
