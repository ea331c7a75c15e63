"""The playbook's content per language: reply templates, review lexicons and conversation signals.

Content is data (``playbook/data/<lang>/*.yaml``) so a business can edit it without touching
code. Every file is validated on load; an error names the file and the key that is wrong.
A directory given in ``CALMDESK_PLAYBOOK_DIR`` may hold replacements for any of the files
(``<dir>/<lang>/replies.yaml`` and so on); missing files fall back to the shipped ones.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from calmdesk.engine.vocabulary import LANGUAGES
from calmdesk.errors import InvalidInput

DATA_DIR = Path(__file__).parent / "data"

PURPOSES = (
    "acknowledge_paraphrase",
    "paraphrase",
    "clarifying_question",
    "options",
    "clear_information",
    "apology",
    "accept_apology",
    "answer",
    "thanks",
    "boundary_warning",
    "end_conversation",
    "safety",
)
"""Every reply purpose a replies.yaml must provide, each in a formal and an informal form."""

FACT_KINDS = ("order", "product", "date", "time", "amount", "topic")
PATTERN_CODES = ("blame_shifting", "dismissive", "counter_attack", "vague_information")
ADVICE_CODES = (
    "blame_shifting",
    "dismissive",
    "shouting",
    "counter_attack",
    "profanity",
    "no_empathy",
    "no_next_step",
    "vague_information",
)
MARKERS = ("empathy", "next_step", "concrete")
INCIDENT_REASONS: dict[str, set[str]] = {
    "threat": {"number", "quote"},
    "sexual_harassment": {"number", "quote"},
    "discrimination": {"number", "quote"},
    "danger": {"number"},
    "after_warning": {"number", "quote"},
    "at_staff": {"number", "quote"},
    "repeated": {"count"},
    "quote": {"text"},
}
"""The sentences of an incident recommendation (review.yaml ``incident``) and their placeholders."""
_FLAGS = re.IGNORECASE | re.UNICODE


@dataclass(frozen=True, slots=True, eq=False)
class Replies:
    """replies.yaml: templates[purpose][register] -> texts; how facts are woven in."""

    templates: dict[str, dict[str, list[str]]]
    details: dict[str, str]
    topics: dict[str, str]


@dataclass(frozen=True, slots=True, eq=False)
class Review:
    """review.yaml: advice per code, patterns of bad phrasing, markers of good phrasing."""

    advice: dict[str, str]
    patterns: dict[str, list[re.Pattern[str]]]
    markers: dict[str, list[re.Pattern[str]]]
    incident: dict[str, str]
    """Why a conversation should be recorded, per kind of conduct (see ``INCIDENT_REASONS``)."""


@dataclass(frozen=True, slots=True, eq=False)
class Signals:
    """signals.yaml: boundary warnings, client apologies and the words facts hang on."""

    warning_ending: list[re.Pattern[str]]
    warning_condition: list[re.Pattern[str]]
    apology: list[re.Pattern[str]]
    contrast: list[re.Pattern[str]]
    request: list[re.Pattern[str]]
    order_words: list[str]
    time_words: list[str]
    currencies: list[str]
    products: list[tuple[re.Pattern[str], str]]
    days: list[tuple[re.Pattern[str], str]]


@dataclass(frozen=True, slots=True, eq=False)
class LanguageContent:
    """Everything the playbook knows for one language."""

    language: str
    replies: Replies
    review: Review
    signals: Signals


@lru_cache(maxsize=8)
def load_content(language: str, override_dir: Path | None = None) -> LanguageContent:
    """The validated playbook content of ``language`` (read once per process)."""
    if language not in LANGUAGES:
        raise InvalidInput(f"playbook: no content for language {language!r}")
    if override_dir is not None and not override_dir.is_dir():
        raise InvalidInput(f"CALMDESK_PLAYBOOK_DIR: {override_dir} is not a directory")
    return LanguageContent(
        language=language,
        replies=_parse_replies(*_read(language, "replies.yaml", override_dir)),
        review=_parse_review(*_read(language, "review.yaml", override_dir), language),
        signals=_parse_signals(*_read(language, "signals.yaml", override_dir)),
    )


def all_content(override_dir: Path | None = None) -> list[LanguageContent]:
    """Content of every language, in ``LANGUAGES`` order."""
    return [load_content(lang, override_dir) for lang in LANGUAGES]


def _read(language: str, name: str, override_dir: Path | None) -> tuple[dict[str, Any], str]:
    path = DATA_DIR / language / name
    if override_dir is not None and (override_dir / language / name).is_file():
        path = override_dir / language / name
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InvalidInput(f"{path}: cannot read the playbook file ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        raise InvalidInput(f"{path}: not valid YAML ({exc})") from None
    if not isinstance(data, dict):
        raise InvalidInput(f"{path}: expected a mapping at the top level")
    if data.get("language") != language:
        raise InvalidInput(f"{path}: language: must be {language!r}")
    return data, str(path)


def _mapping(data: Any, where: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise InvalidInput(f"{where}: expected a mapping")
    return data


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(f"{where}: expected a non-empty text")
    return value


def _texts(value: Any, where: str) -> list[str]:
    if not isinstance(value, list) or not value:
        raise InvalidInput(f"{where}: expected a non-empty list of texts")
    return [_text(item, f"{where}[{i}]") for i, item in enumerate(value)]


def _patterns(value: Any, where: str) -> list[re.Pattern[str]]:
    compiled = []
    for i, source in enumerate(_texts(value, where)):
        try:
            compiled.append(re.compile(source, _FLAGS))
        except re.error as exc:
            raise InvalidInput(f"{where}[{i}]: invalid pattern {source!r} ({exc})") from None
    return compiled


def _check_placeholders(text: str, allowed: set[str], where: str) -> None:
    try:
        fields = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError as exc:
        raise InvalidInput(f"{where}: broken braces in {text!r} ({exc})") from None
    unknown = fields - allowed
    if unknown:
        names = ", ".join("{" + n + "}" for n in sorted(unknown))
        choices = ", ".join("{" + n + "}" for n in sorted(allowed)) or "none"
        raise InvalidInput(f"{where}: unknown placeholder {names} (allowed: {choices})")


def _parse_replies(data: dict[str, Any], path: str) -> Replies:
    templates_data = _mapping(data.get("templates"), f"{path}: templates")
    templates: dict[str, dict[str, list[str]]] = {}
    for purpose in PURPOSES:
        where = f"{path}: templates.{purpose}"
        if purpose not in templates_data:
            raise InvalidInput(f"{where}: missing (every purpose needs templates)")
        forms = _mapping(templates_data[purpose], where)
        templates[purpose] = {}
        for register in ("formal", "informal"):
            texts = _texts(forms.get(register), f"{where}.{register}")
            for i, text in enumerate(texts):
                _check_placeholders(text, {"details"}, f"{where}.{register}[{i}]")
            templates[purpose][register] = texts
    extra = set(templates_data) - set(PURPOSES)
    if extra:
        raise InvalidInput(
            f"{path}: templates.{sorted(extra)[0]}: unknown purpose (known: {', '.join(PURPOSES)})"
        )
    details_data = _mapping(data.get("details"), f"{path}: details")
    details = {}
    for key in ("wrap", "separator", *FACT_KINDS):
        where = f"{path}: details.{key}"
        value = details_data.get(key)
        if not isinstance(value, str) or not value:
            raise InvalidInput(f"{where}: expected a text")
        allowed = {"items"} if key == "wrap" else set() if key == "separator" else {"value"}
        _check_placeholders(value, allowed, where)
        details[key] = value
    topics_data = _mapping(data.get("topics", {}), f"{path}: topics")
    topics = {str(k): _text(v, f"{path}: topics.{k}") for k, v in topics_data.items()}
    return Replies(templates=templates, details=details, topics=topics)


def _parse_review(data: dict[str, Any], path: str, language: str) -> Review:
    codes = _mapping(data.get("codes"), f"{path}: codes")
    advice: dict[str, str] = {}
    patterns: dict[str, list[re.Pattern[str]]] = {}
    for code in ADVICE_CODES:
        where = f"{path}: codes.{code}"
        entry = _mapping(codes.get(code), where)
        advice[code] = _text(entry.get("advice"), f"{where}.advice")
        if code in PATTERN_CODES:
            patterns[code] = _patterns(entry.get("patterns"), f"{where}.patterns")
    markers_data = _mapping(data.get("markers"), f"{path}: markers")
    markers = {
        name: _patterns(markers_data.get(name), f"{path}: markers.{name}") for name in MARKERS
    }
    if "incident" not in data and path != str(DATA_DIR / language / "review.yaml"):
        # A replacement review.yaml written before incident reasons were data keeps working.
        data, path = _read(language, "review.yaml", None)
    incident_data = _mapping(data.get("incident"), f"{path}: incident")
    incident = {}
    for key, allowed in INCIDENT_REASONS.items():
        where = f"{path}: incident.{key}"
        incident[key] = _text(incident_data.get(key), where)
        _check_placeholders(incident[key], allowed, where)
    return Review(advice=advice, patterns=patterns, markers=markers, incident=incident)


def _parse_signals(data: dict[str, Any], path: str) -> Signals:
    warning = _mapping(data.get("boundary_warning"), f"{path}: boundary_warning")
    facts = _mapping(data.get("facts"), f"{path}: facts")
    products = _named_patterns(facts.get("products"), f"{path}: facts.products")
    days = _named_patterns(facts.get("days"), f"{path}: facts.days")
    return Signals(
        warning_ending=_patterns(warning.get("ending"), f"{path}: boundary_warning.ending"),
        warning_condition=_patterns(
            warning.get("condition"), f"{path}: boundary_warning.condition"
        ),
        apology=_patterns(data.get("client_apology"), f"{path}: client_apology"),
        contrast=_patterns(data.get("client_contrast"), f"{path}: client_contrast"),
        request=_patterns(data.get("client_request"), f"{path}: client_request"),
        order_words=_texts(facts.get("order_words"), f"{path}: facts.order_words"),
        time_words=_texts(facts.get("time_words"), f"{path}: facts.time_words"),
        currencies=_texts(facts.get("currencies"), f"{path}: facts.currencies"),
        products=products,
        days=days,
    )


def _named_patterns(value: Any, where: str) -> list[tuple[re.Pattern[str], str]]:
    """A mapping pattern -> name, e.g. products or days of the week."""
    named = []
    for source, name in _mapping(value, where).items():
        (pattern,) = _patterns([source], f"{where}.{source}")
        named.append((pattern, _text(name, f"{where}.{source}")))
    return named
