"""Words of a message, with spelled-out obfuscations rejoined."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from calmdesk.engine.normalize import fold
from calmdesk.engine.tokens import tokenize, tokenize_ascii, tokenize_ascii_many


def _words(text: str, lexicon_word: str = "kurwa") -> list[tuple[str, str, int]]:
    folded = fold(text)
    tokens = tokenize(folded, lambda key: key == lexicon_word)
    result = []
    for i, key in enumerate(tokens.keys):
        start, end = folded.span(*tokens.span(i))
        result.append((key, text[start:end], tokens.clauses[i]))
    return result


def test_dotted_and_hyphenated_letters_become_one_word() -> None:
    assert _words("to k.u.r.w.a jest") == [
        ("to", "to", 0),
        ("kurwa", "k.u.r.w.a", 0),
        ("jest", "jest", 0),
    ]
    assert _words("f-u-c-k you")[0] == ("fuck", "f-u-c-k", 0)


def test_spaced_letters_join_only_when_they_spell_a_lexicon_word() -> None:
    assert ("kurwa", "k u r w a", 0) in _words("o k u r w a no")
    assert [key for key, _, _ in _words("a i o")] == ["a", "i", "o"]


def test_masking_stars_stay_in_the_word_and_emphasis_stars_go() -> None:
    assert [key for key, _, _ in _words("ch*j *ważne* f**k")] == ["ch*j", "wazne", "f**k"]


def test_sentence_ends_start_new_clauses() -> None:
    assert [clause for _, _, clause in _words("Idiota. Ty! Tak? Nie")] == [0, 1, 2, 3]


def _reading(text: str) -> tuple[list[str], list[int], list[str]]:
    folded = fold(text)
    tokens = tokenize(folded, lambda key: key in ("kurwa", "idiot"))
    # Spans asked for last word first: they are found lazily, in any order.
    spans = [tokens.span(i) for i in reversed(range(len(tokens.keys)))][::-1]
    return tokens.keys, tokens.clauses, [text[slice(*folded.span(*span))] for span in spans]


def test_ascii_texts_split_as_the_general_path_splits_them() -> None:
    # An emoji keeps a text off the ASCII fast path without adding a word: both paths must
    # give the same words, clauses and spans.
    for text in [
        "Hello, could you tell me... when? Now!! ok",
        ". leading break; then: more\nlines",
        "@USER @@ $hit f**k *important* a@b",
        "i_d_i_o_t k.u.r.w.a",
        "support_team __init__ snake_case_name",
        "o k u r w a no, a i o",
        "1.2.3 e.g. x-y-z",
        "",
        "!!!",
    ]:
        assert _reading(text) == _reading(text + " \U0001f600"), text


_ASCII_PIECES = st.sampled_from(
    ["idiot", "k.u.r.w.a", "f-u-c-k", "k u r w a", "a b c", "f**k", "@USER", "$hit", "*x*",
     "_", "snake_case", "1.2.3", "!!", "?", ".", "\n", " ", ",", "\x00", "x", "OK", "@@"]
)  # fmt: skip


@given(st.lists(st.lists(_ASCII_PIECES, max_size=8).map("".join), max_size=12))
@settings(max_examples=200, deadline=None)
def test_a_batch_of_ascii_texts_splits_as_each_text_alone(texts: list[str]) -> None:
    def is_word(key: str) -> bool:
        return key in ("kurwa", "fuck", "abc")

    batch = tokenize_ascii_many(texts, is_word)
    assert len(batch) == len(texts)
    for text, tokens in zip(texts, batch, strict=True):
        alone = tokenize_ascii(text, is_word)
        assert tokens.keys == alone.keys
        assert tokens.clauses == alone.clauses
        assert [tokens.span(i) for i in range(len(tokens))] == [
            alone.span(i) for i in range(len(alone))
        ]
