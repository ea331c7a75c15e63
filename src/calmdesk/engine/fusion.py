"""Combines rule findings with learned model scores into the final abuse and emotion scores.

- Rules keep their evidence, and a ``strong`` rule hit (an unambiguous slur, an explicit threat
  of violence) can't be silenced: its category and the overall score stay at least as high as
  the rule says.
- The model can raise abuse and emotions that no rule saw (its scores are calibrated so 0.5 is
  the decision point tuned on validation).
- A weaker rule hit moves the model's score towards the rule's confidence by a tuned share.
  Profanity the rules found counts in full, as calmdesk's contract reads it: swearing at a
  broken washer is abuse (medium severity), just not aimed at the employee. (PolEval labels
  such tweets harmless; a smaller share scored about one F1 point higher there, see
  docs/models.md, but would hide the swearing the contract asks calmdesk to report.)
- Where the model has no opinion (NaN: no head for that language and label), the rules decide.
- A category the rules flag (0.5 or more) stays at least that high, so a flagged message shows
  why.
- A model alone may not flag what the rules read otherwise: a negated insult ("I'm not calling
  you an idiot"), words said of a thing ("stupid website", "this bloody app": no insult of a
  person either), an insult in a threat or harassment the rules read with no insulting word,
  discrimination in abuse the rules read with no discriminatory word, or any category in a
  message that is not flagged as a whole.
- Emotions the rules found words for come first: a model-only emotion may not outrank them
  (subtitle-trained heads read "sadness" into "I am disappointed"), and satisfaction with no
  words for it is held down in messages that complain, demand or abuse, and in plain questions.

The shares below were chosen on calmdesk's validation splits with the full pipeline
(``calmdesk eval``); docs/models.md records the figures.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import compress, repeat
from operator import attrgetter, contains
from typing import Any

import numpy as np

from calmdesk.engine.findings import (
    ANGER,
    ANXIETY,
    DISAPPOINTMENT,
    DISCRIMINATION,
    FRUSTRATION,
    HARASSMENT,
    INSULT,
    PROFANITY,
    SADNESS,
    SATISFACTION,
    THREAT,
    Findings,
)
from calmdesk.engine.vocabulary import ABUSE_CATEGORIES, EMOTIONS


@dataclass(frozen=True, slots=True)
class FusionWeights:
    """How far a rule hit pulls the model score towards the rule's confidence (0..1)."""

    abuse_from_profanity: float = 1.0
    abuse_from_other: float = 1.0
    category: float = 0.7
    emotion: float = 0.5


WEIGHTS = FusionWeights()
"""The shares calmdesk ships with."""

_ABUSIVE = tuple(name for name in ABUSE_CATEGORIES if name != "profanity")

_UNDER_THE_LINE = 0.45
"""Where a model's score is capped, it stays just under the flag line (0.5)."""

EVIDENCE_AT = 0.3
"""A rule emotion confidence at or above this means the rules found words for it."""

_DISSATISFIED = frozenset(
    {"complaint", "refund_request", "cancellation", "payment_refusal", "legal_threat",
     "review_threat"}
)  # fmt: skip
"""Intents of a message that complains or demands."""


@dataclass(frozen=True, slots=True)
class Fused:
    """Final scores of one message; ``evidenced`` names the emotions the rules found words for."""

    abuse: float
    categories: dict[str, float]
    emotions: dict[str, float]
    evidenced: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class FusedBatch:
    """Final scores of n messages as arrays (rows in input order).

    ``abuse``: (n,); ``categories``: (n, 5) in ``ABUSE_CATEGORIES`` order; ``emotions``:
    (n, 6) in ``EMOTIONS`` order; ``evidenced``: (n, 6) bool, the emotions the rules found
    words for. Every score is within [0, 1]. ``rule_categories`` and ``rule_emotions`` keep the
    rules' own confidences, before fusion; ``dissatisfied`` (n,) bool marks the messages whose
    intents complain or demand.
    """

    abuse: np.ndarray
    categories: np.ndarray
    emotions: np.ndarray
    evidenced: np.ndarray
    rule_categories: np.ndarray
    rule_emotions: np.ndarray
    dissatisfied: np.ndarray

    def row(self, i: int) -> Fused:
        """Message ``i`` as a :class:`Fused`."""
        return Fused(
            abuse=float(self.abuse[i]),
            categories=dict(zip(ABUSE_CATEGORIES, self.categories[i].tolist(), strict=True)),
            emotions=dict(zip(EMOTIONS, self.emotions[i].tolist(), strict=True)),
            evidenced=frozenset(
                name for name, hit in zip(EMOTIONS, self.evidenced[i], strict=True) if hit
            ),
        )


def fuse(
    findings: Findings,
    language: str,
    model_abuse: float | None = None,
    model_categories: np.ndarray | None = None,
    model_emotions: np.ndarray | None = None,
    weights: FusionWeights = WEIGHTS,
) -> Fused:
    """Final scores from rule ``findings`` and optional model rows (NaN = no opinion).

    ``language`` is accepted for symmetry with the models' per-language heads; the shares are
    the same for every language.
    """
    return fuse_many(
        [findings],
        None if model_abuse is None else np.asarray([model_abuse], dtype=float),
        None if model_categories is None else np.asarray(model_categories, dtype=float)[None],
        None if model_emotions is None else np.asarray(model_emotions, dtype=float)[None],
        weights,
    ).row(0)


