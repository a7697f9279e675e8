"""Locale catalogs: Arabic first, English complete, and a visible fallback."""

from __future__ import annotations

import re

import pytest

from bot.i18n import LOCALES_DIR, Catalog

_MESSAGE_ID = re.compile(r"^([a-zA-Z][\w-]*)\s*=", re.MULTILINE)


def _ids(locale: str) -> set[str]:
    ids: set[str] = set()
    for path in (LOCALES_DIR / locale).glob("*.ftl"):
        ids |= set(_MESSAGE_ID.findall(path.read_text(encoding="utf-8")))
    return ids


def test_english_has_every_arabic_message_and_no_extra() -> None:
    assert _ids("ar") == _ids("en")


def test_messages_format_with_arguments_and_without_bidi_marks() -> None:
    text = Catalog("ar").t("answer-about-licence", licence="2337")
    assert text == "الجمعية مسجلة برقم 2337."
    assert "\u2068" not in text and "\u2069" not in text


def test_english_catalog_speaks_english() -> None:
    assert Catalog("en").t("intent-donate") == "Donating"


def test_unknown_message_shows_its_id_and_unknown_locale_is_refused() -> None:
    assert Catalog("ar").t("no-such-message") == "no-such-message"
    with pytest.raises(ValueError):
        Catalog("fr")
