"""What the client wants or presses for: intents from lexicon cues and a few combined rules."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from calmdesk.engine.analysis import Evidence
from calmdesk.engine.lexicon import Hit
from calmdesk.engine.reading import Reading
from calmdesk.engine.vocabulary import INTENTS

REPORT_AT = 0.5
"""Combined cue weight at which an intent is reported."""

_REVIEW_THREAT = 0.8
_QUESTION_MARK = 0.8
_QUESTION_WORD = 0.6
_COMPLAINT_FROM_EMOTION = 0.45
_REVIEW_REACH = 6
_INTENT_SET = frozenset(INTENTS)


@dataclass(slots=True)
class IntentFindings:
    """Intents in contract order, and their evidence."""

    intents: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)


def detect_intents(reading: Reading, emotions: dict[str, float]) -> IntentFindings:
    """Intents of one message; ``emotions`` lets a clearly upset message count as a complaint."""
    # Only the intents with a cue get a score: most messages have one or two.
    scores: dict[str, float] = {}
    cited: dict[str, list[Hit]] = {}
    for hit in reading.hits:
        label = hit.entry.label
        if label in _INTENT_SET:
            scores[label] = 1.0 - (1.0 - scores.get(label, 0.0)) * (1.0 - hit.entry.weight)
            cited.setdefault(label, []).append(hit)
    for verb in reading.markers.get("publish", ()):
        # "wystawię opinię na Google", "I'll leave a review", "kirjoitan arvostelun".
        for marker in ("review_word", "review_platform"):
            cue = reading.near(marker, verb, 1, _REVIEW_REACH)
            if cue is not None and not reading.negated(verb, reach=2):
                scores["review_threat"] = max(scores.get("review_threat", 0.0), _REVIEW_THREAT)
                cited.setdefault("review_threat", []).append(Hit(verb.entry, verb.first, cue.last))
                break
    scores["question"] = max(scores.get("question", 0.0), _asking(reading))
    if _upset(emotions):
        scores["complaint"] = max(scores.get("complaint", 0.0), REPORT_AT)
    found = IntentFindings()
    for name in INTENTS:
        if name in scores and scores[name] >= REPORT_AT:
            found.intents.append(name)
            found.evidence.extend(reading.evidence(hit, name) for hit in cited.get(name, ()))
    return found


def without_cues(reading: Reading, emotions: dict[str, float]) -> list[str]:
    """Intents of a message with no intent cue and no "publish" verb: a question, a complaint.

    The same result as :func:`detect_intents` for such a message (with no evidence), without
    its per-intent bookkeeping; most messages are of this kind.
    """
    return plain_intents(
        reading.folded.original,
        reading.tokens.clauses,
        reading.markers.get("question_word", ()),
        emotions,
    )


def plain_intents(
    text: str, clauses: Sequence[int], question_words: Sequence[Hit], emotions: dict[str, float]
) -> list[str]:
    """:func:`without_cues` from the original ``text``, the clause of each word and the
    question-word cues."""
    intents = ["complaint"] if _upset(emotions) else []
    if _asking_in(text, clauses, question_words) >= REPORT_AT:
        intents.append("question")
    return intents


def _upset(emotions: dict[str, float]) -> bool:
    worst = max(emotions["anger"], emotions["frustration"], emotions["disappointment"])
    return worst >= _COMPLAINT_FROM_EMOTION


def _asking(reading: Reading) -> float:
    return _asking_in(
        reading.folded.original, reading.tokens.clauses, reading.markers.get("question_word", ())
    )


def _asking_in(text: str, clauses: Sequence[int], question_words: Sequence[Hit]) -> float:
    if "?" in text:
        return _QUESTION_MARK
    if "!" in text:
        return 0.0
    for cue in question_words:
        # A question word that opens a clause: "czy mogę", "could you".
        first = cue.first
        if first == 0 or clauses[first - 1] != clauses[first]:
            return _QUESTION_WORD
    return 0.0
