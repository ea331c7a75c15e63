"""What the client wants or presses for: intents from lexicon cues and a few combined rules."""

from __future__ import annotations

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


@dataclass(slots=True)
class IntentFindings:
    """Intents in contract order, and their evidence."""

    intents: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)


def detect_intents(reading: Reading, emotions: dict[str, float]) -> IntentFindings:
    """Intents of one message; ``emotions`` lets a clearly upset message count as a complaint."""
    scores = dict.fromkeys(INTENTS, 0.0)
    cited: dict[str, list[Hit]] = {name: [] for name in INTENTS}
    for hit in reading.hits:
        label = hit.entry.label
        if label in scores:
            scores[label] = 1.0 - (1.0 - scores[label]) * (1.0 - hit.entry.weight)
            cited[label].append(hit)
    for verb in reading.markers.get("publish", ()):
        # "wystawię opinię na Google", "I'll leave a review", "kirjoitan arvostelun".
        for marker in ("review_word", "review_platform"):
            cue = reading.near(marker, verb, 1, _REVIEW_REACH)
            if cue is not None and not reading.negated(verb, reach=2):
                scores["review_threat"] = max(scores["review_threat"], _REVIEW_THREAT)
                cited["review_threat"].append(Hit(verb.entry, verb.first, cue.last))
                break
    scores["question"] = max(scores["question"], _asking(reading))
    if _upset(emotions):
        scores["complaint"] = max(scores["complaint"], REPORT_AT)
    found = IntentFindings()
    for name in INTENTS:
        if scores[name] >= REPORT_AT:
            found.intents.append(name)
            found.evidence.extend(reading.evidence(hit, name) for hit in cited[name])
    return found


def without_cues(reading: Reading, emotions: dict[str, float]) -> list[str]:
    """Intents of a message with no intent cue and no "publish" verb: a question, a complaint.

    The same result as :func:`detect_intents` for such a message (with no evidence), without
    its per-intent bookkeeping; most messages are of this kind.
    """
    intents = ["complaint"] if _upset(emotions) else []
    if _asking(reading) >= REPORT_AT:
        intents.append("question")
    return intents


def _asking(reading: Reading) -> float:
    if "?" in reading.folded.original:
        return _QUESTION_MARK
    return _QUESTION_WORD if _clause_opens_with_question(reading) else 0.0


def _upset(emotions: dict[str, float]) -> bool:
    worst = max(emotions["anger"], emotions["frustration"], emotions["disappointment"])
    return worst >= _COMPLAINT_FROM_EMOTION


def _clause_opens_with_question(reading: Reading) -> bool:
    if "!" in reading.folded.original:
        return False
    clauses = reading.tokens.clauses
    for cue in reading.markers.get("question_word", ()):
        first = cue.first
        if first == 0 or clauses[first - 1] != clauses[first]:
            return True
    return False
