"""The "alerts" processor after change detection (idempotent, as processors must be), and the
CLI commands over a store of their own."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from crawlers.registry import load_sources
from exportwatch.cli import cli
from exportwatch.commands import register_all
from exportwatch.processors import VersionContext, processors, run_processors
from exportwatch.settings import REPO_ROOT, Settings
from indexer.embedded import EmbeddedBackend
from indexer.store import Store
from tests.alerts.builder import build_store, make_team

register_all(cli)


def test_alerts_processor_runs_after_changes_and_is_idempotent(tmp_path: Path) -> None:
    names = [p.name for p in processors()]
    assert names.index("alerts") > names.index("changes")
    settings = Settings.from_env({"EXPORTWATCH_HOME": str(tmp_path), "EXPORTWATCH_SOURCES":
                                  str(REPO_ROOT / "config" / "sources.yml")})
    store = build_store(settings.store_path)
    backend = EmbeddedBackend(settings.search_path)
    try:
        from alerts import subscriptions as subs
        from alerts.config import AlertSettings

        team = make_team(store)
        data = subs.parse_input({"name": "uav", "spec": {"kind": "search", "query": "endurance"},
                                 "channels": [{"kind": "feed"}]})
        subs.create(store, team, data, AlertSettings())
        source = next(s for s in load_sources(settings.sources_file) if s.id == "us-ecfr-ccl")
        new = store.versions("us-ecfr-ccl")[-1]
        ctx = VersionContext(store, backend, settings, source, new)
        warnings = run_processors(ctx, only={"changes", "alerts"})
        assert "alerts: change set 1: 1 new alert(s) queued" in warnings
        assert run_processors(ctx, only={"changes", "alerts"}, force=True) == []
        assert store.db.execute("SELECT entry_id FROM alerts").fetchall()[0][0] == "us:9A012.a.2"
    finally:
        backend.close()
        store.close()


def test_cli_subscribe_list_deliver_alerts_jobs(template_store: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(template_store, home / "store.sqlite")
    with Store(home / "store.sqlite") as store:
        make_team(store, "acme")
    env = {"EXPORTWATCH_HOME": str(home), "EXPORTWATCH_WEBHOOK_ALLOW_PRIVATE": "false"}
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(cli, list(args), env=env, catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    made = json.loads(run("subscribe", "--team", "acme", "--code", "3A001", "--jurisdiction", "eu", "--everywhere",
                          "--email", "legal@example.com", "--feed", "--json"))
    assert made["spec"] == {"kind": "code", "jurisdiction": "eu", "codes": ["3A001"], "include_equivalents": True}
    assert [c["kind"] for c in made["channels"]] == ["email", "feed"]
    bad = runner.invoke(cli, ["subscribe", "--team", "acme", "--webhook", "https://10.0.0.8/hook", "--source",
                              "us-ecfr-ccl"], env=env)
    assert bad.exit_code == 2 and "private address 10.0.0.8: refused" in bad.output.replace("\n", " ")
    missing = runner.invoke(cli, ["subscribe", "--team", "acme", "--code", "3A001", "--feed"], env=env)
    assert missing.exit_code == 2 and "exactly one --jurisdiction" in missing.output
    listed = json.loads(run("subscriptions", "--json"))
    assert [s["name"] for s in listed] == ["eu:3A001 everywhere"] and listed[0]["alerts"] == 0
    assert json.loads(run("alerts", "--pending", "--json")) == {"total": 0, "items": []}
    assert json.loads(run("deliver", "--json"))["attempted"] == 0
    jobs = json.loads(run("jobs", "--json"))
    assert "crawl:us-ecfr-ccl" in {j["id"] for j in jobs["jobs"]} and jobs["runs"] == []
    assert "stopped" in run("unsubscribe", str(made["id"]), "--team", "acme")
    assert json.loads(run("subscriptions", "--json")) == []
