"""The search benchmark's results as Markdown tables (bench/results/search.md)."""

from __future__ import annotations

from typing import Any

from indexer.fusion import BM25_WEIGHT, RRF_K, SEMANTIC_WEIGHT


def markdown(result: dict[str, Any]) -> str:
    search = result["search"]
    lines = [
        "# Search benchmark", "",
        f"Machine: {result['machine']['cpus']} CPUs, Python {result['machine']['python']}, "
        f"load average at start {_load(result['machine'].get('load_average_at_start'))}, at end "
        f"{_load(search.get('load_average_at_end'))} (a shared machine: latencies are noisy).",
        f"Store: `{result.get('search_store')}`. Vectors: {search['vectors']}. "
        f"Latency: {search['queries']} queries x {search['reps']} runs per mode (after one "
        "warm-up run), 10 hits, filters none.", "",
        "Method (bench/search.py): each backend and scale in its own process (its peak RSS is "
        "its own), indexing through `rebuild` (the `exportwatch reindex` path: one transaction / a "
        "new Elasticsearch index and the alias swap); Elasticsearch on a node started per scale by "
        "scripts/elasticsearch.sh (loopback, purged after), so the node's peak RSS (VmHWM: heap, "
        "off-heap and mapped index pages) is that scale's. Synthetic scale (bench/synthetic.py): "
        "copy 0 is the real corpus; copy c puts every real entry in a made-up jurisdiction "
        "(`eu07`), text = its text + the text of another random entry, vector = normalise(v + "
        "0.3 v_other + Gaussian noise of norm 0.5) (cosine ~0.85 to the original): the nearest "
        "neighbours of a query are copies of the entries relevant to it, with many near-ties. "
        "kNN recall@10 compares the semantic top 10 with the exact top 10 (numpy over all "
        "vectors).", "",
        "| scale | backend | docs | index docs/s | bm25 p50 / p95 ms | semantic p50 / p95 ms | "
        "hybrid p50 / p95 ms | kNN recall@10 vs exact | bench process peak RSS MB | "
        "ES node peak RSS MB |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in search["results"]:
        lat = r["latency_ms"]
        cells = [f"{r['scale']}x", r["backend"], f"{r['docs']:,}", f"{r['docs_per_s']:,}",
                 *(f"{lat[m]['p50']} / {lat[m]['p95']}" for m in ("bm25", "semantic", "hybrid")),
                 str(r.get("knn_recall_at_10", "exact" if r["backend"] == "embedded" else "-")),
                 str(r["peak_rss_mb"]),
                 f"{r['node_peak_rss_mb']} (heap {r['node_heap']})" if r.get("node_peak_rss_mb")
                 else "-"]
        lines.append("| " + " | ".join(cells) + " |")
    rel = {r["backend"]: r["relevance"] for r in search["results"] if r.get("relevance")}
    if rel:
        backends = list(rel)
        lines += ["", "## Relevance: recall@10 on bench/relevance/queries.yml", "",
                  "| mode | " + " | ".join(backends) + " |",
                  "|---|" + "---|" * len(backends)]
        shipped = f"hybrid (shipped: RRF k={RRF_K}, weights {BM25_WEIGHT}/{SEMANTIC_WEIGHT})"
        for mode, label in (("bm25", "bm25"), ("semantic", "semantic"), ("hybrid", shipped)):
            lines.append(f"| {label} | " + " | ".join(_recall(rel[b], mode) for b in backends)
                         + " |")
        variants = sorted({k for r in rel.values() for k in r.get("variants", {})})
        best = max(variants, key=lambda v: sum(rel[b]["variants"].get(v, 0) for b in backends),
                   default=None)
        if best:
            lines.append(f"| hybrid, best RRF variant tried ({best}) | "
                         + " | ".join(str(rel[b]["variants"].get(best, "-")) for b in backends)
                         + " |")
        lines += ["", "Per query (embedded; bm25 / semantic / hybrid):", ""]
        first = rel[backends[0]]
        for q, v in first["bm25"]["per_query"].items():
            sem = first.get("semantic", {}).get("per_query", {}).get(q, "-")
            hyb = first.get("hybrid", {}).get("per_query", {}).get(q, "-")
            lines.append(f"- {q}: {v} / {sem} / {hyb}")
    return "\n".join(lines) + "\n"


def _recall(rel: dict[str, Any], mode: str) -> str:
    return str(rel[mode]["recall_at_10"]) if mode in rel else "not measured"


def _load(avg: Any) -> str:
    return "/".join(f"{x:.1f}" for x in avg) if avg else "?"
