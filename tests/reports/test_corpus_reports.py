"""Reports built from real documents replayed into a store (conftest.py), checked against the
store itself and the documents: the US 9A012 amendment of the eCFR issue of 2026-09-01 (91 FR
46261: maximum endurance 1 hour -> 3 hours, FORMATS.md §2), the Canadian 5506 amendment of
2025-05-05 (SOR/2025-89, FORMATS.md §1), and the EU's 9A012 still at 1 hour (Annex I of
2022-05-05). Every format is read back and must show the model's numbers."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
from pathlib import Path

import docx
import openpyxl
import pytest
from PIL import Image

from exportwatch.reports import render
from exportwatch.reports.changes import build_changes_report
from exportwatch.reports.divergence import build_divergence_report
from exportwatch.reports.model import ChangesReport, DivergenceReport
from tests.reports import readback
from tests.reports.conftest import Replayed

pytestmark = pytest.mark.corpus
KINDS = ("added", "removed", "amended", "moved", "definition")
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


@pytest.fixture(scope="module")
def changes(replayed: Replayed) -> ChangesReport:
    return build_changes_report(replayed.store, replayed.sources, date_from=dt.date(2024, 7, 1),
                                date_to=dt.date(2026, 9, 30), jurisdictions=["ca", "us"], equivalents="code")


@pytest.fixture(scope="module")
def changes_pdf(changes: ChangesReport, tmp_path_factory: pytest.TempPathFactory) -> Path:
    pdf = tmp_path_factory.mktemp("pdf") / "changes.pdf"
    pdf.write_bytes(render(changes, "pdf"))
    return pdf


@pytest.fixture(scope="module")
def divergence(replayed: Replayed) -> DivergenceReport:
    return build_divergence_report(replayed.store, replayed.sources, left="eu", right="us", category="9")


def store_counts(replayed: Replayed, jurisdiction: str, start: str, end: str) -> dict[str, int]:
    """Changes per kind straight from the store: primary language, versions dated in the period."""
    rows = replayed.store.db.execute(
        "SELECT c.kind, count(*) FROM changes c JOIN change_sets cs ON cs.id = c.change_set_id"
        " JOIN versions v ON v.id = cs.to_version_id WHERE c.entry_id LIKE ? AND c.language = 'en'"
        " AND v.version_date BETWEEN ? AND ? GROUP BY c.kind", (f"{jurisdiction}:%", start, end)).fetchall()
    return dict.fromkeys(KINDS, 0) | {r[0]: r[1] for r in rows}


def test_changes_counts_match_the_store(replayed: Replayed, changes: ChangesReport) -> None:
    for j in ("ca", "us"):
        assert changes.counts[j] == store_counts(replayed, j, "2024-07-01", "2026-09-30")
    # a period ending the day before the US issue of 2026-09-01 holds no US change
    before = build_changes_report(replayed.store, replayed.sources, date_from=dt.date(2026, 6, 1),
                                  date_to=dt.date(2026, 8, 31), jurisdictions=["us"], equivalents="none")
    assert before.total() == 0 and before.pairs == []
    assert changes.monthly["us"]["2026-09"] == changes.total("us") > 0
    assert changes.monthly["ca"]["2025-05"] == changes.total("ca") > 0
    assert sum(sum(m.values()) for m in changes.monthly.values()) == changes.total()


def test_changes_9a012_endurance_and_canada_5506(changes: ChangesReport, replayed: Replayed) -> None:
    by_id = {(c.entry_id, c.kind): c for c in changes.changes}
    a2 = by_id[("us:9A012.a.2", "amended")]
    assert [p.description for p in a2.parameters] == ["time: >= 1 hour -> >= 3 hours"]
    assert [(s.op, s.text.strip()) for s in a2.redline if s.op != "equal"] == [("delete", "1 hour"),
                                                                               ("insert", "3 hours")]
    # equivalents are looked for in every stored list, not only the jurisdictions reported
    assert [(e.entry_id, e.status) for e in a2.equivalents] == [("eu:9A012.a.2", "code-aligned")]
    assert a2.citation.version_date == dt.date(2026, 9, 1)
    [doc] = a2.citation.documents
    assert doc.sha256 == replayed.files[doc.url]
    assert a2.previous.version_date == dt.date(2026, 6, 25)
    # SOR/2025-89 amended item 5506 only (definitions aside)
    ca_entries = {c.entry_id for c in changes.changes if c.jurisdiction == "ca" and c.kind != "definition"}
    may = {c.entry_id for c in changes.changes if c.jurisdiction == "ca" and c.to_date == dt.date(2025, 5, 5)
           and c.kind != "definition"}
    assert may == ca_entries and all(e.startswith("ca:5506") for e in may)
    assert ("ca:5506(2)(d)(v)(B)(II)", "added") in by_id
    assert any("French" in n for n in changes.notes)  # the @fr changes are left out, and said so


def test_equivalents_by_code_point_to_the_eu_list(replayed: Replayed) -> None:
    report = build_changes_report(replayed.store, replayed.sources, date_from=dt.date(2026, 9, 1),
                                  date_to=dt.date(2026, 9, 1), jurisdictions=["us"], equivalents="code")
    a2 = next(c for c in report.changes if c.entry_id == "us:9A012.a.2")
    assert [e.entry_id for e in a2.equivalents] == ["eu:9A012.a.2"]


def _summary_strings(report: ChangesReport | DivergenceReport) -> list[list[str]]:
    return [[str(v) for v in row] for row in report.summary().rows]


def test_changes_same_numbers_in_every_format(changes: ChangesReport, changes_pdf: Path) -> None:
    expected = _summary_strings(changes)
    assert expected[-1][0] == "all" and expected[-1][1:6] == [str(sum(changes.counts[j][k] for j in ("ca", "us")))
                                                               for k in KINDS]
    html = render(changes, "html")
    assert readback.from_html(html) == expected
    assert b"<svg" in html and b"<script" not in html and b"http-equiv" not in html
    assert readback.from_csv_zip(render(changes, "csv")) == expected
    assert readback.from_xlsx(render(changes, "xlsx")) == expected
    docx_bytes = render(changes, "docx")
    assert readback.from_docx(docx_bytes, 0) == expected
    assert readback.from_pdf(changes_pdf, ["ca", "us", "all"], 7) == expected
    # the monthly table behind the chart, in the data files too
    monthly = readback.from_csv_zip(render(changes, "csv"), "monthly")
    assert len(monthly) == len(changes.months) and sum(int(r[-1]) for r in monthly) == changes.total()


def test_pdf_pages_render_and_are_not_blank(changes_pdf: Path, tmp_path: Path) -> None:
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "2", str(changes_pdf), str(tmp_path / "page")],
                   check=True, timeout=60)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == 2
    for page in pages:
        img = Image.open(page).convert("L")
        dark = sum(img.histogram()[:128])
        assert dark > 0.005 * img.width * img.height, f"{page.name} is blank"


def test_docx_redlines_are_tracked_changes(changes: ChangesReport) -> None:
    d = docx.Document(io.BytesIO(render(changes, "docx")))
    body = d.element.body
    ins = body.findall(f".//{{{W_NS}}}ins")
    dels = body.findall(f".//{{{W_NS}}}del")
    assert ins and dels
    for el in ins + dels:
        assert el.get(f"{{{W_NS}}}author", "").startswith("ExportWatch: ")
        dt.datetime.fromisoformat(el.get(f"{{{W_NS}}}date").replace("Z", "+00:00"))
    struck = ["".join(t.text or "" for t in el.iter(f"{{{W_NS}}}delText")) for el in dels]
    added = ["".join(t.text or "" for t in el.iter(f"{{{W_NS}}}t")) for el in ins]
    assert any(s.strip() == "1 hour" for s in struck) and any(a.strip() == "3 hours" for a in added)
    dated = {el.get(f"{{{W_NS}}}date") for el in ins + dels}
    assert "2026-09-01T00:00:00Z" in dated and "2025-05-05T00:00:00Z" in dated


def test_divergence_numbers_match_the_store_and_find_9a012(divergence: DivergenceReport, replayed: Replayed) -> None:
    items = replayed.store.db.execute(
        "SELECT count(*) FROM entries e JOIN versions v ON v.id = e.version_id WHERE v.source_id = 'eu-annex-i'"
        " AND e.kind = 'item' AND json_extract(e.path, '$[0]') = '9'").fetchone()[0]
    assert divergence.left_count == items > 0
    heat = divergence.heat_table().rows
    assert sum(r[1] for r in heat) == divergence.unilateral_count("left")  # type: ignore[misc]
    assert sum(r[2] for r in heat) == divergence.unilateral_count("right")  # type: ignore[misc]
    assert sum(r[3] + r[4] for r in heat) == divergence.equivalent_pairs  # type: ignore[operator]
    assert sum(r[4] for r in heat) == len(divergence.divergent)  # type: ignore[misc]
    assert [r[0] for r in heat] == ["9"]
    pair = next(p for p in divergence.divergent if p.left.entry_id == "eu:9A012.a.2")
    assert pair.right.entry_id == "us:9A012.a.2" and pair.code_aligned
    [time] = pair.differing
    assert (time.quantity, time.left, time.right) == ("time", "1 hour or greater", "3 hours or greater")
    assert pair.left.citation.documents[0].sha256 == replayed.files[pair.left.citation.documents[0].url]
    # the US definitions (15 CFR 772.1) are not in this store: every EU term is defined only in the EU
    assert divergence.definitions == [] and divergence.definitions_only
    assert all(o.side == "left" for o in divergence.definitions_only)


def test_divergence_same_numbers_in_every_format(divergence: DivergenceReport) -> None:
    expected = _summary_strings(divergence)
    assert readback.from_html(render(divergence, "html")) == expected
    assert readback.from_csv_zip(render(divergence, "csv")) == expected
    assert readback.from_xlsx(render(divergence, "xlsx")) == expected
    assert readback.from_docx(render(divergence, "docx"), 0) == expected
    heat = [[str(v) for v in r] for r in divergence.heat_table().rows]
    assert readback.from_html(render(divergence, "html"), "heatmap") == heat
    wb = openpyxl.load_workbook(io.BytesIO(render(divergence, "xlsx")), read_only=True)
    rows = list(wb["parameters"].iter_rows(values_only=True))
    assert ("eu:9A012.a.2", "us:9A012.a.2") in {(r[0], r[1]) for r in rows}
    assert all(len(str(r[rows[0].index("eu_document_sha256")])) == 64 for r in rows[1:])
