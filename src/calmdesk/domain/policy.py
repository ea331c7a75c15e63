"""The boundary policy: rules as data, evaluated into recommendations with their reasons.

A policy file (YAML or JSON; see ``data/policy.yaml``) lists rules. A rule fires when a client
has at least ``at_least`` conduct events matching its ``when``; it recommends its ``then``
level. The recommendation is the highest level fired (ties: the highest percent), with every
fired rule as a reason citing its events. More bad conduct can only fire more rules, so it
never lowers the recommendation.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import yaml

from calmdesk.domain.conduct import ConductRecord
from calmdesk.domain.labels import DATA, label
from calmdesk.domain.vocabulary import (
    CONDUCT_KINDS,
    INCIDENT_SEVERITIES,
    ORG_LANGUAGES,
    POLICY_LEVELS,
    incident_severity_rank,
    level_rank,
)
from calmdesk.errors import InvalidInput

_PERCENT_LEVELS = ("deposit_required", "prepayment_required")
_WHEN_KEYS = {"kind", "at_least", "within_days", "max_hours_notice", "min_severity", "min_amount"}


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule of a policy file."""

    id: str
    kinds: tuple[str, ...]
    at_least: int
    level: str
    within_days: int | None = None
    max_hours_notice: float | None = None
    min_severity: str | None = None
    min_amount: float | None = None
    percent: int | None = None

    def matches(self, event: ConductRecord, now: datetime) -> bool:
        """Whether ``event`` counts towards this rule at ``now``."""
        if event.kind not in self.kinds or event.occurred_at > now:
            return False
        if self.within_days is not None and event.occurred_at < now - timedelta(
            days=self.within_days
        ):
            return False
        if self.max_hours_notice is not None and (
            event.hours_notice is None or event.hours_notice >= self.max_hours_notice
        ):
            return False
        if self.min_severity is not None and (
            event.severity is None
            or incident_severity_rank(event.severity) < incident_severity_rank(self.min_severity)
        ):
            return False
        return self.min_amount is None or (
            event.amount is not None and event.amount >= self.min_amount
        )


@dataclass(frozen=True, slots=True)
class Policy:
    """A validated policy file."""

    rules: tuple[Rule, ...]
    review_after_days: int
    legitimate_interest: dict[str, str]
    digest: str
    source: str

    @property
    def longest_window_days(self) -> int | None:
        """Events older than this never count (None: some rule looks at all history)."""
        windows = [rule.within_days for rule in self.rules]
        if not windows or any(days is None for days in windows):
            return None
        return max(days for days in windows if days is not None)


@dataclass(frozen=True, slots=True)
class Reason:
    """A fired rule and the events that made it fire."""

    rule: str
    level: str
    percent: int | None
    kinds: tuple[str, ...]
    count: int
    within_days: int | None
    event_ids: tuple[int, ...]
    dates: tuple[str, ...]
    max_hours_notice: float | None = None
    min_severity: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "level": self.level,
            "percent": self.percent,
            "kinds": list(self.kinds),
            "count": self.count,
            "within_days": self.within_days,
            "event_ids": list(self.event_ids),
            "dates": list(self.dates),
            "max_hours_notice": self.max_hours_notice,
            "min_severity": self.min_severity,
        }


@dataclass(slots=True)
class Evaluation:
    """What the policy recommends for one client, and why."""

    level: str = "none"
    percent: int | None = None
    reasons: list[Reason] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def load_policy(source: str, *, name: str = "policy") -> Policy:
    """Parse and validate a policy file's text; InvalidInput names every problem found."""
    try:
        data = yaml.safe_load(source)
    except yaml.YAMLError as exc:
        raise InvalidInput(f"{name}: not valid YAML or JSON ({exc})") from None
    problems: list[str] = []
    policy = _policy(data, problems, source)
    if problems:
        raise InvalidInput(f"{name}: " + "; ".join(problems))
    assert policy is not None
    return policy


def default_policy() -> Policy:
    """calmdesk's default policy (``domain/data/policy.yaml``)."""
    return load_policy((DATA / "policy.yaml").read_text(encoding="utf-8"), name="default policy")


