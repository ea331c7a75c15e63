"""Review of the employee's draft before it is sent (shared/DESIGN.md, "The job" 4).

Each issue carries offsets into the draft (``draft[start:end]`` is the offending words; whole-draft
issues span the draft) and advice in the draft's language. Detection uses the phrasing lexicons
of every language, so a draft is reviewed well even when its language is misread; profanity and
insults come from the engine's analysis of the draft.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from calmdesk.engine.analysis import Analysis
from calmdesk.playbook.content import PATTERN_CODES, LanguageContent

_CAPS_WORD = re.compile(r"\b[^\W\d_]{2,}\b")
_EXCLAIM = re.compile(r"!{2,}|[!?]{3,}")
_SENTENCE_END = re.compile(r"[.!?\n]")
_CAPS_MIN_LETTERS = 5
_OFFENSIVE = {
    "profanity": "profanity",
    "insult": "counter_attack",
    "threat": "counter_attack",
    "discrimination": "counter_attack",
    "sexual_harassment": "counter_attack",
}


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem in the draft."""

    code: str
    start: int
    end: int
    advice: str

    def to_dict(self) -> dict[str, object]:
        return {"code": self.code, "start": self.start, "end": self.end, "advice": self.advice}


def review_draft(
    draft: str,
    draft_analysis: Analysis | None,
    advice_from: LanguageContent,
    lexicons: Sequence[LanguageContent],
    *,
    client_upset: bool,
    next_step_expected: bool = True,
) -> dict[str, object]:
    """The ``draft_review`` object: ``{"ok": bool, "issues": [...]}``.

    ``advice_from`` is the content of the draft's language (advice is written in it);
    ``lexicons`` are the contents whose phrasing patterns are searched. ``client_upset`` asks
    for empathy; ``next_step_expected`` is false when nothing needs moving on (e.g. praise).
    """
    advice = advice_from.review.advice
    issues: list[Issue] = []
    for code in PATTERN_CODES:
        if code == "vague_information":
            continue
        patterns = [p for c in lexicons for p in c.review.patterns[code]]
        spans = [m.span() for p in patterns for m in p.finditer(draft)]
        issues += [Issue(code, s, e, advice[code]) for s, e in _merge(spans)]
    issues += [Issue(code, s, e, advice[code]) for code, s, e in _offensive(draft, draft_analysis)]
    issues += [Issue("shouting", s, e, advice["shouting"]) for s, e in _shouting(draft)]
    issues += [
        Issue("vague_information", s, e, advice["vague_information"])
        for s, e in _vague(draft, lexicons)
    ]
    whole = (0, len(draft))
    if client_upset and not _has(draft, lexicons, "empathy"):
        issues.append(Issue("no_empathy", *whole, advice["no_empathy"]))
    if next_step_expected and not _has(draft, lexicons, "next_step"):
        issues.append(Issue("no_next_step", *whole, advice["no_next_step"]))
    issues = _dedupe(issues)
    issues.sort(key=lambda i: (i.start, i.end, i.code))
    return {"ok": not issues, "issues": [issue.to_dict() for issue in issues]}


def _has(draft: str, lexicons: Sequence[LanguageContent], marker: str) -> bool:
    return any(p.search(draft) for c in lexicons for p in c.review.markers[marker])


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping spans of one code become one issue."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        elif end > start:
            merged.append((start, end))
    return merged


def _offensive(draft: str, analysis: Analysis | None) -> list[tuple[str, int, int]]:
    """Profanity and insults the engine found in the draft, at the words it points to."""
    if analysis is None:
        return []
    found: list[tuple[str, int, int]] = []
    for item in analysis.evidence:
        code = _OFFENSIVE.get(item.label)
        if code and 0 <= item.start < item.end <= len(draft):
            found.append((code, item.start, item.end))
    if not found and analysis.abuse.flagged:
        # Abuse with no words to point at: the whole draft, under its strongest category.
        categories = analysis.abuse.categories
        top = max(_OFFENSIVE, key=lambda name: categories.get(name, 0.0))
        found.append((_OFFENSIVE[top], 0, len(draft)))
    return found


def _shouting(draft: str) -> list[tuple[int, int]]:
    """Runs of words in capitals (not short acronyms) and repeated exclamation marks."""
    spans: list[tuple[int, int]] = []
    run: list[re.Match[str]] = []

    def close() -> None:
        letters = sum(len(m.group()) for m in run)
        if run and ((len(run) >= 2 and letters >= _CAPS_MIN_LETTERS) or letters >= 6):
            spans.append((run[0].start(), run[-1].end()))
        run.clear()

    for match in _CAPS_WORD.finditer(draft):
        if match.group().isupper():
            between = draft[run[-1].end() : match.start()] if run else ""
            if run and any(ch.isalpha() for ch in between):
                close()
            run.append(match)
        else:
            close()
    close()
    spans += [m.span() for m in _EXCLAIM.finditer(draft)]
    return _merge(spans)


def _vague(draft: str, lexicons: Sequence[LanguageContent]) -> list[tuple[int, int]]:
    """Vague time or commitment words with no date, time, price or condition in the sentence."""
    spans = []
    for content in lexicons:
        for pattern in content.review.patterns["vague_information"]:
            for match in pattern.finditer(draft):
                if not _concrete_near(draft, match.start(), match.end(), lexicons):
                    spans.append(match.span())
    return _merge(spans)


def _concrete_near(draft: str, start: int, end: int, lexicons: Sequence[LanguageContent]) -> bool:
    """A date, time, price or condition in the sentence, other than the vague words themselves."""
    first, last = _sentence(draft, start, end)
    for content in lexicons:
        for pattern in content.review.markers["concrete"]:
            for found in pattern.finditer(draft, first, last):
                if not (start <= found.start() and found.end() <= end):
                    return True
    return False


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    before = [m.end() for m in _SENTENCE_END.finditer(text, 0, start)]
    after = _SENTENCE_END.search(text, end)
    return (before[-1] if before else 0, after.start() if after else len(text))


def _dedupe(issues: list[Issue]) -> list[Issue]:
    """One issue per code and span; a profanity span is not also a counter-attack span."""
    seen: set[tuple[str, int, int]] = set()
    out = []
    for issue in issues:
        key = (issue.code, issue.start, issue.end)
        if key not in seen:
            seen.add(key)
            out.append(issue)
    return out
