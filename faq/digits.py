"""One digit convention in every message a beneficiary reads: Western (1 2 3) or Arabic-Indic
(١ ٢ ٣), as the association's profile says (`digits: latin | arabic`).

Stored values (references, phone numbers, dates) stay Western; only what is shown changes.
A URL or an e-mail address keeps its digits, and so does a keycap emoji (1️⃣): converting
them would break them. Typed input is read in either convention regardless (faq.normalize).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from faq.bidi import LRI, PDI

_TO_LATIN = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "0123456789" * 2)
_TO_ARABIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
# A run between spaces that holds a Latin letter or "@" is an address or a code: left alone.
_WORD = re.compile(r"[^\s\u2066-\u2069]+")
_LATIN_LETTER = re.compile(r"[A-Za-z@]")
_KEYCAP = re.compile(r"[0-9](?=\ufe0f?\u20e3)")
_ISOLATED = re.compile(f"{LRI}([^{PDI}]*){PDI}")
# Inside a left-to-right run, Arabic-Indic digit groups join up right to left across a
# separator ("٢٦١٢-٠٠٠٠١" would show as "٠٠٠٠١-٢٦١٢"); a left-to-right mark after each
# separator keeps the groups in reading order.
_GROUP_AFTER_SEPARATOR = re.compile(r"(?<=[^٠-٩])(?=[٠-٩])")
LRM = "\u200e"

Translate = Callable[..., str]


def localize_digits(text: str, style: str) -> str:
    """`text` with every digit in `style`'s convention (see the module's note)."""
    if style != "arabic":
        return text.translate(_TO_LATIN)
    converted = _WORD.sub(_word_in_arabic, text)
    return _ISOLATED.sub(_keep_groups_in_order, converted)


def _word_in_arabic(match: re.Match[str]) -> str:
    word = match.group(0)
    if _LATIN_LETTER.search(word):
        return word
    keycaps = {m.start() for m in _KEYCAP.finditer(word)}
    return "".join(ch if i in keycaps else ch.translate(_TO_ARABIC) for i, ch in enumerate(word))


def _keep_groups_in_order(match: re.Match[str]) -> str:
    inner = match.group(1)
    if _LATIN_LETTER.search(inner):
        return match.group(0)
    return LRI + _GROUP_AFTER_SEPARATOR.sub(LRM, inner) + PDI


def with_digits(tr: Translate, style: str) -> Translate:
    """`tr` whose every message comes out in `style`'s digits."""

    def translate(msg_id: str, args: Any = None, /, **kwargs: Any) -> str:
        return localize_digits(tr(msg_id, args, **kwargs), style)

    return translate