def _policy(data: Any, problems: list[str], source: str) -> Policy | None:
    if not isinstance(data, dict):
        problems.append("expected a mapping with 'version' and 'rules'")
        return None
    unknown = sorted(set(data) - {"version", "review_after_days", "legitimate_interest", "rules"})
    if unknown:
        problems.append(f"unknown key(s): {', '.join(unknown)}")
    if data.get("version") != 1:
        problems.append("version: must be 1")
    review = data.get("review_after_days", 180)
    if not isinstance(review, int) or isinstance(review, bool) or review < 1:
        problems.append("review_after_days: a whole number of days, at least 1")
        review = 180
    interest = data.get("legitimate_interest") or {}
    if not isinstance(interest, dict) or not all(
        k in ORG_LANGUAGES and isinstance(v, str) for k, v in interest.items()
    ):
        problems.append("legitimate_interest: a text per language (pl, fi, en)")
        interest = {}
    raw_rules = data.get("rules")
    if not isinstance(raw_rules, list) or not raw_rules:
        problems.append("rules: a list of at least one rule")
        raw_rules = []
    rules = [_rule(index, raw, problems) for index, raw in enumerate(raw_rules)]
    ids = [rule.id for rule in rules if rule is not None]
    duplicates = sorted({rule_id for rule_id in ids if ids.count(rule_id) > 1})
    if duplicates:
        problems.append(f"rules: duplicate id(s) {', '.join(duplicates)}")
    return Policy(
        rules=tuple(rule for rule in rules if rule is not None),
        review_after_days=review,
        legitimate_interest=dict(interest),
        digest=hashlib.sha256(source.encode()).hexdigest(),
        source=source,
    )


def _rule(index: int, raw: Any, problems: list[str]) -> Rule | None:
    where = f"rules[{index}]"
    if not isinstance(raw, dict):
        problems.append(f"{where}: expected a mapping with id, when and then")
        return None
    start = len(problems)
    rule_id = raw.get("id")
    if not isinstance(rule_id, str) or not rule_id.strip():
        problems.append(f"{where}.id: a short name for the rule")
    else:
        where = f"rule {rule_id!r}"
    unknown = sorted(set(raw) - {"id", "when", "then", "description"})
    if unknown:
        problems.append(f"{where}: unknown key(s) {', '.join(unknown)}")
    when, then = raw.get("when"), raw.get("then")
    if not isinstance(when, dict) or not isinstance(then, dict):
        problems.append(f"{where}: needs 'when' and 'then' mappings")
        return None
    unknown = sorted(set(when) - _WHEN_KEYS)
    if unknown:
        problems.append(f"{where}.when: unknown key(s) {', '.join(unknown)}")
    kinds = when.get("kind")
    kinds = [kinds] if isinstance(kinds, str) else kinds
    if not isinstance(kinds, list) or not kinds or any(k not in CONDUCT_KINDS for k in kinds):
        problems.append(f"{where}.when.kind: one or more of {', '.join(CONDUCT_KINDS)}")
        kinds = []
    at_least = _whole(when.get("at_least"), f"{where}.when.at_least", problems, minimum=1)
    within = when.get("within_days")
    if within is not None:
        within = _whole(within, f"{where}.when.within_days", problems, minimum=1)
    notice = when.get("max_hours_notice")
    if notice is not None and (not isinstance(notice, int | float) or notice <= 0):
        problems.append(f"{where}.when.max_hours_notice: a positive number of hours")
    severity = when.get("min_severity")
    if severity is not None and severity not in INCIDENT_SEVERITIES:
        problems.append(f"{where}.when.min_severity: one of {', '.join(INCIDENT_SEVERITIES)}")
    amount = when.get("min_amount")
    if amount is not None and (not isinstance(amount, int | float) or amount < 0):
        problems.append(f"{where}.when.min_amount: a number, 0 or more")
    level = then.get("level")
    if level not in POLICY_LEVELS[1:]:
        problems.append(f"{where}.then.level: one of {', '.join(POLICY_LEVELS[1:])}")
    percent = then.get("percent")
    unknown = sorted(set(then) - {"level", "percent"})
    if unknown:
        problems.append(f"{where}.then: unknown key(s) {', '.join(unknown)}")
    if percent is not None:
        if level not in _PERCENT_LEVELS:
            problems.append(f"{where}.then.percent: only for {' or '.join(_PERCENT_LEVELS)}")
        _whole(percent, f"{where}.then.percent", problems, minimum=1, maximum=100)
    elif level == "deposit_required":
        problems.append(f"{where}.then.percent: a deposit needs its percentage")
    if len(problems) > start:
        return None
    return Rule(
        id=str(rule_id),
        kinds=tuple(kinds),
        at_least=at_least,
        level=str(level),
        within_days=within,
        max_hours_notice=float(notice) if notice is not None else None,
        min_severity=severity,
        min_amount=float(amount) if amount is not None else None,
        percent=percent
        if percent is not None
        else (100 if level == "prepayment_required" else None),
    )


