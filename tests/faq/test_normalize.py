from __future__ import annotations

import random
from pathlib import Path

import pytest

from faq.dialect import load_map, to_msa
from faq.normalize import light_stem, normalize, to_ascii_digits, tokens


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("أَهْلاً", "اهلا"),  # tashkeel
        ("مرحبـــــا", "مرحبا"),  # tatweel
        ("إستمارة آخر ٱلله", "استماره اخر الله"),  # alef forms, ta marbuta
        ("مستشفى", "مستشفي"),
        ("مسؤولية", "مسووليه"),
        ("رئيس", "رييس"),
        ("شيء", "شي"),
        ("هٰذا", "هذا"),  # superscript alef
        ("هلاااااا", "هلا"),
        ("كيف؟؟ الحال، طيب؛", "كيف الحال طيب"),
        ("  سلام   \n\t عليكم ", "سلام عليكم"),
        ("Hello WORLD", "hello world"),
        ("ﺍﻟﺴﻼﻡ", "السلام"),  # presentation forms from PDF text
    ],
)
def test_normalize_variants(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_digits_are_ascii_and_never_collapsed() -> None:
    assert normalize("رقمي ١٠٢٣٤٥٦٧٨٩") == "رقمي 1023456789"
    assert normalize("۱۲۳") == "123"
    assert normalize("1111") == "1111"
    assert to_ascii_digits("٠٥٠١٢٣٤٥٦٧ x") == "0501234567 x"


def test_emoji_and_symbols_become_spaces() -> None:
    assert normalize("😀😀😀") == ""
    assert normalize("شكرا🌹جزيلا") == "شكرا جزيلا"


@pytest.mark.parametrize(
    "text",
    ["", " ", "\x00\x01\x02", "\ud800", "😀" * 50, "ا" * 10_000, "abc ١٢٣ 中文 русский عربي"],
)
def test_never_crashes(text: str) -> None:
    out = normalize(text)
    assert isinstance(out, str)
    assert out == out.strip()
    assert "  " not in out


def test_random_junk_never_crashes() -> None:
    rng = random.Random(7)
    for _ in range(200):
        junk = "".join(chr(rng.randrange(0, 0x10FFFF)) for _ in range(rng.randrange(0, 60)))
        out = normalize(junk)
        assert isinstance(out, str)
        assert out == out.strip()
        assert "  " not in out
        assert tokens(junk) == out.split()


def test_tokens() -> None:
    assert tokens("وش الأوراق المطلوبة؟") == ["وش", "الاوراق", "المطلوبه"]
    assert tokens("") == []


def test_light_stem_keeps_short_words() -> None:
    assert light_stem("والبطاقه") == "بطاق"
    assert light_stem("بالبطاقه") == light_stem("والبطاقه")
    assert light_stem("الطلبات") == "طلب"
    assert light_stem("من") == "من"


def test_dialect_map_to_msa() -> None:
    assert to_msa(tokens("ابغى اعرف وش الأوراق")) == ["اريد", "اعرف", "ما", "الاوراق"]
    assert to_msa(tokens("وين مكانكم الحين")) == ["اين", "مكانكم", "الان"]
    assert to_msa(["ووين"]) == ["اين"]
    assert to_msa(["هالطلب"]) == ["هذا", "الطلب"]


def test_dialect_map_rejects_malformed(tmp_path: Path) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text("dialect\tmsa\nابي\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.tsv:2"):
        load_map(bad)
