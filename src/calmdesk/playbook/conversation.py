"""Reading a conversation: who said what, which client messages came after a boundary warning,
and how the client's mood moved from message to message."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from calmdesk.engine.analysis import Analysis
from calmdesk.playbook.content import LanguageContent
from calmdesk.playbook.matching import AnyOf, PerText
from calmdesk.playbook.schemas import Message

NEGATIVE_EMOTIONS = ("anger", "frustration", "disappointment", "anxiety", "sadness")
UPSET = 0.6
"""A negative emotion at or above this reads as a clearly upset client (a bare model score)."""
EXPRESSED = 0.3
"""The bar for a negative emotion the engine can point to in the client's words."""
CATEGORY_HIT = 0.5
"""An abuse category at or above this counts as present."""
DANGER_HIT = 0.4
"""Threats and sexual harassment count from this lower score: staff safety comes first, and a
needless supervisor call costs far less than a missed threat."""
TREND_STEP = 0.25
"""How much the client's level must move to call the mood rising or falling."""
PROBLEM_INTENTS = frozenset(
    {"complaint", "refund_request", "cancellation", "urgency", "payment_refusal", "scope_change"}
)
PRESSURE_INTENTS = frozenset({"legal_threat", "review_threat"})


@dataclass(frozen=True, slots=True)
class ClientTurn:
    """One client message with its analysis and where it sits in the conversation."""

    position: int
    """Index of the message in the request's ``messages``."""
    number: int
    """1-based count among the client's messages (for human-readable reasons)."""
    text: str
    analysis: Analysis
    after_warning: bool
    apology: bool
    retracted: bool = False
    """An apology with no "but" after it: abusive words quoted in it are being taken back."""
    abused_before: bool = False
    """An earlier client message was abusive towards staff."""
    request: bool = False
    """The client asks for something to be done ("proszę o fakturę", "could you change")."""

    @property
    def negativity(self) -> float:
        """The strongest negative emotion of the message."""
        return max(self.analysis.emotions.get(name, 0.0) for name in NEGATIVE_EMOTIONS)

    @property
    def level(self) -> float:
        """How heated the message is: its strongest negative emotion or its abuse score."""
        return max(self.negativity, self.analysis.abuse.score)

    def category(self, name: str) -> bool:
        """Whether the abuse category ``name`` is present."""
        return self.analysis.abuse.categories.get(name, 0.0) >= CATEGORY_HIT

    @property
    def danger(self) -> bool:
        """A threat of violence or sexual harassment: staff safety comes first."""
        categories = self.analysis.abuse.categories
        return (
            categories.get("threat", 0.0) >= DANGER_HIT
            or categories.get("sexual_harassment", 0.0) >= DANGER_HIT
            or self.analysis.severity == "critical"
        )

    @property
    def abusive_at_staff(self) -> bool:
        """Abuse aimed at the employee or the business, not just at the situation.

        "Sorry I called you an idiot" repeats the insult to take it back: not abuse.
        """
        abuse = self.analysis.abuse
        # An insult with no other target, from a client who has already abused the employee,
        # continues that abuse ("Pathetic loser, like I said").
        aimed = abuse.directed_at_staff or (self.abused_before and self.category("insult"))
        return abuse.flagged and aimed and not self.retracted

    @property
    def upset(self) -> bool:
        """Clearly upset: a strong negative emotion, any abuse, or strong severity."""
        # The engine's severity is its own summary: "none" means it saw no negative emotion,
        # so a stray emotion score alone does not make the client upset.
        return (
            (self.negativity >= UPSET and self.analysis.severity != "none")
            or (self.negativity >= EXPRESSED and self.feelings_in_words)
            or self.analysis.abuse.flagged
            or any(self.category(name) for name in self.analysis.abuse.categories)
            or self.analysis.severity in ("high", "critical")
        )

    @property
    def feelings_in_words(self) -> bool:
        """The engine points at words for a negative emotion ("frustrated", "worried")."""
        return any(item.label in NEGATIVE_EMOTIONS for item in self.analysis.evidence)

    @property
    def intents(self) -> set[str]:
        return set(self.analysis.intents)


