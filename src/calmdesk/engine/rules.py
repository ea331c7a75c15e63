"""The rules: every message read by the lexicons of its language, then abuse, emotion and intent
detectors turn the reading into ``Findings`` with evidence spans.

``find_many`` is the batch entry point the pipeline calls and ``find`` reads one message; both give
the same results. The detectors live in ``abuse``, ``emotion`` and ``intents``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import chain
from typing import Final, cast

from calmdesk.engine.abuse import weigh_abuse
from calmdesk.engine.analysis import Evidence
from calmdesk.engine.emotion import text_intensity, weigh_emotions, without_cues
from calmdesk.engine.findings import Findings
from calmdesk.engine.intents import plain_intents, weigh_intents
from calmdesk.engine.lexicon import Hit, Lexicon, lexicon
from calmdesk.engine.normalize import Folded, fold_many
from calmdesk.engine.reading import Reading, abuse_word_test
from calmdesk.engine.tokens import Tokens, tokenize, tokenize_ascii_many
from calmdesk.engine.vocabulary import ABUSE_CATEGORIES, EMOTIONS, INTENTS, LANGUAGES

_SHORT: Final = 24
"""Messages up to this many characters are read with all three languages' lexicons."""


def find(text: str, language: str) -> tuple[Findings, bool]:
    """Rule findings for ``text`` and whether it addresses the employee at all."""
    return find_many([text], [language])[0]


def find_many(texts: Sequence[str], languages: Sequence[str]) -> list[tuple[Findings, bool]]:
    """:func:`find` for every text of ``texts`` with its language in ``languages``, in order.

    The batch path: texts read with the same lexicons are split into words together, and the
    words are looked up in each lexicon in one call for the whole group, so only the words that
    start an entry or a cue cost any Python-level work.
    """
    if len(texts) != len(languages):
        raise ValueError(f"got {len(languages)} languages for {len(texts)} texts")
    groups: dict[tuple[str, bool], list[int]] = {}
    for i, (text, language) in enumerate(zip(texts, languages, strict=True)):
        key = (language, len(text) <= _SHORT)
        members = groups.get(key)
        if members is None:
            groups[key] = [i]
        else:
            members.append(i)
    results: list[tuple[Findings, bool]] = [_NOTHING] * len(texts)
    for (language, short), members in groups.items():
        lexicons, is_word = _readers(language)[short]
        found = _find_group([texts[i] for i in members], lexicons, is_word)
        for i, result in zip(members, found, strict=True):
            results[i] = result
    return results


_Reader = tuple[tuple[Lexicon, ...], Callable[[str], bool]]
_READERS: Final[dict[str | None, tuple[_Reader, _Reader]]] = {}


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


def _find_group(
    texts: list[str], lexicons: tuple[Lexicon, ...], is_word: Callable[[str], bool]
) -> list[tuple[Findings, bool]]:
    # Fold and split every text; texts that are all ASCII once folded (most, Polish and
    # Finnish ones too) are split as one batch.
    folded = [Folded(text.lower(), text) if text.isascii() else None for text in texts]
    others = [i for i, f in enumerate(folded) if f is None]
    if others:
        for i, f in zip(others, fold_many([texts[i] for i in others]), strict=True):
            folded[i] = f
    done = cast(list[Folded], folded)
    tokens: list[Tokens] = [_NO_TOKENS] * len(texts)
    plain = [i for i, f in enumerate(done) if f.text.isascii()]
    split = tokenize_ascii_many([done[i].text for i in plain], is_word)
    for i, words in zip(plain, split, strict=True):
        tokens[i] = words
    if len(plain) < len(texts):
        for i, f in enumerate(done):
            if not f.text.isascii():
                tokens[i] = tokenize(f, is_word)
    # Every word of the group looked up in each lexicon at once; each text then reads the
    # plans of its own words (most words start nothing and cost one test).
    keys = list(chain.from_iterable(t.keys for t in tokens))
    plans = [lex.plans(keys) for lex in lexicons]
    results: list[tuple[Findings, bool]] = []
    append = results.append
    offset = 0
    for i, text in enumerate(texts):
        words = tokens[i]
        hits: list[Hit] = []
        markers: dict[str, list[Hit]] = {}
        for lex, planned in zip(lexicons, plans, strict=True):
            lex.scan_plans(words, planned, offset, hits, markers)
        offset += len(words.keys)
        if hits or markers:
            append(_weigh(text, done[i], words, hits, markers))
        else:
            append(_nothing_found(text, words))
    return results


def _nothing_found(text: str, tokens: Tokens) -> tuple[Findings, bool]:
    # No word of the message starts an entry or a cue: what is left to read is intensity
    # (shouting is anger) and questions, as in _weigh for a message with no hit.
    level = text_intensity(text, 0)
    emotions = without_cues(level)
    asked = plain_intents(text, tokens.clauses, _NO_MARKERS, emotions)
    return Findings(_NO_ABUSE.copy(), set(), False, emotions, level, asked, [], False), False


def _weigh(
    text: str, folded: Folded, tokens: Tokens, hits: list[Hit], markers: dict[str, list[Hit]]
) -> tuple[Findings, bool]:
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
    reading = Reading(folded, tokens, hits, markers)
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
        at_things=abuse.at_things,
    )
    return findings, abuse.addressed


_ABUSE_LABELS: Final = frozenset(ABUSE_CATEGORIES)
_EMOTION_LABELS: Final = frozenset(EMOTIONS)
_INTENT_LABELS: Final = frozenset(INTENTS)
_NO_ABUSE: Final[dict[str, float]] = dict.fromkeys(ABUSE_CATEGORIES, 0.0)
# Placeholders of the result lists, each replaced before it is read.
_NO_TOKENS: Final = Tokens("", [], [])
_NO_MARKERS: Final[dict[str, list[Hit]]] = {}
_NOTHING: Final[tuple[Findings, bool]] = (Findings(), False)


def _ordered(evidence: list[Evidence]) -> list[Evidence]:
    # By start, end and label, each once. Evidence tuples compare as (start, end, text, label),
    # and the text is the original's [start:end], so the tuples' own order is that order (a
    # C-level sort, with no key function) and repeats end up side by side.
    if len(evidence) < 2:
        return evidence
    ordered = sorted(evidence)
    unique = [ordered[0]]
    for item in ordered[1:]:
        if item != unique[-1]:
            unique.append(item)
    return unique
