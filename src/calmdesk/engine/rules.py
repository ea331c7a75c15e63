"""The rules: every message read by the lexicons of its language, then abuse, emotion and intent
detectors turn the reading into ``Findings`` with evidence spans.

``find_many`` is the batch entry point the pipeline calls and ``find`` reads one message; both give
the same results. The detectors live in ``abuse``, ``emotion`` and ``intents``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from operator import attrgetter

from calmdesk.engine import emotion
from calmdesk.engine.abuse import detect_abuse
from calmdesk.engine.analysis import Evidence
from calmdesk.engine.emotion import detect_emotions, text_intensity
from calmdesk.engine.findings import Findings
from calmdesk.engine.intents import detect_intents, plain_intents
from calmdesk.engine.lexicon import Hit, Lexicon, lexicon
from calmdesk.engine.normalize import fold
from calmdesk.engine.reading import Reading, abuse_word_test
from calmdesk.engine.tokens import tokenize
from calmdesk.engine.vocabulary import LANGUAGES

_SHORT = 24
"""Messages up to this many characters are read with all three languages' lexicons."""

# Markers that make findings on their own, with no lexicon hit: remarks on looks (harassment)
# and "I'll post" (a review threat). The other markers only qualify hits (or feed intensity
# and questions, which the short path reads too).
_LONE_CUES = frozenset({"compliment", "publish"})


def find(text: str, language: str) -> tuple[Findings, bool]:
    """Rule findings for ``text`` and whether it addresses the employee at all."""
    return _find(text, *_readers(language)[len(text) <= _SHORT])


def find_many(texts: Sequence[str], languages: Sequence[str]) -> list[tuple[Findings, bool]]:
    """:func:`find` for every text of ``texts`` with its language in ``languages``, in order.

    The batch path: the lexicons of each language are chosen once per batch, not per message.
    """
    if len(texts) != len(languages):
        raise ValueError(f"got {len(languages)} languages for {len(texts)} texts")
    chosen: dict[str, tuple[_Reader, _Reader]] = {}
    results: list[tuple[Findings, bool]] = []
    append = results.append
    for text, language in zip(texts, languages, strict=True):
        readers = chosen.get(language)
        if readers is None:
            readers = chosen[language] = _readers(language)
        append(_find(text, *readers[len(text) <= _SHORT]))
    return results


_Reader = tuple[tuple[Lexicon, ...], Callable[[str], bool]]
_READERS: dict[str | None, tuple[_Reader, _Reader]] = {}


def _readers(language: str) -> tuple[_Reader, _Reader]:
    """The lexicons (and their abuse-word test) for long and for short messages in ``language``."""
    code = language if language in LANGUAGES else None
    readers = _READERS.get(code)
    if readers is None:
        # A long message is read in its language; one with nothing to go on, or too short for
        # a sure language ("perkele", "Idioto!"), with every language's lexicon, its detected
        # language first.
        first = [code] if code else []
        every = tuple(lexicon(c) for c in first + [c for c in LANGUAGES if c != code])
        own = (lexicon(code),) if code else every
        readers = _READERS[code] = (
            (own, abuse_word_test(own)),
            (every, abuse_word_test(every)),
        )
    return readers


def _find(
    text: str, lexicons: tuple[Lexicon, ...], is_word: Callable[[str], bool]
) -> tuple[Findings, bool]:
    folded = fold(text)
    tokens = tokenize(folded, is_word)
    hits: list[Hit] = []
    markers: dict[str, list[Hit]] = {}
    for lex in lexicons:
        lex.scan(tokens, hits, markers)
    if not hits and _LONE_CUES.isdisjoint(markers):
        # Nearly half of all messages hit no lexicon entry: no abuse, no emotion or intent cue,
        # so no evidence, and no Reading is needed. What is left to read is intensity
        # (shouting is anger) and questions.
        level = text_intensity(text, len(markers.get("intensifier", ())))
        emotions = emotion.without_cues(level)
        asked = plain_intents(text, tokens.clauses, markers.get("question_word", ()), emotions)
        return Findings(emotions=emotions, intensity=level, intents=asked), "you" in markers
    reading = Reading(folded, tokens, hits, markers, {})
    abuse = detect_abuse(reading)
    emotions_found = detect_emotions(reading, abuse.categories)
    intents_found = detect_intents(reading, emotions_found.emotions)
    evidence = _ordered(abuse.evidence + intents_found.evidence + emotions_found.evidence)
    findings = Findings(
        categories=abuse.categories,
        strong=abuse.strong,
        directed_at_staff=abuse.directed_at_staff,
        emotions=emotions_found.emotions,
        intensity=emotions_found.intensity,
        intents=intents_found.intents,
        evidence=evidence,
        discounted=abuse.discounted,
    )
    return findings, abuse.addressed


_EVIDENCE_ORDER = attrgetter("start", "end", "label")


def _ordered(evidence: list[Evidence]) -> list[Evidence]:
    if len(evidence) < 2:
        return evidence
    seen: set[tuple[int, int, str]] = set()
    unique = []
    for item in sorted(evidence, key=_EVIDENCE_ORDER):
        key = (item.start, item.end, item.label)
        if key not in seen:
            seen.add(key)
            unique.append(item)
    return unique
