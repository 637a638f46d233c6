"""The embedder interface and batching."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np
import numpy.typing as npt

from exportwatch.errors import ExportWatchError

Vectors = npt.NDArray[np.float32]
Progress = Callable[[int], None]  # called with the number of texts just embedded


class EmbeddingError(ExportWatchError):
    """A model could not be loaded or failed on input (names the model and the file)."""


class Embedder(Protocol):
    name: str  # stable id, part of the cache key: change it when the vectors would change
    dim: int
    languages: frozenset[str]  # ISO 639-1 codes the model was trained for

    def embed(self, texts: Sequence[str]) -> Vectors:
        """One L2-normalised float32 row per text."""
        ...


def normalise_rows(vectors: npt.NDArray[np.floating]) -> Vectors:
    out = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.ascontiguousarray(out / norms, dtype=np.float32)


def embed_batched(embedder: Embedder, texts: Sequence[str], batch_size: int = 32,
                  progress: Progress | None = None) -> Vectors:
    """Embed in batches so a long run reports progress and never holds one huge batch."""
    if not texts:
        return np.zeros((0, embedder.dim), dtype=np.float32)
    parts = []
    for start in range(0, len(texts), batch_size):
        batch = texts[start:start + batch_size]
        parts.append(embedder.embed(batch))
        if progress is not None:
            progress(len(batch))
    return np.concatenate(parts, axis=0)


def verify_sha256(path: Path, expected: str, model: str) -> None:
    """Refuse weights that are not the pinned ones: a changed file means changed vectors, and the
    cache is keyed by model name, so silently different weights would mix two vector spaces."""
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        raise EmbeddingError(f"model {model}: cannot read weights {path}: {exc}") from exc
    if digest != expected:
        raise EmbeddingError(f"model {model}: weights {path} have sha256 {digest}, expected {expected}"
                             " (reinstall the pinned package version)")
