"""Left-to-right runs inside right-to-left text.

In an Arabic sentence the bidi algorithm turns European digits into Arabic numbers, so
"2612-00001" shows as "00001-2612" and "1*******08" as "08*******1". Telegram and WhatsApp
render plain text, so the fix must travel in the text itself: a run that reads left to
right is wrapped in Unicode isolates (LRI … PDI), which every modern renderer honours.
"""

from __future__ import annotations

LRI = "\u2066"
PDI = "\u2069"


def ltr(text: str) -> str:
    """`text` isolated as a left-to-right run; an empty or already isolated run stays as is."""
    if not text or (text.startswith(LRI) and text.endswith(PDI)):
        return text
    return f"{LRI}{text}{PDI}"


_MARKS = str.maketrans("", "", "\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


def unwrap(text: str) -> str:
    """`text` without isolates or direction marks: a reference copied out of a message."""
    return text.translate(_MARKS)
