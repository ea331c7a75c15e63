"""Lexicons: the data files of one language compiled into a word index and phrase patterns.

The format is documented in ``engine/data/README.md``. Each language folder holds tab-separated
files of ``pattern, label, weight, flags`` lines and an ``inflection.txt``; a lexicon is built
once per process on first use and every word form it meets is looked up once (cached).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from itertools import accumulate
from typing import Final, cast

from calmdesk.engine.lemma import Inflection, StemIndex
from calmdesk.engine.normalize import deleet, destretch, fold, has_leet, has_stretch
from calmdesk.engine.tokens import Tokens
from calmdesk.engine.vocabulary import ABUSE_CATEGORIES, EMOTIONS, INTENTS

LEXICON_FILES: Final = ("abuse.tsv", "cues.tsv", "emotions.tsv", "intents.tsv")

MARKERS: Final = (
    "you",  # second person / formal address: the message talks to the employee
    "business",  # the business or its people: "wasza firma", "your staff"
    "object",  # things and situations: "pralka", "washer", "kone"
    "third",  # third parties: "my sister", "the courier", "he"
    "reported",  # reported speech: "called", "powiedział", "sanoi"
    "negation",  # "nie", "not", "ei"
    "denial",  # "nie uważam", "I'm not saying", "en väitä": negates a whole clause
    "intensifier",  # "bardzo", "really", "todella"
    "review_word",  # "opinia", "review", "arvostelu"
    "review_platform",  # "Google", "Trustpilot"
    "publish",  # "wystawię", "I'll post", "kirjoitan"
    "compliment",  # remarks on looks: "ładna", "sexy", "kaunis"
    "proposition",  # "po pracy", "a drink", "treffit"
    "question_word",  # clause-initial question words: "czy", "could", "voisitteko"
    "revisit",  # coming back as a wish: "przyjdę znowu", "see you again", "tulen uudestaan"
)
_MARKER_SET: Final = frozenset(MARKERS)
LABELS: Final = frozenset(ABUSE_CATEGORIES + EMOTIONS + INTENTS + MARKERS)
FLAGS: Final = frozenset(
    {
        "strong",  # unambiguous: a slur, an explicit threat of violence
        "person",  # a word for a person: aimed at whoever is addressed, the employee by default
        "needs_target",  # only abusive when aimed at someone ("stupid", "głupi")
        "at_staff",  # the phrase itself addresses the employee ("fuck you", "zabiję cię")
        "noun",  # profanity that turns into an insult when addressed ("ty kurwo")
    }
)
_GAP: Final = "…"
_MAX_GAP: Final = 3
_CACHE_LIMIT: Final = 200_000
_NONE: Final[frozenset[int]] = frozenset()
_NO_PLAN: Final[tuple[()]] = ()
"""The plan of a word that starts nothing (tested by identity: every such word gets it)."""
# What makes lookup() try several forms of a word: a character that deleet() or masking
# changes, or a letter stretched three times or more (normalize's _LEET and _RUN3). Two
# searches, each several times faster than one with both: in a word, a character three times
# in a row is a stretched letter or one of the characters of the first.
_LEET_OR_MASK: Final = re.compile(r"[013457@$*]")
_THREE_IN_A_ROW: Final = re.compile(r"(.)\1\1")


@dataclass(frozen=True, slots=True)
class Entry:
    """One lexicon line: a pattern of word positions (None = gap of up to three words)."""

    label: str
    weight: float
    flags: frozenset[str]
    pattern: tuple[frozenset[int] | None, ...]
    source: str


# What a word can start: its one-word entries (all; then split into hits and marker cues), the
# atoms a second word needs for a two-word start, those phrases by that atom, gapped phrases.
Plan = tuple[
    tuple[Entry, ...],
    tuple[Entry, ...],
    tuple[tuple[str, Entry], ...],
    frozenset[int],
    dict[int, tuple[Entry, ...]],
    tuple[Entry, ...],
]


class Hit:
    """An entry found in a message, on tokens ``first`` to ``last`` (inclusive).

    A plain class with an __init__ written out: compiled by mypyc (setup.py), it is built and
    read as a C struct, where a named tuple costs a Python-level call to build.
    """

    __slots__ = ("entry", "first", "last")

    def __init__(self, entry: Entry, first: int, last: int) -> None:
        self.entry = entry
        self.first = first
        self.last = last

    def __repr__(self) -> str:
        return f"Hit({self.entry.label!r}, {self.first}, {self.last})"


class Lexicon:
    """The compiled lexicon of one language."""

    def __init__(self, lang: str, inflection: Inflection) -> None:
        self.lang = lang
        self._exact: dict[str, set[int]] = {}
        self._stems = StemIndex(inflection)
        self._atom_ids: dict[tuple[str, str], int] = {}
        self._roots: list[tuple[str, int]] = []
        self._root_pattern: re.Pattern[str] | None = None
        self._abuse_atoms: set[int] = set()
        # Entries by their first word: one-word entries, phrases by their first two words, and
        # phrases with a gap after the first word.
        self._singles: dict[int, list[Entry]] = {}
        self._pairs: dict[int, dict[int, list[Entry]]] = {}
        self._gapped: dict[int, list[Entry]] = {}
        self._cache: dict[str, frozenset[int]] = {}
        self._plans: dict[frozenset[int], Plan] = {}
        # Per word: the plan of what it can start, or () when it starts nothing.
        self._starting: dict[str, Plan | tuple[()]] = {}
        self.entries: list[Entry] = []

    # -- building ---------------------------------------------------------------------------

    def add(
        self, pattern: str, label: str, weight: float, flags: frozenset[str], where: str
    ) -> None:
        """Add one line; ``pattern`` uses the syntax of ``engine/data/README.md``.

        ``;`` separates alternative phrases, ``|`` alternative words of one position, ``…`` is
        a gap of up to three words, a trailing ``*`` marks a stem, ``*root*`` a root found
        anywhere inside a word.
        """
        for phrase in pattern.split(";"):
            self._add_phrase(phrase, label, weight, flags, where)

    def _add_phrase(
        self, pattern: str, label: str, weight: float, flags: frozenset[str], where: str
    ) -> None:
        positions: list[frozenset[int] | None] = []
        for word in pattern.replace("'", " ").split():
            if word in (_GAP, "..."):
                positions.append(None)
                continue
            atoms = frozenset(self._atom(alt) for alt in word.split("|") if alt)
            if not atoms:
                raise ValueError(f"{where}: empty word in pattern {pattern!r}")
            positions.append(atoms)
        if not positions or positions[0] is None or positions[-1] is None:
            raise ValueError(f"{where}: a pattern must start and end with a word: {pattern!r}")
        entry = Entry(label, weight, flags, tuple(positions), where)
        self.entries.append(entry)
        first, second = positions[0], positions[1] if len(positions) > 1 else None
        for atom in first:
            if len(positions) == 1:
                self._singles.setdefault(atom, []).append(entry)
            elif second is None:
                self._gapped.setdefault(atom, []).append(entry)
            else:
                pairs = self._pairs.setdefault(atom, {})
                for atom2 in second:
                    pairs.setdefault(atom2, []).append(entry)
        if label in ABUSE_CATEGORIES:
            for position in positions:
                self._abuse_atoms |= position or set()

    def _atom(self, word: str) -> int:
        kind = "root" if word.startswith("*") and word.endswith("*") else "stem"
        if not word.endswith("*"):
            kind = "word"
        key = fold(word.strip("*")).text
        found = self._atom_ids.get((key, kind))
        if found is not None:
            return found
        atom = len(self._atom_ids)
        self._atom_ids[(key, kind)] = atom
        if kind == "root":
            self._roots.append((key, atom))
            self._root_pattern = None
        elif kind == "stem":
            self._stems.add(key, atom)
        else:
            self._exact.setdefault(key, set()).add(atom)
        return atom

    # -- matching ---------------------------------------------------------------------------

    def lookup(self, key: str) -> frozenset[int]:
        """Atoms matched by one folded word, obfuscations included (cached per word)."""
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        return self._look_up(key, _special(key), bool(self._roots) and self._has_root(key))

    def _look_up(self, key: str, special: bool, rooted: bool) -> frozenset[int]:
        # A word not in the cache: ``special`` when it has leetspeak, stretching or masking,
        # ``rooted`` when a root occurs in it.
        if special:
            result = self._lookup_forms(key)
        else:
            # Most new words: one form to look up.
            atoms = self._stems.match(key)
            exact = self._exact.get(key)
            if exact:
                atoms |= exact
            if rooted:
                atoms.update(atom for root, atom in self._roots if root in key)
            result = frozenset(atoms) if atoms else _NONE
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        self._cache[key] = result
        return result

    def _has_root(self, key: str) -> bool:
        return self._any_root().search(key) is not None

    def _lookup_forms(self, key: str) -> frozenset[int]:
        forms = [key]
        if has_leet(key):
            forms.append(deleet(key))
        for form in list(forms):
            forms.extend(destretch(form))
        atoms: set[int] = set()
        for form in forms:
            atoms |= self._exact.get(form, set())
            atoms |= self._stems.match(form)
            for root, atom in self._roots:
                if root in form:  # "*pierdol*" in "przypierdolił", "*vittu*" in "vittumainen"
                    atoms.add(atom)
        if "*" in key:
            atoms |= self._masked(deleet(key))
        return frozenset(atoms)

    def _any_root(self) -> re.Pattern[str]:
        # One search tells whether a word holds any root at all (most hold none).
        if self._root_pattern is None:
            self._root_pattern = re.compile("|".join(re.escape(root) for root, _ in self._roots))
        return self._root_pattern

    def is_abuse_word(self, key: str) -> bool:
        """True when ``key`` matches a word of an abuse entry (for rejoining "k u r w a")."""
        return not self._abuse_atoms.isdisjoint(self.lookup(key))

    def _masked(self, key: str) -> set[int]:
        # "ch*j", "f**k", "k*rwa": each star stands for one letter of an abuse word.
        letters = len(key) - key.count("*")
        if letters < 1 or len(key) < 3 or key[0] == "*":
            return set()
        pattern = re.compile("".join("[^\\W\\d_]" if c == "*" else re.escape(c) for c in key))
        found: set[int] = set()
        for word, atoms in self._exact.items():
            if len(word) == len(key) and pattern.fullmatch(word):
                found |= atoms & self._abuse_atoms
        for stem, atoms in self._stems.items():
            ending = key[len(stem) :]
            if (
                len(stem) <= len(key)
                and "*" not in ending
                and re.fullmatch(_prefix_pattern(key, len(stem)), stem)
                and self._stems.inflection.allows(ending)
            ):
                found |= atoms & self._abuse_atoms
        return found

    def match(self, tokens: Tokens) -> list[Hit]:
        """Every entry found in ``tokens``, in token order."""
        hits: list[Hit] = []
        self.scan(tokens, hits, None)
        return hits

    def scan(self, tokens: Tokens, hits: list[Hit], markers: dict[str, list[Hit]] | None) -> None:
        """Append the entries found in ``tokens`` to ``hits`` in token order, and the markers'
        hits to ``markers`` by marker name (to ``hits`` too when ``markers`` is None)."""
        keys = tokens.keys
        if not keys:
            return
        self.scan_plans(tokens, self.plans(keys), 0, hits, markers)

    def plans(self, keys: list[str]) -> list[Plan | tuple[()]]:
        """What each word of ``keys`` can start (``()`` for nothing): one look-up per word;
        words never seen are planned once."""
        starting = self._starting
        found: list[Plan | tuple[()]] = []
        missing: list[int] = []
        for i, key in enumerate(keys):
            plan = starting.get(key)
            if plan is None:
                missing.append(i)
                found.append(_NO_PLAN)
            else:
                found.append(plan)
        if missing:
            new = list(dict.fromkeys([keys[i] for i in missing]))
            planned = dict(zip(new, self._new_plans(new), strict=True))
            for i in missing:
                found[i] = planned[keys[i]]
        return found

    def scan_plans(
        self,
        tokens: Tokens,
        plans: list[Plan | tuple[()]],
        offset: int,
        hits: list[Hit],
        markers: dict[str, list[Hit]] | None,
    ) -> None:
        """:meth:`scan` given the plans of the words of ``tokens``: ``plans[offset + i]`` is
        what word ``i`` can start (a batch's texts share one sequence of plans)."""
        keys = tokens.keys
        cache = self._cache
        atoms_per: list[frozenset[int]] | None = None
        last = len(keys) - 1
        for i in range(len(keys)):
            found = plans[offset + i]
            if found is _NO_PLAN:  # most words start nothing
                continue
            singles, single_hits, single_cues, seconds, pairs, gapped = cast(Plan, found)
            if markers is None:
                for entry in singles:
                    hits.append(Hit(entry, i, i))
            else:
                for entry in single_hits:
                    hits.append(Hit(entry, i, i))
                for label, entry in single_cues:
                    cues = markers.get(label)
                    if cues is None:
                        markers[label] = [Hit(entry, i, i)]
                    else:
                        cues.append(Hit(entry, i, i))
            paired = False
            if seconds and i < last:
                # Phrases by their first two words: most never find their second word next.
                after = cache.get(keys[i + 1])
                if after is None:
                    after = self.lookup(keys[i + 1])
                paired = not seconds.isdisjoint(after)
            if not paired and not gapped:
                continue
            if atoms_per is None:
                atoms_per = self._atoms_per(keys)
            self._phrases(
                i, pairs if paired else None, gapped, atoms_per, tokens.clauses, hits, markers
            )

    def _phrases(
        self,
        i: int,
        pairs: dict[int, tuple[Entry, ...]] | None,
        gapped: tuple[Entry, ...],
        atoms_per: list[frozenset[int]],
        clauses: list[int],
        hits: list[Hit],
        markers: dict[str, list[Hit]] | None,
    ) -> None:
        # Phrases starting at word i: by their first two words (``pairs``), or with a gap after
        # the first word (``gapped``).
        longer: list[Hit] = []
        if pairs and i < len(atoms_per) - 1 and clauses[i + 1] == clauses[i]:
            for atom2 in atoms_per[i + 1]:
                for entry in pairs.get(atom2, ()):
                    if len(entry.pattern) == 2:  # a two-word phrase: found whole
                        longer.append(Hit(entry, i, i + 1))
                        continue
                    end = _extend(entry.pattern, 2, i + 2, atoms_per, clauses)
                    if end is not None:
                        longer.append(Hit(entry, i, end - 1))
        if gapped:
            # A gapped phrase can only match where its last word occurs somewhere after i.
            present = frozenset().union(*atoms_per[i + 1 :])
            for entry in gapped:
                if entry.pattern[-1].isdisjoint(present):  # type: ignore[union-attr]
                    continue
                end = _extend(entry.pattern, 1, i + 1, atoms_per, clauses)
                if end is not None:
                    longer.append(Hit(entry, i, end - 1))
        for hit in longer:
            label = hit.entry.label
            if markers is None or label not in _MARKER_SET:
                hits.append(hit)
            else:
                markers.setdefault(label, []).append(hit)

    def _atoms_per(self, keys: list[str]) -> list[frozenset[int]]:
        # A plain loop: compiled, it beats list(map(...)) and then "None in" over frozensets.
        cache = self._cache
        found: list[frozenset[int]] = []
        for key in keys:
            atoms = cache.get(key)
            if atoms is None:  # the cache was reset since the plans were read
                atoms = self.lookup(key)
            found.append(atoms)
        return found

    def _new_plans(self, keys: Sequence[str]) -> list[Plan | tuple[()]]:
        # Words met for the first time: their atoms, and the plan of what they can start,
        # built once per distinct set of atoms, in token order.
        plans: list[Plan | tuple[()]] = []
        special, rooted = self._marked(keys)
        for i, key in enumerate(keys):
            plan = self._starting.get(key)
            if plan is None:
                atoms = self._cache.get(key)
                if atoms is None:
                    atoms = self._look_up(key, i in special, i in rooted)
                plan = _NO_PLAN
                if atoms:
                    plan = self._plans.get(atoms) or self._plan(atoms)
                    self._plans.setdefault(atoms, plan)
                    if not (plan[0] or plan[3] or plan[5]):
                        plan = _NO_PLAN
                if len(self._starting) >= _CACHE_LIMIT:
                    self._starting.clear()
                self._starting[key] = plan
            plans.append(plan)
        return plans

    def _marked(self, keys: Sequence[str]) -> tuple[set[int], set[int]]:
        """Indices of the words of ``keys`` with leetspeak, masking or stretched letters, and
        of those in which a root occurs: one search over the words joined, not one per word."""
        joined = "\x00".join(keys)
        if len(keys) < 2 or joined.count("\x00") != len(keys) - 1:
            special = {i for i, key in enumerate(keys) if _special(key)}
            rooted = {i for i, key in enumerate(keys) if self._roots and self._has_root(key)}
            return special, rooted
        ends = list(accumulate(len(key) + 1 for key in keys))
        special = {bisect_right(ends, m.start()) for m in _LEET_OR_MASK.finditer(joined)}
        special.update(bisect_right(ends, m.start()) for m in _THREE_IN_A_ROW.finditer(joined))
        rooted = (
            {bisect_right(ends, m.start()) for m in self._any_root().finditer(joined)}
            if self._roots
            else set()
        )
        return special, rooted

    def _plan(self, atoms: frozenset[int]) -> Plan:
        # What a word with these atoms can start, merged once per distinct set of atoms. Single
        # words are kept twice: all in lexicon order (for match()), and split into hits and
        # marker cues (for scan()).
        singles: dict[int, Entry] = {}
        pairs: dict[int, dict[int, Entry]] = {}
        gapped: dict[int, Entry] = {}
        for atom in atoms:
            singles.update((id(e), e) for e in self._singles.get(atom, ()))
            gapped.update((id(e), e) for e in self._gapped.get(atom, ()))
            for atom2, entries in self._pairs.get(atom, {}).items():
                pairs.setdefault(atom2, {}).update((id(e), e) for e in entries)
        ordered = tuple(singles.values())
        return (
            ordered,
            tuple(e for e in ordered if e.label not in _MARKER_SET),
            tuple((e.label, e) for e in ordered if e.label in _MARKER_SET),
            frozenset(pairs),
            {atom2: tuple(entries.values()) for atom2, entries in pairs.items()},
            tuple(gapped.values()),
        )


def _special(key: str) -> bool:
    """Whether lookup() tries several forms of ``key``: leetspeak, masking or stretching (what
    _LEET_OR_MASK and _THREE_IN_A_ROW find in a batch of words)."""
    return "*" in key or deleet(key) != key or has_stretch(key)


def _prefix_pattern(key: str, length: int) -> str:
    return "".join("[^\\W\\d_]" if c == "*" else re.escape(c) for c in key[:length])


def _extend(
    pattern: tuple[frozenset[int] | None, ...],
    position: int,
    index: int,
    atoms_per: Sequence[frozenset[int]],
    clauses: Sequence[int],
) -> int | None:
    """Token index just past a match of ``pattern[position:]`` starting at ``index``."""
    clause = clauses[index - 1] if index - 1 < len(clauses) else -1
    while position < len(pattern):
        spec = pattern[position]
        if spec is None:
            for skip in range(_MAX_GAP + 1):
                at = index + skip
                if at >= len(clauses) or clauses[at] != clause:
                    break
                if _fits(pattern[position + 1], atoms_per[at]):
                    end = _extend(pattern, position + 2, at + 1, atoms_per, clauses)
                    if end is not None:
                        return end
            return None
        if index >= len(clauses) or clauses[index] != clause:
            return None
        if spec.isdisjoint(atoms_per[index]):
            return None
        position += 1
        index += 1
    return index


def _fits(spec: frozenset[int] | None, atoms: frozenset[int]) -> bool:
    return spec is not None and not spec.isdisjoint(atoms)


def _lines(lang: str, name: str) -> Iterator[tuple[int, str]]:
    resource = files("calmdesk.engine") / "data" / lang / name
    if not resource.is_file():
        return
    for number, line in enumerate(resource.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip() and not line.lstrip().startswith("#"):
            yield number, line


def _build(lang: str) -> Lexicon:
    inflection = Inflection.parse(line for _, line in _lines(lang, "inflection.txt"))
    lexicon = Lexicon(lang, inflection)
    for name in LEXICON_FILES:
        for number, line in _lines(lang, name):
            where = f"{lang}/{name}:{number}"
            cells = [cell.strip() for cell in line.split("\t")]
            if len(cells) < 2:
                raise ValueError(f"{where}: expected pattern<TAB>label[<TAB>weight[<TAB>flags]]")
            pattern, label = cells[0], cells[1]
            weight = float(cells[2]) if len(cells) > 2 and cells[2] else 1.0
            flags = frozenset(f for f in (cells[3].split(",") if len(cells) > 3 else []) if f)
            if label not in LABELS:
                raise ValueError(f"{where}: unknown label {label!r}")
            if not 0.0 <= weight <= 1.0:
                raise ValueError(f"{where}: weight must be within 0..1, got {weight}")
            if not flags <= FLAGS:
                raise ValueError(f"{where}: unknown flags {sorted(flags - FLAGS)}")
            lexicon.add(pattern, label, weight, flags, where)
    return lexicon


@cache
def lexicon(lang: str) -> Lexicon:
    """The compiled lexicon of ``lang`` (pl, fi or en), built on first use."""
    return _build(lang)
