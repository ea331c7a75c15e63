"""What the engine's lexicons and rules found in one message, before the learned models weigh in."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from calmdesk.engine.analysis import Evidence
from calmdesk.engine.vocabulary import ABUSE_CATEGORIES, EMOTIONS

# The labels one by one, for code that names each (dict displays, reads of a Findings' dicts):
# Final, so compiled modules read them from C variables rather than a module's dict per
# message. A vocabulary that grows stops the import instead of dropping a label there.
if len(ABUSE_CATEGORIES) != 5 or len(EMOTIONS) != 6:
    raise ImportError("engine.findings names each label of the vocabulary: update it")
PROFANITY: Final = ABUSE_CATEGORIES[0]
INSULT: Final = ABUSE_CATEGORIES[1]
THREAT: Final = ABUSE_CATEGORIES[2]
DISCRIMINATION: Final = ABUSE_CATEGORIES[3]
HARASSMENT: Final = ABUSE_CATEGORIES[4]
ANGER: Final = EMOTIONS[0]
FRUSTRATION: Final = EMOTIONS[1]
DISAPPOINTMENT: Final = EMOTIONS[2]
ANXIETY: Final = EMOTIONS[3]
SADNESS: Final = EMOTIONS[4]
SATISFACTION: Final = EMOTIONS[5]

# Templates copied for each message's zero scores (a copy is cheaper than dict.fromkeys).
_NO_ABUSE: Final[dict[str, float]] = dict.fromkeys(ABUSE_CATEGORIES, 0.0)
_NO_EMOTION: Final[dict[str, float]] = dict.fromkeys(EMOTIONS, 0.0)


@dataclass(slots=True, init=False)
class Findings:
    """Rule-based reading of one message.

    ``categories`` and ``emotions`` hold rule confidences in [0, 1] (0 = no cue found).
    ``strong`` names the abuse categories with an unambiguous hit (a slur, an explicit threat of
    violence) that no model may silence. ``intensity`` in [0, 1] comes from capitals, "!!!",
    intensifiers and repetition cues.
    """

    categories: dict[str, float]
    strong: set[str]
    directed_at_staff: bool
    emotions: dict[str, float]
    intensity: float
    intents: list[str]
    evidence: list[Evidence]
    discounted: bool
    """The rules read an abusive word as negated ("I'm not calling you an idiot"): a model
    that sees only the word should not flag the message on its own. (Words said of a thing are
    not discounted this way: on the validation splits that cost 2.6 OLID macro-F1 points.)"""
    at_things: bool
    """Every abusive word the rules counted was said of a thing ("ta cholerna pralka")."""

    # Written out rather than generated: compiled by mypyc (setup.py), a generated __init__
    # would run as interpreted code for every message.
    def __init__(
        self,
        categories: dict[str, float] | None = None,
        strong: set[str] | None = None,
        directed_at_staff: bool = False,
        emotions: dict[str, float] | None = None,
        intensity: float = 0.0,
        intents: list[str] | None = None,
        evidence: list[Evidence] | None = None,
        discounted: bool = False,
        at_things: bool = False,
    ) -> None:
        self.categories = _NO_ABUSE.copy() if categories is None else categories
        self.strong = set() if strong is None else strong
        self.directed_at_staff = directed_at_staff
        self.emotions = _NO_EMOTION.copy() if emotions is None else emotions
        self.intensity = intensity
        self.intents = [] if intents is None else intents
        self.evidence = [] if evidence is None else evidence
        self.discounted = discounted
        self.at_things = at_things
