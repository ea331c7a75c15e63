"""Invariants of the draft review on arbitrary drafts (Hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from calmdesk.playbook.content import all_content, load_content
from calmdesk.playbook.review import review_draft

CONTENTS = all_content()
PIECES = [
    "Proszę się uspokoić",
    "to wina magazynu",
    "NIE MOGĘ",
    "!!!",
    "niedługo",
    "do piątku 14 marca",
    "Rozumiem",
    "calm down",
    "soon",
    "I'll check it today",
    "rauhoittukaa",
    "pian",
    "ÄÄLIÖ",
    "?",
    "\n",
]
drafts = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=12)), max_size=12).map(
    " ".join
)


@settings(max_examples=150, deadline=None)
@given(draft=drafts, upset=st.booleans(), lang=st.sampled_from(["pl", "fi", "en"]))
def test_issues_index_the_draft_and_ok_means_no_issues(draft: str, upset: bool, lang: str) -> None:
    result = review_draft(draft, None, load_content(lang), CONTENTS, client_upset=upset)
    issues = result["issues"]
    assert result["ok"] is (not issues)
    for issue in issues:  # type: ignore[attr-defined]
        assert 0 <= issue["start"] <= issue["end"] <= len(draft)
        assert issue["advice"]
        if issue["code"] not in ("no_empathy", "no_next_step"):
            assert issue["start"] < issue["end"]
    again = review_draft(draft, None, load_content(lang), CONTENTS, client_upset=upset)
    assert again == result
