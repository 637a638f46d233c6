"""The user query language: what it accepts, and the errors it gives."""

from __future__ import annotations

import pytest

from exportwatch.errors import QueryError
from indexer.embedded import code_variants, to_fts5
from indexer.query import parse_query, spelling_variants


def test_words_phrases_prefix_or_not() -> None:
    q = parse_query('"frequency synthesizer" laser OR maser synth* -military')
    assert [len(c) for c in q.clauses] == [1, 2, 1, 1]
    assert q.clauses[0][0].words == ("frequency", "synthesizer")
    assert q.clauses[2][0].prefix is True
    assert q.clauses[3][0].negated is True
    fts = to_fts5(q)
    assert '"frequency synthesiser"' in fts and '"synth"*' in fts and fts.endswith('NOT ("military")')


@pytest.mark.parametrize(("word", "variant"), [
    ("synthesiser", "synthesizer"), ("synthesizers", "synthesisers"), ("fibre", "fiber"),
    ("aluminum", "aluminium"), ("optimisation", "optimization"),
])
def test_spelling_variants(word: str, variant: str) -> None:
    assert variant in spelling_variants(word)


def test_short_words_have_no_ise_variant() -> None:
    assert spelling_variants("rise") == ()
    assert spelling_variants("precise") == ("precize",)  # harmless: matched on both sides


@pytest.mark.parametrize("code", ["3A001", "3A001.b.1", "3.A.1.b", "ML8.a.17", "5504(2)(d)", "5101", "1C009.b."])
def test_codes_are_recognised(code: str) -> None:
    assert parse_query(code).code == code.rstrip(".")


def test_code_variants_between_eu_and_wassenaar() -> None:
    assert code_variants("3A001.b") == ["3A001.b", "3.A.1.b"]
    assert code_variants("3.A.1.b") == ["3.A.1.b", "3A001.b"]


@pytest.mark.parametrize(("query", "message"), [
    ("", "empty query"),
    ('"frequency synth', "unbalanced quote"),
    ("OR laser", "'OR' needs a term"),
    ("laser OR", "ends with an operator"),
    ("-military", "only exclude"),
    ("!!!", "no searchable words"),
])
def test_bad_queries_say_what_to_fix(query: str, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        parse_query(query)
