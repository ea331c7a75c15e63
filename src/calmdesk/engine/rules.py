"""The rules: every message read by the lexicons of its language, then abuse, emotion and intent
detectors turn the reading into ``Findings`` with evidence spans.

``find`` is the entry point the pipeline calls; the detectors live in ``abuse``, ``emotion`` and
``intents``.
"""

from __future__ import annotations

from calmdesk.engine import emotion, intents
from calmdesk.engine.abuse import detect_abuse
from calmdesk.engine.analysis import Evidence
from calmdesk.engine.emotion import detect_emotions, intensity
from calmdesk.engine.findings import Findings
from calmdesk.engine.intents import detect_intents
from calmdesk.engine.lexicon import Lexicon, lexicon
from calmdesk.engine.reading import Reading, read
from calmdesk.engine.vocabulary import LANGUAGES

_SHORT = 24
"""Messages up to this many characters are read with all three languages' lexicons."""


def find(text: str, language: str) -> tuple[Findings, bool]:
    """Rule findings for ``text`` and whether it addresses the employee at all."""
    reading = read(text, _lexicons(language, text))
    if not reading.hits and _LONE_CUES.isdisjoint(reading.markers):
        return _without_cues(reading), "you" in reading.markers
    abuse = detect_abuse(reading)
    emotions = detect_emotions(reading, abuse.categories)
    intents = detect_intents(reading, emotions.emotions)
    evidence = _ordered(abuse.evidence + intents.evidence + emotions.evidence)
    findings = Findings(
        categories=abuse.categories,
        strong=abuse.strong,
        directed_at_staff=abuse.directed_at_staff,
        emotions=emotions.emotions,
        intensity=emotions.intensity,
        intents=intents.intents,
        evidence=evidence,
        discounted=abuse.discounted,
    )
    return findings, abuse.addressed


# Markers that make findings on their own, with no lexicon hit: remarks on looks (harassment)
# and "I'll post" (a review threat). The other markers only qualify hits (or feed intensity
# and questions, which the short path reads too).
_LONE_CUES = frozenset({"compliment", "publish"})


def _without_cues(reading: Reading) -> Findings:
    # Nearly half of all messages hit no lexicon entry: no abuse, no emotion or intent cue,
    # so no evidence. What is left to read is intensity (shouting is anger) and questions.
    level = intensity(reading)
    emotions = emotion.without_cues(level)
    return Findings(
        emotions=emotions, intensity=level, intents=intents.without_cues(reading, emotions)
    )


def _lexicons(language: str, text: str) -> list[Lexicon]:
    if language in LANGUAGES and len(text) > _SHORT:
        return [lexicon(language)]
    # Nothing to go on, or a message too short for a sure language ("perkele", "Idioto!"):
    # read it with every language's lexicon, its detected language first.
    first = [language] if language in LANGUAGES else []
    return [lexicon(code) for code in first + [c for c in LANGUAGES if c != language]]


def _ordered(evidence: list[Evidence]) -> list[Evidence]:
    seen: set[tuple[int, int, str]] = set()
    unique = []
    for item in sorted(evidence, key=lambda e: (e.start, e.end, e.label)):
        key = (item.start, item.end, item.label)
        if key not in seen:
            seen.add(key)
            unique.append(item)
    return unique
