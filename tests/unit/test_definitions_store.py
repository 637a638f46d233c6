"""The definitions processor on a small store (two consolidations of a Canadian regulation),
the store's history intervals, and `exportwatch define` / `exportwatch definitions` as JSON."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawlers.registry import load_sources
from exportwatch.cli import cli
from exportwatch.commands import register_all
from exportwatch.processors import VersionContext, run_processors
from exportwatch.settings import REPO_ROOT, Settings
from indexer.definitions import add_definitions, history, version_definitions
from indexer.embedded import EmbeddedBackend
from indexer.store import FileRef, Store
from nlp.definitions.model import Definition
from nlp.model import ParsedDocument, ParsedEntry

register_all(cli)
DATES = ("2021-04-05", "2024-07-23")


def _store_versions(store: Store, fixtures: Path) -> list[int]:
    ids = []
    for date in DATES:
        crawl = store.begin_crawl("ca-ecl")
        refs = []
        for lang, path in (("en", "eng/XML/SOR-89-202.xml"), ("fr", "fra/XML/DORS-89-202.xml")):
            content = (fixtures / "definitions" / f"canada_{lang}_{date}.xml").read_bytes()
            sha = hashlib.sha256(content).hexdigest()
            url = f"https://laws-lois.justice.gc.ca/{path}"
            store.add_fetch(crawl, url=url, status=200, fetched_at=f"{date}T00:00:00+00:00", headers={},
                            content=content, sha256=sha, language=lang, role="list")
            refs.append(FileRef(url, sha, lang, "list"))
        entry = ParsedEntry(code="5504", parent=None, path=("5504",), kind="entry", heading="h", text="t",
                            language="en")
        doc = ParsedDocument(dt.date.fromisoformat(date), "Export Control List", (entry,))
        ids.append(store.add_version(source_id="ca-ecl", jurisdiction="ca", primary_language="en",
                                     bundle_sha256=f"b{date}", crawl_id=crawl, doc=doc, files=refs))
    return ids


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with both versions processed by the `definitions` processor (run once per module:
    each run starts a sandboxed child process)."""
    root = tmp_path_factory.mktemp("home")
    fixtures = REPO_ROOT / "tests" / "fixtures"
    source = next(s for s in load_sources(REPO_ROOT / "config" / "sources.yml") if s.id == "ca-ecl")
    settings = Settings.from_env({"EXPORTWATCH_HOME": str(root)})
    with Store(root / "store.sqlite") as store:
        _store_versions(store, fixtures)
        backend = EmbeddedBackend(root / "search.sqlite")
        for version in store.versions("ca-ecl"):
            warnings = run_processors(VersionContext(store, backend, settings, source, version),
                                      only={"definitions"})
            assert warnings == []
        backend.close()
    return root


def test_processor_stores_each_versions_definitions_with_ids(home: Path) -> None:
    with Store(home / "store.sqlite") as store:
        v1, v2 = store.versions("ca-ecl")
        rows = version_definitions(store, v2.id)
        ids = {r.def_id for r in rows}
        assert {"ca:def:guide", "ca:def:guide@fr", "ca:def:wassenaar arrangement",
                "ca:def:wassenaar arrangement@fr", "ca:def:technology (item 5506)",
                "ca:def:technologie (article 5506)@fr"} <= ids
        assert len(rows) == 10 and len(version_definitions(store, v1.id)) == 8
        fr = next(r for r in rows if r.def_id == "ca:def:wassenaar arrangement@fr")
        assert (fr.term, fr.term_key, fr.language) == ("Accord de Wassenaar", "accord de wassenaar", "fr")
        documents = store.db.execute("SELECT url FROM definition_documents WHERE version_id=?", (v2.id,)).fetchall()
        assert len(documents) == 2
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            store.db.execute("UPDATE definitions SET text='x'")


def test_processor_is_idempotent(home: Path) -> None:
    with Store(home / "store.sqlite") as store:
        v1 = store.versions("ca-ecl")[0]
        before = store.db.execute("SELECT count(*) FROM definitions").fetchone()[0]
        again = add_definitions(store, v1.id, jurisdiction="ca", primary_language="en",
                                definitions=[Definition("Guide", "guide", "en", "", "other text")])
        assert again == [] and store.db.execute("SELECT count(*) FROM definitions").fetchone()[0] == before


