"""Emotions and their intensity from lexicon cues, shouting and the abuse already found.

Cues of one emotion combine like independent pieces of evidence, 1 - (1 - w1)(1 - w2)...
Intensity (capitals, "!!!", "really", stretched letters) strengthens anger and frustration that
cues already show; shouting with no other cue reads as anger.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from calmdesk.engine.analysis import Evidence
from calmdesk.engine.lexicon import Hit
from calmdesk.engine.reading import Reading
from calmdesk.engine.vocabulary import EMOTIONS

_NEGATIVE: Final = ("anger", "frustration", "disappointment", "anxiety", "sadness")
# Anger that abuse itself shows, per category (a threat is angrier than a swear word).
_ANGER_FROM_ABUSE: Final = {
    "profanity": 0.4,
    "insult": 0.6,
    "threat": 0.8,
    "discrimination": 0.5,
    "sexual_harassment": 0.0,
}
_SATISFACTION_FROM_PRAISE: Final = 0.6
_SHOUTING_ANGER: Final = 0.5
_INTENSITY_GAIN: Final = 0.6
_EVIDENCE_AT: Final = 0.4

_EMOTION_SET: Final = frozenset(EMOTIONS)
_NO_EMOTION: Final[dict[str, float]] = dict.fromkeys(EMOTIONS, 0.0)
_SAMPLE: Final = 2000  # characters read for capitals; enough to tell shouting


@dataclass(slots=True)
class EmotionFindings:
    """Emotion confidences, the intensity of the message and evidence."""

    emotions: dict[str, float] = field(default_factory=lambda: dict.fromkeys(EMOTIONS, 0.0))
    intensity: float = 0.0
    evidence: list[Evidence] = field(default_factory=list)


def intensity(reading: Reading) -> float:
    """Intensity cues in [0, 1]: capitals, repeated "!", intensifiers, stretched letters."""
    return text_intensity(reading.folded.original, len(reading.markers.get("intensifier", ())))


def text_intensity(text: str, intensifiers: int) -> float:
    """:func:`intensity` of the original ``text`` with ``intensifiers`` intensifier cues."""
    score = 0.0
    sample = text[:_SAMPLE] if len(text) > _SAMPLE else text
    if _maybe_capitals(sample):  # most messages have no word in capitals to weigh
        split = sample.split()
        # Words in capitals are rare: find them first (in C), count the others only if needed.
        upper = list(filter(str.isupper, split))
        if upper:
            caps = 0
            for word in upper:
                if len(word) >= 3:
                    caps += 1
            if caps:
                words = [word for word in split if len(word) >= 3]
                if caps >= 0.6 * len(words) and (len(words) >= 2 or len(words[0]) >= 5):
                    score += 0.5
                elif caps >= 2:
                    score += 0.2
    exclaims = text.count("!")
    # Two or more "!", or one beside a "?" ("?!", "!?").
    if exclaims and (exclaims >= 2 or "?!" in text or "!?" in text):
        score += 0.4 if "!!!" in text or exclaims >= 3 else 0.25
    if intensifiers:
        score += 0.2 * intensifiers
    return score if score < 1.0 else 1.0


def _maybe_capitals(sample: str) -> bool:
    """False when ``sample`` has no word of three or more characters without a lower-case
    letter, so no word in capitals to count: one byte translation and one search instead of
    splitting every message into words. Bytes of non-ASCII characters all count as "x" (not
    lower-case), which can only send more messages to the count."""
    return sample.encode("utf-8", "surrogatepass").translate(_NOT_LOWER).find(b"xxx") != -1


# UTF-8 bytes to " " (an ASCII lower-case letter or white space: what no word in capitals has)
# or "x" (anything else).
_NOT_LOWER: Final = bytes(
    ord(" " if code < 128 and (chr(code).islower() or chr(code).isspace()) else "x")
    for code in range(256)
)


def detect_emotions(reading: Reading, abuse: dict[str, float]) -> EmotionFindings:
    """Emotion confidences from cues, intensity and the abuse categories ``abuse``."""
    level = intensity(reading)
    cues = [hit for hit in reading.hits if hit.entry.label in _EMOTION_SET]
    praised = any(hit.entry.label == "praise" for hit in reading.hits)
    scores, evidence = weigh_emotions(reading, cues, praised, abuse, level)
    return EmotionFindings(scores, level, evidence)


def weigh_emotions(
    reading: Reading, cues: list[Hit], praised: bool, abuse: dict[str, float], level: float
) -> tuple[dict[str, float], list[Evidence]]:
    """Emotion confidences and evidence from the emotion ``cues`` of ``reading`` (in reading
    order), whether it praises, the abuse categories ``abuse`` and intensity ``level``."""
    scores = _NO_EMOTION.copy()
    cited: dict[str, list[tuple[Hit, str]]] | None = None
    if cues:
        cited = {}
        # Longest cues first, so "a joke" and the "joke" inside it count once.
        if len(cues) > 1:
            cues = sorted(cues, key=_shortness)
        counted: dict[str, set[int]] = {}
        for hit in cues:
            label = hit.entry.label
            covered = counted.get(label)
            if covered is None:
                covered = counted[label] = set()
            elif hit.first in covered and hit.last in covered:
                continue
            for word in range(hit.first, hit.last + 1):
                covered.add(word)
            if label == "frustration" and reading.within("revisit", hit):
                continue  # "przyjdę znowu", "I'll come again": a wish to return, not "again!"
            if reading.negated(hit, reach=2, denials=False):
                # "nie jestem zadowolony", "not happy": satisfaction denied is disappointment;
                # a denied worry ("nie martwię się") is no emotion at all.
                if label != "satisfaction":
                    continue
                label = "disappointment"
            scores[label] = 1.0 - (1.0 - scores[label]) * (1.0 - hit.entry.weight)
            cited.setdefault(label, []).append((hit, label))
    if praised:
        scores["satisfaction"] = _combine(scores["satisfaction"], _SATISFACTION_FROM_PRAISE)
    if any(weight >= 0.5 for weight in abuse.values()):
        for category, weight in abuse.items():
            if weight >= 0.5 and _ANGER_FROM_ABUSE[category]:
                scores["anger"] = _combine(scores["anger"], _ANGER_FROM_ABUSE[category])
    if level:
        if (
            scores["anger"]
            or scores["frustration"]
            or scores["disappointment"]
            or scores["anxiety"]
            or scores["sadness"]
        ):
            if scores["anger"]:
                scores["anger"] = _combine(scores["anger"], _INTENSITY_GAIN * level)
            if scores["frustration"]:
                scores["frustration"] = _combine(scores["frustration"], _INTENSITY_GAIN * level)
        elif level >= 0.5 and not scores["satisfaction"]:
            scores["anger"] = shouting_anger(level)
    evidence: list[Evidence] = []
    if cited:
        # Evidence only for the emotions that reach the bar, built only for them.
        for name in EMOTIONS:
            if name in cited and scores[name] >= _EVIDENCE_AT:
                for hit, label in cited[name]:
                    evidence.append(reading.evidence(hit, label))
    return scores, evidence


def _shortness(hit: Hit) -> int:
    return hit.first - hit.last


def without_cues(level: float) -> dict[str, float]:
    """Emotions of a message with no cue at all and intensity ``level``: shouting is anger."""
    scores = _NO_EMOTION.copy()
    if level >= 0.5:
        scores["anger"] = shouting_anger(level)
    return scores


def shouting_anger(level: float) -> float:
    """Anger read from intensity ``level`` (>= 0.5) when no cue names an emotion."""
    return _combine(_SHOUTING_ANGER, _INTENSITY_GAIN * level)


def _combine(a: float, b: float) -> float:
    return 1.0 - (1.0 - a) * (1.0 - b)
