"""What people send, for the property tests: well-formed national IDs and mobiles, the ways
they write them, the catalogs' own words, FAQ questions, commands and button payloads."""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import strategies as st

from bot.i18n import Catalog
from faq.service import load_bank
from handlers import fields
from handlers.completion import CORRECTABLE

tr = Catalog("ar")


def luhn_complete(prefix: str) -> str:
    """``prefix`` (9 digits) followed by the one check digit that makes it Luhn-valid."""
    for check in "0123456789":
        if fields.luhn_ok(prefix + check):
            return prefix + check
    raise AssertionError("unreachable: one digit always completes a Luhn number")


def catalog_words() -> list[str]:
    keys = ["chat-menu-words"] + [
        f"form-words-{k}" for k in ("back", "cancel", "done", "continue", "restart")
    ]
    return [w.strip() for k in keys for w in tr(k).split(",") if w.strip()]


WORDS = st.sampled_from(catalog_words())
QUESTIONS = st.sampled_from(sorted({q for q, _ in load_bank()}))
NATIONAL_IDS = st.builds(
    lambda first, body: luhn_complete(first + body),
    st.sampled_from("12"),
    st.text(st.sampled_from("0123456789"), min_size=8, max_size=8),
)
# Prefixes the numbering plan gives to mobiles throughout their range.
MOBILE_PREFIXES = ("50", "51", "53", "54", "55", "56", "58", "59")
MOBILES = st.builds(
    lambda prefix, rest: prefix + rest,
    st.sampled_from(MOBILE_PREFIXES),
    st.text(st.sampled_from("0123456789"), min_size=7, max_size=7),
)  # the nine national digits
SEPARATORS = st.sampled_from(["", "", " ", "-", ".", "\u00a0", "\u2010", " - ", "\u200f"])


def write(digits: str, draw: Callable[[st.SearchStrategy[str]], str]) -> str:
    """``digits`` as someone may type them: grouped at random, in any of three scripts."""
    out = []
    for ch in digits:
        script = draw(st.sampled_from(["0123456789", "٠١٢٣٤٥٦٧٨٩", "۰۱۲۳۴۵۶۷۸۹"]))
        out.append(script[int(ch)] + draw(SEPARATORS))
    return draw(st.sampled_from(["", " ", "\u200e"])) + "".join(out).rstrip()


COMMANDS = st.sampled_from(
    ["/start", "/cancel", "/menu", "/help", "/foo", "/start@TawasulBot", "/CANCEL", "/"]
)
PAYLOADS = st.one_of(
    st.sampled_from(
        [
            "menu:main",
            "menu:ask",
            "rate:up",
            "rate:down",
            "form:continue",
            "form:restart",
            "form:cancel",
            "form:back",
            "form:done",
            "form:edit",
            "form:confirm",
            "form:accept",
            "form:refuse",
            "complete-cancel",
            "intent:how_to_apply",
            "intent:request_status",
            "handover:request",
        ]
    ),
    st.builds(
        lambda prefix, rest: prefix + rest,
        st.sampled_from(
            [
                "intent:",
                "handover:",
                "complete:",
                "complete-field:",
                "form:type:",
                "form:city:",
                "form:edit:",
                "sv:",
                "sv:1:",
            ]
        ),
        st.one_of(
            st.integers(-3, 10**20).map(str),
            st.sampled_from([*CORRECTABLE, "skip", "5", "0", "attachments", "national_id"]),
            st.text(max_size=12),
        ),
    ),
    st.text(max_size=40),
)
