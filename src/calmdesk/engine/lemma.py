"""Inflection: matching Polish, Finnish and English word forms against lexicon stems.

Lexicon stems carry their language's inflection class (a set of endings, or "any ending up to
N letters" for Finnish, whose case endings and consonant gradation make lists impractical):
"idiot*" matches idiota, idiotą, idiotów, idiotką; "idioot*" matches idiootti, idiootiksi.
Matching a word is a handful of dictionary look-ups, so it runs on every token.

simplemma's dictionary lemmatiser is available through :func:`lemmatize` for tooling and tests.
It is not on the per-message path: loading its Polish or Finnish dictionary takes 4-5 seconds
per process (measured with simplemma 2.0), longer than analysing tens of thousands of messages.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True, slots=True)
class Inflection:
    """The endings a stem may take: a listed set, or any letters up to ``any_up_to``."""

    endings: frozenset[str]
    any_up_to: int = 0
    alternations: tuple[tuple[str, str], ...] = ()
    """Stem-final letter changes before endings: ("i", "e") lets "huijari*" match "huijareita"."""

    def variants(self, stem: str) -> list[str]:
        """``stem`` and its alternated forms (only for stems of five letters or more)."""
        forms = [stem]
        if len(stem) >= 5:
            for old, new in self.alternations:
                if stem.endswith(old):
                    forms.append(stem[: len(stem) - len(old)] + new)
        return forms

    def allows(self, ending: str) -> bool:
        """True when ``ending`` may follow a stem of this language."""
        if ending in self.endings:
            return True
        return len(ending) <= self.any_up_to and ending.isalpha()

    @classmethod
    def parse(cls, lines: Iterable[str]) -> Inflection:
        """Read an inflection file: ending words, a line ``any N``, or ``alternate OLD NEW``
        (a stem ending in OLD may end in NEW before an ending); ``#`` starts a comment."""
        endings: set[str] = {""}
        any_up_to = 0
        alternations: list[tuple[str, str]] = []
        for raw in lines:
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            if line.startswith("any "):
                any_up_to = int(line.split()[1])
                continue
            if line.startswith("alternate "):
                _, old, new = line.split()
                alternations.append((old, new))
                continue
            endings.update(line.split())
        return cls(frozenset(endings), any_up_to, tuple(alternations))


class StemIndex:
    """Stems of one language, matched as a prefix plus an allowed ending."""

    def __init__(self, inflection: Inflection) -> None:
        self.inflection = inflection
        self._stems: dict[str, set[int]] = {}
        self._lengths: list[int] = []
        # The first letters every stem starts with, as many as the shortest stem has: most
        # words start like no stem at all, and one look-up tells.
        self._heads: frozenset[str] = frozenset()
        self._head = 0

    def add(self, stem: str, atom: int) -> None:
        """Register ``stem`` (already folded) as lexicon atom number ``atom``."""
        for form in self.inflection.variants(stem):
            self._stems.setdefault(form, set()).add(atom)
        self._lengths = []  # recomputed at the next match (a lexicon adds hundreds of stems)

    def _index(self) -> None:
        self._lengths = sorted({len(s) for s in self._stems}, reverse=True)
        self._head = self._lengths[-1]
        self._heads = frozenset(s[: self._head] for s in self._stems)

    def match(self, word: str) -> set[int]:
        """Atoms whose stem starts ``word`` and whose ending the language allows."""
        found: set[int] = set()
        if not self._lengths:
            if not self._stems:
                return found
            self._index()
        if word[: self._head] not in self._heads:
            return found
        size = len(word)
        for length in self._lengths:
            if length > size:
                continue
            atoms = self._stems.get(word[:length])
            if atoms is not None and self.inflection.allows(word[length:]):
                found |= atoms
        return found

    def items(self) -> Iterable[tuple[str, set[int]]]:
        """Every (stem, atoms) pair."""
        return self._stems.items()


@lru_cache(maxsize=65536)
def lemmatize(word: str, lang: str) -> str:
    """simplemma's lemma of ``word`` (slow to load; not used on the per-message path)."""
    import simplemma

    return str(simplemma.lemmatize(word, lang=lang))
