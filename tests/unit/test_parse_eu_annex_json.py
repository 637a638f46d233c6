"""Regulation 2021/821 provisions from an annex.json-shaped fixture (Articles 2 and 4, Annex II
general authorisations), and the EAR Country Groups extract parser."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from exportwatch.errors import ParseError
from nlp.parse import Bundle, FetchedFile, get_parser

URL = "https://raw.githubusercontent.com/rikiosso/exports-watch/HEAD/data/annex.json"


def test_articles_and_authorisations(fixtures_dir: Path) -> None:
    content = (fixtures_dir / "eu_annex_json" / "annex.json").read_bytes()
    doc = get_parser("eu-annex-json")(Bundle("eu-reg", "eu", (FetchedFile(URL, content),)))
    e = {x.code: x for x in doc.entries}
    assert str(doc.version_date) == "2099-12-31"
    assert [c for c in e if c.startswith("Art. 2(")] == ["Art. 2(1)", "Art. 2(2)", "Art. 2(3)"]
    # "point (11) of this Article" inside (2) is a reference, not a new point.
    assert e["Art. 2(2)"].text.endswith("according to point (11) of this Article;")
    assert e["Art. 4(2)"].text.startswith("Where an exporter is aware")
    assert e["EU001"].parent == "Annex II" and e["EU001"].heading == "Exports to Canada and the United States"
    notes = {n.label: n.text for n in e["EU002"].notes}
    assert notes["Part 1 – Items"].endswith("1A001, 3A001.a.3.")
    assert e["Annex II Section I"].text.count("\n") == 3
    assert doc.stats["docs_not_read.acronyms"] == 1 and doc.stats["authorisations"] == 3


def test_not_json_is_an_error() -> None:
    with pytest.raises(ParseError, match="not valid JSON"):
        get_parser("eu-annex-json")(Bundle("eu-reg", "eu", (FetchedFile(URL, b"<html>"),)))


def test_country_groups_parser(fixtures_dir: Path) -> None:
    content = (fixtures_dir / "licensing" / "country-groups.json").read_bytes()
    doc = get_parser("country-groups-json")(Bundle("us-country-groups", "us", (FetchedFile("https://x.test/g.json",
                                                                                           content),)))
    e = {x.code: x for x in doc.entries}
    assert str(doc.version_date) == "2026-07-23"
    assert e["Country Group A:5"].text == "Canada, Germany, India"
    assert e["Country Group A:5"].heading == "Country Group A:5: STA-eligible (Tier 1) destinations"
    assert "not the regulation's text" in e["Country Groups"].notes[0].text
    assert doc.stats == {"groups": 7, "memberships": 15}
    bad = json.dumps({"groups": {"A:5": ["Atlantis"]}, "ecfrIssueDate": "2026-07-23"}).encode()
    warned = get_parser("country-groups-json")(Bundle("g", "us", (FetchedFile("https://x.test/g", bad),)))
    assert "Atlantis" in warned.warnings[0]
