"""What each learned head is trained on: rows of the data sets and their 0/1 targets.

Label mappings (documented in docs/model-card.md):

- abuse: PolEval 6-1 ``harmful``; Komentarze Obraźliwe/Złośliwe/Groźby karalne = 1, Krytyka/
  Ostra krytyka/Pozostałe = 0; OLID ``offensive``; Davidson hate/offensive = 1, neither = 0;
  Finnish: weak lexicon labels on XED subtitle lines.
- insult: Komentarze Obraźliwe, PolEval cyberbullying; OLID targeted at an individual (IND).
- discrimination: PolEval hate; Davidson hate, OLID targeted at a group (GRP).
- threat: no head. Komentarze has 36 "Groźby karalne" rows, too few to set a threshold that
  doesn't raise false "critical" alarms; the engine's threat rules decide alone.
- profanity: weak lexicon labels (BAN-PL, LDNOOBW, calmdesk's Finnish stems).
- emotions: XED anger/fear/sadness/joy -> anger/anxiety/sadness/satisfaction (XED neutral = 0;
  Polish XED has no neutral lines, so harmless PolEval tweets stand in for them when the Polish
  thresholds are chosen, never in training);
  GoEmotions per ``GOEMOTIONS`` below.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from calmdesk.train.data import Example
from calmdesk.train.weak import (
    FINNISH_INSULT_STEMS,
    FINNISH_PROFANITY_STEMS,
    Lexicon,
)

KOMENTARZE_ABUSIVE = frozenset({"Obraźliwe", "Złośliwe", "Groźby karalne"})
KOMENTARZE_CRITICISM = frozenset({"Krytyka", "Ostra krytyka"})
XED: dict[str, tuple[str, ...]] = {
    "anger": ("anger",),
    "anxiety": ("fear",),
    "sadness": ("sadness",),
    "satisfaction": ("joy",),
}
GOEMOTIONS: dict[str, tuple[str, ...]] = {
    "anger": ("anger",),
    "frustration": ("annoyance",),
    "disappointment": ("disappointment",),
    "anxiety": ("fear", "nervousness"),
    "sadness": ("sadness", "grief", "remorse"),
    "satisfaction": ("joy", "gratitude", "admiration", "approval", "relief", "pride", "optimism"),
}
"""Our emotion <- GoEmotions labels."""

Label = Callable[[Example], int | None]
"""Target of a row for a head: 1, 0, or None when the row says nothing about it."""


@dataclass(slots=True)
class Task:
    """One head to train: ``rows`` index the examples, ``targets`` are their 0/1 labels."""

    head: str
    language: str
    rows: np.ndarray
    targets: np.ndarray
    sources: list[str] = field(default_factory=list)
    weights: np.ndarray | None = None

    @property
    def name(self) -> str:
        return f"{self.head}.{self.language}"


def build(examples: Sequence[Example], lexicons: dict[str, set[str]]) -> list[Task]:
    """Every head calmdesk ships, in a stable order."""
    profane = {
        "pl": Lexicon(lexicons["pl"]),
        "en": Lexicon(lexicons["en"]),
        "fi": Lexicon(lexicons["fi"], FINNISH_PROFANITY_STEMS),
    }
    finnish_insult = Lexicon((), FINNISH_INSULT_STEMS)
    fi_weak = ("xed_fi", "xed_fi_neutral")

    def lexical(lexicon: Lexicon, sources: tuple[str, ...]) -> Label:
        return lambda r: int(lexicon.matches(r.text)) if r.source in sources else None

    specs: list[tuple[str, str, Label]] = [
        ("abuse", "pl", _pl_abuse),
        ("insult", "pl", _pl_insult),
        ("discrimination", "pl", _pl_discrimination),
        ("profanity", "pl", lexical(profane["pl"], ("poleval", "komentarze", "xed_pl"))),
        ("abuse", "en", _en_abuse),
        ("insult", "en", _en_insult),
        ("discrimination", "en", _en_discrimination),
        ("profanity", "en", lexical(profane["en"], ("olid", "davidson", "goemotions"))),
        (
            "abuse",
            "fi",
            lambda r: (
                int(profane["fi"].matches(r.text) or finnish_insult.matches(r.text))
                if r.source in fi_weak
                else None
            ),
        ),
        ("insult", "fi", lexical(finnish_insult, fi_weak)),
        ("profanity", "fi", lexical(profane["fi"], fi_weak)),
    ]
    for language in ("pl", "fi", "en"):
        for emotion in ("anger", "frustration", "disappointment", "anxiety", "sadness"):
            if emotion in XED or language == "en":
                specs.append((emotion, language, _emotion(emotion, language)))
        specs.append(("satisfaction", language, _emotion("satisfaction", language)))
    built = [_task(examples, head, language, label) for head, language, label in specs]
    for task in built:
        task.weights = _weights(examples, task)
    return built


def _weights(examples: Sequence[Example], task: Task) -> np.ndarray | None:
    """Row weights where one data set must not drown another's distinctions."""
    if task.name == "abuse.pl":
        # Criticism is the hard negative: weighting it teaches "harsh but fair" is not abuse.
        return np.asarray(
            [
                5.0 if examples[i].labels.get("category") in KOMENTARZE_CRITICISM else 1.0
                for i in task.rows
            ]
        )
    if task.language == "pl" and task.head in XED:
        # PolEval rows only steer the threshold (see heads.objective); they aren't emotion data.
        return np.asarray([0.0 if examples[i].source == "poleval" else 1.0 for i in task.rows])
    if task.name == "abuse.en":
        # Davidson's "offensive" is mostly slang vulgarity; it should inform, not dominate.
        return np.asarray([0.3 if examples[i].source == "davidson" else 1.0 for i in task.rows])
    return None


