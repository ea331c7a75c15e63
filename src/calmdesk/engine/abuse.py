"""Abuse detection from lexicon hits: category confidences, target and evidence.

Whom abuse is aimed at decides how a reply should go (DESIGN.md, "Read the client"): "you idiot"
is aimed at the employee, "this damn washer" at a thing, "my sister called him a moron" at a third
person. Each hit's weight from the lexicon is a confidence that the words are abusive; the target
and negation then raise or lower it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from calmdesk.engine.analysis import Evidence
from calmdesk.engine.lexicon import Hit
from calmdesk.engine.reading import Reading
from calmdesk.engine.vocabulary import ABUSE_CATEGORIES

FLAG_AT: Final = 0.5
"""Confidence at which a hit counts (and shows as evidence): the contract's ``score >= 0.5``."""

# Context windows, in words. An address ("ty", "you", "sinä") may come a few words before the
# insult ("you are such an idiot") or just after it ("idiota jesteś").
_YOU_BEFORE, _YOU_AFTER = 4, 3
_ADJACENT: Final = 2
# How much a hit keeps when its context says it is not abuse aimed at anyone here.
_NEGATED: Final = 0.3
_AT_OBJECT: Final = 0.3
_REPORTED: Final = 0.4
_UNADDRESSED_ADJECTIVE: Final = 0.6
_UNADDRESSED_PERSON: Final = 0.9
# Sexual harassment from remarks on looks ("ładna jesteś") and propositions ("może po pracy").
_COMPLIMENT_ADDRESSED: Final = 0.45
_COMPLIMENT_ALONE: Final = 0.3
_PROPOSITION: Final = 0.5
_ADDRESSED_NOUN: Final = 0.85
_CATEGORY_SET: Final = frozenset(ABUSE_CATEGORIES)
_NO_ABUSE: Final[dict[str, float]] = dict.fromkeys(ABUSE_CATEGORIES, 0.0)


@dataclass(slots=True, init=False)
class AbuseFindings:
    """Rule confidences per category, strong categories, target and evidence."""

    categories: dict[str, float]
    strong: set[str]
    directed_at_staff: bool
    addressed: bool
    evidence: list[Evidence]
    discounted: bool
    """An abusive word was negated here ("nie jesteś idiotą") and so not counted."""
    targets: set[str]
    """Whom the abusive words were aimed at: "staff", "object", "third", "none"."""

    # Written out: a generated __init__ would run as interpreted code (see findings.Findings).
    def __init__(self, addressed: bool = False) -> None:
        self.categories = _NO_ABUSE.copy()
        self.strong = set()
        self.directed_at_staff = False
        self.addressed = addressed
        self.evidence = []
        self.discounted = False
        self.targets = set()

    @property
    def at_things(self) -> bool:
        """Every abusive word was said of a thing ("this damn washer", "stupid website")."""
        return self.targets == {"object"}


def detect_abuse(reading: Reading) -> AbuseFindings:
    """Abuse categories, their target and evidence in one message."""
    return weigh_abuse(reading, [hit for hit in reading.hits if hit.entry.label in _CATEGORY_SET])


def weigh_abuse(reading: Reading, hits: list[Hit]) -> AbuseFindings:
    """:func:`detect_abuse` from the abuse ``hits`` of ``reading`` (in reading order)."""
    found = AbuseFindings(addressed=bool(reading.markers.get("you")))
    if hits:
        in_phrase: set[int] = set()
        for hit in hits:
            if hit.last > hit.first and hit.entry.label != "profanity":
                in_phrase.update(range(hit.first, hit.last + 1))
        for hit in hits:
            if hit.entry.label == "profanity" and hit.first in in_phrase and hit.last in in_phrase:
                continue  # "ass" in "nice ass", "fuck" in "fuck you": the phrase says what it is
            _weigh(reading, hit, found)
    if "compliment" in reading.markers:
        _harassment_cues(reading, found)
    return found


