"""The rules: every message read by the lexicons of its language, then abuse, emotion and intent
detectors turn the reading into ``Findings`` with evidence spans.

``find_many`` is the batch entry point the pipeline calls and ``find`` reads one message; both give
the same results. The detectors live in ``abuse``, ``emotion`` and ``intents``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from operator import attrgetter

from calmdesk.engine.abuse import weigh_abuse
from calmdesk.engine.analysis import Evidence
from calmdesk.engine.emotion import text_intensity, weigh_emotions, without_cues
from calmdesk.engine.findings import Findings
from calmdesk.engine.intents import plain_intents, weigh_intents
from calmdesk.engine.lexicon import Hit, Lexicon, lexicon
from calmdesk.engine.normalize import Folded, fold
from calmdesk.engine.reading import Reading, abuse_word_test
from calmdesk.engine.tokens import tokenize, tokenize_ascii
from calmdesk.engine.vocabulary import ABUSE_CATEGORIES, EMOTIONS, INTENTS, LANGUAGES

_SHORT = 24
"""Messages up to this many characters are read with all three languages' lexicons."""


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
    if text.isascii():  # most messages: fold() and tokenize() in short, without two calls
        folded = _new(Folded, (text.lower(), text, None, None))
        tokens = tokenize_ascii(folded.text, is_word)
    else:
        folded = fold(text)
        tokens = tokenize(folded, is_word)
    hits: list[Hit] = []
    markers: dict[str, list[Hit]] = {}
    for lex in lexicons:
        lex.scan(tokens, hits, markers)
    intensifiers = markers.get("intensifier")
    level = text_intensity(text, len(intensifiers) if intensifiers else 0)
    # Markers that make findings on their own, with no lexicon hit: remarks on looks
    # (harassment) and "I'll post" (a review threat). The other markers only qualify hits (or
    # feed intensity and questions, which the short path reads too).
    if not hits and "compliment" not in markers and "publish" not in markers:
        # Nearly half of all messages hit no lexicon entry: no abuse, no emotion or intent cue,
        # so no evidence, and no Reading is needed. What is left to read is intensity
        # (shouting is anger) and questions.
        emotions = without_cues(level)
        asked = plain_intents(text, tokens.clauses, markers, emotions)
        # Positional: the fields in order, the defaults given (cheaper than keywords).
        findings = Findings(_NO_ABUSE.copy(), set(), False, emotions, level, asked, [], False)
        return findings, "you" in markers
    # Each detector reads only its own kind of hit: split them once, keeping their order.
    abusive: list[Hit] = []
    felt: list[Hit] = []
    wanted: list[Hit] = []
    praised = False
    for hit in hits:
        label = hit.entry.label
        if label in _ABUSE_LABELS:
            abusive.append(hit)
        elif label in _EMOTION_LABELS:
            felt.append(hit)
        elif label in _INTENT_LABELS:
            wanted.append(hit)
            if label == "praise":
                praised = True
    reading = Reading(folded, tokens, hits, markers, {})
    if abusive or "compliment" in markers:
        abuse = weigh_abuse(reading, abusive)
        categories = abuse.categories
        evidence = abuse.evidence
        angry = max(categories.values()) >= 0.5
    else:
        abuse = None
        categories = _NO_ABUSE.copy()
        evidence = []
        angry = False
    if felt or praised or angry:
        emotions, felt_evidence = weigh_emotions(reading, felt, praised, categories, level)
    else:
        emotions, felt_evidence = without_cues(level), []
    if wanted or "publish" in markers:
        intents, wanted_evidence = weigh_intents(reading, wanted, emotions)
    else:
        intents, wanted_evidence = plain_intents(text, tokens.clauses, markers, emotions), []
    if wanted_evidence or felt_evidence:
        evidence = _ordered(evidence + wanted_evidence + felt_evidence)
    elif len(evidence) > 1:
        evidence = _ordered(evidence)
    if abuse is None:
        findings = Findings(
            categories=categories,
            emotions=emotions,
            intensity=level,
            intents=intents,
            evidence=evidence,
        )
        return findings, "you" in markers
    findings = Findings(
        categories=categories,
        strong=abuse.strong,
        directed_at_staff=abuse.directed_at_staff,
        emotions=emotions,
        intensity=level,
        intents=intents,
        evidence=evidence,
        discounted=abuse.discounted,
    )
    return findings, abuse.addressed


_ABUSE_LABELS = frozenset(ABUSE_CATEGORIES)
_EMOTION_LABELS = frozenset(EMOTIONS)
_INTENT_LABELS = frozenset(INTENTS)
_NO_ABUSE: dict[str, float] = dict.fromkeys(ABUSE_CATEGORIES, 0.0)
_new = tuple.__new__  # Folded(...) without the named tuple's Python-level __new__


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
