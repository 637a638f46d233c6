"""Sources file validation: a bad file gets an error that names the file and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawlers.registry import load_sources, select_sources
from exportwatch.errors import ConfigError
from exportwatch.settings import REPO_ROOT

GOOD = """
sources:
  - id: ca-ecl
    name: Canada
    jurisdiction: ca
    format: justice-laws-xml
    documents:
      - url: https://laws-lois.justice.gc.ca/eng/XML/SOR-89-202.xml
    expected_entries: {min: 10, max: 100}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_sources_file_is_valid() -> None:
    sources = load_sources(REPO_ROOT / "config" / "sources.yml")
    assert {s.id for s in sources} >= {"ca-ecl", "eu-annex-i", "wa-dual-use", "au-dsgl", "us-ecfr-ccl"}


def test_good_file_loads_with_polite_defaults(tmp_path: Path) -> None:
    (source,) = load_sources(write(tmp_path, GOOD))
    assert source.politeness.concurrency == 1
    assert source.politeness.obey_robots is True
    assert source.documents[0].language == "en"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("https://laws-lois", "http://laws-lois"), "sources[ca-ecl].documents.0.url"),
        (("{min: 10, max: 100}", "{min: 100, max: 10}"), "min (100) is greater than max (10)"),
        (("format: justice-laws-xml", "format: carrier-pigeon"), "unknown format 'carrier-pigeon'"),
        (("jurisdiction: ca", "jurisdiction: Canada!"), "sources[ca-ecl].jurisdiction"),
        (("    expected_entries: {min: 10, max: 100}\n", ""), "sources[ca-ecl].expected_entries: Field required"),
        (("name: Canada", "name: Canada\n    colour: red"), "sources[ca-ecl].colour: Extra inputs"),
    ],
)
def test_bad_field_is_named(tmp_path: Path, change: tuple[str, str], expected: str) -> None:
    path = write(tmp_path, GOOD.replace(*change))
    with pytest.raises(ConfigError) as err:
        load_sources(path)
    assert str(path) in str(err.value)
    assert expected in str(err.value)


def test_duplicate_ids_and_bad_yaml(tmp_path: Path) -> None:
    doubled = GOOD + GOOD.split("sources:\n", 1)[1]
    with pytest.raises(ConfigError, match="duplicate source id 'ca-ecl'"):
        load_sources(write(tmp_path, doubled))
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_sources(write(tmp_path, "sources: [\n"))
    with pytest.raises(ConfigError, match="cannot read sources file"):
        load_sources(tmp_path / "absent.yml")


def test_select_unknown_source(tmp_path: Path) -> None:
    sources = load_sources(write(tmp_path, GOOD))
    assert select_sources(sources, []) == sources
    with pytest.raises(ConfigError, match="unknown source id"):
        select_sources(sources, ["xx-nope"])