def _target(reading: Reading, hit: Hit) -> str | None:
    if "at_staff" in hit.entry.flags:
        return "staff"
    if reading.near("object", hit, 0, _ADJACENT, phrase=True):
        return "object"  # "głupi system", "this damn washer": the word describes the thing
    if reading.near("third", hit, 1, _ADJACENT, phrase=True):
        return "third"  # "idiot courier"
    you = reading.near("you", hit, _YOU_BEFORE, _YOU_AFTER)
    if you is not None:
        # "wasz kurier to idiota", "your courier is an idiot": a third person the address
        # belongs to, named before the word, is the one described.
        if you.last < hit.first and _owned_third(reading, you, hit):
            return "third"
        return "staff"
    if reading.in_clause("third", hit):
        return "third"
    if reading.near("business", hit, _YOU_BEFORE, _YOU_AFTER):
        return "staff"
    if reading.near("object", hit, _ADJACENT, _ADJACENT, phrase=True):
        return "object"
    return None


def _owned_third(reading: Reading, you: Hit, hit: Hit) -> bool:
    clauses = reading.tokens.clauses
    # A third-person cue starting right after the address ("wasz | kurier", "your | courier").
    return any(
        cue.last < hit.first and clauses[cue.first] == clauses[hit.first]
        for cue in reading.cues("third", you.last + 1, you.last + 1)
    )


def _weigh(reading: Reading, hit: Hit, found: AbuseFindings) -> None:
    entry = hit.entry
    label, weight, flags = entry.label, entry.weight, entry.flags
    target = _target(reading, hit)
    if label == "profanity" and "noun" in flags and reading.near("you", hit, _ADJACENT, 0):
        # "ty kurwo", "you bitch", "senkin paska": a vulgar noun said to someone is an insult.
        _record(reading, hit, found, "profanity", weight, None)
        label, weight, target = "insult", max(weight, _ADDRESSED_NOUN), "staff"
    reported = label != "profanity" and reading.in_clause("reported", hit)
    if reported and target != "staff":
        # "my sister called him a moron": someone else's words, told to the employee.
        weight *= _REPORTED
        target = target or "third"
    if "needs_target" in flags:
        # "useless support", "głupi system": an adjective about the business or a thing is
        # criticism; only said of a person ("you're useless", "jesteś głupi") is it an insult.
        if target == "object" or _describes_business(reading, hit):
            weight *= _AT_OBJECT
        elif target != "staff":
            weight *= _UNADDRESSED_ADJECTIVE
    elif "person" in flags:
        if target == "object":
            weight *= _AT_OBJECT
        elif target is None:
            # A word for a person with no one else in sight, in a message to a business:
            # aimed at the employee or the business ("Idioci!", "Banda złodziei").
            target, weight = "staff", weight * _UNADDRESSED_PERSON
    if label != "profanity" and reading.negated(hit):
        weight *= _NEGATED
        found.discounted = found.discounted or weight < FLAG_AT <= hit.entry.weight
    _record(reading, hit, found, label, weight, target)


def _describes_business(reading: Reading, hit: Hit) -> bool:
    return (
        "at_staff" not in hit.entry.flags
        and reading.near("business", hit, _ADJACENT, _ADJACENT, phrase=True) is not None
    )


def _record(
    reading: Reading, hit: Hit, found: AbuseFindings, label: str, weight: float, target: str | None
) -> None:
    if weight > found.categories[label]:
        found.categories[label] = weight
    found.targets.add(target or "none")
    if weight < FLAG_AT:
        return
    found.evidence.append(reading.evidence(hit, label))
    if "strong" in hit.entry.flags:
        found.strong.add(label)
    if target == "staff" and label != "profanity":
        found.directed_at_staff = True


def _harassment_cues(reading: Reading, found: AbuseFindings) -> None:
    compliments = reading.markers.get("compliment", [])
    if not compliments:
        return
    best, best_hit = 0.0, compliments[0]
    for cue in compliments:
        addressed = reading.near("you", cue, _ADJACENT, _ADJACENT) is not None
        weight = _COMPLIMENT_ADDRESSED if addressed else _COMPLIMENT_ALONE
        if reading.near("object", cue, 0, _ADJACENT) or reading.negated(cue):
            weight = 0.0
        if weight > best:
            best, best_hit = weight, cue
    if best and reading.markers.get("proposition"):
        best = 1.0 - (1.0 - best) * (1.0 - _PROPOSITION)
    if best > found.categories["sexual_harassment"]:
        found.categories["sexual_harassment"] = best
        if best >= FLAG_AT:
            found.evidence.append(reading.evidence(best_hit, "sexual_harassment"))
            for cue in reading.markers.get("proposition", []):
                found.evidence.append(reading.evidence(cue, "sexual_harassment"))
            found.directed_at_staff = True
