"""Federal Register API pages -> update records and searchable entries (format federal-register-json).

Fixtures: tests/fixtures/federal_register/page1.json + page2.json, two API pages in the API's
documented schema, reshaped from the corpus (see the README there).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from exportwatch.errors import ParseError
from nlp.parse import Bundle, FetchedFile, get_parser, known_formats
from nlp.parse.federal_register import read_pages

BASE = "https://www.federalregister.gov/api/v1/documents.json?conditions[type][]=RULE&per_page=2&order=newest"


@pytest.fixture
def pages(fixtures_dir: Path) -> list[dict[str, Any]]:
    fx = fixtures_dir / "federal_register"
    return [json.loads((fx / name).read_text(encoding="utf-8")) for name in ("page1.json", "page2.json")]


def as_files(*pages: dict[str, Any]) -> list[tuple[str, bytes]]:
    return [(f"{BASE}&page={i + 1}", json.dumps(p).encode()) for i, p in enumerate(pages)]


def bundle(*pages: dict[str, Any]) -> Bundle:
    return Bundle("us-fr-bis", "us", tuple(FetchedFile(url, body) for url, body in as_files(*pages)))


def notes(entry: Any) -> dict[str, str]:
    return {n.label: n.text for n in entry.notes}


def test_two_pages_become_three_entries_in_served_order(pages: list[dict[str, Any]]) -> None:
    assert "federal-register-json" in known_formats()
    doc = get_parser("federal-register-json")(bundle(*pages))
    assert [e.code for e in doc.entries] == ["2020-27754", "2020-28776", "2020-07240"]
    assert [e.position for e in doc.entries] == [0, 1, 2]
    assert doc.version_date == dt.date(2021, 1, 7)  # the newest publication date
    assert doc.warnings == ()
    assert doc.stats == {"pages": 2, "documents": 3, "with_abstract": 2, "api_count": 3}

    first, second, third = doc.entries
    assert first.kind == "entry" and first.parent is None and first.path == ("2020-27754",)
    assert first.heading.startswith("Commerce Control List: Clarifications to the Scope of Export Control")
    assert first.text.startswith("The Bureau of Industry and Security (BIS) publishes this final rule")
    assert second.text == ""  # the API record has no abstract: nothing is made up
    assert notes(third) == {
        "Type": "Rule", "Action": "Final rule.", "Publication date": "2020-04-28", "Effective date": "2020-06-29",
        "Citation": "85 FR 23470", "CFR parts": "15 CFR 740, 15 CFR 774",
        "CCL supplements": "Supplement No. 1 to Part 774", "Dockets": "Docket No. 190513446-9446-01",
        "Agencies": "Commerce Department; Industry and Security Bureau",
        "Document": "https://www.federalregister.gov/documents/2020/04/28/2020-07240/"
                    "elimination-of-license-exception-civil-end-users-civ",
    }
    # Agencies given as objects (no agency_names) are read from their names.
    assert notes(second)["Agencies"] == "Commerce Department; Industry and Security Bureau"
    assert "CFR parts" not in notes(first)  # empty cfr_references: no note, not an empty one


def test_records_keep_every_api_field(pages: list[dict[str, Any]]) -> None:
    records = {r.document_number: r for r in read_pages(as_files(*pages)).records}
    civ = records["2020-07240"]
    assert civ.publication_date == dt.date(2020, 4, 28) and civ.effective_on == dt.date(2020, 6, 29)
    assert civ.cfr_parts == ((15, 740), (15, 774))
    assert civ.supplements == ("1",) and civ.citation == "85 FR 23470"
    assert civ.json_url == "https://www.federalregister.gov/api/v1/documents/2020-07240.json"
    assert records["2020-28776"].abstract is None and records["2020-28776"].supplements == ("5",)
    # Content identity: same content, same hash; a corrected abstract, a different one.
    again = read_pages(as_files(*pages)).records[2]
    assert again.content_sha256() == civ.content_sha256()
    pages[1]["results"][0]["abstract"] += " Corrected."
    assert read_pages(as_files(*pages)).records[2].content_sha256() != civ.content_sha256()


def test_stopping_at_the_page_limit_is_reported_in_stats_not_as_a_warning(pages: list[dict[str, Any]]) -> None:
    result = read_pages(as_files(pages[0]))
    assert [r.document_number for r in result.records] == ["2020-27754", "2020-28776"]
    assert result.warnings == []
    assert result.stats["not_fetched"] == 1


def test_count_disagreeing_with_complete_pages_is_a_warning(pages: list[dict[str, Any]]) -> None:
    for page in pages:
        page["count"] = 4
    result = read_pages(as_files(*pages))
    assert result.warnings == ["the API reported 4 documents but its 2 page(s) held 3 distinct ones"]


def test_bad_results_are_skipped_with_a_warning_naming_them(pages: list[dict[str, Any]]) -> None:
    first = pages[0]["results"]
    first.append({"title": "No number"})
    first.append({**first[0], "document_number": "2099-00001", "publication_date": "yesterday"})
    first.append({**first[0], "document_number": "2099-00002", "type": "Proposed Rule", "effective_on": "soon"})
    first.append("not an object")
    result = read_pages(as_files(*pages))
    numbers = [r.document_number for r in result.records]
    assert numbers == ["2020-27754", "2020-28776", "2099-00002", "2020-07240"]
    text = "\n".join(result.warnings)
    assert "page=1 result 3: no valid document_number (None); skipped" in text
    assert "2099-00001 publication_date is not a date: 'yesterday'" in text
    assert "2099-00001 has no publication_date; skipped" in text
    assert "2099-00002 effective_on is not a date: 'soon'" in text
    assert "result 6: not an object (str); skipped" in text
    assert "1 document(s) with type 'Proposed Rule' where 'Rule' documents were asked for" in text


def test_a_document_listed_twice_keeps_its_first_copy(pages: list[dict[str, Any]]) -> None:
    moved = copy.deepcopy(pages[0]["results"][0])
    pages[1]["results"].append(moved)  # the list shifted while it was paged: same document again
    assert read_pages(as_files(*pages)).warnings == []
    moved["title"] = "Changed title"
    result = read_pages(as_files(*pages))
    assert [r.document_number for r in result.records] == ["2020-27754", "2020-28776", "2020-07240"]
    assert result.records[0].title.startswith("Commerce Control List")
    assert "document 2020-27754 listed again with different content" in result.warnings[0]


@pytest.mark.parametrize(("body", "message"), [
    (b"<html>Service unavailable</html>", "invalid JSON"),
    (b'{"count": 3, "results": {"not": "a list"}}', "no 'results' list"),
    (b"[1, 2]", r"no 'results' list \(got list\)"),
])
def test_a_page_that_is_not_an_api_page_fails_the_parse(pages: list[dict[str, Any]], body: bytes,
                                                          message: str) -> None:
    files = (FetchedFile(f"{BASE}&page=1", json.dumps(pages[0]).encode()), FetchedFile(f"{BASE}&page=2", body))
    with pytest.raises(ParseError, match=message) as err:
        get_parser("federal-register-json")(Bundle("us-fr-bis", "us", files))
    assert f"{BASE}&page=2" in str(err.value)


def test_pages_without_documents_fail_the_parse() -> None:
    empty = {"count": 0, "description": "none", "total_pages": 0}
    with pytest.raises(ParseError, match="hold no usable document"):
        get_parser("federal-register-json")(bundle(empty))
    with pytest.raises(ParseError, match="no Federal Register API pages"):
        get_parser("federal-register-json")(Bundle("us-fr-bis", "us", ()))
