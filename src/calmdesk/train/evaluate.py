"""``calmdesk eval``: the full analysis (``calmdesk.analyze_many``) on calmdesk's validation splits.

Scores come from the public output exactly as a user sees it: ``abuse.flagged``,
``abuse.categories.X >= 0.5`` and ``emotions.X >= 0.5``. Languages are detected, not given.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

import calmdesk
from calmdesk.engine import fusion, models
from calmdesk.engine.analysis import Abuse, Analysis
from calmdesk.engine.findings import Findings
from calmdesk.errors import InvalidInput
from calmdesk.train import calibration, data, language
from calmdesk.train.data import Example
from calmdesk.train.tasks import GOEMOTIONS, KOMENTARZE_ABUSIVE, KOMENTARZE_CRITICISM, XED
from calmdesk.train.weak import FINNISH_INSULT_STEMS, FINNISH_PROFANITY_STEMS, Lexicon

GOEMOTIONS_DEV = "emotion/en_goemotions_dev.jsonl"
XED_EMOTIONS = ("anger", "anxiety", "sadness", "satisfaction")
BATCH = 512

Row = dict[str, Any]


def evaluate(
    data_dir: Path,
    *,
    seed: int = 13,
    model_only: bool = False,
    progress: Callable[[str], None] | None = None,
) -> list[Row]:
    """One row of metrics per (data set, label); the validation side of the seeded split only.

    ``model_only`` skips the rules (fusion with empty findings), to see what the models add.
    """
    global _analyse_batch
    _analyse_batch = _model_only if model_only else calmdesk.analyze_many
    data.check_data_dir(data_dir)
    if not (data_dir / GOEMOTIONS_DEV).is_file():
        raise InvalidInput(f"missing file: {data_dir / GOEMOTIONS_DEV}")

    def validation(name: str) -> list[Example]:
        return [row for row in data.load(data_dir, name, seed) if row.validation]

    def step(what: str) -> None:
        if progress is not None:
            progress(what)

    rows: list[Row] = []
    step("PolEval")
    poleval = validation("poleval")
    flagged = _flags(_analyse(poleval))
    harmful = [bool(r.labels["harmful"]) for r in poleval]
    rows.append(_binary("poleval", "harmful", harmful, flagged))

    step("Komentarze")
    komentarze = validation("komentarze")
    flagged = _flags(_analyse(komentarze))
    categories = [r.labels["category"] for r in komentarze]
    abusive = [c in KOMENTARZE_ABUSIVE for c in categories]
    row = _binary("komentarze", "abusive (O/Z/G)", abusive, flagged)
    criticism = np.asarray([c in KOMENTARZE_CRITICISM for c in categories])
    row["criticism_flagged"] = round(float(flagged[criticism].mean()), 4)
    rows.append(row)
    rows.append(_binary("komentarze", "Obraźliwe", [c == "Obraźliwe" for c in categories], flagged))

    step("OLID")
    olid = validation("olid")
    analyses = _analyse(olid)
    truth = np.asarray([bool(r.labels["offensive"]) for r in olid])
    row = _binary("olid", "offensive", list(truth), _flags(analyses))
    row["macro_f1"] = round(calibration.macro_f1(truth, _flags(analyses)), 4)
    rows.append(row)
    insult = [r.labels["target"] == "IND" for r in olid]
    rows.append(_binary("olid", "insult (IND)", insult, _category(analyses, "insult")))

    step("Davidson")
    davidson = validation("davidson")
    analyses = _analyse(davidson)
    abusive = [r.labels["class"] != "neither" for r in davidson]
    rows.append(_binary("davidson", "hate/offensive", abusive, _flags(analyses)))
    hate = [r.labels["class"] == "hate" for r in davidson]
    rows.append(_binary("davidson", "discrimination", hate, _category(analyses, "discrimination")))

    step("Finnish abuse (weak labels)")
    finnish = validation("xed_fi") + validation("xed_fi_neutral")
    lexicon = Lexicon(data.load_lexicon(data_dir, "fi"), FINNISH_PROFANITY_STEMS)
    insults = Lexicon((), FINNISH_INSULT_STEMS)
    weak = [lexicon.matches(r.text) or insults.matches(r.text) for r in finnish]
    rows.append(_binary("xed_fi", "abuse (weak lexicon labels)", weak, _flags(_analyse(finnish))))

    step("GoEmotions dev")
    goemotions = data.load_file(data_dir / GOEMOTIONS_DEV, "en", "goemotions_dev")
    rows += _emotions("goemotions_dev", goemotions, GOEMOTIONS, tuple(GOEMOTIONS))

    for lang in ("fi", "en", "pl"):
        step(f"XED {lang}")
        emotional = validation(f"xed_{lang}")
        rows += _emotions(f"xed_{lang}", emotional, XED, XED_EMOTIONS)
        if lang != "pl":
            neutral = validation(f"xed_{lang}_neutral")
            rows += _emotions(f"xed_{lang}+neutral", emotional + neutral, XED, XED_EMOTIONS)

    step("language identification")
    all_rows = [row for name in data.FILES for row in data.load(data_dir, name, seed)]
    messages = language.held_out_messages(all_rows, seed)
    guesses = [a.language for a in _analyse_batch([m[2] for m in messages])]
    hits: dict[str, list[bool]] = {}
    for (kind, lang, _), guess in zip(messages, guesses, strict=True):
        hits.setdefault(f"{kind}/{lang}", []).append(guess == lang)
    for label, values in sorted(hits.items()):
        accuracy = round(sum(values) / len(values), 4)
        rows.append({"dataset": "language", "label": label, "n": len(values), "accuracy": accuracy})
    return rows


def _model_only(texts: Sequence[str]) -> list[Analysis]:
    scores = models.score(texts, [None] * len(texts))
    out = []
    for i, lang in enumerate(scores.languages):
        fused = fusion.fuse(
            Findings(),
            lang,
            None if scores.abuse is None else float(scores.abuse[i]),
            None if scores.categories is None else scores.categories[i],
            None if scores.emotions is None else scores.emotions[i],
        )
        abuse = Abuse(score=fused.abuse, categories=fused.categories)
        out.append(Analysis("model-only", lang, abuse, fused.emotions, "neutral", [], "none", []))
    return out


_analyse_batch: Callable[[Sequence[str]], list[Analysis]] = calmdesk.analyze_many


def _analyse(examples: Sequence[Example]) -> list[Analysis]:
    texts = [r.text for r in examples]
    out: list[Analysis] = []
    for start in range(0, len(texts), BATCH):
        out += _analyse_batch(texts[start : start + BATCH])
    return out


def _flags(analyses: Sequence[Analysis]) -> np.ndarray:
    return np.asarray([a.abuse.flagged for a in analyses])


def _category(analyses: Sequence[Analysis], name: str) -> np.ndarray:
    return np.asarray([a.abuse.categories[name] >= 0.5 for a in analyses])


def _binary(dataset: str, label: str, truth: Sequence[bool], decision: np.ndarray) -> Row:
    truth_array = np.asarray(truth, dtype=bool)
    p, r, f = calibration.precision_recall_f1(truth_array, decision)
    return {
        "dataset": dataset,
        "label": label,
        "n": len(truth_array),
        "positives": int(truth_array.sum()),
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(f, 4),
    }


def _emotions(
    dataset: str,
    examples: Sequence[Example],
    mapping: dict[str, tuple[str, ...]],
    emotions: tuple[str, ...],
) -> list[Row]:
    analyses = _analyse(examples)
    rows = []
    for emotion in emotions:
        truth = [any(e in mapping[emotion] for e in r.labels["emotions"]) for r in examples]
        decision = np.asarray([a.emotions[emotion] >= 0.5 for a in analyses])
        rows.append(_binary(dataset, emotion, truth, decision))
    macro = float(np.mean([row["f1"] for row in rows]))
    rows.append({"dataset": dataset, "label": "macro", "n": len(examples), "f1": round(macro, 4)})
    return rows