def _task(examples: Sequence[Example], head: str, language: str, label: Label) -> Task:
    rows, targets = [], []
    for i, example in enumerate(examples):
        target = label(example)
        if target is not None:
            rows.append(i)
            targets.append(target)
    sources = sorted({examples[i].source for i in rows})
    return Task(head, language, np.asarray(rows), np.asarray(targets, dtype=np.int8), sources)


def _pl_abuse(r: Example) -> int | None:
    if r.source == "poleval":
        return int(r.labels["harmful"])
    if r.source == "komentarze":
        return int(r.labels["category"] in KOMENTARZE_ABUSIVE)
    return None


def _pl_insult(r: Example) -> int | None:
    if r.source == "poleval" and r.labels["kind"] != "hate":
        return int(r.labels["kind"] == "cyberbullying")
    if r.source == "komentarze" and r.labels["category"] not in {"Złośliwe", "Groźby karalne"}:
        return int(r.labels["category"] == "Obraźliwe")
    return None


def _pl_discrimination(r: Example) -> int | None:
    if r.source == "poleval" and r.labels["kind"] != "cyberbullying":
        return int(r.labels["kind"] == "hate")
    return None


def _en_abuse(r: Example) -> int | None:
    if r.source == "olid":
        return int(bool(r.labels["offensive"]))
    if r.source == "davidson":
        return int(r.labels["class"] != "neither")
    return None


def _en_insult(r: Example) -> int | None:
    if r.source == "olid" and (not r.labels["offensive"] or r.labels["target"] == "IND"):
        return int(r.labels["target"] == "IND")
    return None


def _en_discrimination(r: Example) -> int | None:
    if r.source == "davidson":
        return int(r.labels["class"] == "hate")
    if r.source == "olid" and (not r.labels["offensive"] or r.labels["target"] == "GRP"):
        return int(r.labels["target"] == "GRP")
    return None


def _emotion(emotion: str, language: str) -> Label:
    xed_sources = {f"xed_{language}", f"xed_{language}_neutral"}

    def label(r: Example) -> int | None:
        if language == "pl" and r.source == "poleval" and not r.labels["harmful"]:
            return 0  # stand-in for the neutral lines Polish XED lacks: tuning only (weight 0)
        if r.source in xed_sources and emotion in XED:
            return int(any(e in XED[emotion] for e in r.labels["emotions"]))
        if r.source == "goemotions" and language == "en":
            return int(any(e in GOEMOTIONS[emotion] for e in r.labels["emotions"]))
        return None

    return label
