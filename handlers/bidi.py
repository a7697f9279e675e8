"""Left-to-right runs inside right-to-left text."""

from __future__ import annotations

LRI = "\u2066"
PDI = "\u2069"


def ltr(text: str) -> str:
    """``text`` isolated left to right: a number or Latin run keeps its order in RTL text."""
    return f"{LRI}{text}{PDI}"
