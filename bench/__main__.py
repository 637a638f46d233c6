"""`make bench`: parse times per source version on the real corpus, and embedded search
indexing rate and latency. One run on this machine; medians, p95. Writes bench/results/latest.json.

Reads corpus files directly (through the mirror config's file list): a benchmark of the parsers,
not of the crawl. The crawl path is timed by `exportwatch demo`.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from crawlers.mirror import load_catalog
from crawlers.registry import load_sources
from exportwatch.settings import Settings
from indexer.base import SearchQuery
from indexer.embedded import EmbeddedBackend
from indexer.project import project_source
from indexer.store import Store
from nlp.parse import Bundle, FetchedFile, get_parser

RUNS = 3
HERE = Path(__file__).resolve().parent


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def bench_parsers(settings: Settings, store: Store) -> list[dict[str, Any]]:
    sources = load_sources(settings.sources_file)
    catalog = load_catalog(settings.mirror_config, settings.corpus, sources)
    rows = []
    for source in sources:
        for version in catalog.sources[source.id].versions:
            lang = {d.url: d.language for d in source.documents}
            files = tuple(FetchedFile(f.url.replace("{date}", version.date.isoformat()), f.path.read_bytes(),
                                      language=lang.get(f.url, "en")) for f in version.files)
            if source.id == "eu-annex-i":  # the ALL page offers every consolidation; the spider takes the latest
                files = (max(files, key=lambda f: f.url),)
            bundle = Bundle(source.id, source.jurisdiction, files, requested_date=version.date)
            parse = get_parser(source.format)
            times = []
            for _ in range(RUNS):
                t = time.perf_counter()
                doc = parse(bundle)
                times.append(time.perf_counter() - t)
            crawl = store.begin_crawl(source.id)
            store.add_version(source_id=source.id, jurisdiction=source.jurisdiction,
                              primary_language=source.languages[0], bundle_sha256=f"bench-{version.date}",
                              crawl_id=crawl, doc=doc, files=[])
            rows.append({"source": source.id, "version": version.date.isoformat(), "entries": len(doc.entries),
                         "warnings": len(doc.warnings), "bytes": sum(len(f.content) for f in files),
                         "parse_s_median": round(statistics.median(times), 3)})
            print(f"  parsed {source.id} {version.date}: {len(doc.entries)} entries, "
                  f"{statistics.median(times):.2f} s", file=sys.stderr)
    return rows


def bench_search(settings: Settings, store: Store) -> dict[str, Any]:
    backend = EmbeddedBackend(settings.search_path)
    t = time.perf_counter()
    indexed = sum(project_source(store, backend, s.id, s.jurisdiction) for s in load_sources(settings.sources_file))
    index_s = time.perf_counter() - t
    queries = [q for q in (HERE / "queries.txt").read_text().splitlines() if q and not q.startswith("#")]
    latencies = []
    for _ in range(5):
        for q in queries:
            t = time.perf_counter()
            backend.search(SearchQuery(q, limit=10))
            latencies.append((time.perf_counter() - t) * 1000)
    backend.close()
    return {"indexed_docs": indexed, "index_docs_per_s": round(indexed / index_s), "queries": len(queries),
            "searches": len(latencies), "latency_ms_p50": round(percentile(latencies, 0.5), 2),
            "latency_ms_p95": round(percentile(latencies, 0.95), 2)}


def main() -> None:
    base = Settings.from_env()
    with tempfile.TemporaryDirectory(prefix="exportwatch-bench-") as home:
        settings = Settings.from_env({"EXPORTWATCH_HOME": home, "EXPORTWATCH_CORPUS": str(base.corpus)})
        with Store(settings.store_path) as store:
            parse_rows = bench_parsers(settings, store)
            search = bench_search(settings, store)
    result = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                          "platform": platform.platform()},
              "parse": parse_rows, "search_embedded": search}
    out = HERE / "results" / "latest.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"{'source':<14}{'version':<12}{'entries':>8}{'warn':>6}{'MB':>7}{'parse s':>9}")
    for r in parse_rows:
        print(f"{r['source']:<14}{r['version']:<12}{r['entries']:>8}{r['warnings']:>6}"
              f"{r['bytes'] / 1e6:>7.2f}{r['parse_s_median']:>9.2f}")
    print(f"search (embedded): {search}")
    print(f"written to {out}")


if __name__ == "__main__":
    main()
