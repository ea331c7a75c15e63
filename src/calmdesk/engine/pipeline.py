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
from dataclasses import dataclass
from operator import attrgetter
from typing import Any, Final

import numpy as np

from calmdesk import __version__
from calmdesk.engine import fusion, models, rules
from calmdesk.engine.analysis import Abuse, Analysis
from calmdesk.engine.findings import (
    ANGER,
    ANXIETY,
    DISAPPOINTMENT,
    DISCRIMINATION,
    FRUSTRATION,
    HARASSMENT,
    INSULT,
    PROFANITY,
    SADNESS,
    SATISFACTION,
    THREAT,
    Findings,
)
from calmdesk.engine.severity import (
    FLAG_AT,
    NEUTRAL,
    dominant_indices,
    dominant_names,
    severities,
)
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
    given = _languages_given(texts, lang)
    with _without_cycle_collector():
        return _analyses(_decide(texts, given, use_models))


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


def analyze_records(
    texts: Sequence[str],
    lang: str | Sequence[str | None] | None = None,
    *,
    use_models: bool = True,
) -> list[dict[str, Any]]:
    """The contract dicts of :func:`analyze_many` (what ``Analysis.to_dict`` gives), built
    directly: the fast path of callers that only write JSON."""
    given = _languages_given(texts, lang)
    with _without_cycle_collector():
        return _records(_decide(texts, given, use_models))


def _languages_given(
    texts: Sequence[str], lang: str | Sequence[str | None] | None
) -> list[str | None]:
    given = [lang] * len(texts) if lang is None or isinstance(lang, str) else list(lang)
    if len(given) != len(texts):
        raise ValueError(f"got {len(given)} languages for {len(texts)} texts")
    return given


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
_INTENTS_OF = attrgetter("intents")
_DIRECTED_OF = attrgetter("directed_at_staff")
_QUIET_IN_COMPLAINTS = np.asarray([name in ("anxiety", "sadness") for name in EMOTIONS])
_INSULT_AT = ABUSE_CATEGORIES.index("insult")
_ANGER_AT = EMOTIONS.index("anger")
_HOSTILE_AT = [ABUSE_CATEGORIES.index(name) for name in ("insult", "threat", "discrimination")]
_HARASSMENT_AT = ABUSE_CATEGORIES.index("sexual_harassment")
# Words the rules may have read as aimed at someone: all but profanity ("what the hell").
_PERSONAL_AT = [i for i, name in enumerate(ABUSE_CATEGORIES) if name != "profanity"]
# Dict displays (the labels from engine.findings) build the score dicts three times faster
# than dict(zip(...)).
_VERSION: Final = __version__


@dataclass(frozen=True, slots=True)
class _Decided:
    """A batch's contract values, column by column as Python objects (rows in input order)."""

    languages: list[str]
    findings: list[Findings]
    # Python floats and bools as tolist() made them, typed Any so that compiled code passes the
    # objects on rather than unboxing each to a C double or bool and boxing a new one.
    abuse: list[Any]
    flagged: list[Any]
    directed: list[Any]
    categories: list[list[Any]]
    emotions: list[list[Any]]
    dominant: list[str]
    severity: list[str]


def _decide(texts: Sequence[str], given: list[str | None], use_models: bool) -> _Decided:
    scores = models.score(texts, given) if use_models else _languages_only(texts, given)
    languages = [code if code in LANGUAGES else "und" for code in scores.languages]
    found = rules.find_many(texts, languages)
    findings = [f for f, _ in found]
    if use_models:
        fused = fusion.fuse_many(findings, scores.abuse, scores.categories, scores.emotions)
    else:
        fused = fusion.rules_alone(findings)
    return _decisions(languages, findings, [addressed for _, addressed in found], fused)


