"""Facts a client mentioned (order number, product, date, time, amount), for the paraphrase.

Simple patterns on purpose: the reply repeats what the client wrote, it does not interpret it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from calmdesk.playbook.content import FACT_KINDS, LanguageContent, Signals
from calmdesk.playbook.matching import PerText

_DATE = re.compile(r"\b(\d{4}-\d{2}-\d{2}|\d{1,2}[./]\d{1,2}(?:[./]\d{2,4})?)(?![:.]?\d)")
_CLOCK = re.compile(r"\b([01]?\d|2[0-3]):([0-5]\d)\b")


@dataclass(slots=True)
class Facts:
    """What the client mentioned, one value per kind (the most recent mention wins)."""

    values: dict[str, str] = field(default_factory=dict)

    def items(self) -> list[tuple[str, str]]:
        """(kind, value) pairs in ``FACT_KINDS`` order."""
        return [(kind, self.values[kind]) for kind in FACT_KINDS if kind in self.values]

    def __bool__(self) -> bool:
        return bool(self.values)


@dataclass(frozen=True, slots=True)
class _Patterns:
    order: re.Pattern[str]
    time: re.Pattern[str]
    amount: re.Pattern[str]
    products: list[tuple[re.Pattern[str], str]]
    days: list[tuple[re.Pattern[str], str]]


@lru_cache(maxsize=8)
def _patterns(signals: Signals) -> _Patterns:
    words = "|".join(re.escape(w) for w in sorted(signals.order_words, key=len, reverse=True))
    times = "|".join(re.escape(w) for w in sorted(signals.time_words, key=len, reverse=True))
    money = "|".join(re.escape(c) for c in sorted(signals.currencies, key=len, reverse=True))
    return _Patterns(
        # An order id holds at least one digit: "zamówienie nr 12345", "order #A-1234".
        order=re.compile(
            rf"(?:{words})\s*(?:nr\.?|no\.?|number|numer|numero)?\s*[:#]?\s*"
            r"(#?(?=[A-Z0-9/-]*\d)[A-Z0-9][A-Z0-9/-]{2,})\b",
            re.IGNORECASE,
        ),
        time=re.compile(
            rf"(?:\b(?:{times})\s+)(([01]?\d|2[0-3])(?:[:.][0-5]\d)?(?:\s?[ap]\.?m\.?)?)(?![\d./])",
            re.IGNORECASE,
        ),
        amount=re.compile(
            rf"(\d[\d ]*(?:[.,]\d{{1,2}})?\s?(?:{money})(?!\w)"
            r"|(?:[€$£])\s?\d[\d ]*(?:[.,]\d{1,2})?)",
            re.IGNORECASE,
        ),
        products=_bounded(signals.products),
        days=_bounded(signals.days),
    )


def _bounded(named: list[tuple[re.Pattern[str], str]]) -> list[tuple[re.Pattern[str], str]]:
    """Whole words only: "pralka" must not match inside another word."""
    return [(re.compile(rf"\b(?:{p.pattern})\b", re.IGNORECASE), name) for p, name in named]


def extract_facts(
    texts_newest_first: Iterable[str],
    content: LanguageContent,
    intents: Sequence[str] = (),
) -> Facts:
    """Facts from the client's messages; the newest message that names a kind wins."""
    found: dict[str, str] = {}
    signals = content.signals
    for text in texts_newest_first:
        for kind, value in _facts_of(text, signals):
            found.setdefault(kind, value)
    topics = content.replies.topics
    for intent in intents:
        if intent in topics:
            found.setdefault("topic", topics[intent])
            break
    return Facts(found)


def _read_facts(text: str, signals: Signals) -> tuple[tuple[str, str], ...]:
    return tuple(_facts_in(text, _patterns(signals)).items())


_facts_of = PerText(_read_facts)
"""The facts of one message, (kind, value) pairs: each message is read once, not again for
every later message of its conversation."""


def _facts_in(text: str, patterns: _Patterns) -> dict[str, str]:
    found: dict[str, str] = {}
    order = patterns.order.search(text)
    if order:
        found["order"] = order.group(1).lstrip("#")
    clock = _CLOCK.search(text)
    timed = clock or patterns.time.search(text)
    if timed:
        found["time"] = timed.group(0) if timed is clock else timed.group(1)
    for date in _DATE.finditer(text):
        if order and order.start(1) <= date.start() < order.end(1):
            continue
        found["date"] = date.group(1)
        break
    else:
        for pattern, name in patterns.days:
            if pattern.search(text):
                found["date"] = name
                break
    amount = patterns.amount.search(text)
    if amount:
        found["amount"] = amount.group(1).strip()
    for pattern, name in patterns.products:
        if pattern.search(text):
            found["product"] = name
            break
    return found
