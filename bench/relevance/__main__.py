"""`python -m bench.relevance [--store PATH] [--es-url URL]`: recall@10 of bm25, semantic and
hybrid on queries.yml, quickly (no latency runs): indexes the store's current versions into a
temporary embedded index (and, with --es-url, into a temporary index on that node), with the
embeddings cached in the store. Queries without a cached vector are embedded now."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import uuid
from pathlib import Path

import numpy as np

from bench.relevance import fusion_variants, load_queries, ranked_lists, score
from bench.search import corpus_docs
from exportwatch.settings import Settings
from indexer.base import SearchBackend, Vector
from indexer.embedded import EmbeddedBackend
from indexer.entry_vectors import SEARCH_MODEL, embed_query
from indexer.store import Store


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.relevance")
    parser.add_argument("--store", type=Path, default=Settings.from_env().store_path)
    parser.add_argument("--es-url", help="also score an Elasticsearch node at this URL")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    docs = corpus_docs(args.store, "embeddings")
    with_vectors = sum(d.vector is not None for d in docs)
    print(f"{len(docs)} entries, {with_vectors} with a cached {SEARCH_MODEL} vector",
          file=sys.stderr)
    queries = load_queries()
    vectors: dict[str, Vector] = {}
    if with_vectors:
        with Store(args.store) as store:
            vectors = {q.text: np.asarray(embed_query(store, q.text)[1]) for q in queries}
    results = {}
    with tempfile.TemporaryDirectory(prefix="exportwatch-relevance-") as tmp:
        backends: list[SearchBackend] = [EmbeddedBackend(Path(tmp) / "search.sqlite")]
        if args.es_url:
            from indexer.elastic import ElasticBackend

            backends.append(ElasticBackend(args.es_url, f"relevance-{uuid.uuid4().hex[:6]}-"))
        for backend in backends:
            try:
                backend.rebuild({"all": docs})
                lists = ranked_lists(backend, queries, vectors, SEARCH_MODEL)
                results[backend.name] = {
                    **score(queries, lists),
                    "variants": fusion_variants(backend, queries, vectors, SEARCH_MODEL)}
            finally:
                if hasattr(backend, "delete_all"):
                    backend.delete_all()
                backend.close()
    if args.json:
        print(json.dumps(results, indent=2))
        return
    for name, res in results.items():
        print(f"== {name}")
        for mode in ("bm25", "semantic", "hybrid"):
            if mode in res:
                print(f"  {mode:<9} recall@10 {res[mode]['recall_at_10']}")
        for key, value in sorted(res["variants"].items(), key=lambda kv: kv[1])[-3:]:
            print(f"  {key:<20} {value}")
        for q in queries:
            row = [res[m]["per_query"].get(q.text, "-") for m in ("bm25", "semantic", "hybrid")
                   if m in res]
            print(f"    {q.text:<40} {row}")


if __name__ == "__main__":
    main()
