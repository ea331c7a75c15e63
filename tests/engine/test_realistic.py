"""Realistic client messages: does calmdesk agree with a careful reviewer?

tests/engine/data/realistic_messages.jsonl holds 60 messages (20 per language) with the flags,
direction, severity and dominant emotion a reviewer expects; "a|b" lists readings a reviewer
would accept. The expectations were written before the rules were tuned.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from calmdesk.engine.pipeline import analyze_many

CASES = [
    json.loads(line)
    for line in (Path(__file__).parent / "data" / "realistic_messages.jsonl")
    .read_text(encoding="utf-8")
    .splitlines()
    if line.strip()
]
REQUIRED = 0.85


def _misses(case: dict[str, Any], result: dict[str, Any]) -> list[str]:
    got = {
        "flagged": result["abuse"]["flagged"],
        "directed": result["abuse"]["directed_at_staff"],
        "severity": result["severity"],
        "emotion": result["dominant_emotion"],
    }
    misses = []
    for key, value in got.items():
        expected = case[key]
        ok = value == expected if isinstance(expected, bool) else value in expected.split("|")
        if not ok:
            misses.append(f"{key}: expected {expected}, got {value}")
    return misses


def _agreement(use_models: bool) -> float:
    results = analyze_many([c["text"] for c in CASES], None, use_models=use_models)
    agreed = 0
    for case, analysis in zip(CASES, results, strict=True):
        misses = _misses(case, analysis.to_dict())
        if misses:
            print(f"MISS ({'full' if use_models else 'rules'}) {case['text']!r}: {misses}")
        else:
            agreed += 1
    share = agreed / len(CASES)
    print(f"agreement ({'full pipeline' if use_models else 'rules only'}): {agreed}/{len(CASES)}")
    return share


def test_the_set_covers_every_language_and_kind() -> None:
    assert {c["lang"] for c in CASES} == {"pl", "fi", "en"}
    assert all(sum(c["lang"] == lang for c in CASES) == 20 for lang in ("pl", "fi", "en"))
    severities = {s for c in CASES for s in c["severity"].split("|")}
    assert severities == {"none", "low", "medium", "high", "critical"}


def test_rules_agree_with_the_reviewer() -> None:
    assert _agreement(use_models=False) >= REQUIRED


def test_full_pipeline_agreement_is_reported() -> None:
    # The learned models and their fusion are tuned by their own issue; this prints where the
    # full pipeline parts ways with the reviewer and holds a floor against regressions.
    assert _agreement(use_models=True) >= 0.5
