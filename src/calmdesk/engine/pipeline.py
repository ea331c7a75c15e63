"""Orchestrates the engine: language and model scores, rules, fusion, severity, the Analysis.

The learned models are called once per batch (``models.score``); every message is then read by
the lexicons of its language (all three when the language is undetermined), the rule findings are
fused with the model scores (``fusion.fuse``), and severity follows the contract.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from calmdesk import __version__
from calmdesk.engine import fusion, models, rules
from calmdesk.engine.analysis import Abuse, Analysis
from calmdesk.engine.findings import Findings
from calmdesk.engine.severity import FLAG_AT, dominant_emotion, severity
from calmdesk.engine.vocabulary import LANGUAGES


def analyze(text: str, lang: str | None = None) -> Analysis:
    """Analyse one message."""
    return analyze_many([text], lang)[0]


def analyze_many(
    texts: Sequence[str],
    lang: str | Sequence[str | None] | None = None,
    *,
    use_models: bool = True,
) -> list[Analysis]:
    """Analyse a batch of messages in input order.

    ``lang`` is one language for all, or one per text (None entries are detected).
    ``use_models=False`` reads with the rules alone (languages are still detected by the model),
    which is how the rules are measured on their own.
    """
    given = [lang] * len(texts) if lang is None or isinstance(lang, str) else list(lang)
    if len(given) != len(texts):
        raise ValueError(f"got {len(given)} languages for {len(texts)} texts")
    with _without_cycle_collector():
        return _analyze_batch(texts, given, use_models)


@contextmanager
def _without_cycle_collector() -> Iterator[None]:
    # Analysing a message allocates many small containers, and every few hundred of them the
    # cycle collector walks the young ones; a gen-2 pass also walks the compiled lexicons and
    # any results the caller keeps. None of these objects form cycles (reference counting
    # frees them), so the collector only costs time: 25 of ~80 us per message, measured.
    # Only the caller that found it enabled turns it back on, so nested or concurrent batches
    # leave it as they found it.
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _analyze_batch(
    texts: Sequence[str], given: list[str | None], use_models: bool
) -> list[Analysis]:
    scores = models.score(texts, given) if use_models else _languages_only(texts, given)
    results = []
    for i, text in enumerate(texts):
        language = scores.languages[i] if scores.languages[i] in LANGUAGES else "und"
        findings, addressed = rules.find(text, language)
        if use_models:
            fused = fusion.fuse(
                findings,
                language,
                None if scores.abuse is None else float(scores.abuse[i]),
                None if scores.categories is None else scores.categories[i],
                None if scores.emotions is None else scores.emotions[i],
            )
        else:
            # Rules alone: their confidences are the scores (all within [0, 1] already).
            fused = fusion.Fused(
                abuse=max(findings.categories.values()),
                categories=dict(findings.categories),
                emotions=dict(findings.emotions),
                evidenced=frozenset(
                    name for name, value in findings.emotions.items() if value >= fusion.EVIDENCE_AT
                ),
            )
        results.append(_analysis(language, findings, fused, addressed))
    return results


def _languages_only(texts: Sequence[str], given: list[str | None]) -> models.ModelOutput:
    # Without the models' scores, only the texts with no language given go to the model.
    missing = [i for i, code in enumerate(given) if not code]
    langs = [code or "und" for code in given]
    if missing:
        detected = models.score([texts[i] for i in missing], [None] * len(missing)).languages
        for i, code in zip(missing, detected, strict=True):
            langs[i] = code
    return models.ModelOutput(languages=langs)


def _analysis(language: str, findings: Findings, fused: fusion.Fused, addressed: bool) -> Analysis:
    flagged = fused.abuse >= FLAG_AT
    # The rules decide whom abuse is aimed at; when only a model flags an insult the rules did
    # not see at all, an address to the employee in the message is the best sign of its target.
    unseen = max(findings.categories.values(), default=0.0) == 0.0
    directed = flagged and (
        findings.directed_at_staff
        or (addressed and unseen and fused.categories["insult"] >= FLAG_AT)
    )
    # A plain question with no words of feeling reads as neutral: emotion heads trained on film
    # subtitles hear fear in "Czy mogę zapłacić kartą?". Scores stay as the models gave them.
    plain_question = findings.intents == ["question"] and not fused.evidenced and not flagged
    dominant = "neutral" if plain_question else dominant_emotion(fused.emotions, fused.evidenced)
    level = severity(
        categories=fused.categories,
        abuse_score=fused.abuse,
        directed_at_staff=directed,
        # Shouting the rules read as strong anger stays strong even where a model doubts it.
        anger=max(fused.emotions["anger"], findings.emotions["anger"]),
        dominant=dominant,
        intents=findings.intents,
    )
    return Analysis(
        version=__version__,
        language=language,
        abuse=Abuse(score=fused.abuse, directed_at_staff=directed, categories=fused.categories),
        emotions=fused.emotions,
        dominant_emotion=dominant,
        intents=list(findings.intents),
        severity=level,
        evidence=findings.evidence,
    )
