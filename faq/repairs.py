"""Repairs of PDF extraction faults in the guides, kept as data (``faq/data/repairs.tsv``).

A justified PDF line splits words where it stretched them («طال ب الدعم») and the same
guide spells a word two ways («مسئول» / «مسؤول»). What a guide says ends up in buttons,
answers and the declaration a beneficiary accepts, so each known fault is repaired once,
when the guide is read.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from faq.tsv import data_lines

__all__ = ["DEFAULT_PATH", "Repairs", "default_repairs", "load_repairs"]

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "repairs.tsv"
_LETTER = r"[\u0621-\u064a\u0671-\u06d3]"
_WILD = "*"


class Repairs:
    def __init__(self, rules: list[tuple[str, str]]) -> None:
        self.rules = tuple(rules)
        self._compiled = [(self._pattern(wrong), right) for wrong, right in rules]

    @staticmethod
    def _pattern(wrong: str) -> re.Pattern[str]:
        inner = re.escape(wrong.strip(_WILD)).replace(r"\ ", r"\s+")
        before = "" if wrong.startswith(_WILD) else f"(?<!{_LETTER})"
        after = "" if wrong.endswith(_WILD) else f"(?!{_LETTER})"
        return re.compile(before + inner + after)

    def apply(self, text: str) -> str:
        for pattern, right in self._compiled:
            text = pattern.sub(right, text)
        return text


def load_repairs(path: Path | str = DEFAULT_PATH) -> Repairs:
    """Read a ``wrong<TAB>right`` file; lines starting with # are comments."""
    rules: list[tuple[str, str]] = []
    for lineno, parts in data_lines(path, "wrong\tright"):
        if len(parts) != 2 or not parts[0].strip(_WILD).strip() or not parts[1].strip():
            line = "\t".join(parts)
            raise ValueError(f"{path}:{lineno}: expected 'wrong<TAB>right', got {line!r}")
        rules.append((parts[0], parts[1]))
    return Repairs(rules)


@lru_cache(maxsize=1)
def default_repairs() -> Repairs:
    return load_repairs(DEFAULT_PATH)
