"""Validation of the support-request form fields, one field at a time.

Each validator takes what the beneficiary typed and returns either :class:`Valid` with the
normalised value to store, or :class:`Invalid` with a message id of the ``form-*`` catalog
(``bot/locales/*/form.ftl``) naming the rule that failed, so the reply can say exactly what
to fix instead of a generic "invalid input". The validators are pure and never raise for
any ``str``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeAlias

import phonenumbers
from phonenumbers import PhoneNumberType

from faq.normalize import normalize, to_ascii_digits

__all__ = [
    "CITY_MAX_CHARS",
    "CITY_MIN_CHARS",
    "DESCRIPTION_MAX_CHARS",
    "DESCRIPTION_MIN_CHARS",
    "KNOWN_CITIES",
    "NAME_MAX_CHARS",
    "NATIONAL_ID_LENGTH",
    "Invalid",
    "Result",
    "Valid",
    "cities_near",
    "city",
    "description",
    "full_name",
    "luhn_ok",
    "mask_national_id",
    "mask_phone",
    "mobile",
    "national_id",
]


@dataclass(frozen=True)
class Valid:
    value: str


@dataclass(frozen=True)
class Invalid:
    message_id: str
    # Excluded from the hash: a dict is unhashable, and the id already identifies the rule.
    args: dict[str, object] = field(default_factory=dict, hash=False)


Result: TypeAlias = Valid | Invalid

NAME_MAX_CHARS = 100
NAME_PART_MIN_LETTERS = 2
NATIONAL_ID_LENGTH = 10
DESCRIPTION_MIN_CHARS = 10
DESCRIPTION_MAX_CHARS = 1000
CITY_MIN_CHARS = 2
CITY_MAX_CHARS = 40

# The Arabic alphabet with every hamza form and alef wasla; no diacritics, no digits.
_ARABIC_LETTER = re.compile(r"[\u0621-\u063A\u0641-\u064A\u0671]")
# Tashkeel, the superscript alef and tatweel are optional in Arabic writing: the same name
# arrives with and without them, and staff must see (and search) one spelling.
_DECORATION = re.compile(r"[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u0640]")
# Persian keyboards (common among residents) type these look-alike letters.
_PERSIAN_LOOKALIKES = str.maketrans({"\u06a9": "\u0643", "\u06cc": "\u064a"})
_SPACES = re.compile(r"\s+")


def _is_latin_letter(ch: str) -> bool:
    return ch.isalpha() and unicodedata.name(ch, "").startswith("LATIN")


def _is_digit(ch: str) -> bool:
    return unicodedata.category(ch) == "Nd"


def _drop_invisible(text: str) -> str:
    # Bidi marks, ZWJ/ZWNJ and BOMs (category Cf) come along when a number or name is copied
    # from a contact card in an Arabic interface; they are invisible yet break every check.
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf")


def _clean_words(text: str) -> str:
    # NFKC folds the Arabic presentation forms and ligatures of text pasted from PDFs.
    text = _drop_invisible(unicodedata.normalize("NFKC", text))
    text = _DECORATION.sub("", text).translate(_PERSIAN_LOOKALIKES)
    return _SPACES.sub(" ", text).strip()


# --- full name -------------------------------------------------------------------------


def full_name(text: str) -> Result:
    """A name in Arabic letters with at least a first and a family name.

    Spelling is kept as typed (hamza forms included): only diacritics, tatweel and extra
    spaces go, because the name must match official documents.
    """
    name = _clean_words(text)
    wrong = _name_characters(name)
    if wrong is not None:
        return wrong
    parts = name.split(" ")
    if len(parts) < 2:
        return Invalid("form-name-one-part")
    short = next((p for p in parts if len(p) < NAME_PART_MIN_LETTERS), None)
    if short is not None:
        return Invalid("form-name-short-part", {"part": short})
    return Valid(name)


def _name_characters(name: str) -> Invalid | None:
    """What is wrong with the name's length or letters, if anything."""
    if not name:
        return Invalid("form-name-empty")
    if len(name) > NAME_MAX_CHARS:
        return Invalid("form-name-too-long", {"max": NAME_MAX_CHARS})
    if any(_is_digit(ch) for ch in name):
        return Invalid("form-name-digits")
    if any(_is_latin_letter(ch) for ch in name):
        return Invalid("form-name-latin")
    if any(ch != " " and not _ARABIC_LETTER.fullmatch(ch) for ch in name):
        return Invalid("form-name-symbols")
    return None