def test_history_intervals_report_the_rewrite_and_the_addition(home: Path) -> None:
    with Store(home / "store.sqlite") as store:
        guide = history(store, "ca-ecl", "ca:def:guide")
        assert [(i.valid_from.isoformat(), i.valid_to and i.valid_to.isoformat(), i.versions) for i in guide] == [
            ("2021-04-05", "2024-07-23", 1), ("2024-07-23", None, 1)]
        assert guide[0].row is not None and "December 2018" in guide[0].row.text
        assert guide[1].row is not None and "December 2018" not in guide[1].row.text
        added = history(store, "ca-ecl", "ca:def:technology (item 5506)")
        assert [(i.valid_from.isoformat(), i.valid_to) for i in added] == [("2024-07-23", None)]
        unchanged = history(store, "ca-ecl", "ca:def:technology (item 5504)")
        assert len(unchanged) == 1 and unchanged[0].versions == 2
        as_of = history(store, "ca-ecl", "ca:def:guide", as_of=dt.date(2022, 1, 1))
        assert len(as_of) == 1 and as_of[0].valid_to is None


def _run(home: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), env={"EXPORTWATCH_HOME": str(home)})
    return result.exit_code, result.output


def test_define_json_side_by_side_history_and_comparison(home: Path) -> None:
    code, out = _run(home, "define", "Technology", "--json")
    assert code == 0, out
    data = json.loads(out)
    assert data["term_key"] == "technology" and data["jurisdictions"] == ["ca"]
    assert [(d["def_id"], d["matched_by"]) for d in data["definitions"]] == [
        ("ca:def:technology (item 5504)", "qualified"), ("ca:def:technology (item 5506)", "qualified")]
    first = data["definitions"][0]
    assert first["version"]["version_date"] == "2024-07-23" and first["scope"] == "item 5504(1)"
    assert [d["url"] for d in first["documents"]] == ["https://laws-lois.justice.gc.ca/eng/XML/SOR-89-202.xml"]
    assert len(first["documents"][0]["sha256"]) == 64
    assert first["history"]["unchanged_since"] == "2021-04-05" and first["history"]["changes"] == []
    assert data["definitions"][1]["history"]["first_seen"] == "2024-07-23"
    (pair,) = data["comparison"]["pairs"]
    assert pair["def_id"] == "ca:def:technology (item 5506)" and not pair["scopes_comparable"]
    assert "development" in pair["only_in_reference"] and "has" in pair["only_in_other"]


def test_define_reports_a_changed_definition_and_honours_as_of(home: Path) -> None:
    data = json.loads(_run(home, "define", "guide", "--json")[1])
    assert [d["def_id"] for d in data["definitions"]] == ["ca:def:guide", "ca:def:guide@fr"]
    guide = data["definitions"][0]
    assert guide["history"]["changes"] == ["2024-07-23"]
    assert [i["valid_to"] for i in guide["history"]["intervals"]] == ["2024-07-23", None]
    assert data["comparison"]["pairs"] == []  # the French definition is not compared word by word
    old = json.loads(_run(home, "define", "guide", "--as-of", "2022-01-01", "--json")[1])
    assert "December 2018" in old["definitions"][0]["text"]
    assert old["definitions"][0]["version"]["version_date"] == "2021-04-05"


def test_define_finds_the_french_term_and_plural(home: Path) -> None:
    data = json.loads(_run(home, "define", "Accord de Wassenaar", "--json")[1])
    assert [d["def_id"] for d in data["definitions"]] == ["ca:def:wassenaar arrangement@fr"]
    data = json.loads(_run(home, "define", "guides", "--json")[1])
    assert {d["matched_by"] for d in data["definitions"]} == {"variant"}


def test_define_unknown_term_exits_3_with_suggestions(home: Path) -> None:
    code, out = _run(home, "define", "guid")
    assert code == 3 and "no definition of 'guid'" in out and "did you mean: guide" in out
    code, out = _run(home, "define", "technology", "-j", "xx")
    assert code == 2 and "unknown jurisdiction" in out


def test_define_prints_the_panels_and_differences(home: Path) -> None:
    code, out = _run(home, "define", "technology")
    assert code == 0
    assert "ca:def:technology (item 5504)" in out and "How they differ" in out
    assert "unchanged since 2021-04-05" in out


def test_definitions_lists_counts_and_terms(home: Path) -> None:
    code, out = _run(home, "definitions", "--json")
    assert code == 0
    data = json.loads(out)
    ca = next(s for s in data["sources"] if s["source_id"] == "ca-ecl")
    assert (ca["version_date"], ca["definitions"], ca["languages"]) == ("2024-07-23", 10, {"en": 5, "fr": 5})
    assert {t["def_id"] for t in data["terms"] if t["source_id"] == "ca-ecl"} >= {"ca:def:guide", "ca:def:guide@fr"}
    code, out = _run(home, "definitions", "-j", "ca")
    assert code == 0 and "ca:def:wassenaar arrangement" in out
