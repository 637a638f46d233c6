"""Renderers on a small hand-built report model: escaping, self-containment, tracked changes,
the charts' numbers, the data files; and the command's errors."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from lxml import etree

from exportwatch.cli import cli
from exportwatch.commands import register_all
from exportwatch.errors import ConfigError
from exportwatch.reports import render
from exportwatch.reports.model import (
    ChangeItem,
    ChangesReport,
    Citation,
    Document,
    ParamDelta,
    RuleRef,
    Span,
    VersionPair,
)
from exportwatch.reports.svg import bar_chart, heat_map
from tests.reports import readback

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
SVG_NS = "{http://www.w3.org/2000/svg}"
SHA = "ab" * 32


def _cite(day: dt.date) -> Citation:
    return Citation("xx-list", 7, day, (Document("https://example.org/list.xml?a=1&b=2", SHA, "en"),))


def _change(i: int, kind: str, day: dt.date, redline: tuple[Span, ...], j: str = "xx") -> ChangeItem:
    return ChangeItem(id=f"1.{i}", source_id="xx-list", jurisdiction=j, entry_id=f"{j}:1A00{i}", old_entry_id=None,
                      kind=kind, significance="substantive", summary=f"<script>alert({i})</script> & more",
                      from_date=dt.date(2024, 1, 1), to_date=day, category="1", heading="", redline=redline,
                      parameters=(ParamDelta("changed", "time", "text", ">= 1 hour", ">= 3 hours",
                                             "time: >= 1 hour -> >= 3 hours"),) if kind == "amended" else (),
                      notes=(), term=None, used_by=(),
                      rules=(RuleRef("2026-00001", "A rule", dt.date(2026, 1, 2), None, "91 FR 1", None, ("1A001",)),),
                      equivalents=(), citation=_cite(day), previous=_cite(dt.date(2024, 1, 1)))


@pytest.fixture
def report() -> ChangesReport:
    jan, mar = dt.date(2024, 1, 20), dt.date(2024, 3, 5)
    changes = [
        _change(1, "amended", jan, (Span("equal", "endurance of "), Span("delete", "1 hour"),
                                    Span("insert", "3 hours\x0b"), Span("equal", " or more"))),
        _change(2, "added", mar, (Span("insert", "new <b>item</b>"),)),
        _change(3, "removed", mar, (Span("delete", "old item"),), j="yy"),
    ]
    counts = {"xx": {"added": 1, "removed": 0, "amended": 1, "moved": 0, "definition": 0},
              "yy": {"added": 0, "removed": 1, "amended": 0, "moved": 0, "definition": 0}}
    months = ["2024-01", "2024-02", "2024-03"]
    monthly = {"xx": {"2024-01": 1, "2024-02": 0, "2024-03": 1}, "yy": {"2024-01": 0, "2024-02": 0, "2024-03": 1}}
    pairs = [VersionPair("xx-list", "xx", dt.date(2024, 1, 1), jan, counts["xx"], 2, True, (), _cite(jan))]
    return ChangesReport("2026-01-01T00:00:00+00:00", dt.date(2024, 1, 1), dt.date(2024, 3, 31), ["xx", "yy"],
                         counts, {"xx": 0, "yy": 0}, months, monthly, pairs, changes, [], "code alignment only",
                         notes=["a note"])


def test_html_is_escaped_and_self_contained(report: ChangesReport) -> None:
    html = render(report, "html").decode("utf-8")
    assert "<script" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in html
    assert "new &lt;b&gt;item&lt;/b&gt;" in html
    assert not re.search(r"<(link|img|iframe|object)\b", html) and "src=" not in html and "@import" not in html
    assert "<del>1 hour</del>" in html and "<ins>3 hours" in html
    assert readback.from_html(html.encode()) == [["xx", "1", "0", "1", "0", "0", "2", "0"],
                                                 ["yy", "0", "1", "0", "0", "0", "1", "0"],
                                                 ["all", "1", "1", "1", "0", "0", "3", "0"]]


def test_bar_chart_bars_carry_the_monthly_counts(report: ChangesReport) -> None:
    svg = etree.fromstring(bar_chart(report.months, report.monthly).encode())
    titles = [t.text for t in svg.iter(f"{SVG_NS}title")]
    assert titles == ["xx 2024-01: 1", "xx 2024-03: 1", "yy 2024-03: 1"]
    labels = [t.text for t in svg.iter(f"{SVG_NS}text")]
    assert "2" in labels  # the stacked total of March


def test_heat_map_cells_and_colours() -> None:
    svg = etree.fromstring(heat_map(["1", "9"], ["a & b", "c"], [[0, 5], [10, 5]]).encode())
    rects = list(svg.iter(f"{SVG_NS}rect"))
    assert [r.get("fill") for r in rects] == ["#ffffff", "#a50f15", "#a50f15", "#a50f15"]
    assert next(t.text for t in svg.iter(f"{SVG_NS}title")) == "1 / a & b: 0"


def test_docx_tracked_changes_and_clean_text(report: ChangesReport) -> None:
    d = docx.Document(io.BytesIO(render(report, "docx")))
    body = d.element.body
    ins = body.findall(f".//{{{W_NS}}}ins")
    dels = body.findall(f".//{{{W_NS}}}del")
    assert [el.get(f"{{{W_NS}}}date") for el in dels] == ["2024-01-20T00:00:00Z", "2024-03-05T00:00:00Z"]
    assert {el.get(f"{{{W_NS}}}author") for el in ins + dels} == {"ExportWatch: xx-list"}
    ids = [el.get(f"{{{W_NS}}}id") for el in ins + dels]
    assert len(set(ids)) == len(ids) == 4
    assert "".join(t.text for t in ins[0].iter(f"{{{W_NS}}}t")) == "3 hours"  # the vertical tab dropped
    assert readback.from_docx(render(report, "docx"), 0)[-1] == ["all", "1", "1", "1", "0", "0", "3", "0"]


def test_csv_zip_holds_one_file_per_table(report: ChangesReport) -> None:
    with zipfile.ZipFile(io.BytesIO(render(report, "csv"))) as z:
        assert z.namelist() == ["README.txt", "summary.csv", "monthly.csv", "versions.csv", "changes.csv",
                                "rules.csv"]
        changes = z.read("changes.csv").decode()
    assert "endurance of [-1 hour-]{+3 hours" in changes and SHA in changes
    assert render(report, "csv") == render(report, "csv")  # same report, same bytes


def test_unknown_format_is_refused(report: ChangesReport) -> None:
    with pytest.raises(ConfigError, match="unknown report format 'odt'"):
        render(report, "odt")


def test_command_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXPORTWATCH_HOME", str(tmp_path))
    register_all(cli)
    runner = CliRunner()
    bad = runner.invoke(cli, ["report", "changes", "--from", "2025-01-01", "--to", "2024-01-01",
                              "--out", str(tmp_path / "r.html")])
    assert bad.exit_code == 2 and "before --from" in bad.output
    unknown = runner.invoke(cli, ["report", "changes", "--from", "2024-01-01", "--to", "2024-12-31", "-j", "zz",
                                  "--out", str(tmp_path / "r.html")])
    assert unknown.exit_code == 3 and "no source for jurisdiction 'zz'" in unknown.output
    same = runner.invoke(cli, ["report", "divergence", "--between", "eu", "eu", "--out", str(tmp_path / "d.html")])
    assert same.exit_code == 2 and "twice" in same.output
    assert not list(tmp_path.glob("*.html"))
