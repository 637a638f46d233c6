"""`exportwatch match`: the JSONL contract (input validation, output shape, best first) on
hand-written fixtures, with the multilingual model (loads fast)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from exportwatch.commands.match import match


def _run(tmp_path: Path, left: Path, right: Path, *extra: str) -> tuple[int, str, list[dict[str, object]]]:
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(match, ["--left", str(left), "--right", str(right), "--out", str(out),
                                        "--model", "use-multilingual-v3", *extra])
    lines = [json.loads(x) for x in out.read_text().splitlines()] if out.exists() else []
    return result.exit_code, result.output, lines


def test_output_lines_follow_the_contract(tmp_path: Path, fixtures_dir: Path) -> None:
    d = fixtures_dir / "matching"
    code, output, lines = _run(tmp_path, d / "left.jsonl", d / "right.jsonl", "--top-k", "3")
    assert code == 0, output
    expected = json.loads((d / "expected.json").read_text())
    assert [line["left_id"] for line in lines] == ["A-1", "A-2", "A-3", "A-4", "A-5"]  # input order
    for line in lines:
        assert set(line) == {"left_id", "candidates"}
        cands = line["candidates"]
        assert isinstance(cands, list) and len(cands) == 3
        assert all(set(c) == {"right_id", "score"} for c in cands)
        scores = [c["score"] for c in cands]
        assert scores == sorted(scores, reverse=True) and all(0 <= s <= 1 for s in scores)
        assert cands[0]["right_id"] == expected[line["left_id"]]


def test_top_k_larger_than_the_pool_returns_the_pool(tmp_path: Path, fixtures_dir: Path) -> None:
    d = fixtures_dir / "matching"
    code, _, lines = _run(tmp_path, d / "left.jsonl", d / "right.jsonl", "--top-k", "50")
    assert code == 0 and all(len(line["candidates"]) == 6 for line in lines)


@pytest.mark.parametrize(("content", "message"), [
    ('{"id": "x", "text": "a"}\nnot json\n', ":2: not JSON"),
    ('{"id": "x"}\n', "field 'text'"),
    ('{"id": "x", "text": "a"}\n{"id": "x", "text": "b"}\n', "duplicate id 'x'"),
    ("\n", "no lines"),
    ('["id", "text"]\n', "expected an object"),
])
def test_bad_input_names_file_and_line(tmp_path: Path, fixtures_dir: Path, content: str, message: str) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(content)
    code, output, _ = _run(tmp_path, bad, fixtures_dir / "matching" / "right.jsonl")
    assert code == 2 and message in output
