"""Alert benchmark: from the end of an ingest to delivered webhooks, and matching time.

    .venv/bin/python -m bench.alerts_bench [--store PATH] [--no-es] [--out bench/results/alerts.json]

On a copy of a store holding the real us-ecfr-ccl versions of 2026-06-25 and 2026-09-01 (the
demo store; its change set is computed if missing):

1. end to end, 1,000 subscriptions, each with its own webhook channel to a local receiver on
   loopback (signature verified): from the moment the version's processors start matching (the
   end of ingest) to each message's arrival; p50/p95 over messages, one sequential deliverer;
2. matching time alone (every subscription against the change set, no writes) for 1,000 and
   10,000 subscriptions, on the embedded backend and on a real Elasticsearch node (started with
   scripts/elasticsearch.sh, bounded waits, stopped after).

Subscriptions are a seeded mix modelled on what users ask for: 40% codes or code prefixes (half
of them "everywhere", across EU/US/Wassenaar notations), 30% saved searches (1-3 words drawn from
the list's headings: mostly distinct queries), 20% whole sources or jurisdictions, 10% terms.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from alerts import subscriptions as subs
from alerts.config import AlertSettings
from alerts.deliver import deliver
from alerts.matching import match_changes
from alerts.model import new_webhook_secret
from alerts.pipeline import change_sets_of, changes_of, match_version
from alerts.receiver import WebhookReceiver
from alerts.search_match import BackendFactory, elastic_scratch, embedded_scratch
from exportwatch import accounts
from exportwatch.processors.changes import detect_changes
from indexer.store import Store

SOURCE = "us-ecfr-ccl"
DATES = ("2026-06-25", "2026-09-01")


def prepare(store_path: Path, workdir: Path) -> Store:
    shutil.copy(store_path, workdir / "store.sqlite")
    store = Store(workdir / "store.sqlite")
    versions = [v for v in store.versions(SOURCE) if v.version_date.isoformat() in DATES]
    if len(versions) != 2:
        sys.exit(f"{store_path}: needs the {SOURCE} versions of {' and '.join(DATES)} (make demo)")
    for old in subs.list_subscriptions(store):  # a copy: the store's own subscriptions stay out of the figures
        subs.delete(store, old.id)
    if not change_sets_of(store, SOURCE, versions[1].id):
        print(f"computing the {SOURCE} change set ...", file=sys.stderr)
        detect_changes(store, SOURCE, versions[1])
    return store


def words_of(store: Store) -> tuple[list[str], list[str]]:
    version = store.current_version(SOURCE)
    assert version is not None
    entries = store.entries(version.id)
    codes = sorted({e.code for e in entries if e.kind in ("entry", "item") and e.code[:1].isdigit()})
    vocab = sorted({w.lower().strip(",.;:()\"'“”") for e in entries for w in e.heading.split()
                    if len(w) > 4 and w.isalpha()})
    return codes, vocab


def make_specs(n: int, codes: list[str], vocab: list[str], seed: int = 7) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    terms = ["technology", "development", "production", "use", "software", "laser", "spacecraft", "missile",
             "composite", "accuracy", "superalloy", "sensor"]
    out = []
    for i in range(n):
        roll = rng.random()
        if roll < 0.4:
            code = rng.choice(codes)
            depth = rng.choice([1, 1, 2, 3])
            prefix = ".".join(code.split(".")[:depth])
            jurisdiction = rng.choice(["us", "us", "eu"])
            spec: dict[str, Any] = {"kind": "code", "jurisdiction": jurisdiction, "codes": [prefix],
                                    "include_equivalents": rng.random() < 0.5}
        elif roll < 0.7:
            spec = {"kind": "search", "query": " ".join(rng.sample(vocab, rng.choice([1, 2, 2, 3])))}
        elif roll < 0.9:
            spec = rng.choice([{"kind": "source", "sources": [SOURCE]}, {"kind": "source", "jurisdictions": ["us"]},
                               {"kind": "source", "jurisdictions": ["eu"]}])
        else:
            spec = {"kind": "term", "term": rng.choice(terms)}
        out.append({"name": f"bench {i}", "spec": spec})
    return out


def create(store: Store, specs: list[dict[str, Any]], channel: dict[str, Any], settings: AlertSettings
           ) -> list[subs.Subscription]:
    team = accounts.create_team(store, f"bench-{time.time_ns()}").id
    made = []
    for spec in specs:
        made.append(subs.create(store, team, subs.parse_input({**spec, "channels": [channel]}), settings))
    return made


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def end_to_end(store: Store, n: int, codes: list[str], vocab: list[str]) -> dict[str, Any]:
    settings = AlertSettings(allow_private=True)
    secret = new_webhook_secret()
    with WebhookReceiver(secret) as receiver:
        create(store, make_specs(n, codes, vocab), {"kind": "webhook", "url": receiver.url, "secret": secret},
               settings)
        version = store.versions(SOURCE)[-1]
        t0 = time.monotonic()
        outcomes = match_version(store, SOURCE, version.id, factory=embedded_scratch, settings=settings,
                                 source_names={SOURCE: "US CCL"})
        matched = time.monotonic()
        report = deliver(store, settings)
        done = time.monotonic()
        latencies = [r.at - t0 for r in receiver.state.received]
        assert report.failed == 0, report.errors[:3]
        assert len(latencies) == report.delivered
    return {
        "subscriptions": n, "changes": outcomes[0].changes, "alerts": outcomes[0].new_alerts,
        "messages_delivered": report.delivered, "match_and_queue_s": round(matched - t0, 2),
        "delivery_s": round(done - matched, 2),
        "latency_p50_s": round(pct(latencies, 0.5), 2), "latency_p95_s": round(pct(latencies, 0.95), 2),
        "latency_max_s": round(max(latencies), 2),
        "delivery_rate_per_s": round(report.delivered / max(done - matched, 1e-9), 1),
    }


def matching_time(store: Store, n: int, codes: list[str], vocab: list[str], factory: BackendFactory,
                  repeats: int = 3) -> dict[str, Any]:
    settings = AlertSettings()
    made = create(store, make_specs(n, codes, vocab, seed=11 + n), {"kind": "feed"}, settings)
    version = store.versions(SOURCE)[-1]
    cs = change_sets_of(store, SOURCE, version.id)[0]
    changes = changes_of(store, cs)
    times, found = [], 0
    for _ in range(repeats):
        t0 = time.monotonic()
        found = len(match_changes(changes, made, backend_factory=factory, store=store))
        times.append(time.monotonic() - t0)
    searches = {json.dumps(s.spec.model_dump(), sort_keys=True) for s in made if s.kind == "search"}
    for sub in made:
        subs.delete(store, sub.id)
    return {"subscriptions": n, "changes": len(changes), "distinct_searches": len(searches), "matches": found,
            "median_s": round(statistics.median(times), 2), "runs_s": [round(t, 2) for t in times]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    home = Path(os.environ.get("EXPORTWATCH_HOME", "var"))
    parser.add_argument("--store", type=Path, default=home / "store.sqlite")
    parser.add_argument("--no-es", action="store_true", help="skip the Elasticsearch figures")
    parser.add_argument("--out", type=Path, default=Path("bench/results/alerts.json"))
    args = parser.parse_args()
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="ew-alerts-bench-") as tmp:
        store = prepare(args.store, Path(tmp))
        codes, vocab = words_of(store)
        results["end_to_end_1000"] = end_to_end(store, 1000, codes, vocab)
        print(json.dumps(results["end_to_end_1000"]), file=sys.stderr)
        results["matching_embedded"] = [matching_time(store, n, codes, vocab, embedded_scratch) for n in (1000, 10000)]
        print(json.dumps(results["matching_embedded"]), file=sys.stderr)
        if not args.no_es:
            from bench.esnode import Node

            node = Node(heap="1g")
            t0 = time.monotonic()
            node.start()
            results["es_start_s"] = round(time.monotonic() - t0, 1)
            try:
                def es() -> Any:
                    return elastic_scratch(node.url, "ewbench-")

                results["matching_elasticsearch"] = [matching_time(store, n, codes, vocab, es) for n in (1000, 10000)]
            finally:
                node.stop()
        store.close()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
