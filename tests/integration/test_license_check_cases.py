"""Runs every case of bench/license_check_cases.md (expected answers worked out by hand from the
Country Chart and the CCL entries of the real eCFR files) against a store holding the real
documents; all must pass."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pytest

from exportwatch.commands.license import run_check
from exportwatch.service import Service
from indexer.base import SearchBackend
from tests.licensing_store import REPO, Doc, LicensingStore

pytestmark = pytest.mark.corpus

EAR = "raw/us-ear-ecfr-xml-2026-09-01-caddy"
ECFR = "https://www.ecfr.gov/api/versioner/v1/full/2026-09-01/title-15.xml?{}"
CASES_FILE = REPO / "bench" / "license_check_cases.md"


def cases() -> list[dict[str, str]]:
    rows = []
    for line in CASES_FILE.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 6 and re.fullmatch(r"E?\d+", cells[0]):
            rows.append(dict(zip(("id", "item", "destination", "expected", "required_by", "evidence"), cells,
                                 strict=True)))
    return rows


def test_the_table_has_at_least_twenty_us_cases() -> None:
    assert len([c for c in cases() if c["id"].isdigit()]) >= 20


@pytest.fixture(scope="module")
def svc(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path) -> Iterator[Service]:
    ls = LicensingStore(tmp_path_factory.mktemp("cases"))
    ls.add("us-ecfr-ccl", [Doc(ECFR.format("part=774"),
                               (corpus_dir / EAR / "title-15-part-774-2026-09-01.xml").read_bytes())],
           requested=dt.date(2026, 9, 1))
    ls.add("us-ear", [Doc(ECFR.format("part=738"), (corpus_dir / EAR / "title-15-part-738-2026-09-01.xml").read_bytes(),
                          "part-738")], requested=dt.date(2026, 9, 1))
    groups = corpus_dir / "raw/us-ccl-ecfr-2026-07-23-seelpeed/country-groups.json"
    ls.add("us-country-groups", [Doc("https://x.test/country-groups.json", groups.read_bytes())])
    ls.add("eu-reg", [Doc("https://x.test/annex.json",
                          (corpus_dir / "raw/eu-2021-821-annex-i-rikiosso/annex.json").read_bytes())])
    yield Service(ls.settings, ls.store, cast(SearchBackend, None), list(ls.sources.values()))
    ls.close()


def _triggers(result: dict[str, Any]) -> set[str]:
    out = set(result["triggered_by"])
    for row in result["controls"]:
        m = re.fullmatch(r"Country Chart footnote (\d+)", row["reason"])
        if m and row["licence_required"] == "yes" and row["applies_to_item"] != "no":
            out.add(f"footnote {m.group(1)}")
    return out


@pytest.mark.parametrize("case", cases(), ids=lambda c: f"{c['id']}-{c['item']}-{c['destination']}")
def test_case(svc: Service, case: dict[str, str]) -> None:
    result = run_check(svc, case["item"], case["destination"], None)
    if case["id"].startswith("E"):
        expected = [] if case["expected"] == "-" else [x.strip() for x in case["expected"].split(",")]
        assert result["usable"] == expected, result["summary"]
        return
    assert result["licence_required"] == case["expected"], result["summary"]
    wanted = set() if case["required_by"] == "-" else {x.strip() for x in case["required_by"].split(",")}
    assert wanted <= _triggers(result), result["summary"]
    # Every answer cites the chart and the ECCN, with the version it was read from.
    cited = {c["what"] for c in result["citations"]}
    assert {"Country Chart", f"ECCN {result['eccn']}"} <= cited
    assert all(c["version_date"] for c in result["citations"])
