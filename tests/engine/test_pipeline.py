"""The full pipeline: contract, offsets, determinism, batches and large input."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import calmdesk
from calmdesk.engine.pipeline import analyze_many, analyze_records
from calmdesk.engine.vocabulary import EVIDENCE_LABELS, INTENTS

SAMPLES = [
    "Jest Pan idiotą, oddawajcie pieniądze!",
    "Kurwa, znowu nie działa",
    "Tapan sinut",
    "Olen todella pettynyt palveluunne.",
    "I know where you live",
    "Thanks, great job!",
    "",
    "🙂🙂🙂",
]


def _check_offsets(text: str, result: dict[str, Any]) -> None:
    for item in result["evidence"]:
        assert 0 <= item["start"] <= item["end"] <= len(text)
        assert text[item["start"] : item["end"]] == item["text"]
        assert item["label"] in EVIDENCE_LABELS


def test_results_follow_the_contract(contract: dict[str, Any]) -> None:
    for text in SAMPLES:
        result = calmdesk.analyze(text).to_dict()
        contract["analysis"].validate(result)
        _check_offsets(text, result)
        assert result["intents"] == [i for i in INTENTS if i in result["intents"]]


def test_analysis_is_deterministic() -> None:
    first = [a.to_dict() for a in analyze_many(SAMPLES)]
    again = [a.to_dict() for a in analyze_many(list(reversed(SAMPLES)))]
    assert first == list(reversed(again))


REALISTIC = Path(__file__).parent / "data" / "realistic_messages.jsonl"


def test_records_are_the_analyses_as_dicts() -> None:
    # The CLI writes analyze_records; it must say exactly what Analysis.to_dict says.
    cases = [json.loads(line) for line in REALISTIC.read_text(encoding="utf-8").splitlines()]
    texts = SAMPLES + [case["text"] for case in cases]
    langs: list[str | None] = [None] * len(SAMPLES) + [case.get("lang") for case in cases]
    for use_models in (True, False):
        expected = [a.to_dict() for a in analyze_many(texts, langs, use_models=use_models)]
        records = analyze_records(texts, langs, use_models=use_models)
        # Compared as JSON text: key order is part of what the CLI writes.
        assert json.dumps(records) == json.dumps(expected)
    assert {r["severity"] for r in records} == {"none", "low", "medium", "high", "critical"}
    assert analyze_records([]) == [] and analyze_many([]) == []


def test_languages_can_be_given_per_text() -> None:
    results = analyze_many(["Olet ääliö", "Jesteś idiotą", "hello"], ["fi", None, "en"])
    assert [r.language for r in results[::2]] == ["fi", "en"]
    assert results[0].abuse.flagged and results[0].abuse.directed_at_staff


def test_empty_text_is_valid_and_calm(contract: dict[str, Any]) -> None:
    result = calmdesk.analyze("").to_dict()
    contract["analysis"].validate(result)
    assert result["severity"] == "none"
    assert result["dominant_emotion"] == "neutral"
    assert result["evidence"] == []


def test_a_one_megabyte_message_finishes_in_bounded_time() -> None:
    text = ("Jest Pan idiotą k.u.r.w.a a i o " * 40_000)[:1_000_000]
    started = time.perf_counter()
    result = calmdesk.analyze(text).to_dict()
    assert time.perf_counter() - started < 20
    assert result["abuse"]["flagged"]
    _check_offsets(text, result)


def test_a_long_run_of_spaced_letters_stays_linear() -> None:
    text = "a " * 200_000
    started = time.perf_counter()
    calmdesk.analyze(text, "pl")
    assert time.perf_counter() - started < 20


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.text(
        alphabet=st.one_of(
            st.characters(),
            st.sampled_from(list("kurwaidiotyć!?.*1@ ąłżÄÖ\u200b\u0301іаο")),
        ),
        max_size=80,
    )
)
def test_evidence_offsets_index_the_original_for_any_text(text: str) -> None:
    for lang in (None, "pl", "fi", "en"):
        result = analyze_many([text], lang)[0].to_dict()
        _check_offsets(text, result)
        assert 0.0 <= result["abuse"]["score"] <= 1.0
        assert all(0.0 <= v <= 1.0 for v in result["emotions"].values())


def test_short_messages_are_read_in_every_language() -> None:
    # A one-word message gives language detection little to go on; its abuse is still found.
    for text in ("perkele", "Idioto!", "vittu"):
        (result,) = analyze_many([text], "en", use_models=False)
        assert result.abuse.flagged, text


def test_plain_questions_read_as_neutral_with_the_models_on() -> None:
    questions = [
        "Czy mogę zapłacić kartą na miejscu?",
        "Voinko vaihtaa ajan ensi viikolle?",
        "Is the blue model still in stock?",
    ]
    for analysis in analyze_many(questions):
        assert analysis.dominant_emotion == "neutral"
        assert analysis.severity == "none"
        assert analysis.intents == ["question"]


def test_negated_insults_are_not_flagged_with_the_models_on() -> None:
    texts = ["I'm not calling you an idiot, I just want this fixed.", "Nie jesteś idiotą"]
    for analysis in analyze_many(texts):
        assert not analysis.abuse.flagged


def test_a_plain_request_for_more_work_reads_as_neutral() -> None:
    texts = [
        "Voisitteko samalla vielä lisäksi maalata aidan, ilman lisämaksua?",
        "Could you also design a flyer for us, same price of course?",
    ]
    for analysis in analyze_many(texts, ["fi", "en"]):
        assert "scope_change" in analysis.intents
        assert analysis.dominant_emotion == "neutral" and analysis.severity == "none"


def test_something_gone_wrong_is_a_complaint() -> None:
    texts = ["Po prostu coś poszło nie tak z zamówieniem.", "Something went wrong with my order."]
    for analysis in analyze_many(texts, ["pl", "en"]):
        assert "complaint" in analysis.intents
        assert analysis.dominant_emotion not in ("anxiety", "sadness")
