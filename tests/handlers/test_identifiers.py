"""The detector of identifiers in free text: property-style, over many generated numbers.

Each property runs over a few hundred numbers drawn from a seeded generator (the same ones
every run), written the ways people write them, inside the sentences people write.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator

import pytest

from faq.bidi import ltr
from handlers import fields
from handlers.identifiers import find_identifiers, mask_identifiers, masked_incoming
from handlers.types import Attachment, Incoming

CASES = 300
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
SENTENCES = (
    "رقم هويتي {} ابي اكلم موظف",
    "{}",
    "هذا رقمي {} تكفون ردوا علي",
    "السلام عليكم، رقم الإقامة: {}.",
    "{} هذا رقم الهوية",
    "my id is {} please",
    "الرقم ({}) وشكراً",
)


def check_digit(first_nine: str) -> str:
    return next(d for d in "0123456789" if fields.luhn_ok(first_nine + d))


def valid_ids(rng: random.Random) -> Iterator[str]:
    for _ in range(CASES):
        nine = rng.choice("12") + "".join(rng.choice("0123456789") for _ in range(8))
        yield nine + check_digit(nine)


def mobiles(rng: random.Random) -> Iterator[str]:
    for _ in range(CASES):
        # 50, 53–59: Saudi mobile prefixes (51 and 52 are not all mobile).
        yield "5" + rng.choice("0345679") + "".join(rng.choice("0123456789") for _ in range(7))


def spaced(digits: str, rng: random.Random) -> str:
    """The digits in groups, with the separators people type between them."""
    out, i = [], 0
    while i < len(digits):
        size = rng.randint(2, 4)
        out.append(digits[i : i + size])
        i += size
    return rng.choice([" ", "-", " - ", "\u00a0", "–"]).join(out)


Writer = Callable[[str, random.Random], str]
WRITINGS: dict[str, Writer] = {
    "plain": lambda d, rng: d,
    "arabic-indic": lambda d, rng: d.translate(ARABIC_INDIC),
    "persian": lambda d, rng: d.translate(PERSIAN),
    "spaced": spaced,
    "spaced arabic-indic": lambda d, rng: spaced(d, rng).translate(ARABIC_INDIC),
}
PHONE_WRITINGS: dict[str, Callable[[str], str]] = {
    "05": lambda n: "0" + n,
    "5": lambda n: n,
    "+966": lambda n: "+966" + n,
    "00966": lambda n: "00966" + n,
    "+966 spaced": lambda n: f"+966 {n[:2]} {n[2:5]} {n[5:]}",
    "05 dashed": lambda n: f"0{n[:2]}-{n[2:5]}-{n[5:]}",
    "arabic-indic 05": lambda n: ("0" + n).translate(ARABIC_INDIC),
    "arabic-indic +966": lambda n: ("+966" + n).translate(ARABIC_INDIC),
}


def digits_of(text: str) -> str:
    return "".join(str(int(ch)) for ch in text if ch.isdigit())


@pytest.mark.parametrize("writing", WRITINGS)
def test_every_valid_national_id_is_found_and_masked_as_the_form_masks_it(writing: str) -> None:
    rng = random.Random(f"ids-{writing}")
    for national_id in valid_ids(rng):
        typed = WRITINGS[writing](national_id, rng)
        text = rng.choice(SENTENCES).format(typed)
        (found,) = find_identifiers(text)
        assert (found.kind, found.value) == ("national_id", national_id), text
        masked = mask_identifiers(text)
        assert ltr(fields.mask_national_id(national_id)) in masked, text
        assert national_id not in digits_of(masked), masked
        assert typed not in masked


@pytest.mark.parametrize("writing", PHONE_WRITINGS)
def test_every_saudi_mobile_is_found_and_masked_as_the_form_masks_it(writing: str) -> None:
    rng = random.Random(f"phones-{writing}")
    for number in mobiles(rng):
        typed = PHONE_WRITINGS[writing](number)
        text = rng.choice(SENTENCES).format(typed)
        (found,) = find_identifiers(text)
        assert (found.kind, found.value) == ("phone", "+966" + number), text
        masked = mask_identifiers(text)
        assert ltr(fields.mask_phone("+966" + number)) in masked, text
        assert number not in digits_of(masked), masked


def test_a_wrong_check_digit_is_not_an_id() -> None:
    rng = random.Random("wrong-check-digit")
    for national_id in valid_ids(rng):
        wrong = national_id[:-1] + str((int(national_id[-1]) + rng.randint(1, 9)) % 10)
        for typed in (wrong, spaced(wrong, rng), wrong.translate(ARABIC_INDIC)):
            text = f"رقمي {typed}"
            assert find_identifiers(text) == [], text
            assert mask_identifiers(text) == text


def test_other_numbers_stay_as_written() -> None:
    rng = random.Random("other-numbers")
    texts = [
        "رقم طلبي 2612-00001 وش صار عليه",
        "رقم الطلب ٢٦١٢-٠٠٠٠١",
        "موعدي 1447/06/10 الساعة 10:30",
        "تاريخ الميلاد 1990/05/17",
        "المبلغ 15000 ريال، والحساب SA0380000000608010167519",
        "هاتف المقر 0125551234",  # a landline is not a mobile
        "رقم الإيصال 10000000080551234567",  # one unbroken 20-digit number
        "",
        "١٢٣",
    ]
    for _ in range(CASES):
        # Ten digits that can't be an ID (first digit) or a mobile (shape).
        first = rng.choice("346789")
        texts.append(first + "".join(rng.choice("0123456789") for _ in range(9)))
        # Numbers of other lengths starting like an ID.
        length = rng.choice([7, 8, 10, 11])  # 8, 9, 11 or 12 digits in all
        texts.append(rng.choice("12") + "".join(rng.choice("0123456789") for _ in range(length)))
    for text in texts:
        assert find_identifiers(text) == [], text
        assert mask_identifiers(text) == text


def test_two_numbers_side_by_side_are_both_found() -> None:
    text = "رقم هويتي 1000000008 وجوالي 0551234567 ابي اكلم موظف"
    assert [(f.kind, f.value) for f in find_identifiers(text)] == [
        ("national_id", "1000000008"),
        ("phone", "+966551234567"),
    ]
    assert mask_identifiers(text) == (
        f"رقم هويتي {ltr('1*******08')} وجوالي {ltr('+9665*****567')} ابي اكلم موظف"
    )
    together = "0551234567 1000000008"
    assert [f.kind for f in find_identifiers(together)] == ["phone", "national_id"]
    assert mask_identifiers("1000 000 008") == ltr("1*******08")


def test_masking_twice_changes_nothing_and_keeps_the_rest_of_the_text() -> None:
    text = "السلام عليكم\nرقمي ١٠٠٠٠٠٠٠٠٨ وطلبي 2612-00001 😊"
    once = mask_identifiers(text)
    assert mask_identifiers(once) == once
    assert once == f"السلام عليكم\nرقمي {ltr('1*******08')} وطلبي 2612-00001 😊"


def test_long_texts_and_odd_characters_never_break_it() -> None:
    rng = random.Random("fuzz")
    alphabet = "0123456789٠١٢٣٤٥٦٧٨٩ -+./\u00a0\u200eابت\n"
    for _ in range(CASES):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 80)))
        masked = mask_identifiers(text)
        assert find_identifiers(masked) == []
    assert mask_identifiers(" " * 5000 + "1000000008") == " " * 5000 + ltr("1*******08")


def test_an_incoming_update_is_masked_everywhere_it_has_text() -> None:
    incoming = Incoming(
        "telegram",
        "42",
        "42",
        text="جوالي 0551234567",
        display_name="Ali 1000000008",
        attachments=(Attachment("f1", "document", 10, "هوية 1000000008.pdf", "application/pdf"),),
    )
    masked = masked_incoming(incoming)
    assert masked.text == f"جوالي {ltr('+9665*****567')}"
    assert masked.clear_text == "جوالي 0551234567" == masked.as_typed
    assert masked.display_name == f"Ali {ltr('1*******08')}"
    assert masked.attachments[0].name == "هوية 1*******08.pdf"
    plain = Incoming("web", "v", "v", text="كم مدة دراسة الطلب؟")
    assert masked_incoming(plain) is plain
