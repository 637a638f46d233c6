"""Provisions and licensing data from the real documents: EAR parts 734/738 and § 772.1 (eCFR
2026-09-01), the Export and Import Permits Act and GEP No. 41 (Justice Laws XML), Regulation
2021/821 Articles 2/4/5 and Annex II (annex.json), the EAR Country Groups extract, and the
cell/row-level change events between the two real Part 774 versions (2026-06-25, 2026-09-01).

Expected values are counted in the raw files here (element counts) or were read in them by hand
(the quoted texts and chart cells below).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from indexer import licensing as db
from nlp.licensing.chart import parse_chart_xml
from nlp.model import ParsedDocument
from nlp.parse import Bundle, FetchedFile, get_parser
from tests.licensing_store import Doc, LicensingStore

pytestmark = pytest.mark.corpus

EAR = "raw/us-ear-ecfr-xml-2026-09-01-caddy"
CA = "raw/canada-export-control-list-sor-89-202-justicecanada"
ECFR = "https://www.ecfr.gov/api/versioner/v1/full/{}/title-15.xml?{}"
EAR_FILES = [("part-734", "title-15-part-734-2026-09-01.xml", "part=734"),
             ("part-738", "title-15-part-738-2026-09-01.xml", "part=738"),
             ("section-772.1", "title-15-section-772.1.xml", "section=772.1")]


@pytest.fixture(scope="module")
def ear(corpus_dir: Path) -> ParsedDocument:
    files = tuple(FetchedFile(ECFR.format("2026-09-01", q), (corpus_dir / EAR / f).read_bytes(), role=r)
                  for r, f, q in EAR_FILES)
    return get_parser("ecfr-ear")(Bundle("us-ear", "us", files, requested_date=dt.date(2026, 9, 1)))


def test_ear_sections_match_the_raw_files(ear: ParsedDocument, corpus_dir: Path) -> None:
    raw = {f: (corpus_dir / EAR / f).read_text(encoding="utf-8") for _, f, _ in EAR_FILES}
    div8 = sum(t.count("<DIV8 ") for t in raw.values())
    div9 = sum(t.count("<DIV9 ") for t in raw.values())
    assert (div8, div9) == (25, 3)
    assert sum(e.kind == "section" for e in ear.entries) == div8 + div9
    assert ear.warnings == ()
    assert 620 <= len(ear.entries) <= 2000  # the bounds in config/sources.yml


def test_ear_definitions_are_the_334_terms(ear: ParsedDocument) -> None:
    # FORMATS.md appendix: 334 terms = 324 P opening with <I> + 10 opening with a quoted term.
    terms = [e for e in ear.entries if e.parent == "772.1"]
    assert len(terms) == 334
    codes = {e.code for e in terms}
    assert {"772.1 Bias", "772.1 Bias (2)", "772.1 Authentication", "772.1 600 series"} <= codes


def test_ear_provisions_read_by_hand(ear: ParsedDocument) -> None:
    e = {x.code: x for x in ear.entries}
    assert e["734.4(a)"].heading == "Items for which there is no de minimis level."
    assert e["734.4(a)(6)(ii)"].text.startswith("There is no de minimis level for foreign-made items that "
                                                "incorporate U.S.-origin 9x515 or “600 series” .y items")
    assert e["734.4(d)"].heading == "25% De Minimis Rule."
    assert e["734.20(d)(2)(ii)(D)"].text.startswith("Executes a nondisclosure certification")
    effective = {n.label: n.text for n in e["734.9"].notes}["Effective Date Note"]
    assert "stayed, effective until Nov. 9, 2026" in effective
    assert {n.label for n in e["738.2(d)(1)"].notes} == {"Table 1 to Paragraph (d)(1) Introductory Text"}
    chart = {n.label: n.text for n in e["738 Supp. No. 1"].notes}
    assert "Canada: CB1 FC1" in chart["Country Chart"].split("\n")


def test_country_chart_cells(corpus_dir: Path) -> None:
    chart = parse_chart_xml((corpus_dir / EAR / "title-15-part-738-2026-09-01.xml").read_bytes())
    assert chart.warnings == ()
    assert len(chart.rows) == 200
    spanning = [r.country for r in chart.rows if r.cells is None]
    assert spanning == ["Cuba", "Iran", "Korea, North", "Syria"]
    assert sum(len(r.cells or {}) for r in chart.rows) == 196 * 16
    assert sorted(chart.footnotes) == list(range(1, 11))
    canada, uk, india = chart.row("Canada"), chart.row("United Kingdom"), chart.row("India")
    assert canada and uk and india
    assert [c for c, v in (canada.cells or {}).items() if v == "X"] == ["CB1", "FC1"]
    assert uk.footnotes == (10,) and [c for c, v in (uk.cells or {}).items() if v == "X"] == ["CB1"]
    assert india.footnotes == (7,) and (india.cells or {})["RS2"] == ""


def test_canadian_act_and_general_export_permit(corpus_dir: Path) -> None:
    files = (FetchedFile("https://laws-lois.justice.gc.ca/eng/XML/E-19.xml",
                         (corpus_dir / CA / "eng_acts_E-19.xml").read_bytes(), language="en", role="act"),
             FetchedFile("https://laws-lois.justice.gc.ca/fra/XML/E-19.xml",
                         (corpus_dir / CA / "fra_lois_E-19.xml").read_bytes(), language="fr", role="act"),
             FetchedFile("https://laws-lois.justice.gc.ca/eng/XML/SOR-2015-200.xml",
                         (corpus_dir / CA / "eng_regulations_SOR-2015-200.xml").read_bytes(), role="gep-41"))
    doc = get_parser("justice-laws-provisions")(Bundle("ca-eipa", "ca", files))
    assert doc.warnings == ()
    assert str(doc.version_date) == "2026-06-14"  # GEP 41 is current to 2026-06-14, the Act to 2026-03-31
    en = {e.code: e for e in doc.entries if e.language == "en"}
    fr = {e.code: e for e in doc.entries if e.language == "fr"}
    raw = (corpus_dir / CA / "eng_acts_E-19.xml").read_text(encoding="utf-8-sig")
    body = raw[raw.index("<Body"):raw.index("</Body>")]
    assert sum(e.kind == "section" and e.code.startswith("E-19 s.") for e in en.values()) == body.count("<Section")
    assert en["E-19 s. 7(1.1)"].heading == "General permits"
    assert fr["E-19 s. 7(1.1)"].heading == "Licence de portée générale"
    eligible = en["SOR-2015-200 s. 1(1)"].text
    assert "eligible destination means Australia, Austria, Belgium" in eligible
    assert en["SOR-2015-200 s. 3(2)(e)"].text.endswith("with a range of 300 km or greater.")
    assert en["SOR-2015-200 Schedule"].text.count("those referred to in item") >= 40
    assert 510 <= len(doc.entries) <= 1500


def test_regulation_2021_821(corpus_dir: Path) -> None:
    content = (corpus_dir / "raw/eu-2021-821-annex-i-rikiosso/annex.json").read_bytes()
    doc = get_parser("eu-annex-json")(Bundle("eu-reg", "eu", (FetchedFile("https://x.test/annex.json", content),)))
    assert doc.warnings == ()
    e = {x.code: x for x in doc.entries}
    assert sum(c.startswith("Art. 2(") for c in e) == 22
    assert e["Art. 2(22)"].text.startswith("‘essentially identical transaction’ means")
    assert [c for c in e if re.fullmatch(r"EU00\d", c)] == [f"EU00{i}" for i in range(1, 9)]
    assert e["EU007"].heading == "Intra-group export of software and technology"


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path) -> Iterator[LicensingStore]:
    ls = LicensingStore(tmp_path_factory.mktemp("licensing"))
    for date in ("2026-06-25", "2026-09-01"):
        ls.add("us-ecfr-ccl", [Doc(ECFR.format(date, "part=774"),
                                   (corpus_dir / EAR / f"title-15-part-774-{date}.xml").read_bytes())],
               requested=dt.date.fromisoformat(date))
    ls.add("us-ear", [Doc(ECFR.format("2026-09-01", q), (corpus_dir / EAR / f).read_bytes(), r)
                      for r, f, q in EAR_FILES], requested=dt.date(2026, 9, 1))
    groups = corpus_dir / "raw/us-ccl-ecfr-2026-07-23-seelpeed/country-groups.json"
    ls.add("us-country-groups", [Doc("https://x.test/country-groups.json", groups.read_bytes())])
    ls.add("eu-reg", [Doc("https://x.test/annex.json",
                          (corpus_dir / "raw/eu-2021-821-annex-i-rikiosso/annex.json").read_bytes())])
    yield ls
    ls.close()


def test_licensing_tables_filled(loaded: LicensingStore) -> None:
    # The newest version of each source (rows ordered by version date).
    stats = {r[0]: json.loads(r[1]) for r in loaded.store.db.execute(
        "SELECT l.source_id, l.stats FROM licensing_versions l JOIN versions v ON v.id = l.version_id"
        " ORDER BY v.version_date")}
    assert stats["us-ear"] == {"chart_rows": 200, "chart_cells": 196 * 16, "chart_footnotes": 10,
                               "chart_spanning_rows": 4}
    assert stats["us-ecfr-ccl"]["eccns"] == 638
    assert stats["us-country-groups"] == {"country_groups": 14, "group_memberships": 497}
    assert stats["eu-reg"]["authorisations"] == 8 and stats["eu-reg"]["annex_i_codes"] == 384


def test_ccl_change_events_between_the_real_versions(loaded: LicensingStore) -> None:
    changes = db.changes(loaded.store, sources=["us-ecfr-ccl"])
    controls = {c["item"]: c for c in changes if c["table_name"] == "eccn-controls"}
    # 91 FR 46261 removed the NS Column 2 row for 9A012.a.1 (SOURCES.md, read in both files).
    assert "NS applies to 9A012.a.1 — NS Column 2." in (controls["9A012"]["before"] or "")
    assert "9A012.a.1 — NS Column 2" not in (controls["9A012"]["after"] or "")
    # "the United Arab Emirates or " was inserted into RS rows, e.g. 3A001's.
    assert "To or within the United Arab Emirates or destinations" in (controls["3A001"]["after"] or "")
    assert "To or within the United Arab Emirates" not in (controls["3A001"]["before"] or "")
    assert all(c["previous_date"] == "2026-06-25" and c["version_date"] == "2026-09-01" for c in changes)
