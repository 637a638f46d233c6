"""Licensing data: the Country Chart table, ECCN licence requirements, country names, text
destination rules, EU general authorisations, the check itself, and cell-level change events
between two versions of a hand-written Part 738 (tests/fixtures/licensing/part-738-{a,b}.xml:
a five-row chart in the eCFR table markup; version b adds an X in India/NS 2, adds Ukraine and
rewords footnote 7)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from exportwatch.cli import cli
from exportwatch.commands import register_all
from exportwatch.errors import NotFoundError
from indexer import licensing as db
from nlp.licensing.chart import parse_chart_xml
from nlp.licensing.check import check_eu, check_us
from nlp.licensing.countries import lookup, resolve
from nlp.licensing.destinations import evaluate_text
from nlp.licensing.eccn import paragraph_refs, parse_eccn, row_applies_to
from nlp.licensing.eu_gea import covers_item, parse_authorisation
from tests.licensing_store import Doc, LicensingStore

ECFR = "https://www.ecfr.gov/api/versioner/v1/full/{}/title-15.xml?part=738"
# The licence sections of an ECCN as the CCL parser stores them (written here after 3A001's).
NOTES = [
    {"kind": "other", "label": "License Requirements", "text": "\n".join([
        "Reason for Control: NS, RS, MT, AT",
        "NS applies to amplifiers in 3C999.b.2 and transistors in 3C999.b.3 — NS Column 1.",
        "NS applies to entire entry — NS Column 2.",
        "RS applies to 3C999.z.1.a, z.2.a — To or within any destination worldwide. See § 742.6(a)(6)(iii)(A).",
        "MT applies to entire entry, except .y — MT Column 1.",
        "UN applies to entire entry — See § 746.1(b) for UN controls.",
        "AT applies to entire entry — AT Column 1."])},
    {"kind": "other", "label": "List Based License Exceptions",
     "text": "LVS: $1500\nGBS: Yes for 3C999.a.1.b\nand 3C999.c\nTSR: N/A"},
    {"kind": "other", "label": "Special Conditions for STA", "text": "STA: may not be used for 3C999.b.2."},
]


@pytest.fixture(scope="module")
def chart_a(fixtures_dir: Path) -> bytes:
    return (fixtures_dir / "licensing" / "part-738-a.xml").read_bytes()


def test_chart_table(chart_a: bytes) -> None:
    chart = parse_chart_xml(chart_a)
    assert chart.warnings == ()
    assert len(chart.columns) == 16 and chart.columns[0] == "CB1" and chart.columns[-1] == "AT2"
    assert chart.groups["NS"] == "National security"
    assert [r.country for r in chart.rows] == ["Canada", "China", "Cuba", "Germany", "India"]
    germany = chart.row("Germany")
    assert germany is not None and germany.footnotes == (3,)
    assert [c for c, v in (germany.cells or {}).items() if v == "X"] == ["CB1", "NS1", "MT1", "RS1"]
    cuba = chart.row("Cuba")
    assert cuba is not None and cuba.cells is None and (cuba.see or "").startswith("See part 746")
    assert chart.footnotes[7].startswith("Note that a license is still required")
    assert chart.source_note == "[90 FR 47189, Sept. 30, 2025]"


def test_eccn_rows_and_exceptions() -> None:
    lic = parse_eccn("3C999", NOTES)
    assert lic.reasons == ("NS", "RS", "MT", "AT")
    rows = {(r.reason, r.scope_kind): r for r in lic.controls}
    assert rows[("NS", "paragraphs")].paragraphs == ("3C999.b.2", "3C999.b.3")
    assert rows[("NS", "paragraphs")].columns == ("NS1",)
    assert rows[("NS", "entire")].columns == ("NS2",)
    assert rows[("RS", "paragraphs")].paragraphs == ("3C999.z.1.a", "3C999.z.2.a")
    assert rows[("RS", "paragraphs")].destination_text.startswith("To or within any destination worldwide")
    assert rows[("MT", "entire-except")].paragraphs == ("3C999.y",)
    assert rows[("UN", "entire")].columns == ()
    assert [(e.symbol, e.available) for e in lic.exceptions] == [("LVS", "value-limit"), ("GBS", "conditional"),
                                                                 ("TSR", "no")]
    assert lic.exceptions[1].text == "Yes for 3C999.a.1.b\nand 3C999.c"
    assert lic.sta_conditions == "STA: may not be used for 3C999.b.2."
    assert row_applies_to(rows[("NS", "paragraphs")], "3C999.b.2.a") == "yes"
    assert row_applies_to(rows[("NS", "paragraphs")], "3C999.b") == "partly"
    assert row_applies_to(rows[("MT", "entire-except")], "3C999.y.1") == "no"


def test_paragraph_refs_only_for_this_eccn() -> None:
    assert paragraph_refs("3D001", "“software” for equipment controlled by 3B001.c.1.a or c.1.c") == []
    assert paragraph_refs("9A515", "9A515.e and .x") == ["9A515.e", "9A515.x"]


@pytest.mark.parametrize(("name", "iso2"), [
    ("Germany", "DE"), ("de", "DE"), ("DEU", "DE"), ("Korea, South", "KR"), ("South Korea", "KR"),
    ("Turkey", "TR"), ("Türkiye", "TR"), ("Myanmar", "MM"), ("Cote d'Ivoire", "CI"), ("Bahamas, The", "BS"),
    ("Congo (Republic of the)", "CG"), ("Democratic Republic of the Congo", "CD"), ("Seycheles", "SC"),
])
def test_country_names(name: str, iso2: str) -> None:
    country = lookup(name)
    assert country is not None and country.iso2 == iso2


def test_unknown_country_suggests() -> None:
    with pytest.raises(NotFoundError, match="did you mean Germany"):
        resolve("Germani")


GROUPS = {"D:1": {"CN", "RU"}, "D:4": {"CN"}, "D:5": {"CN", "VE"}, "A:5": {"DE", "IN"}, "A:6": {"IL"}}


@pytest.mark.parametrize(("text", "iso2", "applies"), [
    ("To or within the United Arab Emirates or destinations specified in Country Groups D:1, D:4, and D:5 "
     "of supplement no. 1 to part 740 of the EAR, excluding any destination also specified in Country "
     "Groups A:5 or A:6.", "VE", "yes"),
    ("To or within the United Arab Emirates or destinations specified in Country Groups D:1, D:4, and D:5", "AE",
     "yes"),
    ("To or within the United Arab Emirates or destinations specified in Country Groups D:1, D:4, and D:5", "DE",
     "no"),
    ("China, Russia, or Venezuela (see § 742.6(a)(7)).", "IN", "no"),
    ("A license is required for ALL destinations, except Canada, regardless of end use.", "CA", "no"),
    ("A license is required for ALL destinations, except Canada, regardless of end use.", "MX", "yes"),
    ("See § 746.1(b) for UN controls.", "IQ", "not-evaluated"),
    ("Equatorial Guinea only", "GN", "no"),
])
def test_text_destination_rules(text: str, iso2: str, applies: str) -> None:
    assert evaluate_text(text, iso2, GROUPS).applies == applies


def test_groups_named_without_groups_data_are_not_evaluated() -> None:
    assert evaluate_text("Country Group D:5", "CN", None).applies == "not-evaluated"


def test_check_us_combines_rows_chart_and_footnotes(chart_a: bytes) -> None:
    chart = parse_chart_xml(chart_a)
    lic = parse_eccn("3C999", NOTES)
    india = chart.row("India")
    assert india is not None

    def check(paragraph: str | None, country: str, groups: dict[str, set[str]] | None = GROUPS) -> dict[str, Any]:
        row = chart.row(country)
        assert row is not None
        return check_us(eccn="3C999", paragraph=paragraph, reasons=lic.reasons, controls=lic.controls,
                        exceptions=lic.exceptions, sta_conditions=lic.sta_conditions, license_notes=(),
                        country=resolve(country), chart_country=row.country, cells=row.cells, see_text=row.see,
                        footnotes={n: chart.footnotes[n] for n in row.footnotes}, groups=groups)

    china = check(None, "China")
    assert china["licence_required"] == "yes" and "NS2" in china["triggered_by"]
    germany = check(None, "Germany")
    # NS 2 (entire entry) is empty for Germany, MT 1 (entire entry except .y) is not.
    assert germany["licence_required"] == "yes" and germany["triggered_by"] == ["MT1", "NS1"]
    # For .y the MT row (entire entry except .y) does not apply.
    assert check("3C999.y", "Germany")["triggered_by"] == []
    canada = check(None, "Canada")
    assert canada["licence_required"] == "yes-for-some-paragraphs"  # only the worldwide RS row
    assert check("3C999.b.2", "Canada")["licence_required"] == "no"
    assert check(None, "Cuba")["licence_required"] == "see-part-746"
    lvs = check(None, "Germany")["licence_exceptions"][0]
    assert lvs["destination_conditions"][0] == {"country_group": "B", "rule": "§ 740.3: destinations in Country "
                                                "Group B", "destination_is_member": False}
    assert check(None, "Germany", None)["licence_exceptions"][0]["destination_conditions"][0][
        "destination_is_member"] is None
    assert any("Embargoes" in c for c in canada["caveats"])


def test_footnote_that_requires_a_licence_is_a_row(chart_a: bytes) -> None:
    chart = parse_chart_xml(chart_a)
    row = chart.row("India")
    assert row is not None
    result = check_us(eccn="9A515", paragraph="9A515.e", reasons=("RS",), controls=(), exceptions=(),
                      sta_conditions="", license_notes=(), country=resolve("India"), chart_country="India",
                      cells=row.cells, see_text=None, footnotes={7: chart.footnotes[7]}, groups=None)
    assert result["licence_required"] == "yes"
    assert result["controls"][0]["reason"] == "Country Chart footnote 7"


def test_eu_authorisations(fixtures_dir: Path) -> None:
    data = json.loads((fixtures_dir / "eu_annex_json" / "annex.json").read_text(encoding="utf-8"))
    auths = [parse_authorisation(g["id"], g["title"], g["verbatim_text"]) for g in data["geas"]]
    eu001, eu002, eu008 = auths
    assert eu001.scope == "all-except" and eu001.excludes_section_i
    assert [d.countries for d in eu001.destinations] == [("CA",), ("CH", "LI"), ("US",)]
    assert eu002.codes == ("1A001", "3A001.a.3")
    assert eu008.codes == ("5A002.a.2", "5A002.b")  # "5A002.a. as above" is a reference, not an item
    assert eu008.destinations_scope == "all-except" and eu008.excludes_destinations_of == ("EU001",)
    assert eu008.destination_caveats[0].startswith("any destination")
    section_i = ("1C351", "1C450.a.1")
    assert covers_item(eu001, "1C351.a", section_i) == ("no", ["1C351"])
    assert covers_item(eu001, "1C450", section_i) == ("partly", ["1C450.a.1"])
    assert covers_item(eu002, "3A001", section_i) == ("partly", ["3A001.a.3"])
    result = check_eu(code="1A001", country=resolve("US"), authorisations=auths, section_i=section_i)
    assert result["usable"] == ["EU001"]
    korea = check_eu(code="5A002.a.2", country=resolve("KR"), authorisations=auths, section_i=section_i)
    assert korea["usable"] == ["EU008"]
    china = check_eu(code="5A002.a.2", country=resolve("China"), authorisations=auths, section_i=section_i)
    assert china["usable"] == []
    canada = check_eu(code="5A002.a.2", country=resolve("Canada"), authorisations=auths, section_i=section_i)
    assert [r["destination_basis"] for r in canada["general_authorisations"] if r["authorisation"] == "EU008"] == [
        "excluded: a destination of EU001"]


@pytest.fixture
def two_charts(tmp_path: Path, fixtures_dir: Path) -> Iterator[LicensingStore]:
    fx = fixtures_dir / "licensing"
    ls = LicensingStore(tmp_path)
    for name, date in (("a", "2026-09-01"), ("b", "2026-10-01")):
        ls.add("us-ear", [Doc(ECFR.format(date), (fx / f"part-738-{name}.xml").read_bytes(), "part-738")],
               requested=dt.date.fromisoformat(date))
    ls.add("us-country-groups", [Doc("https://x.test/groups.json", (fx / "country-groups.json").read_bytes())])
    yield ls
    ls.close()


def test_chart_cell_change_is_a_change_event(two_charts: LicensingStore) -> None:
    changes = db.changes(two_charts.store, sources=["us-ear"])
    by_item = {(c["table_name"], c["item"]): c for c in changes}
    india = by_item[("chart-cell", "India/NS2")]
    assert (india["change"], india["before"], india["after"]) == ("changed", "", "X")
    assert (india["previous_date"], india["version_date"]) == ("2026-09-01", "2026-10-01")
    assert by_item[("chart-cell", "Ukraine/NS1")]["change"] == "added"
    assert by_item[("chart-row", "Ukraine")]["change"] == "added"
    assert by_item[("chart-footnote", "7")]["change"] == "changed"
    # Nothing else moved: 16 cells and a row for Ukraine, one cell for India, one footnote.
    assert len(changes) == 16 + 1 + 1 + 1


def test_processor_is_idempotent(two_charts: LicensingStore) -> None:
    version = two_charts.store.versions("us-ear")[-1]
    before = two_charts.store.db.execute("SELECT count(*) FROM licensing_changes").fetchone()[0]
    assert two_charts.process("us-ear", version) == []
    after = two_charts.store.db.execute("SELECT count(*) FROM licensing_changes").fetchone()[0]
    assert before == after == 19
    with pytest.raises(Exception, match="append-only"):
        two_charts.store.db.execute("UPDATE chart_cells SET value='X'")


def test_license_changes_command(two_charts: LicensingStore) -> None:
    register_all(cli)
    env = {"EXPORTWATCH_HOME": str(two_charts.home)}
    result = CliRunner().invoke(cli, ["license-changes", "--table", "chart-cell", "--json"], env=env)
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert {r["item"] for r in rows if r["change"] == "changed"} == {"India/NS2"}
    text = CliRunner().invoke(cli, ["license-changes", "--source", "us-ear"], env=env)
    assert "India/NS2" in text.output
