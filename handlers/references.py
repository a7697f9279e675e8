"""A request reference as staff type it, read back to the form it is stored in (2612-00001).

References are written `YYMM-NNNNN` (handlers/engine.py). Staff type them from a screen
that shows Arabic-Indic digits, copy them from a message that carries bidi isolates, or
read them off a right-to-left line where they appear as 00001-2612; each of those is the
same request, and every place a reference is typed (the command line, the staff inbox,
the chat) reads it through `normalize_reference`.
"""

from __future__ import annotations

import re
import unicodedata

from faq.normalize import to_ascii_digits

# Dashes of every width, the minus sign, the Arabic tatweel (the keyboard's long dash),
# the slash and the underscore all separate the two halves the way "-" does.
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212\u0640_/.\u066b\u066c]+")
_MONTH_DIGITS = 4
_SHAPE = re.compile(r"(\d+)-(\d+)")


def normalize_reference(text: str) -> str:
    """``«٢٦١٢ ـ ٠٠٠٠١»`` → ``2612-00001``; text that is no reference comes back trimmed."""
    cleaned = "".join(
        ch for ch in unicodedata.normalize("NFKC", text) if unicodedata.category(ch) != "Cf"
    )
    folded = to_ascii_digits(cleaned).strip().strip("«»\"'()[]")
    joined = _SEPARATORS.sub("-", folded).strip("-")
    if joined.isascii() and joined.isdigit() and len(joined) > _MONTH_DIGITS:
        joined = f"{joined[:_MONTH_DIGITS]}-{joined[_MONTH_DIGITS:]}"
    match = _SHAPE.fullmatch(joined)
    if match is None or not joined.isascii():
        return text.strip()
    first, second = match.groups()
    # Read off a right-to-left line, the halves come in the order they were drawn.
    if len(second) == _MONTH_DIGITS and len(first) > _MONTH_DIGITS:
        first, second = second, first
    return f"{first}-{second}"
