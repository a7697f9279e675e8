"""Saudi/Gulf dialect words mapped to Modern Standard Arabic.

Knowledge bases are usually written in MSA while beneficiaries write in dialect
("ابي اسجل" rather than "أريد أن أسجل"). Mapping the most frequent dialect function words
and verbs onto their MSA counterparts lets both sides share word features. The mapping is
data (``faq/data/dialect.tsv``) so that it can grow without code changes.

A line whose dialect side ends in ``*`` is a prefix rule: ``هال*<TAB>هذا ال*`` turns
"هالبطاقه" into "هذا البطاقه".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from faq.normalize import normalize
from faq.tsv import data_lines

__all__ = ["DEFAULT_PATH", "DialectMap", "default_map", "load_map", "to_msa"]

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "dialect.tsv"
# A conjunction glued to a dialect word ("ووين", "فليش") should not hide it from the map.
_CONJUNCTIONS = ("و", "ف")
_ARTICLE = "ال"
# Prefix rules need a real word after the prefix, not a stray letter.
_MIN_REST = 2


@dataclass(frozen=True)
class DialectMap:
    words: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # (prefix, replacement words, where the remainder goes in the last word)
    prefixes: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def lookup(self, word: str) -> tuple[str, ...] | None:
        hit = self.words.get(word)
        if hit is not None:
            return hit
        if word.startswith(_ARTICLE):
            # "الكرت" -> "البطاقه": a mapped noun keeps its article.
            bare = self.words.get(word[len(_ARTICLE) :])
            if bare is not None and len(bare) == 1:
                return (_ARTICLE + bare[0],)
        for prefix, replacement in self.prefixes:
            rest = word[len(prefix) :]
            if word.startswith(prefix) and len(rest) >= _MIN_REST:
                return (*replacement[:-1], replacement[-1].replace("*", rest))
        return None


def _prefix_rule(left: str, right: str, where: str) -> tuple[str, tuple[str, ...]]:
    prefix = normalize(left[:-1])
    value = tuple(normalize(w) + ("*" if w.endswith("*") else "") for w in right.split())
    if not prefix or not value or not value[-1].endswith("*"):
        raise ValueError(f"{where}: a prefix rule needs '*' on both sides")
    return prefix, value


def _word_rule(left: str, right: str, where: str) -> tuple[str, tuple[str, ...]]:
    key, mapped = normalize(left), tuple(normalize(right).split())
    if not key or " " in key or not mapped:
        raise ValueError(f"{where}: the dialect side must be one word")
    return key, mapped


def load_map(path: Path | str = DEFAULT_PATH) -> DialectMap:
    """Read a ``dialect<TAB>msa`` file; both columns are normalised on the way in."""
    words: dict[str, tuple[str, ...]] = {}
    prefixes: list[tuple[str, tuple[str, ...]]] = []
    for lineno, parts in data_lines(path, "dialect\tmsa"):
        where = f"{path}:{lineno}"
        if len(parts) != 2:
            line = "\t".join(parts)
            raise ValueError(f"{where}: expected 'dialect<TAB>msa', got {line!r}")
        left, right = parts
        if left.endswith("*"):
            prefixes.append(_prefix_rule(left, right, where))
        else:
            key, mapped = _word_rule(left, right, where)
            words[key] = mapped
    # Longest prefix first so that a specific rule wins over a general one.
    prefixes.sort(key=lambda item: -len(item[0]))
    return DialectMap(words=words, prefixes=tuple(prefixes))


@lru_cache(maxsize=1)
def default_map() -> DialectMap:
    return load_map(DEFAULT_PATH)


def to_msa(words: Iterable[str], mapping: DialectMap | None = None) -> list[str]:
    """Replace dialect words in already-normalised ``words`` by their MSA form."""
    table = default_map() if mapping is None else mapping
    out: list[str] = []
    for word in words:
        hit = table.lookup(word)
        if hit is None and len(word) > 2 and word[0] in _CONJUNCTIONS:
            hit = table.lookup(word[1:])
        if hit is None:
            out.append(word)
        else:
            out.extend(hit)
    return out
