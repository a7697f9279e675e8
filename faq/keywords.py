"""What the profile builder looks for in a guide, kept as data (``faq/data/keywords.tsv``).

Each row is ``use<TAB>value<TAB>keyword``: the use names a group of keywords (section
headings, number words, the words of a procedure step …), the value says what the keyword
means for it. The file is read once, when a profile is first built.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from faq.tsv import data_lines

__all__ = ["DEFAULT_PATH", "any_of", "keywords", "load_keywords", "valued"]

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "keywords.tsv"
_HEADER = "use\tvalue\tkeyword"

Rows = dict[str, tuple[tuple[str, str], ...]]


def load_keywords(path: Path | str = DEFAULT_PATH) -> Rows:
    """Read the file into {use: ((value, keyword), …)}, rows in file order."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for lineno, parts in data_lines(path, _HEADER):
        if len(parts) != 3 or not parts[0] or not parts[1] or not parts[2].strip():
            raise ValueError(f"{path}:{lineno}: expected 'use<TAB>value<TAB>keyword'")
        groups.setdefault(parts[0], []).append((parts[1], parts[2]))
    return {use: tuple(rows) for use, rows in groups.items()}


@lru_cache(maxsize=1)
def _default() -> Rows:
    return load_keywords(DEFAULT_PATH)


def valued(use: str) -> tuple[tuple[str, str], ...]:
    """(value, keyword) rows of one use, in file order; KeyError for an unknown use."""
    return _default()[use]


def keywords(use: str) -> tuple[str, ...]:
    return tuple(keyword for _, keyword in valued(use))


@lru_cache(maxsize=64)
def any_of(use: str) -> str:
    """A regular expression alternation of one use's keywords, in file order."""
    return "|".join(map(re.escape, keywords(use)))
