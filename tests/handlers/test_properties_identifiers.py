"""Properties of the masking of identifiers typed in free text (handlers/identifiers.py).

What it promises: any national ID or Saudi mobile written the usual ways (digit groups
joined by spaces, dashes or dots, bidi marks, any of three digit scripts), anywhere in a
text, comes out masked, and masking again changes nothing; the rest of the text stays.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from faq.normalize import to_ascii_digits
from handlers import fields
from handlers.identifiers import find_identifiers, mask_identifiers
from tests.handlers.strategies import (
    MOBILES,
    NATIONAL_IDS,
    write,
)

AROUND = st.text(st.sampled_from("ابتثجحخ هويتي رقم جوالي؟،"), max_size=15)


def _digits(text: str) -> str:
    return "".join(ch for ch in to_ascii_digits(text) if ch.isdigit())


@settings(max_examples=100)
@given(
    st.one_of(NATIONAL_IDS, MOBILES.map(lambda n: "0" + n)),
    AROUND,
    AROUND,
    st.data(),
)
def test_an_identifier_anywhere_in_a_text_is_masked(
    number: str, before: str, after: str, data: st.DataObject
) -> None:
    text = f"{before} {write(number, data.draw)} {after}"
    masked = mask_identifiers(text)
    national = number[-9:]
    assert national not in _digits(masked)
    assert find_identifiers(masked) == []
    assert mask_identifiers(masked) == masked
    assert masked.startswith(before) and masked.endswith(after)


@settings(max_examples=100)
@given(st.text(max_size=80))
def test_masking_never_raises_and_is_idempotent(text: str) -> None:
    masked = mask_identifiers(text)
    assert mask_identifiers(masked) == masked


# Writings the form's own validators accept that the masking doesn't recognise: typed in
# a question, a description or a message to a researcher, they are kept in clear.
ACCEPTED_BUT_NOT_MASKED = ["1000_000_008", "1000/000/008", "(050) 123 4567"]


@pytest.mark.xfail(strict=True, reason="found by the properties; see the report of issue 12")
@pytest.mark.parametrize("typed", ACCEPTED_BUT_NOT_MASKED)
def test_every_writing_the_form_accepts_is_masked_in_free_text(typed: str) -> None:
    accepted = fields.national_id(typed), fields.mobile(typed)
    assert any(isinstance(r, fields.Valid) for r in accepted)
    assert find_identifiers(f"ملاحظة {typed} شكرا") != []
