"""Locale catalogs in Fluent format: Arabic first, English second.

Every user-facing sentence lives in `bot/locales/<locale>/*.ftl`; Python code refers to
messages by id.  A message missing from a locale falls back to Arabic, and a message
missing everywhere shows its id, so a typo is visible rather than silent.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fluent.runtime import FluentBundle, FluentResource

if TYPE_CHECKING:
    from faq.profile import Profile

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
DEFAULT_LOCALE = "ar"
SUPPORTED_LOCALES = ("ar", "en")
# Who an association serves, as every message names them: the catalog's words for each kind
# (faq.ftl), in the order of TERM_ARGS.  "beneficiary" is the default everywhere.
TERM_ARGS = ("person", "a-person", "people", "Person", "role")
TERM_KINDS = {
    "beneficiary": (
        "term-beneficiary",
        "term-beneficiary-indefinite",
        "term-beneficiaries",
        "term-beneficiary-title",
        "default-referral-role",
    ),
    "member": (
        "term-member",
        "term-member-indefinite",
        "term-members",
        "term-member-title",
        "default-referral-role",
    ),
}
DEFAULT_TERMS = "beneficiary"


class Catalog:
    def __init__(self, locale: str = DEFAULT_LOCALE, locales_dir: Path = LOCALES_DIR) -> None:
        if locale not in SUPPORTED_LOCALES:
            raise ValueError(f"unsupported locale {locale!r}; choose one of {SUPPORTED_LOCALES}")
        self.locale = locale
        chain = [locale] if locale == DEFAULT_LOCALE else [locale, DEFAULT_LOCALE]
        self._bundles = [self._load(code, locales_dir) for code in chain]
        self._terms: dict[str, str] = {}
        self._terms = self.kind_terms(DEFAULT_TERMS)

    @staticmethod
    def _load(code: str, locales_dir: Path) -> FluentBundle:
        # Bidi isolation marks would leak into JSON and terminal output read by scripts;
        # the channels render mixed-direction text correctly without them.
        bundle = FluentBundle([code], use_isolating=False)
        for path in sorted((locales_dir / code).glob("*.ftl")):
            bundle.add_resource(FluentResource(path.read_text(encoding="utf-8")))
        return bundle

    def kind_terms(self, kind: str) -> dict[str, str]:
        """The catalog's own words for a kind of person served ("beneficiary", "member")."""
        ids = TERM_KINDS.get(kind, TERM_KINDS[DEFAULT_TERMS])
        return {arg: self.t(msg_id) for arg, msg_id in zip(TERM_ARGS, ids, strict=True)}

    def with_terms(self, terms: Mapping[str, str]) -> Catalog:
        """This catalog, with `terms` (see TERM_ARGS) given to every message unless a call
        passes its own: one binding, made where the association is known, names its people
        in every text instead of each call site passing them."""
        bound = copy.copy(self)
        bound._terms = {**self.kind_terms(DEFAULT_TERMS), **terms}
        return bound

    @property
    def terms(self) -> Mapping[str, str]:
        return dict(self._terms)

    def has(self, msg_id: str) -> bool:
        return any(b.has_message(msg_id) for b in self._bundles)

    def t(self, msg_id: str, args: Mapping[str, Any] | None = None, /, **kwargs: Any) -> str:
        values = {**self._terms, **(args or {}), **kwargs}
        for bundle in self._bundles:
            if bundle.has_message(msg_id):
                message = bundle.get_message(msg_id)
                if message.value is None:
                    continue
                text, _errors = bundle.format_pattern(message.value, values)
                return str(text)
        return msg_id

    __call__ = t


def speaking(catalog: Catalog, profile: Profile) -> Catalog:
    """The catalog in the association's own words.  A profile's words come from its Arabic
    guide, so they serve the Arabic catalog; another language takes its own words for the
    same kind of person (member, beneficiary)."""
    terms = catalog.kind_terms(profile.beneficiary_term)
    if catalog.locale == DEFAULT_LOCALE:
        terms.update(
            {
                "person": profile.beneficiary_singular,
                "a-person": profile.beneficiary_indefinite,
                "people": profile.beneficiary_plural,
                "Person": profile.beneficiary_singular,
            }
        )
        if profile.referral_role:
            terms["role"] = profile.referral_role
    return catalog.with_terms(terms)