# --- national ID / iqama ---------------------------------------------------------------

# Separators people put in long numbers, including the Arabic decimal and thousands signs
# and the dashes phone keyboards substitute for "-".
_NUMBER_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212.\u066b\u066c_/]+")


def luhn_ok(digits: str) -> bool:
    """The Luhn check over ``digits`` (ASCII), the last digit being the check digit."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def national_id(text: str) -> Result:
    """A Saudi national ID (starts with 1) or iqama (starts with 2): 10 digits, Luhn-valid."""
    raw = _drop_invisible(unicodedata.normalize("NFKC", to_ascii_digits(text)))
    digits = _NUMBER_SEPARATORS.sub("", raw)
    if not digits:
        return Invalid("form-national-id-empty")
    if not digits.isascii() or not digits.isdigit():
        return Invalid("form-national-id-not-digits")
    if len(digits) != NATIONAL_ID_LENGTH:
        return Invalid(
            "form-national-id-length", {"count": len(digits), "expected": NATIONAL_ID_LENGTH}
        )
    if digits[0] not in "12":
        return Invalid("form-national-id-prefix")
    if not luhn_ok(digits):
        return Invalid("form-national-id-checksum")
    return Valid(digits)


# --- mobile ----------------------------------------------------------------------------

_SAUDI_REGION = "SA"
_SAUDI_CODE = 966
# phonenumbers reads letters as a keypad ("0501234abc" would pass), so only digits,
# separators and one leading plus are let through to it.
_PHONE_SHAPE = re.compile(r"\+?[0-9\s\-\u2010-\u2015\u2212.()]+")


def _parse(number: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return None


def mobile(text: str) -> Result:
    """A Saudi mobile number in any usual writing, returned as E.164 (+9665XXXXXXXX)."""
    raw = _drop_invisible(unicodedata.normalize("NFKC", to_ascii_digits(text))).strip()
    if not raw:
        return Invalid("form-mobile-empty")
    if not _PHONE_SHAPE.fullmatch(raw):
        return Invalid("form-mobile-invalid")
    number = _parse(raw, _SAUDI_REGION)
    if number is None:
        return Invalid("form-mobile-invalid")
    if number.country_code == _SAUDI_CODE:
        return _saudi(number, raw)
    if phonenumbers.is_valid_number(number):
        return Invalid("form-mobile-foreign")
    return Invalid("form-mobile-invalid")


def _saudi(number: phonenumbers.PhoneNumber, raw: str) -> Result:
    """A number read as Saudi: a mobile, a landline, something else, or maybe foreign."""
    if phonenumbers.is_valid_number(number):
        kind = phonenumbers.number_type(number)
        if kind == PhoneNumberType.MOBILE:
            return Valid(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
        if kind == PhoneNumberType.FIXED_LINE:
            return Invalid("form-mobile-landline")
        return Invalid("form-mobile-not-mobile")
    if _foreign_without_plus(raw):
        return Invalid("form-mobile-foreign")
    return Invalid("form-mobile-invalid")


def _foreign_without_plus(raw: str) -> bool:
    """A foreign number typed with its country code but without "+" or "00"
    (971501234567) is read as a Saudi number; tried as international before calling it
    garbage, so the reply can say "Saudi numbers only"."""
    digits = re.sub(r"\D", "", raw)
    if raw.startswith("+") or digits.startswith("0"):
        return False
    foreign = _parse("+" + digits, None)
    return (
        foreign is not None
        and foreign.country_code != _SAUDI_CODE
        and phonenumbers.is_valid_number(foreign)
    )


# --- description -----------------------------------------------------------------------

_INLINE_SPACES = re.compile(r"[^\S\n]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def description(
    text: str,
    *,
    min_chars: int = DESCRIPTION_MIN_CHARS,
    max_chars: int = DESCRIPTION_MAX_CHARS,
) -> Result:
    """Free text describing the need; line breaks are kept, runs of spaces are not."""
    cleaned = _clean_lines(text)
    if not cleaned:
        return Invalid("form-description-empty")
    if len(cleaned) > max_chars:
        return Invalid("form-description-too-long", {"count": len(cleaned), "max": max_chars})
    # Dots, emoji or a number alone tell the researcher nothing.
    if not any(ch.isalpha() for ch in cleaned):
        return Invalid("form-description-no-words")
    if len(cleaned) < min_chars:
        return Invalid("form-description-too-short", {"count": len(cleaned), "min": min_chars})
    return Valid(cleaned)


def _clean_lines(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(
        ch for ch in text if ch == "\n" or unicodedata.category(ch) != "Cc" or ch == "\t"
    )
    lines = (_INLINE_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


# --- city ------------------------------------------------------------------------------

_CITIES_FILE = Path(__file__).resolve().parent / "data" / "cities.txt"
_LATIN_ARTICLES = frozenset({"al", "el"})
_ARABIC_ARTICLE = normalize("\u0627\u0644")


def _load_cities(path: Path) -> tuple[tuple[str, ...], dict[str, tuple[str, ...]]]:
    names: list[str] = []
    aliases: dict[str, tuple[str, ...]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, *others = (part.strip() for part in line.split("|"))
        names.append(name)
        aliases[name] = tuple(o for o in others if o)
    return tuple(names), aliases


KNOWN_CITIES, _CITY_ALIASES = _load_cities(_CITIES_FILE)


def _city_key(text: str) -> str:
    # The same city is typed with or without hamza, ta marbuta or the article, and with
    # varying spaces and hyphens (Khamis Mushait, "Al-Khobar"); the key drops all of them.
    words: list[str] = []
    for word in normalize(text).split():
        if word in _LATIN_ARTICLES or word == _ARABIC_ARTICLE:
            continue
        if word.startswith(_ARABIC_ARTICLE) and len(word) >= len(_ARABIC_ARTICLE) + 2:
            word = word[len(_ARABIC_ARTICLE) :]
        words.append(word)
    return "".join(words)


def city(text: str, known: Sequence[str] = KNOWN_CITIES) -> Result:
    """A known city in its listed spelling, or free text that looks like a place name."""
    cleaned = _clean_words(text)
    if not cleaned:
        return Invalid("form-city-empty")
    key = _city_key(cleaned)
    if key:
        for name in known:
            if key in {_city_key(n) for n in (name, *_CITY_ALIASES.get(name, ()))}:
                return Valid(name)
    if any(
        ch != " " and not (_ARABIC_LETTER.fullmatch(ch) or _is_latin_letter(ch)) for ch in cleaned
    ):
        return Invalid("form-city-invalid-chars")
    if len(cleaned) < CITY_MIN_CHARS:
        return Invalid("form-city-too-short", {"min": CITY_MIN_CHARS})
    if len(cleaned) > CITY_MAX_CHARS:
        return Invalid("form-city-too-long", {"max": CITY_MAX_CHARS})
    return Valid(cleaned)


def cities_near(home: str | None, known: Sequence[str] = KNOWN_CITIES) -> tuple[str, ...]:
    """The city buttons, the association's own city first: most who write to it live there."""
    found = city(home) if home else None
    if not isinstance(found, Valid):
        return tuple(known)
    return (found.value, *(c for c in known if c != found.value))


# --- masks for staff who need to recognise, not read, an identifier ---------------------


def mask_national_id(value: str) -> str:
    """``1012345678`` → ``1*******78``: the kind (citizen/resident) and the last two digits."""
    if len(value) <= 3:
        return "*" * len(value)
    return value[0] + "*" * (len(value) - 3) + value[-2:]


_PHONE_KEEP_PREFIX = len("+9665")
_PHONE_KEEP_SUFFIX = 3


def mask_phone(value: str) -> str:
    """``+966501234567`` → ``+9665*****567``: country, mobile prefix and last three digits."""
    if len(value) <= _PHONE_KEEP_PREFIX + _PHONE_KEEP_SUFFIX:
        return "*" * len(value)
    hidden = len(value) - _PHONE_KEEP_PREFIX - _PHONE_KEEP_SUFFIX
    return value[:_PHONE_KEEP_PREFIX] + "*" * hidden + value[-_PHONE_KEEP_SUFFIX:]