@dataclass(frozen=True, slots=True)
class Reading:
    """What the playbook knows about the conversation as a whole."""

    turns: list[ClientTurn]
    warnings: list[int]
    """Positions of the employee's boundary warnings."""
    trend: str
    """"rising", "falling" or "steady": the client's level, last message against earlier ones."""

    @property
    def last(self) -> ClientTurn | None:
        return self.turns[-1] if self.turns else None

    @property
    def abuse_count(self) -> int:
        """Client messages with abuse aimed at staff."""
        return sum(turn.abusive_at_staff for turn in self.turns)

    @property
    def warned_since_last_client(self) -> bool:
        """A boundary warning was given after the client's last message (awaiting the answer)."""
        last = self.last
        return last is not None and any(w > last.position for w in self.warnings)

    def intents(self) -> set[str]:
        """Every intent the client expressed in the conversation."""
        return {intent for turn in self.turns for intent in turn.analysis.intents}

    def to_dict(self) -> dict[str, object]:
        """The ``escalation`` summary added to the assist output."""
        return {
            "trend": self.trend,
            "client_levels": [round(turn.level, 2) for turn in self.turns],
            "abuse_at_staff": self.abuse_count,
            "boundary_warnings": len(self.warnings),
            "after_warning": bool(self.last and self.last.after_warning),
        }


@dataclass(frozen=True, slots=True)
class _Matchers:
    """The signal patterns of every language, each list searched as one regex."""

    apology: AnyOf
    contrast: AnyOf
    request: AnyOf
    warnings: tuple[tuple[AnyOf, AnyOf], ...]
    """(ending, condition) per language: both must match in the same language."""


@lru_cache(maxsize=8)
def _matchers(contents: tuple[LanguageContent, ...]) -> _Matchers:
    return _Matchers(
        apology=AnyOf(p for c in contents for p in c.signals.apology),
        contrast=AnyOf(p for c in contents for p in c.signals.contrast),
        request=AnyOf(p for c in contents for p in c.signals.request),
        warnings=tuple(
            (AnyOf(c.signals.warning_ending), AnyOf(c.signals.warning_condition)) for c in contents
        ),
    )


def _read_warning_words(text: str, contents: tuple[LanguageContent, ...]) -> bool:
    return any(
        ending.found(text) and condition.found(text)
        for ending, condition in _matchers(contents).warnings
    )


def _read_client_signals(
    text: str, contents: tuple[LanguageContent, ...]
) -> tuple[bool, bool, bool]:
    """(apology, retraction, request) of a client message: see the functions below."""
    matchers = _matchers(contents)
    first = matchers.apology.first_start(text)
    retracted = first is not None and not matchers.contrast.found(text, first)
    return first is not None, retracted, matchers.request.found(text)


# A message is read once, not again for every later message of its conversation.
_warning_words = PerText(_read_warning_words)
_client_signals = PerText(_read_client_signals)


def is_boundary_warning(message: Message, contents: Sequence[LanguageContent]) -> bool:
    """An employee's message telling the client the conversation ends unless the tone changes."""
    if message.role != "agent":
        return False
    if message.kind in ("boundary_warning", "warning"):
        return True
    return _warning_words(message.text, tuple(contents))


def is_apology(text: str, contents: Sequence[LanguageContent]) -> bool:
    """The client apologises or takes back what they said."""
    return _client_signals(text, tuple(contents))[0]


def is_request(text: str, contents: Sequence[LanguageContent]) -> bool:
    """The client asks for something to be done, in words the engine's intents may not name."""
    return _client_signals(text, tuple(contents))[2]


def is_retraction(text: str, contents: Sequence[LanguageContent]) -> bool:
    """An apology not followed by "but/ale/mutta": the client takes back what they said."""
    return _client_signals(text, tuple(contents))[1]


def read_conversation(
    messages: Sequence[Message],
    client_analyses: Sequence[Analysis],
    contents: Sequence[LanguageContent],
) -> Reading:
    """Walk the conversation in order; ``client_analyses`` has one Analysis per client message."""
    turns: list[ClientTurn] = []
    warnings: list[int] = []
    analyses = iter(client_analyses)
    languages = tuple(contents)
    abused = False  # an earlier client message was abusive towards staff
    for position, message in enumerate(messages):
        if message.role == "agent":
            if is_boundary_warning(message, languages):
                warnings.append(position)
            continue
        analysis = next(analyses)
        apology, retracted, request = _client_signals(message.text, languages)
        turn = ClientTurn(
            position=position,
            number=len(turns) + 1,
            text=message.text,
            analysis=analysis,
            after_warning=bool(warnings),
            apology=apology,
            retracted=retracted,
            abused_before=abused,
            request=request,
        )
        turns.append(turn)
        abused = abused or turn.abusive_at_staff
    return Reading(turns=turns, warnings=warnings, trend=_trend(turns))


def _trend(turns: Sequence[ClientTurn]) -> str:
    if len(turns) < 2:
        return "steady"
    last = turns[-1].level
    earlier = [turn.level for turn in turns[:-1]]
    if last - min(earlier) >= TREND_STEP and last >= UPSET:
        return "rising"
    if max(earlier) - last >= TREND_STEP:
        return "falling"
    return "steady"
