"""Locale catalogs in Fluent format: Arabic first, English second.

Every user-facing sentence lives in `bot/locales/<locale>/*.ftl`; Python code refers to
messages by id.  A message missing from a locale falls back to Arabic, and a message
missing everywhere shows its id, so a typo is visible rather than silent.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from fluent.runtime import FluentBundle, FluentResource

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
DEFAULT_LOCALE = "ar"
SUPPORTED_LOCALES = ("ar", "en")


class Catalog:
    def __init__(self, locale: str = DEFAULT_LOCALE, locales_dir: Path = LOCALES_DIR) -> None:
        if locale not in SUPPORTED_LOCALES:
            raise ValueError(f"unsupported locale {locale!r}; choose one of {SUPPORTED_LOCALES}")
        self.locale = locale
        chain = [locale] if locale == DEFAULT_LOCALE else [locale, DEFAULT_LOCALE]
        self._bundles = [self._load(code, locales_dir) for code in chain]

    @staticmethod
    def _load(code: str, locales_dir: Path) -> FluentBundle:
        # Bidi isolation marks would leak into JSON and terminal output read by scripts;
        # the channels render mixed-direction text correctly without them.
        bundle = FluentBundle([code], use_isolating=False)
        for path in sorted((locales_dir / code).glob("*.ftl")):
            bundle.add_resource(FluentResource(path.read_text(encoding="utf-8")))
        return bundle

    def has(self, msg_id: str) -> bool:
        return any(b.has_message(msg_id) for b in self._bundles)

    def t(self, msg_id: str, args: Mapping[str, Any] | None = None, /, **kwargs: Any) -> str:
        values = {**(args or {}), **kwargs}
        for bundle in self._bundles:
            if bundle.has_message(msg_id):
                message = bundle.get_message(msg_id)
                if message.value is None:
                    continue
                text, _errors = bundle.format_pattern(message.value, values)
                return str(text)
        return msg_id

    __call__ = t
