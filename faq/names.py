"""Personal names: a message made only of names is out of the FAQ's scope.

People type their name at any moment (before the form asks, after a greeting, as a reply
to staff), and the matcher reads letters, not meaning: «محمد» shares enough character
n-grams with complaint examples to be answered as a complaint. The names are data
(``faq/data/names.tsv``); they give the bank's out-of-scope side examples of names, and
:meth:`NameList.is_only_names` lets the service decline a text made only of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

from faq.normalize import normalize
from faq.tsv import data_lines

__all__ = ["DEFAULT_PATH", "NameList", "default_names", "load_names"]

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "names.tsv"
_KINDS = ("m", "f", "family", "particle")
_ARTICLE = "ال"
# «عبد الرحمن»: the particle joins the next word into one name.
_JOINING = "عبد"
# A full name is up to four names with the particles between them
# («محمد بن عبد الله بن سعد آل سعود»); a longer text is something else.
_MAX_WORDS = 9


class NameList:
    """Given names (men's, women's), family names and the particles that join them."""

    def __init__(
        self,
        men: Sequence[str],
        women: Sequence[str],
        families: Sequence[str],
        particles: Iterable[str],
    ) -> None:
        self.men, self.women, self.families = tuple(men), tuple(women), tuple(families)
        self.particles = frozenset(normalize(p) for p in particles)
        self._families = frozenset(normalize(n) for n in self.families)
        self._names = frozenset(normalize(n) for n in (*self.men, *self.women)) | self._families

    def _is_name(self, word: str) -> bool:
        if word in self._names or _ARTICLE + word in self._families:
            return True
        # «السعيد», «الخالد»: a family name made of a given name.
        return word.startswith(_ARTICLE) and len(word) > 4 and word[2:] in self._names

    def is_only_names(self, text: str) -> bool:
        """True when ``text`` is one to four names, possibly joined by بن/بنت/آل/أبو…."""
        raw = text.split()
        if not raw or len(raw) > _MAX_WORDS:
            return False
        # Nearly every question starts with a word that names nobody: decide on it alone
        # before normalising the whole text (this runs on every message).
        lead = normalize(raw[0]).split()
        if lead and not (self._is_name(lead[0]) or lead[0] in self.particles):
            return False
        words = normalize(text).split()
        if not words or len(words) > _MAX_WORDS:
            return False
        return self._names_and_particles(words)

    def _names_and_particles(self, words: list[str]) -> bool:
        """True when every word is a name or a particle, and one at least is a name."""
        named = False
        i = 0
        while i < len(words):
            word = words[i]
            if word == _JOINING and i + 1 < len(words) and word + words[i + 1] in self._names:
                named, i = True, i + 2
                continue
            if self._is_name(word):
                named = True
            elif word not in self.particles:
                return False
            i += 1
        return named

    def examples(self) -> list[str]:
        """Names as people type them, for the bank's out-of-scope side.

        Every given name alone; then, along the family names, a given name with a family
        name, full names with «بن» and «بنت», four names, and «آل»: 2 to 4 names, built
        deterministically so that a profile always trains the same matcher.
        """
        out = [*self.men, *self.women]
        for i, family in enumerate(self.families):
            out += self._with_family(i, family)
        return out

    def _man(self, i: int) -> str:
        return self.men[i % len(self.men)]

    def _woman(self, i: int) -> str:
        return self.women[i % len(self.women)]

    def _with_family(self, i: int, family: str) -> list[str]:
        """The i-th family name's examples: the kinds of full name take turns."""
        man, woman = self._man, self._woman
        out = [f"{(man if i % 2 else woman)(i)} {family}"]
        if i % 2 == 0:
            out.append(f"{man(i + 1)} بن {man(i + 5)} {family}")
        else:
            out.append(f"{woman(i + 2)} بنت {man(i + 7)} {family}")
        if i % 4 == 0:
            out.append(f"{man(i + 3)} {man(i + 11)} {man(i + 17)} {family}")
        if i % 6 == 0:
            out.append(f"{man(i + 13)} آل {family.removeprefix(_ARTICLE)}")
        return out


def load_names(path: Path | str = DEFAULT_PATH) -> NameList:
    """Read a ``name<TAB>kind`` file (kinds m, f, family, particle)."""
    by_kind: dict[str, list[str]] = {k: [] for k in _KINDS}
    for lineno, parts in data_lines(path, "name\tkind"):
        if len(parts) != 2 or parts[1] not in by_kind or not normalize(parts[0]):
            raise ValueError(f"{path}:{lineno}: expected 'name<TAB>m|f|family|particle'")
        by_kind[parts[1]].append(parts[0].strip())
    return NameList(by_kind["m"], by_kind["f"], by_kind["family"], by_kind["particle"])


@lru_cache(maxsize=1)
def default_names() -> NameList:
    return load_names(DEFAULT_PATH)
