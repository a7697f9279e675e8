"""Texts as words, for tests that compare them: without the bidi isolates (U+2066–U+2069).

The isolates are part of what the bot sends (they keep references and masked numbers in
left-to-right order inside Arabic); a test that reads the words strips them first.
"""

from __future__ import annotations

import re

_ISOLATES = re.compile("[\u2066-\u2069]")


def plain(text: str) -> str:
    return _ISOLATES.sub("", text)
