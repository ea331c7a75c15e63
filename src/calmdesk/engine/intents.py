"""What the client wants or presses for: intents from lexicon cues and a few combined rules."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

from calmdesk.engine.analysis import Evidence
from calmdesk.engine.lexicon import Hit
from calmdesk.engine.reading import Reading
from calmdesk.engine.vocabulary import INTENTS

REPORT_AT: Final = 0.5
"""Combined cue weight at which an intent is reported."""

_REVIEW_THREAT: Final = 0.8
_QUESTION_MARK: Final = 0.8
_QUESTION_WORD: Final = 0.6
_COMPLAINT_FROM_EMOTION: Final = 0.45
_REVIEW_REACH: Final = 6
_INTENT_SET: Final = frozenset(INTENTS)
_ORDER: Final = {name: i for i, name in enumerate(INTENTS)}


@dataclass(slots=True)
class IntentFindings:
    """Intents in contract order, and their evidence."""

    intents: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)


def detect_intents(reading: Reading, emotions: dict[str, float]) -> IntentFindings:
    """Intents of one message; ``emotions`` lets a clearly upset message count as a complaint."""
    cues = [hit for hit in reading.hits if hit.entry.label in _INTENT_SET]
    intents, evidence = weigh_intents(reading, cues, emotions)
    return IntentFindings(intents, evidence)


def weigh_intents(
    reading: Reading, cues: list[Hit], emotions: dict[str, float]
) -> tuple[list[str], list[Evidence]]:
    """Intents (in contract order) and their evidence from the intent ``cues`` of ``reading``."""
    # Only the intents with a cue get a score: most messages have one or two.
    scores: dict[str, float] = {}
    cited: dict[str, list[Hit]] = {}
    for hit in cues:
        label = hit.entry.label
        if label == "praise" and reading.negated(hit, reach=2):
            continue  # "nie polecam", "not great service": praise denied is no praise
        scores[label] = 1.0 - (1.0 - scores.get(label, 0.0)) * (1.0 - hit.entry.weight)
        cited.setdefault(label, []).append(hit)
    markers = reading.markers
    for verb in markers.get("publish", ()):
        # "wystawię opinię na Google", "I'll leave a review", "kirjoitan arvostelun".
        for marker in ("review_word", "review_platform"):
            cue = reading.near(marker, verb, 1, _REVIEW_REACH)
            if cue is not None and not reading.negated(verb, reach=2):
                scores["review_threat"] = max(scores.get("review_threat", 0.0), _REVIEW_THREAT)
                cited.setdefault("review_threat", []).append(Hit(verb.entry, verb.first, cue.last))
                break
    asking = _asking_in(reading.folded.original, reading.tokens.clauses, markers)
    if asking or "question" in scores:
        scores["question"] = max(scores.get("question", 0.0), asking)
    if _upset(emotions):
        scores["complaint"] = max(scores.get("complaint", 0.0), REPORT_AT)
    intents: list[str] = []
    for name, score in scores.items():
        if score >= REPORT_AT:
            intents.append(name)
    if len(intents) > 1:
        intents.sort(key=_ORDER.__getitem__)  # contract order
    evidence: list[Evidence] = []
    for name in intents:
        for hit in cited.get(name, ()):
            evidence.append(reading.evidence(hit, name))
    return intents, evidence


def without_cues(reading: Reading, emotions: dict[str, float]) -> list[str]:
    """Intents of a message with no intent cue and no "publish" verb: a question, a complaint.

    The same result as :func:`detect_intents` for such a message (with no evidence), without
    its per-intent bookkeeping; most messages are of this kind.
    """
    return plain_intents(reading.folded.original, reading.tokens.clauses, reading.markers, emotions)


def plain_intents(
    text: str, clauses: Sequence[int], markers: dict[str, list[Hit]], emotions: dict[str, float]
) -> list[str]:
    """:func:`without_cues` from the original ``text``, the clause of each word and the
    marker cues."""
    intents = ["complaint"] if _upset(emotions) else []
    if _asking_in(text, clauses, markers) >= REPORT_AT:
        intents.append("question")
    return intents


def _upset(emotions: dict[str, float]) -> bool:
    # Three comparisons rather than max(): compiled, they need no call and no boxed floats.
    return (
        emotions["anger"] >= _COMPLAINT_FROM_EMOTION
        or emotions["frustration"] >= _COMPLAINT_FROM_EMOTION
        or emotions["disappointment"] >= _COMPLAINT_FROM_EMOTION
    )


def _asking_in(text: str, clauses: Sequence[int], markers: dict[str, list[Hit]]) -> float:
    if "?" in text:
        return _QUESTION_MARK
    if "!" in text:
        return 0.0
    for cue in markers.get("question_word", ()):
        # A question word that opens a clause: "czy mogę", "could you".
        first = cue.first
        if first == 0 or clauses[first - 1] != clauses[first]:
            return _QUESTION_WORD
    return 0.0
