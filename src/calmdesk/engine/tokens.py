"""Words of a folded text, with spelled-out obfuscations ("k.u.r.w.a", "f-u-c-k") rejoined.

Words are kept as parallel lists (key, clause) because most words of a message match nothing;
their spans are computed only when a detector needs evidence or context.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from itertools import accumulate, compress
from operator import not_
from typing import Final

from calmdesk.engine.normalize import Folded

# A word: letters/digits, with leetspeak symbols and masking stars inside ("@ss", "f**k", "$hit").
_WORD: Final = re.compile(r"[@$*]*[^\W_](?:[^\W_]|[@$*])*")
# Clause boundaries: rules look for the target of an insult within its clause.
_BOUNDARY: Final = re.compile(r"[.!?;:\n]+")
_SCAN: Final = re.compile(f"({_WORD.pattern})|({_BOUNDARY.pattern})")
# The same words and clause breaks for a text with no "_" in it (nearly every message): there
# "[^\W_]" is plain "\w", and classes without alternation scan about twice as fast.
_WORD_PLAIN: Final = re.compile(r"[@$*]*\w[\w@$*]*")
_SCAN_PLAIN: Final = re.compile(f"({_WORD_PLAIN.pattern})|{_BOUNDARY.pattern}")
# Single characters joined by one repeated separator: "k.u.r.w.a", "f-u-c-k", "i_d_i_o_t".
_SPELLED: Final = re.compile(r"(?<![^\W_])[^\W_](?:([.\-_·•])[^\W_])(?:\1[^\W_]){1,}(?![^\W_])")
# Single characters separated by single spaces: "k u r w a" (rejoined only if it is a lexicon word).
_SPACED: Final = re.compile(r"(?<![^\W_])[^\W_](?: [^\W_]){2,}(?![^\W_])")
# Three single letters with separators between: a cheap test before the two above. Written to
# start at the first separator (found by a fast scan for one character class) and to look back
# for the letter before it, which is much faster than trying a look-behind at every position.
_HINT: Final = re.compile(
    r"[.\-_·• ](?<=(?<![^\W_])[^\W_][.\-_·• ])[^\W_][.\-_·• ][^\W_](?![^\W_])"
)
_MAX_SPELLED: Final = 16
_NO_INDICES: Final[frozenset[int]] = frozenset()
_SEPARATORS: Final = re.compile(r"[.\-_·•]")


class Tokens:
    """The words of one folded text: ``keys[i]`` (folded word), ``clauses[i]`` and spans."""

    __slots__ = ("_spans", "clauses", "keys", "text")

    def __init__(
        self,
        text: str,
        keys: list[str],
        clauses: list[int],
        spans: list[tuple[int, int]] | None = None,
    ) -> None:
        self.text = text
        self.keys = keys
        self.clauses = clauses
        self._spans = spans

    def __len__(self) -> int:
        return len(self.keys)

    def span(self, index: int) -> tuple[int, int]:
        """Folded ``(start, end)`` of word ``index``."""
        if self._spans is None:
            self._spans = self._find_spans()
        return self._spans[index]

    def _find_spans(self) -> list[tuple[int, int]]:
        text = self.text
        if "*" in text:
            # Keys may have lost their stars: read the spans from the text itself.
            words = _WORD if "_" in text else _WORD_PLAIN
            return [match.span() for match in words.finditer(text)]
        # Each key is the text of its word, and only characters that are in no word lie
        # between two words: each word is the first occurrence of its key after the previous.
        spans = []
        end = 0
        for key in self.keys:
            start = text.find(key, end)  # a C call when compiled; no bound method
            end = start + len(key)
            spans.append((start, end))
        return spans


def tokenize(folded: Folded, is_word: Callable[[str], bool]) -> Tokens:
    """The words of ``folded.text`` in order.

    ``is_word`` says whether a string of spaced-out letters ("k u r w a") spells a lexicon word;
    only then are the letters read as one word, since "a i o" is ordinary Polish.
    """
    text = folded.text
    if text.isascii():
        return tokenize_ascii(text, is_word)
    if _HINT.search(text) is not None:
        joined = _joins(text, is_word)
        if joined:
            return _tokenize_joined(text, joined)
    keys: list[str]
    clauses: list[int]
    if "_" not in text:
        # One scan: a word, or an empty string for a run of clause boundaries. A word's clause
        # is the number of boundaries before it; both lists are built in C, not word by word.
        found = _SCAN_PLAIN.findall(text)
        keys = list(filter(None, found))
        if len(keys) == len(found) or (found[-1] == "" and found.count("") == 1):
            clauses = [0] * len(keys)
        else:
            counts = accumulate(map(not_, found), initial=0)
            next(counts)
            clauses = list(compress(counts, found))
    else:
        keys = []
        clauses = []
        for clause, part in enumerate(_BOUNDARY.split(text)):
            words = _WORD.findall(part)
            if words:
                keys += words
                clauses += [clause] * len(words)
    if "*" in text:
        keys = [_unstar(key) for key in keys]
    return Tokens(text, keys, clauses)


def tokenize_ascii(text: str, is_word: Callable[[str], bool]) -> Tokens:
    """:func:`tokenize` for a folded ``text`` that is all ASCII (most messages)."""
    # The same words and clauses as the regular expressions below, from byte translations and
    # splits that run in C: a regular expression spends hundreds of instructions on every
    # character.
    data = text.encode("ascii")
    classes = data.translate(_HINT_CLASSES)
    if classes.find(b"wswsw") != -1 and _spelled_out(classes):  # find() is cheaper than "in"
        joined = _joins(text, is_word)
        if joined:
            return _tokenize_joined(text, joined)
    return _marked_words(text, data.translate(_WORD_OR_BREAK).decode("ascii"))


def _spelled_out(classes: bytes) -> bool:
    """Whether a text whose bytes map to ``classes`` by _HINT_CLASSES has three single letters
    or digits with separators between, as _HINT finds them."""
    padded = b"o" + classes + b"o"
    return any(padded.find(pattern) != -1 for pattern in _SPELLED_OUT)


# Three single letters or digits with separators between, bounded by separators or others.
_SPELLED_OUT: Final = (b"swswsws", b"swswswo", b"owswsws", b"owswswo")


def _marked_words(text: str, marked: str) -> Tokens:
    # The words of an ASCII ``text`` whose characters are mapped by _WORD_OR_BREAK to word
    # characters, "\n" (a clause break) or " " (``marked``).
    keys = marked.split()  # clause breaks ("\n") are white space too
    # With no break before the last word, every word is in the first clause.
    clauses = _clauses(marked) if "\n" in marked.rstrip() else [0] * len(keys)
    if "@" in text or "$" in text or "*" in text:
        # Runs of symbols alone ("@@", "***") are no words.
        kept = [i for i, key in enumerate(keys) if key.strip("@$*")]
        if len(kept) != len(keys):
            keys = [keys[i] for i in kept]
            clauses = [clauses[i] for i in kept]
        if "*" in text:
            keys = [_unstar(key) for key in keys]
    return Tokens(text, keys, clauses)


def tokenize_ascii_many(texts: Sequence[str], is_word: Callable[[str], bool]) -> list[Tokens]:
    """:func:`tokenize_ascii` of every folded, all-ASCII text of ``texts``, in order.

    The byte translations run once over the whole batch; only the few texts with spelled-out
    letters or leetspeak symbols are read one by one.
    """
    joined = "\x00".join(texts)
    if len(texts) < 2 or joined.count("\x00") != len(texts) - 1:
        return [tokenize_ascii(text, is_word) for text in texts]
    data = joined.encode("ascii")
    # A text's own checks, as tokenize_ascii makes them: "\x00" is an "other" character, so no
    # pattern spans two texts.
    alone: set[int] = set()
    classes = data.translate(_HINT_CLASSES)
    if classes.find(b"wswsw") != -1:
        # _spelled_out's patterns over the whole batch, padded like each text: "\x00" is "o".
        padded = b"o" + classes + b"o"
        ends = list(accumulate(len(text) + 1 for text in texts))
        for pattern in _SPELLED_OUT:
            at = padded.find(pattern)
            while at != -1:
                # padded[at + 1] is the pattern's first letter, classes[at].
                index = bisect_right(ends, at)
                alone.add(index)
                at = padded.find(pattern, ends[index])
    symbols = (
        {i for i, text in enumerate(texts) if "@" in text or "$" in text or "*" in text}
        if "@" in joined or "$" in joined or "*" in joined
        else _NO_INDICES
    )
    parts = data.translate(_WORD_OR_BREAK_OR_NUL).decode("ascii").split("\x00")
    out: list[Tokens] = []
    append = out.append
    for i, part in enumerate(parts):
        if alone and i in alone:
            append(tokenize_ascii(texts[i], is_word))
        elif symbols and i in symbols:
            append(_marked_words(texts[i], part))
        else:
            keys = part.split()
            clauses = _clauses(part) if "\n" in part.rstrip() else [0] * len(keys)
            append(Tokens(texts[i], keys, clauses))
    return out


def _clauses(marked: str) -> list[int]:
    # The clause of each word of ``marked``: the number of runs of breaks before it.
    clauses: list[int] = []
    parts = marked.split("\n")
    clause = 0
    for k, part in enumerate(parts):
        # A run of breaks counts once: a break right after another leaves an empty part.
        if k == 1 or (k and parts[k - 1]):
            clause += 1
        words = part.split()
        if words:
            clauses += [clause] * len(words)
    return clauses


def _byte_table(mapping: Callable[[str], str]) -> bytes:
    return bytes(ord(mapping(chr(code))) for code in range(256))


def _word_or_break(ch: str) -> str:
    if ch in ".!?;:\n":
        return "\n"
    # "_" separates words, as in _WORD ("i_d_i_o_t" is rejoined only through the hint).
    return ch if ch.isascii() and (ch.isalnum() or ch in "@$*") else " "


def _hint_class(ch: str) -> str:
    if ch.isascii() and ch.isalnum():
        return "w"
    return "s" if ch in ".-_ " else "o"


# ASCII bytes to word characters, "\n" (clause break) or " ": split() then gives the words.
_WORD_OR_BREAK: Final = _byte_table(_word_or_break)
# The same, keeping "\x00" (the separator of texts joined into one batch).
_WORD_OR_BREAK_OR_NUL: Final = b"\x00" + _WORD_OR_BREAK[1:]
# ASCII bytes to classes for the spelled-out hint: "w" letter or digit, "s" separator, "o" other.
_HINT_CLASSES: Final = _byte_table(_hint_class)


def _unstar(word: str) -> str:
    # "*ważne*" is emphasis; "f**k" and "sh*t" keep their stars for masked matching.
    inner = word.strip("*")
    return inner if "*" not in inner else word.lstrip("*")


def _tokenize_joined(text: str, joined: list[tuple[int, int, str]]) -> Tokens:
    keys: list[str] = []
    clauses: list[int] = []
    spans: list[tuple[int, int]] = []
    clause = 0
    next_join = 0
    for match in _SCAN.finditer(text):
        start, end = match.span()
        while next_join < len(joined) and joined[next_join][1] <= start:
            next_join += 1
        inside = next_join < len(joined) and joined[next_join][0] <= start
        if match.group(1) is None:
            if not inside:
                clause += 1
            continue
        if inside:
            j_start, j_end, j_key = joined[next_join]
            if spans and spans[-1][0] == j_start:
                continue  # later letters of a rejoined word
            keys.append(j_key)
            clauses.append(clause)
            spans.append((j_start, j_end))
            continue
        keys.append(_unstar(match.group(1)))
        clauses.append(clause)
        spans.append((start, end))
    return Tokens(text, keys, clauses, spans)


def _joins(text: str, is_word: Callable[[str], bool]) -> list[tuple[int, int, str]]:
    spelled = [
        (match.start(), match.end(), _SEPARATORS.sub("", match.group()))
        for match in _SPELLED.finditer(text)
    ]
    spans = list(spelled)
    at = 0  # both lists are in text order, so one pass finds the overlaps
    for match in _SPACED.finditer(text):
        while at < len(spelled) and spelled[at][1] <= match.start():
            at += 1
        if at < len(spelled) and spelled[at][0] < match.end():
            continue
        spans.extend(_spaced_words(match.start(), match.group(), is_word))
    spans.sort()
    return spans


def _spaced_words(
    offset: int, run: str, is_word: Callable[[str], bool]
) -> list[tuple[int, int, str]]:
    # Longest lexicon word first at each position; words are bounded in length so a long run
    # of spaced letters stays linear.
    letters = run[::2]
    found: list[tuple[int, int, str]] = []
    i = 0
    while i <= len(letters) - 3:
        for j in range(min(len(letters), i + _MAX_SPELLED), i + 2, -1):
            if is_word(letters[i:j]):
                found.append((offset + 2 * i, offset + 2 * j - 1, letters[i:j]))
                i = j
                break
        else:
            i += 1
    return found
