"""Fusion keeps the category the rules read and does not let a model rename it.

A message the rules flag shows the category they flagged, a model may not turn swearing at a
thing into an insult, and it may not add discrimination to abuse the rules read without a
discriminatory word. Unit cases use fixed model scores; the last test runs the whole pipeline.
"""

from __future__ import annotations

import numpy as np
import pytest

from calmdesk.engine.findings import Findings
from calmdesk.engine.fusion import fuse
from calmdesk.engine.pipeline import analyze
from calmdesk.engine.vocabulary import ABUSE_CATEGORIES


def _categories(**scores: float) -> np.ndarray:
    return np.asarray([scores.get(name, 0.0) for name in ABUSE_CATEGORIES])


def _rules(**scores: float) -> Findings:
    findings = Findings()
    findings.categories.update(scores)
    return findings


def test_a_category_the_rules_flag_stays_flagged_when_the_model_doubts_it() -> None:
    # "Mikä pelle sinä olet": the rules read an insult at the employee; a head trained on weak
    # labels scores it 0.05. The message is flagged for the insult, so the insult shows.
    fused = fuse(_rules(insult=0.6), "fi", 0.1, _categories(insult=0.05), None)
    assert fused.abuse >= 0.5
    assert fused.categories["insult"] >= 0.6


def test_a_weak_rule_hit_is_still_blended_with_the_model() -> None:
    fused = fuse(_rules(insult=0.4), "en", 0.1, _categories(insult=0.05), None)
    assert fused.categories["insult"] < 0.4


def test_swearing_at_a_thing_is_not_made_an_insult_by_a_model() -> None:
    findings = _rules(profanity=0.6)
    findings.at_things = True
    fused = fuse(findings, "en", 0.6, _categories(profanity=0.1, insult=0.8), None)
    assert fused.categories["profanity"] >= 0.5
    assert fused.categories["insult"] < 0.5
    # The same scores with the swearing said of nobody in particular keep the model's insult.
    fused = fuse(_rules(profanity=0.6), "en", 0.6, _categories(insult=0.8), None)
    assert fused.categories["insult"] >= 0.5


@pytest.mark.parametrize("category", ["profanity", "insult"])
def test_no_discrimination_from_a_model_alone_in_abuse_the_rules_read(category: str) -> None:
    fused = fuse(_rules(**{category: 0.7}), "pl", 0.7, _categories(discrimination=0.9), None)
    assert fused.categories["discrimination"] < 0.5
    fused = fuse(
        _rules(**{category: 0.7, "discrimination": 0.6}),
        "pl",
        0.7,
        _categories(discrimination=0.9),
        None,
    )
    assert fused.categories["discrimination"] >= 0.5


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("This bloody app crashed again, I can't do anything.", "en"),
        ("Ta pieprzona aplikacja znowu się zawiesiła.", "pl"),
        ("Tämä vitun laite ei taaskaan toimi.", "fi"),
    ],
)
def test_profanity_at_a_broken_product_reads_as_profanity(text: str, lang: str) -> None:
    result = analyze(text, lang).to_dict()
    flagged = {name for name, score in result["abuse"]["categories"].items() if score >= 0.5}
    assert flagged == {"profanity"}
    assert not result["abuse"]["directed_at_staff"]
    assert result["severity"] == "medium"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Stupid website keeps logging me out.", "en"),
        ("Głupi system znowu nie działa.", "pl"),
        ("Tyhmä kone taas jumissa.", "fi"),
    ],
)
def test_harsh_words_about_a_thing_are_not_abuse(text: str, lang: str) -> None:
    result = analyze(text, lang).to_dict()
    assert not result["abuse"]["flagged"]
    assert result["severity"] in ("none", "low")


@pytest.mark.parametrize("category", ["threat", "sexual_harassment"])
def test_no_insult_from_a_model_alone_in_a_threat_or_harassment(category: str) -> None:
    fused = fuse(_rules(**{category: 0.9}), "en", 0.9, _categories(insult=0.8), None)
    assert fused.categories["insult"] < 0.5
    fused = fuse(_rules(**{category: 0.9, "insult": 0.6}), "en", 0.9, _categories(insult=0.8), None)
    assert fused.categories["insult"] >= 0.5
