"""One message as the detectors see it: folded text, words, lexicon hits and context cues."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Final

from calmdesk.engine.analysis import Evidence
from calmdesk.engine.lexicon import Hit, Lexicon
from calmdesk.engine.normalize import Folded, fold
from calmdesk.engine.tokens import Tokens, tokenize


@dataclass(slots=True, init=False)
class Reading:
    """Hits of the lexicons on one message; ``markers`` holds context cues by marker name."""

    folded: Folded
    tokens: Tokens
    hits: list[Hit]
    markers: dict[str, list[Hit]]
    _firsts: dict[str, list[int]]

    # Written out: a generated __init__ would run as interpreted code (see findings.Findings).
    def __init__(
        self,
        folded: Folded,
        tokens: Tokens,
        hits: list[Hit] | None = None,
        markers: dict[str, list[Hit]] | None = None,
    ) -> None:
        self.folded = folded
        self.tokens = tokens
        self.hits = [] if hits is None else hits
        self.markers = {} if markers is None else markers
        self._firsts = {}

    def cues(self, marker: str, low: int, high: int) -> Sequence[Hit]:
        """``marker`` cues starting at word ``low`` to ``high`` (inclusive), in text order.

        Cues are found by bisection, so a long message with many cues stays fast.
        """
        cues = self.markers.get(marker)
        if not cues:
            return ()
        firsts = self._firsts.get(marker)
        if firsts is None:
            cues.sort(key=lambda cue: cue.first)
            firsts = self._firsts[marker] = [cue.first for cue in cues]
        return cues[bisect_left(firsts, low) : bisect_right(firsts, high)]

    def evidence(self, hit: Hit, label: str) -> Evidence:
        """Evidence for ``hit`` under ``label``, with offsets into the original text."""
        start = self.tokens.span(hit.first)[0]
        end = self.tokens.span(hit.last)[1]
        folded = self.folded
        if folded.starts is not None:  # folding moved characters: map back to the original
            start, end = folded.span(start, end)
        return _new(Evidence, (start, end, folded.original[start:end], label))

    def near(
        self, marker: str, hit: Hit, before: int, after: int, *, phrase: bool = False
    ) -> Hit | None:
        """The closest ``marker`` cue within ``before``/``after`` words of ``hit``, same clause.

        ``phrase=True`` also stops at commas: the cue must belong to the same phrase.
        """
        if marker not in self.markers:
            return None
        clause = self.tokens.clauses[hit.first]
        best: Hit | None = None
        best_distance = before + after + 1
        low = hit.first - before - _LONGEST_CUE
        for cue in self.cues(marker, low, hit.last + after):
            if cue.first <= hit.last and cue.last >= hit.first:
                distance = 0  # a cue within the hit: "bunch" in "bunch of idiots"
            elif cue.last < hit.first:
                distance = hit.first - cue.last
                if distance > before:
                    continue
            else:
                distance = cue.first - hit.last
                if distance > after:
                    continue
            if self.tokens.clauses[cue.first] != clause:
                continue
            if phrase and distance and self._comma_between(cue, hit):
                continue
            if distance < best_distance:
                best, best_distance = cue, distance
        return best

    def within(self, marker: str, hit: Hit) -> bool:
        """True when a ``marker`` cue spans ``hit`` ("again" inside "I'll come again")."""
        return any(
            cue.first <= hit.first and hit.last <= cue.last
            for cue in self.cues(marker, hit.first - _LONGEST_CUE, hit.last)
        )

    def in_clause(self, marker: str, hit: Hit) -> bool:
        """True when a ``marker`` cue is in the same clause as ``hit`` (and not the hit itself)."""
        if marker not in self.markers:
            return False
        clauses = self.tokens.clauses
        clause = clauses[hit.first]
        low, high = bisect_left(clauses, clause), bisect_right(clauses, clause) - 1
        return any(not cue.first <= hit.first <= cue.last for cue in self.cues(marker, low, high))

    def negated(self, hit: Hit, *, reach: int = 4, denials: bool = True) -> bool:
        """True when a negation governs ``hit``: "nie jesteś idiotą", "not calling you an idiot".

        The negation must precede the hit in its clause with no comma between, and either stand
        right before it ("not stupid", "not an idiot") or negate an address to the employee.
        ``denials=False`` leaves out denials of a whole clause ("I'm not saying ..."): they deny
        what is said of someone, not a feeling that follows ("..., I just want this fixed").
        """
        markers = self.markers
        if "negation" not in markers and ("denial" not in markers or not denials):
            return False
        clause = self.tokens.clauses[hit.first]
        if denials and self._denied(hit, clause):
            return True
        for cue in self.cues("negation", hit.first - reach - _LONGEST_CUE, hit.first):
            gap = hit.first - cue.last
            if gap < 1 or gap > reach or self.tokens.clauses[cue.first] != clause:
                continue
            if self._comma_between(cue, hit):
                continue
            if gap <= 2 or self.cues("you", cue.first, hit.first - 1):
                return True
        return False

    def _denied(self, hit: Hit, clause: int) -> bool:
        for cue in self.cues("denial", hit.first - _DENIAL_REACH - _LONGEST_CUE, hit.first):
            # "nie uważam, że jest Pan idiotą", "I'm not saying you're an idiot".
            same_clause = self.tokens.clauses[cue.first] == clause
            if same_clause and 0 < hit.first - cue.last <= _DENIAL_REACH:
                return True
        return False

    def _comma_between(self, a: Hit, b: Hit) -> bool:
        first, second = (a, b) if a.last < b.first else (b, a)
        span = self.tokens.span
        return "," in self.folded.text[span(first.last)[1] : span(second.first)[0]]


def read(text: str, lexicons: Sequence[Lexicon]) -> Reading:
    """Fold, split into words and match every lexicon of ``lexicons`` on ``text``."""
    folded = fold(text)
    tokens = tokenize(folded, abuse_word_test(lexicons))
    hits: list[Hit] = []
    markers: dict[str, list[Hit]] = {}
    for lexicon in lexicons:
        lexicon.scan(tokens, hits, markers)
    return Reading(folded, tokens, hits, markers)


def abuse_word_test(lexicons: Sequence[Lexicon]) -> Callable[[str], bool]:
    """Whether a string is a word of an abuse entry in any of ``lexicons``."""
    if len(lexicons) == 1:
        return lexicons[0].is_abuse_word
    return partial(_any_abuse_word, tuple(lexicons))


def _any_abuse_word(lexicons: tuple[Lexicon, ...], key: str) -> bool:
    return any(lexicon.is_abuse_word(key) for lexicon in lexicons)


_new = tuple.__new__  # Evidence(...) without the named tuple's Python-level __new__
_DENIAL_REACH: Final = 8
_LONGEST_CUE: Final = 6  # words in the longest marker phrase, for look-ups by position
