"""How rule findings and model scores combine."""

from __future__ import annotations

import numpy as np

from calmdesk.engine.findings import Findings
from calmdesk.engine.fusion import fuse, row_max
from calmdesk.engine.vocabulary import ABUSE_CATEGORIES, EMOTIONS


def _categories(**scores: float) -> np.ndarray:
    return np.asarray([scores.get(name, 0.0) for name in ABUSE_CATEGORIES])


def _emotions(**scores: float) -> np.ndarray:
    return np.asarray([scores.get(name, 0.0) for name in EMOTIONS])


def test_strong_rule_hit_is_never_silenced() -> None:
    findings = Findings()
    findings.categories["discrimination"] = 0.9
    findings.strong.add("discrimination")
    fused = fuse(findings, "en", 0.05, _categories(), None)
    assert fused.abuse >= 0.9 and fused.categories["discrimination"] >= 0.9


def test_model_raises_abuse_without_any_rule_hit() -> None:
    fused = fuse(Findings(), "pl", 0.8, _categories(insult=0.7), None)
    assert fused.abuse == 0.8 and fused.categories["insult"] == 0.7


def test_profanity_the_rules_found_is_abuse_even_when_the_model_sees_no_harm() -> None:
    findings = Findings()
    findings.categories["profanity"] = 0.8
    fused = fuse(findings, "pl", 0.1, _categories(profanity=0.9), None)
    assert fused.abuse >= 0.5
    assert fused.categories["profanity"] >= 0.8


def test_emotions_with_words_behind_them_outrank_model_only_ones() -> None:
    findings = Findings()
    findings.emotions["disappointment"] = 0.6
    # Finnish has no disappointment head (NaN): subtitles taught its sadness head instead.
    fused = fuse(findings, "fi", 0.0, None, _emotions(sadness=0.9, disappointment=np.nan))
    assert "disappointment" in fused.evidenced
    assert fused.emotions["sadness"] < fused.emotions["disappointment"]


def test_no_satisfaction_read_into_a_complaint_without_words_for_it() -> None:
    findings = Findings(intents=["complaint", "refund_request"])
    fused = fuse(findings, "fi", 0.0, None, _emotions(satisfaction=0.8))
    assert fused.emotions["satisfaction"] < 0.5


def test_rule_insult_pulls_an_unsure_model_over_the_line() -> None:
    findings = Findings()
    findings.categories["insult"] = 0.9
    fused = fuse(findings, "en", 0.3, _categories(insult=0.3), None)
    assert fused.abuse >= 0.5 and fused.categories["insult"] >= 0.5


def test_rules_decide_where_the_model_has_no_opinion() -> None:
    findings = Findings()
    findings.categories["threat"] = 0.7
    findings.emotions["frustration"] = 0.6
    nan = np.full(len(EMOTIONS), np.nan)
    fused = fuse(findings, "fi", float("nan"), np.full(len(ABUSE_CATEGORIES), np.nan), nan)
    assert fused.abuse == 0.7
    assert fused.emotions["frustration"] == 0.6


def test_a_negated_insult_is_not_flagged_by_the_model_alone() -> None:
    findings = Findings(discounted=True)
    fused = fuse(findings, "en", 0.9, _categories(insult=0.8), None)
    assert fused.abuse < 0.5 and fused.categories["insult"] < 0.5


def test_a_negated_word_does_not_hide_a_real_insult_next_to_it() -> None:
    findings = Findings(discounted=True)
    findings.categories["insult"] = 0.85
    fused = fuse(findings, "en", 0.9, _categories(insult=0.8), None)
    assert fused.abuse >= 0.5


def test_an_insult_the_rules_read_is_not_discrimination_on_the_model_alone() -> None:
    plain = Findings()
    plain.categories["insult"] = 0.8
    slur = Findings()
    slur.categories["insult"] = 0.8
    slur.categories["discrimination"] = 0.9
    for findings, flagged in ((plain, False), (slur, True)):
        fused = fuse(findings, "pl", 0.9, _categories(insult=0.8, discrimination=0.7), None)
        assert (fused.categories["discrimination"] >= 0.5) is flagged
        assert fused.abuse >= 0.5


def test_a_category_without_words_is_not_flagged_in_a_message_that_is_not() -> None:
    # A discrimination head firing on a polite message: the message is not abusive, so
    # neither is the category.
    fused = fuse(Findings(), "pl", 0.2, _categories(discrimination=0.7), None)
    assert fused.abuse < 0.5 and fused.categories["discrimination"] < 0.5


def test_row_max_is_the_maximum_of_each_row() -> None:
    scores = np.random.default_rng(7).random((40, len(EMOTIONS)))
    scores[3, 2] = np.nan  # a model with no opinion
    scores[5] = -np.inf
    assert np.array_equal(row_max(scores), scores.max(axis=1), equal_nan=True)
    evidenced = scores >= 0.8
    assert row_max(evidenced).tolist() == evidenced.any(axis=1).tolist()
