"""A letter-for-letter folded copy of a guide's text, for finding facts inside sentences.

`normalize()` drops punctuation and marks, so a position in its result says nothing about
the original. The builder quotes the guide (hours, an address, a list of documents), so it
searches a copy of the same length instead (alef and hamza forms, ta marbuta, alef maqsura,
digits and Latin case folded one character for one) and cuts the original where it matched.
"""

from __future__ import annotations

__all__ = ["MARK", "fold"]

_FOLD = str.maketrans(
    "أإآٱةى٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "ااااهي" + "0123456789" * 2 + "abcdefghijklmnopqrstuvwxyz",
)
# The marks a guide leaves on words («صباحاً», «مساءً»): patterns allow them after a word.
MARK = "[\u064b-\u0652]*"


def fold(text: str) -> str:
    """``text`` with one folded character for each of its characters."""
    return text.translate(_FOLD)
