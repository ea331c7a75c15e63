"""Orchestrates the engine: language and model scores, rules, fusion, severity, the Analysis.

The learned models are called once per batch (``models.score``); every message is then read by
the lexicons of its language (all three when the language is undetermined, ``rules.find_many``),
the rule findings are fused with the model scores over the whole batch (``fusion.fuse_many``),
and the flags, dominant emotion and severity follow the contract.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import numpy as np

from calmdesk import __version__
from calmdesk.engine import fusion, models, rules
from calmdesk.engine.analysis import Abuse, Analysis
from calmdesk.engine.findings import Findings
from calmdesk.engine.severity import FLAG_AT, dominant_emotions, severities
from calmdesk.engine.vocabulary import ABUSE_CATEGORIES, EMOTIONS, LANGUAGES


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
    languages = [code if code in LANGUAGES else "und" for code in scores.languages]
    found = rules.find_many(texts, languages)
    findings = [f for f, _ in found]
    if use_models:
        fused = fusion.fuse_many(findings, scores.abuse, scores.categories, scores.emotions)
    else:
        fused = fusion.rules_alone(findings)
    return _analyses(languages, findings, [addressed for _, addressed in found], fused)


def _languages_only(texts: Sequence[str], given: list[str | None]) -> models.ModelOutput:
    # Without the models' scores, only the texts with no language given go to the model.
    missing = [i for i, code in enumerate(given) if not code]
    langs = [code or "und" for code in given]
    if missing:
        detected = models.score([texts[i] for i in missing], [None] * len(missing)).languages
        for i, code in zip(missing, detected, strict=True):
            langs[i] = code
    return models.ModelOutput(languages=langs)


_REQUESTS = frozenset({"question", "scope_change"})
_QUIET_IN_COMPLAINTS = np.asarray([name in ("anxiety", "sadness") for name in EMOTIONS])


def _analyses(
    languages: list[str],
    findings: list[Findings],
    addressed: list[bool],
    fused: fusion.FusedBatch,
) -> list[Analysis]:
    # Scores are rounded to the contract's four decimals first, so every decision below is
    # the one a reader of the JSON would make from the numbers shown.
    abuse = np.round(fused.abuse, 4)
    categories = np.round(fused.categories, 4)
    emotions = np.round(fused.emotions, 4)
    flagged = abuse >= FLAG_AT
    # The rules decide whom abuse is aimed at; when only a model flags an insult the rules did
    # not see at all, an address to the employee in the message is the best sign of its target.
    unseen = fused.rule_categories.max(axis=1) == 0.0
    insult = categories[:, ABUSE_CATEGORIES.index("insult")] >= FLAG_AT
    by_rules = np.asarray([f.directed_at_staff for f in findings], dtype=bool)
    directed = flagged & (by_rules | (np.asarray(addressed, dtype=bool) & unseen & insult))
    # A plain question or request with no words of feeling reads as neutral: emotion heads
    # trained on film subtitles hear fear in "Czy mogę zapłacić kartą?" and anger in "could you
    # also paint the fence?". Scores stay as the models gave them.
    plain = ~fused.evidenced.any(axis=1) & ~flagged
    # Likewise, in a message that complains or demands, fear and sadness only a model hears
    # (no words for them) do not lead: the same heads hear fear in "I won't pay for this".
    unheard = fused.dissatisfied[:, None] & ~fused.evidenced & _QUIET_IN_COMPLAINTS
    dominant = dominant_emotions(np.where(unheard, 0.0, emotions), fused.evidenced)
    for i, f in enumerate(findings):
        if plain[i] and f.intents and _REQUESTS.issuperset(f.intents):
            dominant[i] = "neutral"
    anger = EMOTIONS.index("anger")
    levels = severities(
        categories=categories,
        abuse=abuse,
        directed_at_staff=directed,
        # Shouting the rules read as strong anger stays strong even where a model doubts it.
        anger=np.maximum(emotions[:, anger], fused.rule_emotions[:, anger]),
        dominant=dominant,
        intents=[f.intents for f in findings],
    )
    return [
        Analysis(
            version=__version__,
            language=language,
            abuse=Abuse(
                score=score,
                directed_at_staff=at_staff,
                categories=dict(zip(ABUSE_CATEGORIES, category_row, strict=True)),
            ),
            emotions=dict(zip(EMOTIONS, emotion_row, strict=True)),
            dominant_emotion=dominant_one,
            intents=list(f.intents),
            severity=level,
            evidence=f.evidence,
        )
        for language, f, score, at_staff, category_row, emotion_row, dominant_one, level in zip(
            languages,
            findings,
            abuse.tolist(),
            directed.tolist(),
            categories.tolist(),
            emotions.tolist(),
            dominant,
            levels,
            strict=True,
        )
    ]
