"""Parameter divergence between equivalent entries, flagged side by side."""

from __future__ import annotations

import numpy as np

from nlp.extract.model import Parameter
from nlp.match.concordance import build_concordance
from nlp.match.documents import Node
from nlp.match.parameters import compare_parameters, diverges


def _freq(text: str, value: float, comparator: str = ">") -> Parameter:
    return Parameter("frequency", comparator, value, "GHz", value * 1e9, "Hz", text, 0, len(text))  # type: ignore[arg-type]


def fake_extract(text: str, language: str) -> list[Parameter]:
    """A stand-in for nlp.extract: only 'exceeding N GHz'."""
    import re

    return [_freq(m.group(0), float(m.group(1))) for m in re.finditer(r"exceeding (\d+) GHz", text)]


def test_different_thresholds_are_paired_and_differ() -> None:
    diffs = compare_parameters([_freq("exceeding 10 GHz", 10)], [_freq("exceeding 12 GHz", 12)])
    assert [(d.status, d.left.text if d.left else None, d.right.text if d.right else None) for d in diffs] == [
        ("differs", "exceeding 10 GHz", "exceeding 12 GHz")]
    assert diverges(diffs)
    assert diffs[0].describe() == "frequency: exceeding 10 GHz | exceeding 12 GHz"


def test_same_threshold_in_other_units_is_the_same() -> None:
    a = Parameter("frequency", ">", 10, "GHz", 1e10, "Hz", "exceeding 10 GHz", 0, 16)
    b = Parameter("frequency", ">", 10000, "MHz", 1e10, "Hz", "exceeding 10 000 MHz", 0, 20)
    assert [d.status for d in compare_parameters([a], [b])] == ["same"]


def test_comparator_change_is_a_difference() -> None:
    a = _freq("exceeding 10 GHz", 10, ">")
    b = _freq("10 GHz or more", 10, ">=")
    assert [d.status for d in compare_parameters([a], [b])] == ["differs"]


def test_a_bare_value_against_a_bound_of_the_same_value_is_the_same() -> None:
    # "withstand ...: a total dose of 5 x 10^3 Gy (Si)" against "5 x 10^5 rad (Si) or more"
    bare, bound = _freq("12 GHz", 12, "="), _freq("12 GHz or more", 12, ">=")
    assert [d.status for d in compare_parameters([bare], [bound])] == ["same"]
    assert [d.status for d in compare_parameters([_freq("14 GHz", 14, "=")], [bound])] == ["differs"]
    # two bounds of opposite sense are still a difference
    assert [d.status for d in compare_parameters([_freq("below 12 GHz", 12, "<")], [bound])] == ["differs"]


def test_unpaired_parameters_are_reported_per_side() -> None:
    length = Parameter("length", ">", 3, "m", 3, "m", "exceeding 3 m", 0, 13)
    diffs = compare_parameters([_freq("exceeding 10 GHz", 10)], [_freq("exceeding 10 GHz", 10), length])
    assert sorted(d.status for d in diffs) == ["only-right", "same"]
    assert not diverges(diffs)


def _node(jid: str, code: str, text: str) -> Node:
    return Node(f"{jid}:{code}", code, None, "entry", text, "en")


def exact_embed(left: list[str], right: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Bag-of-words vectors: enough to pair these hand-made entries by meaning."""
    vocab = sorted({w for t in [*left, *right] for w in t.lower().split()})
    def vec(t: str) -> np.ndarray:
        v = np.array([t.lower().split().count(w) for w in vocab], dtype=np.float32)
        return v / (np.linalg.norm(v) or 1)
    return np.stack([vec(t) for t in left]), np.stack([vec(t) for t in right])


def test_concordance_flags_divergent_thresholds_side_by_side() -> None:
    left = [_node("eu", "3A002", "Frequency synthesizers rated for frequencies exceeding 10 GHz"),
            _node("eu", "3A003", "Spray cooling thermal management systems for electronics")]
    right = [_node("us", "3A003", "Spray cooling thermal management systems for electronics"),
             _node("us", "3A002", "Frequency synthesizers rated for frequencies exceeding 12 GHz"),
             _node("us", "3A991", "Oscilloscopes for general laboratory use")]
    conc = build_concordance(left, right, left_jurisdiction="eu", right_jurisdiction="us",
                             embed=exact_embed, extract=fake_extract)
    rows = {r.left_id: r for r in conc.rows}
    top = rows["eu:3A002"].candidates[0]
    assert top.right_id == "us:3A002" and top.code_aligned and top.status == "divergent"
    differs = [d for d in top.parameters if d.status == "differs"]
    assert [(d.left.text, d.right.text) for d in differs if d.left and d.right] == [
        ("exceeding 10 GHz", "exceeding 12 GHz")]
    assert rows["eu:3A003"].candidates[0].status == "equivalent"
    assert rows["eu:3A003"].candidates[0].right_id == "us:3A003"
    assert conc.unmatched_right == ["us:3A991"]  # unilateral on the right


def test_real_extractor_flags_the_same_divergence() -> None:
    from nlp.extract import extract_parameters

    diffs = compare_parameters(extract_parameters("operating at frequencies exceeding 10 GHz", "en"),
                               extract_parameters("operating at frequencies exceeding 12 GHz", "en"))
    assert [(d.status, d.quantity) for d in diffs] == [("differs", "frequency")]


def test_entries_that_control_nothing_are_never_matched() -> None:
    # Wassenaar's "6.B.3. CAMERAS - None" and a withdrawn "Not used since 2014" against US text
    # that mentions cameras: neither is queried nor offered as a counterpart
    left = [_node("wa", "6.A.3", "Cameras as follows: high-speed cinema recording cameras"),
            Node("wa:6.B.3", "6.B.3", None, "entry", "CAMERAS - None", "en", status="reserved"),
            Node("wa:4.D.2", "4.D.2", None, "entry", "Not used since 2014", "en", status="not-used")]
    right = [_node("us", "6A003", "Cameras as follows: high-speed cinema recording cameras"),
             _node("us", "6A993", "Cameras, not controlled elsewhere, as follows"),
             Node("us:6A994", "6A994", None, "entry", "[Reserved]", "en", status="reserved")]
    conc = build_concordance(left, right, left_jurisdiction="wa", right_jurisdiction="us", embed=exact_embed,
                             extract=None, top_k=3)
    assert [row.left_id for row in conc.rows] == ["wa:6.A.3"]
    assert {c.right_id for row in conc.rows for c in row.candidates} <= {"us:6A003", "us:6A993"}
    assert conc.rows[0].candidates[0].right_id == "us:6A003"
    assert "us:6A994" not in conc.unmatched_right
