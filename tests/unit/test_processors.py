"""Post-version processors run once per version, in order; failures become warnings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import exportwatch.processors as procs
from crawlers.registry import Source
from exportwatch.errors import ExportWatchError
from exportwatch.processors import Processor, VersionContext, run_processors
from exportwatch.settings import Settings
from indexer.embedded import EmbeddedBackend
from indexer.store import Store
from nlp.model import ParsedDocument, ParsedEntry

SOURCE = Source.model_validate({"id": "src", "name": "S", "jurisdiction": "eu", "format": "eurlex-pdf",
                                "documents": [{"url": "https://x.test/a.pdf"}],
                                "expected_entries": {"min": 1, "max": 10}})


def test_processors_run_once_in_order_and_failures_are_warnings(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    def ok(ctx: VersionContext) -> list[str]:
        calls.append(f"ok:{ctx.version.version_date}:{ctx.previous.version_date if ctx.previous else None}")
        return ["minor"]

    def broken(ctx: VersionContext) -> list[str]:
        calls.append("broken")
        raise ExportWatchError("model missing")

    monkeypatch.setattr(procs, "processors", lambda: [Processor("first", 10, ok), Processor("second", 20, broken)])
    with Store(tmp_path / "s.sqlite") as store:
        crawl = store.begin_crawl("src")
        entry = ParsedEntry(code="1A001", parent=None, path=("1A001",), kind="entry", heading="h", text="t",
                            language="en")
        ids = [store.add_version(source_id="src", jurisdiction="eu", primary_language="en", bundle_sha256=f"b{d}",
                                 crawl_id=crawl, files=[],
                                 doc=ParsedDocument(dt.date(2020 + d, 1, 1), "T", (entry,))) for d in (0, 1)]
        settings = Settings.from_env({"EXPORTWATCH_HOME": str(tmp_path)})
        backend = EmbeddedBackend(tmp_path / "search.sqlite")
        later = next(v for v in store.versions("src") if v.id == ids[1])
        ctx = VersionContext(store, backend, settings, SOURCE, later)
        warnings = run_processors(ctx)
        assert calls == ["ok:2021-01-01:2020-01-01", "broken"]
        assert warnings == ["first: minor", "second failed: model missing"]
        # Done processors are skipped; failed ones are retried.
        calls.clear()
        run_processors(ctx)
        assert calls == ["broken"]
        calls.clear()
        run_processors(ctx, force=True, only={"first"})
        assert calls == ["ok:2021-01-01:2020-01-01"]
        backend.close()
