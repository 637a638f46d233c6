"""Extraction throughput on the real US Commerce Control List (Part 774, 2026-09-01, 6,342 entries).

Parses the corpus file with the project's parser, then times on one core:
  1. `extract_many` over every entry text and note (the spaCy pipeline: tokenizer + 4 components);
  2. the `extract` processor on a fresh store (what a new version costs: read, extract, write);
  3. the processor on a second version with the same content (rows reused from the first);
  4. `extract_parameters` called once per text (how change detection calls it).
Run: `.venv/bin/python -m bench.extraction_speed` (writes bench/results/extraction_speed.json).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

from crawlers.registry import Source
from exportwatch.processors import VersionContext
from exportwatch.processors.extract import annotate
from exportwatch.settings import Settings
from indexer.store import Store
from nlp.extract import extract_many, extract_parameters
from nlp.extract.pipeline import nlp_for
from nlp.model import ParsedDocument
from nlp.parse import Bundle, FetchedFile
from nlp.parse.ecfr_xml import parse

HERE = Path(__file__).resolve().parent
DATE = "2026-09-01"
FILE = f"raw/us-ear-ecfr-xml-2026-09-01-caddy/title-15-part-774-{DATE}.xml"
URL = f"https://www.ecfr.gov/api/versioner/v1/full/{DATE}/title-15.xml?part=774"


def load(corpus: Path) -> ParsedDocument:
    content = (corpus / FILE).read_bytes()
    bundle = Bundle(source_id="us-ecfr-ccl", jurisdiction="us", requested_date=dt.date.fromisoformat(DATE),
                    files=(FetchedFile(url=URL, content=content, media_type="application/xml"),))
    return parse(bundle)


CPU: dict[str, float] = {}  # CPU seconds of the last `timed` call: on a shared machine wall time waits too


def timed(fn: Any, *args: Any, **kwargs: Any) -> tuple[Any, float]:
    start, cpu = time.perf_counter(), time.process_time()
    out = fn(*args, **kwargs)
    CPU["last"] = time.process_time() - cpu
    return out, time.perf_counter() - start


def processor_runs(doc: ParsedDocument) -> dict[str, float]:
    """Seconds for the processor on a new version, then on an identical next version."""
    with tempfile.TemporaryDirectory() as home:
        store = Store(Path(home) / "store.sqlite")
        source = cast(Source, SimpleNamespace(id="us-ecfr-ccl"))
        seconds = {}
        for n, label in enumerate(("new_version_s", "unchanged_next_version_s")):
            crawl = store.begin_crawl(source.id)
            later = replace(doc, version_date=doc.version_date + dt.timedelta(days=n)) if n else doc
            store.add_version(source_id=source.id, jurisdiction="us", primary_language="en",
                              bundle_sha256=f"bench-{n}", crawl_id=crawl, doc=later, files=[])
            version = store.versions(source.id)[-1]
            ctx = VersionContext(store, cast(Any, None), cast(Settings, None), source, version)
            (extracted, reused), seconds[label] = timed(annotate, ctx)
            seconds[label.replace("_s", "_cpu_s")] = CPU["last"]
            seconds[label.replace("_s", "_extracted")] = extracted
            seconds[label.replace("_s", "_reused")] = reused
        store.close()
        return seconds


def main() -> None:
    corpus = Settings.from_env().corpus
    doc, parse_s = timed(load, corpus)
    texts = [t for e in doc.entries for t in (e.text, *(n.text for n in e.notes))]
    nlp = nlp_for("en")
    extract_many(texts[:200])  # warm up: build the pipeline, compile the rules
    tokens = sum(len(nlp.make_doc(t)) for t in texts)
    chars = sum(len(t) for t in texts)
    found, pipeline_s = timed(extract_many, texts)
    pipeline_cpu = CPU["last"]
    _, per_call_s = timed(lambda: [extract_parameters(t) for t in texts])
    result = {
        "document": FILE, "entries": len(doc.entries), "texts": len(texts), "tokens": tokens, "chars": chars,
        "parse_s": round(parse_s, 2),
        "pipeline_s": round(pipeline_s, 2),
        "pipeline_cpu_s": round(pipeline_cpu, 2),
        "entries_per_cpu_s": round(len(doc.entries) / pipeline_cpu),
        "tokens_per_cpu_s": round(tokens / pipeline_cpu),
        "parameters": sum(len(x.parameters) for x in found),
        "references": sum(len(x.references) for x in found),
        "extract_parameters_per_call_s": round(per_call_s, 2),
        **{k: round(v, 2) if isinstance(v, float) else v for k, v in processor_runs(doc).items()},
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "threads_used": 1,
                    "load_average_1min": round(os.getloadavg()[0], 1)},
    }
    out = HERE / "results" / "extraction_speed.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
