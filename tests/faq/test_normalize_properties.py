"""Properties of the normalisation every comparison of text goes through.

What faq/normalize.py promises: `normalize` never raises for any ``str`` (lone surrogates
included) and returns one canonical form, so applying it again changes nothing; that form
is lower case, single-spaced words of letters and ASCII digits, without tashkeel, tatweel,
hamza seats or the final-letter variants people type either way; and the ways one Arabic
word is written on a phone (tashkeel, tatweel, Arabic-Indic or Persian digits, PDF
presentation forms) meet in it.
"""

from __future__ import annotations

import unicodedata

from hypothesis import example, given, settings
from hypothesis import strategies as st

from faq.normalize import light_stem, normalize, to_ascii_digits, tokens

# Any code point, lone surrogates (category Cs) included: a Telegram update can carry one.
ANY_CHAR = st.characters(exclude_categories=())
ANY_TEXT = st.text(ANY_CHAR, max_size=200)
# The alphabet beneficiaries actually type: Arabic letters, hamza forms and final letters
# included, with Latin, digits of three scripts, marks, emoji, punctuation and spaces.
ARABIC_LETTERS = "ءآأؤإئابةتثجحخدذرزسشصضطظعغفقكلمنهوىيٱکی"
TASHKEEL = "".join(chr(c) for c in range(0x064B, 0x0653))  # fathatan … sukun, shadda
TATWEEL = "\u0640"
ARABIC_INDIC = "٠١٢٣٤٥٦٧٨٩"
PERSIAN = "۰۱۲۳۴۵۶۷۸۹"
INVISIBLE = "\u200e\u200f\u200c\u200d\u2066\u2067\u2068\u2069\ufeff"
TYPED = st.text(
    st.sampled_from(
        ARABIC_LETTERS
        + TASHKEEL
        + TATWEEL
        + ARABIC_INDIC
        + PERSIAN
        + "0123456789abcXYZ ؟،؛.!?-_\n\t"
        + INVISIBLE
        + "🙂🌷❤️"
    ),
    max_size=60,
)
TEXTS = st.one_of(ANY_TEXT, TYPED)

# What the canonical form never holds.
DIACRITICS = {
    *map(chr, range(0x0610, 0x061B)),
    *map(chr, range(0x064B, 0x0660)),
    "\u0670",
    *map(chr, range(0x06D6, 0x06EE)),
}
FOLDED_AWAY = set("أإآٱىةؤئءکی") | set(ARABIC_INDIC) | set(PERSIAN) | {TATWEEL}

# Every presentation form (PDF extractions) that NFKC folds into exactly one Arabic letter.
PRESENTATION_FORMS: dict[str, list[str]] = {}
for _cp in (*range(0xFB50, 0xFE00), *range(0xFE70, 0xFF00)):
    _folded = unicodedata.normalize("NFKC", chr(_cp))
    if len(_folded) == 1 and _folded in ARABIC_LETTERS:
        PRESENTATION_FORMS.setdefault(_folded, []).append(chr(_cp))


@settings(max_examples=400)
@given(TEXTS)
@example("\ud800")
@example("\udfff\u0640\u064b")
@example("ـــ")
@example("\u200f١٢٣\u200e")
@example("ᄀءᅡ")  # the hamza went, the jamo met: composed only on a second pass
@example("E\u0640\u0301")
def test_normalize_never_raises_and_is_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


@settings(max_examples=300)
@given(TEXTS)
def test_the_canonical_form_is_single_spaced_words_without_decoration(text: str) -> None:
    out = normalize(text)
    assert out == " ".join(out.split())
    assert not DIACRITICS & set(out)
    assert not FOLDED_AWAY & set(out)
    assert out == out.lower()
    assert "_" not in out
    assert all(ch == " " or ch.isalnum() for ch in out)
    assert tokens(text) == out.split()


# A word as typed: each letter with what decorates it (tashkeel, tatweel, or a PDF's
# presentation form of the letter, by its index among that letter's forms).
LETTERS_TYPED = st.lists(
    st.tuples(
        st.sampled_from(ARABIC_LETTERS + " "),
        st.text(st.sampled_from(TASHKEEL + TATWEEL), max_size=2),
        st.integers(0, 4),
    ),
    min_size=1,
    max_size=30,
)


@settings(max_examples=200)
@given(LETTERS_TYPED)
def test_tashkeel_and_tatweel_anywhere_change_nothing(typed: list[tuple[str, str, int]]) -> None:
    plain = "".join(letter for letter, _, _ in typed)
    decorated = "".join(letter + marks for letter, marks, _ in typed)
    assert normalize(decorated) == normalize(plain)


@settings(max_examples=200)
@given(LETTERS_TYPED)
def test_presentation_forms_read_as_the_letters(typed: list[tuple[str, str, int]]) -> None:
    plain = "".join(letter for letter, _, _ in typed)
    forms = [[letter, *PRESENTATION_FORMS.get(letter, [])] for letter, _, _ in typed]
    pasted = "".join(f[i % len(f)] for f, (_, _, i) in zip(forms, typed, strict=True))
    assert normalize(pasted) == normalize(plain)


@settings(max_examples=200)
@given(st.text(st.sampled_from("0123456789 abcابت-"), max_size=40))
def test_arabic_indic_and_persian_digits_read_as_western_ones(text: str) -> None:
    arabic = text.translate(str.maketrans("0123456789", ARABIC_INDIC))
    persian = text.translate(str.maketrans("0123456789", PERSIAN))
    assert normalize(arabic) == normalize(persian) == normalize(text)
    assert to_ascii_digits(arabic) == to_ascii_digits(persian) == text


@settings(max_examples=200)
@given(TEXTS)
def test_to_ascii_digits_changes_only_the_digits(text: str) -> None:
    out = to_ascii_digits(text)
    assert len(out) == len(text)
    assert to_ascii_digits(out) == out
    assert not (set(ARABIC_INDIC) | set(PERSIAN)) & set(out)
    for before, after in zip(text, out, strict=True):
        assert before == after or (before in ARABIC_INDIC + PERSIAN and after.isascii())


@settings(max_examples=200)
@given(st.text(st.sampled_from("0123456789"), min_size=3, max_size=20))
def test_runs_of_digits_are_data_and_never_collapse(digits: str) -> None:
    assert normalize(digits) == digits


@settings(max_examples=300)
@given(TEXTS.map(normalize))
def test_light_stem_keeps_a_part_of_the_word_of_at_least_three_letters(text: str) -> None:
    for word in text.split():
        stem = light_stem(word)
        assert stem in word
        assert len(stem) >= min(len(word), 3)
