"""Golden tests: real documents from the corpus, parsed, compared with reviewed expected entries
(tests/fixtures/golden/expected.json; see cases.py for how to regenerate and review)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.fixtures.golden.cases import CASES, EXPECTED, parse_case

pytestmark = pytest.mark.corpus
EXPECTED_DATA: dict[str, Any] = json.loads(EXPECTED.read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_entries_match_reviewed_output(case: dict[str, Any], corpus_dir: Path) -> None:
    actual = parse_case(case, corpus_dir)
    expected = EXPECTED_DATA[case["id"]]
    assert set(actual) == set(expected)
    for code, entry in expected.items():
        assert actual[code] == entry, f"{case['id']} {code} differs from the reviewed output"
