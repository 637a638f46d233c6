"""The 100x synthetic corpus: real entries, copied into made-up jurisdictions, texts recombined.

Copy 0 is the real corpus, unchanged. Copy c (1..copies-1) holds one document per real entry e:

- jurisdiction `{jurisdiction}{c:02d}` (e.g. `eu07`), source `{source}~{c:02d}`, the same code,
  kind, category, status and language, entry id `{jurisdiction}{c:02d}:{code}[@lang]`;
- heading and context of e; text = e's text + " " + the text of another real entry o (chosen
  by a seeded RNG), notes of o: the vocabulary and lengths stay those of real entries, the
  word statistics (document frequencies, co-occurrences) do not simply repeat;
- vector = normalise(v_e + 0.3 v_o + n), n Gaussian with norm about 0.5: near its source entry
  (cosine about 0.85), so the nearest neighbours of a query are copies of the entries that are
  relevant to it, as a larger real corpus would have them.

Deterministic (seeded): both backends index exactly the same documents.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence

import numpy as np

from indexer.base import IndexDoc

MIX = 0.3
NOISE_NORM = 0.5
SEED = 20260901


def synthetic_docs(base: Sequence[IndexDoc], copies: int, seed: int = SEED) -> Iterator[IndexDoc]:
    """`copies` times `base` (copy 0 is `base` itself), as described in the module docstring."""
    yield from base
    if copies <= 1:
        return
    with_vec = [d for d in base if d.vector is not None]
    dim = int(np.asarray(with_vec[0].vector).shape[0]) if with_vec else 0
    matrix = (np.stack([np.asarray(d.vector, dtype=np.float32) for d in with_vec])
              if with_vec else np.zeros((0, 0), np.float32))
    row = {d.entry_id: i for i, d in enumerate(with_vec)}
    rng = np.random.default_rng(seed)
    n = len(base)
    for c in range(1, copies):
        other = rng.integers(0, n, size=n)
        noise = rng.standard_normal((n, max(dim, 1)), dtype=np.float32) * (NOISE_NORM / max(dim, 1) ** 0.5)
        for i, e in enumerate(base):
            o = base[int(other[i])]
            jurisdiction = f"{e.jurisdiction}{c:02d}"
            suffix = e.entry_id[len(f"{e.jurisdiction}:{e.code}"):]
            vector = None
            if e.vector is not None:
                v = matrix[row[e.entry_id]].copy()
                if o.vector is not None:
                    v += MIX * matrix[row[o.entry_id]]
                v += noise[i]
                vector = v / np.linalg.norm(v)
            yield dataclasses.replace(
                e, entry_id=f"{jurisdiction}:{e.code}{suffix}", jurisdiction=jurisdiction,
                source_id=f"{e.source_id}~{c:02d}", text=f"{e.text} {o.text}".strip(),
                notes=o.notes, vector=vector)
