"""Arabic text normalisation shared by the FAQ matcher and the form validators.

Beneficiaries type on phones in many ways: with or without hamza, with tatweel stretching,
Arabic-Indic digits, emoji and repeated letters ("هلاااا"). Everything that compares text
goes through :func:`normalize` first so that these variants meet in one form.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["light_stem", "normalize", "to_ascii_digits", "tokens"]

_ARABIC_INDIC = "٠١٢٣٤٥٦٧٨٩"
_PERSIAN = "۰۱۲۳۴۵۶۷۸۹"
_DIGITS = str.maketrans(
    {
        **{c: str(i) for i, c in enumerate(_ARABIC_INDIC)},
        **{c: str(i) for i, c in enumerate(_PERSIAN)},
    }
)


def _build_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    # Tashkeel, Quranic annotation marks and the superscript alef carry no meaning a
    # beneficiary intends; most people omit them, so keeping them would split vocabularies.
    for cp in (*range(0x0610, 0x061B), *range(0x064B, 0x0660), 0x0670, *range(0x06D6, 0x06EE)):
        table[cp] = None
    table[0x0640] = None  # tatweel: pure stretching, common in PDF extractions
    for ch in "أإآٱ":
        table[ord(ch)] = "ا"
    # Hamza seats and final letters are written inconsistently in everyday typing.
    table[ord("ى")] = "ي"
    table[ord("ة")] = "ه"
    table[ord("ؤ")] = "و"
    table[ord("ئ")] = "ي"
    table[ord("ء")] = None
    # Persian/Urdu letter shapes that keyboards outside the Gulf produce.
    table[ord("ک")] = "ك"
    table[ord("ی")] = "ي"
    for k, v in _DIGITS.items():
        table[k] = v
    return table


_TABLE = _build_table()
# Anything that is not a letter or a digit (punctuation, Arabic ؟ ، ؛, emoji, symbols,
# control characters, underscores) separates words.
_NON_WORD = re.compile(r"[\W_]+")
# Only letters collapse: a run of digits is data (an ID or a phone number).
_REPEATS = re.compile(r"([^\W\d_])\1{2,}")


def to_ascii_digits(text: str) -> str:
    """Replace Arabic-Indic and Persian digits by ASCII digits, leaving everything else."""
    return text.translate(_DIGITS)


def normalize(text: str) -> str:
    """Return the canonical matching form of ``text``; never raises for any ``str``."""
    if not text:
        return ""
    # NFKC folds Arabic presentation forms (PDF extractions) and full-width characters.
    text = unicodedata.normalize("NFKC", text)
    text = text.translate(_TABLE).lower()
    # Dropping a tatweel or a mark can bring together what composes (Hangul jamo, a letter
    # and its accent); composing again makes the result a fixed point, as a key must be.
    text = unicodedata.normalize("NFKC", text)
    text = _NON_WORD.sub(" ", text)
    text = _REPEATS.sub(r"\1", text)
    return " ".join(text.split())


def tokens(text: str) -> list[str]:
    """Normalised whitespace tokens of ``text``."""
    return normalize(text).split()


# Light stemming in the spirit of Larkey's light10: strip one proclitic and one suffix,
# keeping at least three letters so that short roots are left alone.
_PREFIXES = ("وال", "بال", "كال", "فال", "لل", "ال", "و", "ف", "ب", "ل", "ك")
_SUFFIXES = (
    "هما", "كما", "تين", "تان", "ها", "ان", "ات", "ون", "ين", "يه", "ه", "ي", "كم", "هم", "نا",
    "ك", "ت", "ا",
)  # fmt: skip
_MIN_STEM = 3


def light_stem(word: str) -> str:
    """Strip one common prefix and one common suffix from a normalised word."""
    for prefix in _PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= _MIN_STEM:
            word = word[len(prefix) :]
            break
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
            word = word[: -len(suffix)]
            break
    return word
