"""Emotions and their intensity from lexicon cues, shouting and the abuse already found.

Cues of one emotion combine like independent pieces of evidence, 1 - (1 - w1)(1 - w2)...
Intensity (capitals, "!!!", "really", stretched letters) strengthens anger and frustration that
cues already show; shouting with no other cue reads as anger.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from calmdesk.engine.analysis import Evidence
from calmdesk.engine.lexicon import Hit
from calmdesk.engine.reading import Reading
from calmdesk.engine.vocabulary import EMOTIONS

_NEGATIVE = ("anger", "frustration", "disappointment", "anxiety", "sadness")
# Anger that abuse itself shows, per category (a threat is angrier than a swear word).
_ANGER_FROM_ABUSE = {
    "profanity": 0.4,
    "insult": 0.6,
    "threat": 0.8,
    "discrimination": 0.5,
    "sexual_harassment": 0.0,
}
_SATISFACTION_FROM_PRAISE = 0.6
_SHOUTING_ANGER = 0.5
_INTENSITY_GAIN = 0.6
_EVIDENCE_AT = 0.4

_EMOTION_SET = frozenset(EMOTIONS)
_EXCLAIM = re.compile(r"!{2,}|\?!|!\?")
_SAMPLE = 2000  # characters read for capitals; enough to tell shouting


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
    sample = text[:_SAMPLE]
    if not sample.islower():  # a quick pass for the usual message with no capitals to weigh
        split = sample.split()
        # Words in capitals are rare: find them first (in C), count the others only if needed.
        caps = sum(1 for word in filter(str.isupper, split) if len(word) >= 3)
        if caps:
            words = [word for word in split if len(word) >= 3]
            if caps >= 0.6 * len(words) and (len(words) >= 2 or len(words[0]) >= 5):
                score += 0.5
            elif caps >= 2:
                score += 0.2
    exclaims = text.count("!")
    if exclaims and (exclaims >= 2 or _EXCLAIM.search(text)):
        score += 0.4 if "!!!" in text or exclaims >= 3 else 0.25
    score += 0.2 * intensifiers
    return min(1.0, score)


def detect_emotions(reading: Reading, abuse: dict[str, float]) -> EmotionFindings:
    """Emotion confidences from cues, intensity and the abuse categories ``abuse``."""
    found = EmotionFindings(intensity=intensity(reading))
    scores = found.emotions
    cues = [hit for hit in reading.hits if hit.entry.label in _EMOTION_SET]
    cited: dict[str, list[tuple[Hit, str]]] = {}
    if cues:
        # Longest cues first, so "a joke" and the "joke" inside it count once.
        cues.sort(key=_shortness)
        counted: dict[str, set[int]] = {}
        for hit in cues:
            label = hit.entry.label
            covered = counted.setdefault(label, set())
            if hit.first in covered and hit.last in covered:
                continue
            covered.update(range(hit.first, hit.last + 1))
            if reading.negated(hit, reach=2):
                # "nie jestem zadowolony", "not happy": satisfaction denied is disappointment;
                # a denied worry ("nie martwię się") is no emotion at all.
                if label != "satisfaction":
                    continue
                label = "disappointment"
            scores[label] = _combine(scores[label], hit.entry.weight)
            cited.setdefault(label, []).append((hit, label))
    if any(hit.entry.label == "praise" for hit in reading.hits):
        scores["satisfaction"] = _combine(scores["satisfaction"], _SATISFACTION_FROM_PRAISE)
    if max(abuse.values(), default=0.0) >= 0.5:
        for category, weight in abuse.items():
            if weight >= 0.5 and _ANGER_FROM_ABUSE[category]:
                scores["anger"] = _combine(scores["anger"], _ANGER_FROM_ABUSE[category])
    level = found.intensity
    if level:
        if any(scores[name] for name in _NEGATIVE):
            for name in ("anger", "frustration"):
                if scores[name]:
                    scores[name] = _combine(scores[name], _INTENSITY_GAIN * level)
        elif level >= 0.5 and not scores["satisfaction"]:
            scores["anger"] = shouting_anger(level)
    # Evidence only for the emotions that reach the bar, built only for them.
    if cited:
        for name in EMOTIONS:
            if name in cited and scores[name] >= _EVIDENCE_AT:
                found.evidence.extend(reading.evidence(hit, label) for hit, label in cited[name])
    return found


def _shortness(hit: Hit) -> int:
    return hit.first - hit.last


def without_cues(level: float) -> dict[str, float]:
    """Emotions of a message with no cue at all and intensity ``level``: shouting is anger."""
    scores = dict.fromkeys(EMOTIONS, 0.0)
    if level >= 0.5:
        scores["anger"] = shouting_anger(level)
    return scores


def shouting_anger(level: float) -> float:
    """Anger read from intensity ``level`` (>= 0.5) when no cue names an emotion."""
    return _combine(_SHOUTING_ANGER, _INTENSITY_GAIN * level)


def _combine(a: float, b: float) -> float:
    return 1.0 - (1.0 - a) * (1.0 - b)
