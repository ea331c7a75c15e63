"""What the engine's lexicons and rules found in one message, before the learned models weigh in."""

from __future__ import annotations

from dataclasses import dataclass, field

from calmdesk.engine.analysis import Evidence
from calmdesk.engine.vocabulary import ABUSE_CATEGORIES, EMOTIONS

# Templates copied for each message's zero scores (a copy is cheaper than dict.fromkeys).
_NO_ABUSE: dict[str, float] = dict.fromkeys(ABUSE_CATEGORIES, 0.0)
_NO_EMOTION: dict[str, float] = dict.fromkeys(EMOTIONS, 0.0)


@dataclass(slots=True)
class Findings:
    """Rule-based reading of one message.

    ``categories`` and ``emotions`` hold rule confidences in [0, 1] (0 = no cue found).
    ``strong`` names the abuse categories with an unambiguous hit (a slur, an explicit threat of
    violence) that no model may silence. ``intensity`` in [0, 1] comes from capitals, "!!!",
    intensifiers and repetition cues.
    """

    categories: dict[str, float] = field(default_factory=_NO_ABUSE.copy)
    strong: set[str] = field(default_factory=set)
    directed_at_staff: bool = False
    emotions: dict[str, float] = field(default_factory=_NO_EMOTION.copy)
    intensity: float = 0.0
    intents: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    discounted: bool = False
    """The rules read an abusive word as negated ("I'm not calling you an idiot"): a model
    that sees only the word should not flag the message on its own. (Words said of a thing are
    not discounted this way: on the validation splits that cost 2.6 OLID macro-F1 points.)"""
    at_things: bool = False
    """Every abusive word the rules counted was said of a thing ("ta cholerna pralka")."""
