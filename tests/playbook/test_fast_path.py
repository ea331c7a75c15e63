"""The playbook's fast path (signal patterns merged into one regex per list, per-text caches,
stored analyses reused delivery by delivery) gives exactly what the plain path gives."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import calmdesk
from calmdesk.api.advice import Turn, advise
from calmdesk.playbook import conversation, facts
from calmdesk.playbook.content import LanguageContent
from calmdesk.playbook.conversation import (
    is_apology,
    is_boundary_warning,
    is_request,
    is_retraction,
)
from calmdesk.playbook.matching import CACHED_CHARS, AnyOf, PerText
from calmdesk.playbook.schemas import Message

CONVERSATIONS = sorted((Path(__file__).parent / "conversations").glob("*.json"))
EXTRA_TEXTS = [
    "Sorry, but you are still wrong.",
    "But seriously, I am sorry, I lost my temper.",
    "Ale przepraszam, poniosło mnie.",
    "Mutta anteeksi, en tarkoittanut.",
    "Sorry, I lost my temper. Could you please change the address?",
    "Przepraszam, ale to skandal. Proszę o zwrot pieniędzy.",
    "Przepraszam, poniosło mnie.",
    "Anteeksi, mutta tämä on naurettavaa.",
    "Anteeksi, en tarkoittanut. Voisitteko vaihtaa laitteen?",
    "I apologise. But honestly, sorry is not enough, I want a refund.",
    "Order #A-12345 arrived broken, I paid 120 EUR on 2024-05-01 at 14:30.",
    "zamówienie nr 556677 z 12.03.2024, zapłaciłem 250 zł w poniedziałek o 10:15",
    "",
]


def _messages() -> list[dict[str, str]]:
    found: list[dict[str, str]] = []
    for path in CONVERSATIONS:
        found.extend(json.loads(path.read_text(encoding="utf-8"))["request"]["messages"])
    return found


def _texts() -> list[str]:
    return list(dict.fromkeys([m["text"] for m in _messages()] + EXTRA_TEXTS))


def _plain_signals(text: str, contents: list[LanguageContent]) -> tuple[bool, bool, bool]:
    """Apology, retraction and request pattern by pattern, without merging or caching."""
    signals = [c.signals for c in contents]
    starts = [m.start() for s in signals for p in s.apology for m in [p.search(text)] if m]
    retracted = bool(starts) and not any(
        p.search(text, min(starts)) for s in signals for p in s.contrast
    )
    request = any(p.search(text) for s in signals for p in s.request)
    return bool(starts), retracted, request


def _plain_warning(text: str, contents: list[LanguageContent]) -> bool:
    return any(
        any(p.search(text) for p in c.signals.warning_ending)
        and any(p.search(text) for p in c.signals.warning_condition)
        for c in contents
    )


def test_the_shipped_signal_lists_are_merged(contents: list[LanguageContent]) -> None:
    for content in contents:
        for patterns in (content.signals.apology, content.signals.contrast):
            assert AnyOf(patterns).merged


def test_merged_signals_equal_the_pattern_by_pattern_search(
    contents: list[LanguageContent],
) -> None:
    texts = _texts()
    for text in texts:
        signals = (is_apology(text, contents), is_retraction(text, contents))
        assert (*signals, is_request(text, contents)) == _plain_signals(text, contents), text
        warning = is_boundary_warning(Message(role="agent", text=text), contents)
        assert warning == _plain_warning(text, contents), text
    # The corpus exercises every answer, not just "no".
    plain = [_plain_signals(t, contents) for t in texts]
    assert all(any(row[i] for row in plain) for i in range(3))
    assert any(_plain_warning(t, contents) for t in texts)


def test_earliest_start_of_a_merged_list_is_the_earliest_of_its_patterns() -> None:
    patterns = [re.compile(p, re.IGNORECASE) for p in (r"\bbut\b", r"sorry", r"\bale\b")]
    merged = AnyOf(patterns)
    assert merged.merged
    for text in ("Sorry, but no", "but sorry", "ALE sorry but", "nothing here", "sorrybut"):
        for pos in range(len(text) + 1):
            starts = [m.start() for p in patterns for m in [p.search(text, pos)] if m]
            assert merged.first_start(text, pos) == (min(starts) if starts else None)
            assert merged.found(text, pos) == bool(starts)


@pytest.mark.parametrize(
    "sources",
    [
        [r"(a)\1", r"b"],  # a backreference: group numbers would shift
        [r"(?P<x>a)(?P=x)", r"b"],
        [r"(?i)a", r"(?i)b"],  # a global flag is only allowed at the start
    ],
)
def test_lists_that_cannot_be_merged_are_searched_one_by_one(sources: list[str]) -> None:
    patterns = [re.compile(s) for s in sources]
    matcher = AnyOf(patterns)
    assert not matcher.merged
    for text in ("aa", "ab", "xb", "a", "A", "B", "xyz"):
        starts = [m.start() for p in patterns for m in [p.search(text)] if m]
        assert matcher.first_start(text) == (min(starts) if starts else None)
        assert matcher.found(text) == bool(starts)


def test_long_texts_are_read_each_time_not_kept() -> None:
    calls: list[str] = []

    def read(text: str, key: int) -> tuple[str, int]:
        calls.append(text)
        return text[:3], key

    remembered = PerText(read)
    short, long = "sorry", "x" * (CACHED_CHARS + 1)
    assert [remembered(short, 1), remembered(short, 1)] == [("sor", 1)] * 2
    assert [remembered(long, 1), remembered(long, 1)] == [("xxx", 1)] * 2
    assert calls == [short, long, long]
    remembered.cache_clear()
    assert remembered(short, 1) == ("sor", 1) and calls[-1] == short


def test_abused_before_counts_every_earlier_message(contents: list[LanguageContent]) -> None:
    """read_conversation carries "an earlier message was abusive" forward message by message;
    it must equal asking every earlier message again."""
    carried = 0
    for path in CONVERSATIONS:
        messages = json.loads(path.read_text(encoding="utf-8"))["request"]["messages"]
        texts = [m["text"] for m in messages if m["role"] == "client"]
        reading = conversation.read_conversation(
            [Message.model_validate(m) for m in messages], calmdesk.analyze_many(texts), contents
        )
        for i, turn in enumerate(reading.turns):
            assert turn.abused_before == any(t.abusive_at_staff for t in reading.turns[:i])
            carried += turn.abused_before
    assert carried > 0


def test_deliveries_with_warm_caches_equal_a_fresh_assist() -> None:
    """Each fixture conversation delivered message by message, as the webhook path does
    (earlier analyses reused, per-text caches warm), equals ``calmdesk.assist`` over the same
    messages with every cache emptied first."""
    checked = 0
    for path in CONVERSATIONS:
        messages = json.loads(path.read_text(encoding="utf-8"))["request"]["messages"]
        stored: list[Turn] = []
        for message in messages:
            role, text, kind = message["role"], message["text"], message.get("kind")
            advice, latest = advise([*stored, Turn(role, text, kind)])
            conversation._client_signals.cache_clear()
            conversation._warning_words.cache_clear()
            facts._facts_of.cache_clear()
            upto = messages[: len(stored) + 1]
            if any(m["role"] == "client" for m in upto):
                assert advice == calmdesk.assist({"messages": upto}), path.name
                checked += 1
            stored.append(Turn(role, text, kind, latest if role == "client" else None))
    assert checked >= len(CONVERSATIONS)
