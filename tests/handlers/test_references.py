"""A reference typed by staff, however they type it, names the stored request."""

from __future__ import annotations

import pytest

from handlers.references import normalize_reference


@pytest.mark.parametrize(
    "typed",
    [
        "2612-00001",
        "٢٦١٢-٠٠٠٠١",  # Arabic-Indic digits
        "۲۶۱۲-۰۰۰۰۱",  # Eastern Arabic-Indic (Persian/Urdu keyboards)
        " ٢٦١٢ - ٠٠٠٠١ ",
        "٢٦١٢ـ٠٠٠٠١",  # the tatweel an Arabic keyboard types for a dash
        "2612–00001",  # an en dash from a word processor
        "2612 00001",
        "261200001",
        "\u20662612-00001\u2069",  # copied from a message with bidi isolates
        "«2612-00001»",
        "00001-2612",  # read off a right-to-left line, the halves swapped
    ],
)
def test_every_way_of_typing_a_reference_reads_the_same(typed: str) -> None:
    assert normalize_reference(typed) == "2612-00001"


@pytest.mark.parametrize("typed", ["abc", "", "طلبي", "12"])
def test_what_is_no_reference_is_left_as_typed(typed: str) -> None:
    assert normalize_reference(typed) == typed.strip()