def _decisions(
    languages: list[str],
    findings: list[Findings],
    addressed: list[bool],
    fused: fusion.FusedBatch,
) -> _Decided:
    # Scores are rounded to the contract's four decimals first, so every decision below is
    # the one a reader of the JSON would make from the numbers shown.
    abuse = np.round(fused.abuse, 4)
    categories = np.round(fused.categories, 4)
    emotions = np.round(fused.emotions, 4)
    flagged = abuse >= FLAG_AT
    intents = list(map(_INTENTS_OF, findings))
    n = len(intents)
    # The rules decide whom abuse is aimed at; when only a model flags an insult where the rules
    # read no insulting word (at most swearing: "what the hell is wrong with you people?"), an
    # address to the employee in the message is the best sign of its target.
    unseen = fusion.row_max(fused.rule_categories[:, _PERSONAL_AT]) == 0.0
    insult = categories[:, _INSULT_AT] >= FLAG_AT
    by_rules = np.fromiter(map(_DIRECTED_OF, findings), dtype=bool, count=n)
    directed = flagged & (by_rules | (np.asarray(addressed, dtype=bool) & unseen & insult))
    # A plain question or request with no words of feeling reads as neutral: emotion heads
    # trained on film subtitles hear fear in "Czy mogę zapłacić kartą?" and anger in "could you
    # also paint the fence?". Scores stay as the models gave them.
    plain = ~fusion.row_max(fused.evidenced) & ~flagged
    # map() over built-in methods keeps the loops in C.
    requests = np.fromiter(map(len, intents), dtype=np.intp, count=n) > 0
    requests &= np.fromiter(map(_REQUESTS.issuperset, intents), dtype=bool, count=n)
    # Likewise, in a message that complains or demands, fear and sadness only a model hears
    # (no words for them) do not lead: the same heads hear fear in "I won't pay for this".
    unheard = fused.dissatisfied[:, None] & ~fused.evidenced & _QUIET_IN_COMPLAINTS
    dominant = dominant_indices(np.where(unheard, 0.0, emotions), fused.evidenced)
    dominant[plain & requests] = NEUTRAL
    # Unless the rules found words for a feeling that leads, abuse aimed at the employee reads
    # as anger (an insult, a threat, discrimination: heads trained on subtitles hear
    # disappointment in "Get lost, loser." and nothing in "Go back to your country") and
    # harassment as no feeling at all (not the frustration a head hears in "Nice ass").
    worded = fused.evidenced[np.arange(len(dominant)), np.minimum(dominant, len(EMOTIONS) - 1)]
    worded &= dominant != NEUTRAL
    aimed = directed & ~worded
    hostile = fusion.row_max(categories[:, _HOSTILE_AT] >= FLAG_AT)
    # Harassment the rules did not read as hostile too ("you stupid slut") stays without anger
    # even where a model adds an insult for the words about looks.
    harassing = (categories[:, _HARASSMENT_AT] >= FLAG_AT) & ~fusion.row_max(
        fused.rule_categories[:, _HOSTILE_AT] >= FLAG_AT
    )
    dominant[aimed & hostile & ~harassing] = _ANGER_AT
    dominant[aimed & harassing] = NEUTRAL
    levels = severities(
        categories=categories,
        abuse=abuse,
        directed_at_staff=directed,
        # Shouting the rules read as strong anger stays strong even where a model doubts it.
        anger=np.maximum(emotions[:, _ANGER_AT], fused.rule_emotions[:, _ANGER_AT]),
        dominant=dominant,
        intents=intents,
    )
    return _Decided(
        languages=languages,
        findings=findings,
        abuse=abuse.tolist(),
        flagged=flagged.tolist(),
        directed=directed.tolist(),
        categories=categories.tolist(),
        emotions=emotions.tolist(),
        dominant=dominant_names(dominant),
        severity=levels,
    )


def _analyses(batch: _Decided) -> list[Analysis]:
    return [
        Analysis(
            _VERSION,
            language,
            Abuse(score, at_staff, {PROFANITY: p, INSULT: i, THREAT: t,
                                    DISCRIMINATION: d, HARASSMENT: h}),
            {ANGER: a, FRUSTRATION: fr, DISAPPOINTMENT: di, ANXIETY: ax, SADNESS: sa,
             SATISFACTION: st},
            dominant,
            list(f.intents),
            level,
            f.evidence,
        )
        for language, f, score, at_staff, (p, i, t, d, h), (a, fr, di, ax, sa, st), dominant, level
        in zip(
            batch.languages,
            batch.findings,
            batch.abuse,
            batch.directed,
            batch.categories,
            batch.emotions,
            batch.dominant,
            batch.severity,
            strict=True,
        )
    ]  # fmt: skip


def _records(batch: _Decided) -> list[dict[str, Any]]:
    # The same values as _analyses gives, laid out as Analysis.to_dict lays them out. Indexed
    # lists rather than zip() and unpacking: compiled, each is a direct read of the list.
    languages, findings, scores = batch.languages, batch.findings, batch.abuse
    flagged, directed = batch.flagged, batch.directed
    categories, emotions = batch.categories, batch.emotions
    dominant, severity = batch.dominant, batch.severity
    records: list[dict[str, Any]] = []
    for k in range(len(languages)):
        f = findings[k]
        c = categories[k]
        e = emotions[k]
        evidence = f.evidence
        records.append(
            {
                "version": _VERSION,
                "language": languages[k],
                "abuse": {
                    "flagged": flagged[k],
                    "score": scores[k],
                    "directed_at_staff": directed[k],
                    "categories": {PROFANITY: c[0], INSULT: c[1], THREAT: c[2],
                                   DISCRIMINATION: c[3], HARASSMENT: c[4]},
                },
                "emotions": {ANGER: e[0], FRUSTRATION: e[1], DISAPPOINTMENT: e[2],
                             ANXIETY: e[3], SADNESS: e[4], SATISFACTION: e[5]},
                "dominant_emotion": dominant[k],
                "intents": list(f.intents),
                "severity": severity[k],
                "evidence": [
                    {"start": start, "end": end, "text": text, "label": label}
                    for start, end, text, label in evidence
                ] if evidence else [],
            }
        )  # fmt: skip
    return records
