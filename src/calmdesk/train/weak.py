"""Weak labels from word lists, for heads that have no human-labelled data.

Finnish has no abuse training set, and no data set marks profanity as such. These heads learn
from lexicon matches instead: the shared reference lists (LDNOOBW, BAN-PL; CC BY 4.0) minus
entries that are ordinary words in everyday use, plus calmdesk's own Finnish insult stems.
A model trained on such labels generalises the lists over spelling variants and inflection;
it does not learn abuse the lists don't name (the model card says so).
"""

from __future__ import annotations

from collections.abc import Iterable

from calmdesk.engine.textfeatures import normalise

# Entries of the reference lists that are everyday words ("egg", "to put", "stuff", "mess")
# or positive slang; matching them would teach the model that ordinary talk is abuse.
NOT_ABUSE = frozenset(
    {
        "jätkä", "muna", "pistää", "panna", "pano", "tavara", "reikä", "viiksi", "pipari",
        "palli", "pallit", "molo", "haahka", "hatullinen", "paljaalla", "naida", "tuhkaluukku",
        "suklaaosasto", "ripsipiirakka", "lahtari", "pehko", "reva", "toosa", "alfred nussi",
        "mutiainen", "jutku", "jutsku", "piru", "hitto", "hitosti", "pentele", "tussu",
        "jajko", "jajco", "dmuchać", "cyc", "syf", "rzygać", "pierdzieć", "duperele", "sraczka",
        "pierdoła", "zajebisty", "burdel", "pieprzyć",
    }
)  # fmt: skip

# calmdesk's own Finnish stems (prefix match on folded tokens: Finnish inflects heavily).
FINNISH_INSULT_STEMS = (
    "idioot", "aalio", "typery", "tyhmy", "hormo", "luuseri", "paskiai", "kusipa", "mulkku",
    "runkkari", "huora", "lutka", "narttu", "neekeri", "nekru", "ryssa", "hintti", "apara",
    "mamu", "juntti", "dille", "debiili", "kretiini", "imbesilli", "urpo", "puupaa", "tollo",
    "tampio", "paskapaa", "kusipaa", "mulkvisti", "vammane", "jalkeenjaa",
)  # fmt: skip
FINNISH_PROFANITY_STEMS = (
    "vittu", "vitun", "vitus", "perkele", "saatana", "paska", "kyrpa", "perse", "helvet",
    "jumalaut", "kusi", "kuse", "huora", "pillu", "mulkku", "runkk", "nussi",
)  # fmt: skip


class Lexicon:
    """Matches whole folded words (and multi-word entries) of a word list in a text."""

    def __init__(self, entries: Iterable[str], stems: Iterable[str] = ()) -> None:
        folded = {normalise(e) for e in entries if e not in NOT_ABUSE}
        self._words = {e for e in folded if " " not in e}
        self._phrases = [f" {e} " for e in folded if " " in e]
        self._stems = tuple(stems)

    def matches(self, text: str) -> bool:
        """Whether ``text`` contains an entry of the list."""
        tokens = [t.strip(".,!?;:\"'()[]*-") for t in normalise(text).split()]
        if any(t in self._words for t in tokens):
            return True
        if self._stems and any(t.startswith(self._stems) for t in tokens):
            return True
        joined = f" {' '.join(tokens)} "
        return any(p in joined for p in self._phrases)
