"""The CCL history projection adapter and the commands: replay-history, changes, diff, history,
show --as-of, search --as-of (on a small hand-written projection, tests/fixtures/changes)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from exportwatch.cli import cli
from exportwatch.commands import register_all
from exportwatch.commands.changes import replay_ccl_projection
from indexer.changes import change_counts
from indexer.store import Store
from nlp.changes.ccl_history import entries_at, load_projection

register_all(cli)


@pytest.fixture
def projection(fixtures_dir: Path) -> Path:
    return fixtures_dir / "changes" / "ccl_projection_mini.json"


def test_entry_sets_at_each_date(projection: Path) -> None:
    proj = load_projection(projection)
    first = entries_at(proj, dt.date(2020, 1, 6))
    by_code = {e.code: e for e in first.entries}
    # supp1#0 only (1C001 is Sensitive-List-only here), no junk `index`, no empty series (0A001).
    assert sorted(by_code) == ["0A018.b", "1B607.a", "3A090.a.1", "9A012.b.1"]
    assert any("'index'" in w for w in first.warnings)
    assert by_code["0A018.b"].notes[0].label == "Note" and by_code["0A018.b"].status == "active"
    assert by_code["9A012.b.1"].status == "reserved"
    assert by_code["3A090.a.1"].path == ("3", "3A", "3A090", "3A090.a", "3A090.a.1")
    # A date between projection dates is the list at the latest date before it.
    later = entries_at(proj, dt.date(2020, 12, 31))
    assert later.version_date == dt.date(2020, 3, 9)
    placeholder = {e.code: e for e in later.entries}["0A018.b"]
    assert placeholder.status == "not-used"
    # Upstream lost 1B607.a's heading: the previous one is kept, with a warning.
    assert {e.code: e for e in later.entries}["1B607.a"].heading.startswith("\u201cEquipment\u201d")
    assert any("1B607.a: heading missing upstream" in w for w in later.warnings)
    assert "0A018.b" not in {e.code for e in entries_at(proj, dt.date(2021, 9, 20)).entries}


def test_replay_reports_known_changes_and_is_idempotent(projection: Path, tmp_path: Path) -> None:
    with Store(tmp_path / "store.sqlite") as store:
        assert replay_ccl_projection(store, projection, "us-ccl-history") == 4
        counts = change_counts(store, "us-ccl-history")
        assert [(str(c.to_date), c.counts["removed"], c.counts["amended"], c.total) for c in counts] == [
            ("2020-03-09", 1, 0, 1),  # 0A018.b emptied; 1B607.a's lost heading is not a change
            ("2021-03-29", 0, 1, 1),  # 3A090.a.1 rewritten
            ("2021-09-20", 1, 0, 1)]  # the 0A018.b placeholder dropped
        assert replay_ccl_projection(store, projection, "us-ccl-history") == 0
        assert store.db.execute("SELECT count(*) FROM change_sets").fetchone()[0] == 3


@pytest.fixture
def home(projection: Path, tmp_path: Path) -> dict[str, str]:
    env = {"EXPORTWATCH_HOME": str(tmp_path / "home")}
    result = CliRunner().invoke(cli, ["replay-history", "--ccl-projection", str(projection), "--json"], env=env)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["new_versions"] == 4
    return env


def run(env: dict[str, str], *args: str) -> Result:
    return CliRunner().invoke(cli, list(args), env=env)


def test_changes_json(home: dict[str, str]) -> None:
    result = run(home, "changes", "--source", "us-ccl-history", "--kind", "amended", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    [change] = data["changes"]
    assert data["total"] == 1
    assert (change["entry_id"], change["kind"], change["from_version"]["version_date"],
            change["to_version"]["version_date"]) == ("us:3A090.a.1", "amended", "2020-03-09", "2021-03-29")
    struck = " ".join(s["text"] for s in change["redline"] if s["op"] == "delete")
    added = " ".join(s["text"] for s in change["redline"] if s["op"] == "insert")
    assert "TOPS" in struck and "'total" in added
    assert change["old"]["text"].startswith("One or more") and change["detected_at"]
    removed = json.loads(run(home, "changes", "--entry", "us:0A018.b", "--json").output)["changes"]
    assert [(c["kind"], c["to_version"]["version_date"]) for c in removed] == [
        ("removed", "2020-03-09"), ("removed", "2021-09-20")]
    assert run(home, "changes", "--since", "2021-01-01").exit_code == 0


def test_diff_formats(home: dict[str, str]) -> None:
    args = ["diff", "us:3A090.a.1", "--from", "2020-02-01", "--to", "2021-06-01"]
    data = json.loads(run(home, *args, "--format", "json").output)
    assert data["changed"] and data["from"]["version_date"] == "2020-01-06"
    assert data["to"]["version_date"] == "2021-03-29" and data["change"]["kind"] == "amended"
    html = run(home, *args, "--format", "html").output
    assert "<del>" in html and "<ins>" in html and html.startswith("<!DOCTYPE html>")
    terminal = run(home, *args)
    assert terminal.exit_code == 0 and "TOPS" in terminal.output
    same = json.loads(run(home, "diff", "us:3A090.a.1", "--from", "2021-04-01", "--to", "2021-10-01",
                          "--format", "json").output)
    assert not same["changed"] and same["change"] is None
    gone = json.loads(run(home, "diff", "us:0A018.b", "--from", "2020-01-06", "--to", "2021-10-01",
                          "--format", "json").output)
    assert gone["to"] is None and gone["change"]["kind"] == "removed"
    missing = run(home, "diff", "us:9Z999", "--from", "2020-01-01", "--to", "2021-01-01")
    assert missing.exit_code == 3


def test_history_and_show_as_of(home: dict[str, str]) -> None:
    data = json.loads(run(home, "history", "us:0A018.b", "--json").output)
    [src] = data["sources"]
    assert [(i["valid_from"], i["valid_to"], i["present"], i["status"]) for i in src["intervals"]] == [
        ("2020-01-06", "2020-03-09", True, "active"), ("2020-03-09", "2021-09-20", True, "not-used"),
        ("2021-09-20", None, False, None)]
    assert run(home, "history", "us:0A018.b").exit_code == 0
    shown = json.loads(run(home, "show", "us:3A090.a.1", "--as-of", "2020-06-01", "--json").output)
    assert "TOPS" in shown["text"] and shown["validity"] == {"from": "2020-01-06", "to": "2021-03-29"}
    assert shown["source"]["version_date"] == "2020-03-09"
    early = run(home, "show", "us:3A090.a.1", "--as-of", "2019-01-01")
    assert early.exit_code == 3 and "no version on or before 2019-01-01" in " ".join(early.output.split())


def test_search_as_of(home: dict[str, str]) -> None:
    before = json.loads(run(home, "search", "processing performance", "--as-of", "2020-06-01", "--json").output)
    after = json.loads(run(home, "search", "processing performance", "--as-of", "2021-06-01", "--json").output)
    assert [h["entry_id"] for h in before["hits"]] == ["us:3A090.a.1"] == [h["entry_id"] for h in after["hits"]]
    assert "TOPS" in before["hits"][0]["heading"] and "total" in after["hits"][0]["heading"]
    assert before["hits"][0]["version_date"] == "2020-03-09"
    assert run(home, "search", "TOPS", "--as-of", "2021-06-01", "--json").output.count('"entry_id"') == 0
    bad = run(home, "search", "x", "--as-of", "2021-06-01", "--mode", "semantic")
    assert bad.exit_code == 2