_STRONG_OF = attrgetter("strong")
_DISCOUNTED_OF = attrgetter("discounted")
_AT_THINGS_OF = attrgetter("at_things")
_INTENTS_OF = attrgetter("intents")
_ABUSIVE_COLUMNS = [ABUSE_CATEGORIES.index(name) for name in _ABUSIVE]
_SATISFACTION = EMOTIONS.index("satisfaction")
_PROFANITY = ABUSE_CATEGORIES.index("profanity")
_INSULT = ABUSE_CATEGORIES.index("insult")
_DISCRIMINATION = ABUSE_CATEGORIES.index("discrimination")
_MENACING = [ABUSE_CATEGORIES.index(name) for name in ("threat", "sexual_harassment")]


def rule_arrays(findings: Sequence[Findings]) -> tuple[np.ndarray, np.ndarray]:
    """The rules' category (n, 5) and emotion (n, 6) confidences of ``findings``."""
    # One list of Python floats per kind, made an array at once. Compiled, the loop reads each
    # dict in C; typed Any, the floats are passed on rather than unboxed to C doubles and boxed
    # again (map/chain over itemgetters into one fromiter cost twice the instructions).
    n = len(findings)
    categories: list[Any] = []
    emotions: list[Any] = []
    for f in findings:
        found: dict[str, Any] = f.categories
        categories += (
            found[PROFANITY],
            found[INSULT],
            found[THREAT],
            found[DISCRIMINATION],
            found[HARASSMENT],
        )
        felt: dict[str, Any] = f.emotions
        emotions += (
            felt[ANGER],
            felt[FRUSTRATION],
            felt[DISAPPOINTMENT],
            felt[ANXIETY],
            felt[SADNESS],
            felt[SATISFACTION],
        )
    # fromiter reads a list of floats twice as fast as np.array, which works out the shape and
    # each item's type first.
    rules = np.fromiter(categories, dtype=float, count=len(categories))
    felt_rules = np.fromiter(emotions, dtype=float, count=len(emotions))
    return rules.reshape(n, len(ABUSE_CATEGORIES)), felt_rules.reshape(n, len(EMOTIONS))


def row_max(scores: np.ndarray) -> np.ndarray:
    """The maximum of each row of ``scores`` (n, k), as ``scores.max(axis=1)`` gives it.

    numpy reduces a row of a few columns slowly (20 us for 512 x 6); k column-wise maximums
    take a fifth of that.
    """
    out = scores[:, 0].copy()
    for column in range(1, scores.shape[1]):
        np.maximum(out, scores[:, column], out=out)
    return out


