"""Matching quality benchmark: public evaluation sets built from ../shared/corpus (codes masked),
accuracy@1, recall@5 and MRR for TF-IDF, BM25, embeddings alone and `exportwatch match`.
Run: `python -m bench.matching` (writes bench/matching/RESULTS.md and results.json)."""