def _whole(
    value: Any, where: str, problems: list[str], *, minimum: int, maximum: int = 10**6
) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not minimum <= value <= maximum:
        problems.append(f"{where}: a whole number from {minimum} to {maximum}")
        return minimum
    return value


def evaluate(policy: Policy, events: Iterable[ConductRecord], now: datetime) -> Evaluation:
    """Apply every rule to one client's events as of ``now``."""
    history = sorted(events, key=lambda e: (e.occurred_at, e.id or 0))
    result = Evaluation()
    for event in history:
        result.counts[event.kind] = result.counts.get(event.kind, 0) + 1
    for rule in policy.rules:
        matched = [event for event in history if rule.matches(event, now)]
        if len(matched) < rule.at_least:
            continue
        result.reasons.append(
            Reason(
                rule=rule.id,
                level=rule.level,
                percent=rule.percent,
                kinds=rule.kinds,
                count=len(matched),
                within_days=rule.within_days,
                event_ids=tuple(e.id for e in matched if e.id is not None),
                dates=tuple(e.occurred_at.date().isoformat() for e in matched),
                max_hours_notice=rule.max_hours_notice,
                min_severity=rule.min_severity,
            )
        )
        if (level_rank(rule.level), rule.percent or 0) > (
            level_rank(result.level),
            result.percent or 0,
        ):
            result.level, result.percent = rule.level, rule.percent
    result.reasons.sort(key=lambda r: (-level_rank(r.level), -(r.percent or 0), r.rule))
    return result


def describe_reason(reason: dict[str, Any], language: str) -> str:
    """One line saying why, in ``language``: "2 × no-show within 90 days (dates: …) → …"."""
    kinds = " / ".join(label("conduct", kind, language) for kind in reason["kinds"])
    if reason.get("within_days"):
        template = label("reason", "count", language)
    else:
        template = label("reason", "count_ever", language)
    text = template.format(count=reason["count"], kind=kinds, days=reason.get("within_days"))
    if reason.get("max_hours_notice"):
        hours = f"{reason['max_hours_notice']:g}"
        text += " " + label("reason", "notice", language).format(hours=hours)
    if reason.get("min_severity"):
        severity = label("severity", reason["min_severity"], language)
        text += " " + label("reason", "severity", language).format(severity=severity)
    dates = reason.get("dates") or []
    if dates:
        text += f" ({label('reason', 'dates', language)}: {', '.join(dates[-5:])})"
    level = label("levels", reason["level"], language)
    if reason.get("percent") is not None:
        level += f" {reason['percent']}%"
    return f"{text} → {level}"


def strictest(levels: Sequence[tuple[str, int | None]]) -> tuple[str, int | None]:
    """The highest (level, percent) of several; ``("none", None)`` for none."""
    best: tuple[str, int | None] = ("none", None)
    for level, percent in levels:
        if (level_rank(level), percent or 0) > (level_rank(best[0]), best[1] or 0):
            best = (level, percent)
    return best