def fuse_many(
    findings: Sequence[Findings],
    model_abuse: np.ndarray | None = None,
    model_categories: np.ndarray | None = None,
    model_emotions: np.ndarray | None = None,
    weights: FusionWeights = WEIGHTS,
) -> FusedBatch:
    """Final scores of a batch: rule ``findings`` with model arrays of shapes (n,), (n, 5) and
    (n, 6) (None: no model; NaN: no opinion for that message and label)."""
    rules, rule_emotions = rule_arrays(findings)
    strong = np.zeros_like(rules, dtype=bool)
    # Most messages have no strong hit: only the others are visited.
    named = list(map(_STRONG_OF, findings))
    for i in compress(range(len(named)), named):
        strong[i] = [name in named[i] for name in ABUSE_CATEGORIES]
    discounted = _flags(map(_DISCOUNTED_OF, findings), len(findings))
    at_things = _flags(map(_AT_THINGS_OF, findings), len(findings))
    dissatisfied, question = _intent_flags(findings)

    categories = _blend(rules, model_categories, weights.category)
    categories = np.where(strong | (rules >= 0.5), np.maximum(categories, rules), categories)
    strongest = row_max(np.where(strong, rules, 0.0))
    if model_abuse is None:
        abuse = row_max(categories)
    else:
        model = np.asarray(model_abuse, dtype=float)
        other = row_max(rules[:, _ABUSIVE_COLUMNS])
        with_model = np.maximum(
            model,
            np.maximum(
                _pull(model, rules[:, _PROFANITY], weights.abuse_from_profanity),
                _pull(model, other, weights.abuse_from_other),
            ),
        )
        abuse = np.where(np.isnan(model), row_max(categories), with_model)
    abuse = np.maximum(abuse, strongest)
    # "I'm not calling you an idiot": the rules read the abusive word as negated; a model that
    # sees only the word may not flag the message alone. Nor may it flag words the rules read
    # as said of a thing ("stupid website keeps logging me out"): harsh criticism of a product
    # is not abuse.
    negated = (discounted | at_things) & (row_max(rules) < 0.5)
    if negated.any():
        abuse = np.where(negated, np.minimum(abuse, _UNDER_THE_LINE), abuse)
        capped = np.minimum(categories[:, _ABUSIVE_COLUMNS], _UNDER_THE_LINE)
        categories[:, _ABUSIVE_COLUMNS] = np.where(
            negated[:, None], capped, categories[:, _ABUSIVE_COLUMNS]
        )

    # An insult the rules read, with no word of discrimination in it, is an insult: a model
    # head that hears hate in every "ty idioto" may not add a discrimination flag on its own.
    explained = (row_max(rules) >= 0.5) & (rules[:, _DISCRIMINATION] == 0.0)
    categories[:, _DISCRIMINATION] = np.where(
        explained,
        np.minimum(categories[:, _DISCRIMINATION], _UNDER_THE_LINE),
        categories[:, _DISCRIMINATION],
    )

    # Swearing and insults the rules read as said of a thing ("this bloody app", "ta cholerna
    # pralka", "stupid website") are no insult of a person: a model may not make them one.
    # Nor may it add an insult to a threat or harassment the rules read with no insulting word
    # ("rozwalę wam ten sklep", "hey gorgeous, after your shift?").
    no_insult = ((rules[:, _INSULT] < 0.5) & at_things) | (
        (rules[:, _INSULT] == 0.0) & (row_max(rules[:, _MENACING]) >= 0.5)
    )
    categories[:, _INSULT] = np.where(
        no_insult, np.minimum(categories[:, _INSULT], _UNDER_THE_LINE), categories[:, _INSULT]
    )

    # A category no rule found words for may not be flagged where the message as a whole is
    # not: the category heads were trained apart from the abuse head and now and then fire on
    # a polite message ("Dziękuję, pani Aniu").
    unworded = (rules < 0.5) & ~strong
    categories = np.where(unworded, np.minimum(categories, abuse[:, None]), categories)

    emotions = _blend(rule_emotions, model_emotions, weights.emotion)
    evidenced = rule_emotions >= EVIDENCE_AT
    _rules_first(emotions, evidenced, abuse, dissatisfied, question)
    return FusedBatch(
        abuse=np.clip(abuse, 0.0, 1.0),
        categories=np.clip(categories, 0.0, 1.0),
        emotions=np.clip(emotions, 0.0, 1.0),
        evidenced=evidenced,
        rule_categories=rules,
        rule_emotions=rule_emotions,
        dissatisfied=dissatisfied,
    )


def _flags(values: Iterable[object], n: int) -> np.ndarray:
    """The truth of each of ``n`` values as a bool array."""
    return np.fromiter(values, dtype=bool, count=n)


def rules_alone(findings: Sequence[Findings]) -> FusedBatch:
    """The rules' confidences as the final scores (how the rules are measured on their own)."""
    rules, rule_emotions = rule_arrays(findings)
    return FusedBatch(
        abuse=row_max(rules),
        categories=rules,
        emotions=rule_emotions,
        evidenced=rule_emotions >= EVIDENCE_AT,
        rule_categories=rules,
        rule_emotions=rule_emotions,
        dissatisfied=_intent_flags(findings)[0],
    )


def _intent_flags(findings: Sequence[Findings]) -> tuple[np.ndarray, np.ndarray]:
    """Per message: do its intents complain or demand, and is one of them a question."""
    # map() over built-in methods keeps the loops in C.
    intents = list(map(_INTENTS_OF, findings))
    n = len(intents)
    dissatisfied = ~_flags(map(_DISSATISFIED.isdisjoint, intents), n)
    return dissatisfied, _flags(map(contains, intents, repeat("question")), n)


def _rules_first(
    emotions: np.ndarray,
    evidenced: np.ndarray,
    abuse: np.ndarray,
    dissatisfied: np.ndarray,
    question: np.ndarray,
) -> None:
    """Model-only emotions yield to the ones with words behind them (in place)."""
    satisfaction = emotions[:, _SATISFACTION]
    unworded = ~evidenced[:, _SATISFACTION]
    cap = np.where(
        unworded & ((abuse >= 0.5) | dissatisfied),
        0.3,
        np.where(unworded & question, 0.39, np.inf),
    )
    emotions[:, _SATISFACTION] = np.minimum(satisfaction, cap)
    top = row_max(np.where(evidenced, emotions, -np.inf))
    lead = (top >= 0.4)[:, None] & ~evidenced
    emotions[:] = np.where(lead, np.minimum(emotions, top[:, None] - 0.01), emotions)


def _blend(rules: np.ndarray, model: np.ndarray | None, share: float) -> np.ndarray:
    """Model scores pulled towards the rules; the rules alone where the model has no opinion."""
    if model is None:
        return rules.copy()
    model = np.asarray(model, dtype=float)
    return np.where(np.isnan(model), rules, _pull(model, rules, share))


def _pull(model: np.ndarray, rule: np.ndarray, share: float) -> np.ndarray:
    """The model score moved ``share`` of the way towards a higher rule confidence."""
    return model + share * np.maximum(0.0, rule - model)
