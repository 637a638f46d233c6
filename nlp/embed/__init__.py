"""Sentence embeddings behind one interface (`Embedder`), a registry of the bundled models, and
batching with progress. Models load from files installed with their Python packages: nothing is
downloaded at run time (HF_HUB_OFFLINE is set before any Hugging Face library is imported)."""
