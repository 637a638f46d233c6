"""Nearest-neighbour search for the embedded backend: numpy over a memory-mapped matrix.

The vectors live in the search database (float32 BLOBs, the truth). Searching them row by row
from SQLite would take seconds, so each state of the database (a token changed by every write)
gets a cache directory beside it, built on first use and memory-mapped by every later process:

    search.sqlite.vectors/<token>.v3/matrix.npy   N x dim float32, L2-normalised rows
                                  bits.npy     (dim/64) x N uint64: sign bits of the centred rows
                                  rowids.npy   N int64, ascending (the docs rowids)
                                  fields.npy   len(FIELDS) x N int32: codes of the filter fields
                                  meta.json    dim, vocabularies of the fields, token

Up to EXACT_MAX_FLOATS (N x dim) the search is exact: one matrix-vector product. Above, a scan of
the sign bits (Hamming distance, 1/32 of the bytes) picks candidates that are then scored exactly.
Measured in bench/ at 100x the corpus: recall of the exact top 10 and the latency are reported.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from exportwatch.errors import QueryError, SearchError

CACHE_FORMAT = 3  # 3: change_kind added to FIELDS
# Filterable fields, as docs columns; "model" is the embedding model of the row's vector.
FIELDS = ("jurisdiction", "source_id", "language", "kind", "category", "status", "change_kind",
          "model")
# Up to 12M floats (48 MB: 23k entries of 512 dimensions) the exact scan takes ~15 ms on one busy
# core; beyond, the bit scan reads 1/32 of the bytes (measured in bench/ at 100x the corpus).
EXACT_MAX_FLOATS = 12_000_000
# Candidates the bit scan passes to exact scoring, per result wanted (and at least MIN_CANDIDATES).
CANDIDATES_PER_RESULT = 40
MIN_CANDIDATES = 4000

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float32]


@dataclass
class VectorCache:
    token: str
    dim: int
    rowids: IntArray
    matrix: FloatArray
    bits: npt.NDArray[np.uint64]
    mean: FloatArray
    fields: npt.NDArray[np.int32]
    vocab: dict[str, list[str]]

    @property
    def size(self) -> int:
        return int(self.rowids.shape[0])

    def mask(self, filters: dict[str, list[str]]) -> npt.NDArray[np.bool_] | None:
        """Rows whose field values are among the filter's (case-insensitive); None: all rows."""
        mask: npt.NDArray[np.bool_] | None = None
        for name, values in filters.items():
            if not values:
                continue
            wanted = {v.lower() for v in values}
            codes = [i for i, v in enumerate(self.vocab[name]) if v.lower() in wanted]
            if len(codes) == len(self.vocab[name]):
                continue  # every row passes (e.g. the one embedding model of the index)
            col = self.fields[FIELDS.index(name)]
            m = np.isin(col, np.asarray(codes, dtype=np.int32))
            mask = m if mask is None else mask & m
        return mask

    def rows_in(self, rowids: IntArray) -> npt.NDArray[np.bool_]:
        """Mask of the rows whose rowid is in `rowids`."""
        return np.isin(self.rowids, rowids, assume_unique=True)

    def nearest(self, query: FloatArray, mask: npt.NDArray[np.bool_] | None, k: int
                ) -> tuple[IntArray, FloatArray]:
        """The (up to) k allowed rows nearest to `query`: rowids and cosine similarities, best
        first (ties in any order: the caller orders ties by entry id)."""
        if query.shape != (self.dim,):
            raise QueryError(f"the query vector has {query.shape[0]} dimensions; the index holds "
                             f"vectors of {self.dim}: embed the query with the index's model")
        if mask is None:
            allowed: IntArray | None = None
            n = self.size
        else:
            allowed = np.flatnonzero(mask)
            n = int(allowed.shape[0])
        if n == 0 or k <= 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        if n * self.dim <= EXACT_MAX_FLOATS:
            if allowed is None:
                idx = np.arange(self.size)
                scores = _dot(self.matrix, query)
            elif n * 4 < self.size:  # few rows: gather them rather than score all
                idx = allowed
                scores = _dot(self.matrix[allowed], query)
            else:
                idx = allowed
                scores = _dot(self.matrix, query)[allowed]
        else:
            idx = self._candidates(query, mask, max(MIN_CANDIDATES, CANDIDATES_PER_RESULT * k))
            idx.sort()  # ascending rows: sequential reads of the memory-mapped matrix
            scores = _dot(self.matrix[idx], query)
        k = min(k, int(idx.shape[0]))
        top = np.argpartition(-scores, k - 1)[:k] if k < scores.shape[0] else np.arange(k)
        top = top[np.argsort(-scores[top], kind="stable")]
        return self.rowids[idx[top]], scores[top].astype(np.float32)

    def _candidates(self, query: FloatArray, mask: npt.NDArray[np.bool_] | None, c: int
                    ) -> IntArray:
        qbits = sign_words((query - self.mean)[None, :])[0]
        # Word by word over a column-major layout: contiguous reads, no N x words temporary.
        dist = np.bitwise_count(self.bits[0] ^ qbits[0]).astype(np.uint16)
        for w in range(1, self.bits.shape[0]):
            dist += np.bitwise_count(self.bits[w] ^ qbits[w])
        if mask is not None:
            dist[~mask] = np.iinfo(np.uint16).max
            c = min(c, int(mask.sum()))
        c = min(c, self.size)
        if c < self.size:
            return np.argpartition(dist, c - 1)[:c].astype(np.int64)
        return np.arange(self.size, dtype=np.int64)


def _dot(matrix: FloatArray, query: FloatArray) -> FloatArray:
    """matrix @ query, single-threaded: a matrix-vector product is bound by memory bandwidth,
    and OpenBLAS's thread pool made it 50-100x slower on a busy shared machine (measured)."""
    out: FloatArray = np.einsum("ij,j->i", matrix, query)
    return out


def sign_words(rows: FloatArray) -> npt.NDArray[np.uint64]:
    """The sign bits of each row, packed into 64-bit words (zero-padded)."""
    packed = np.packbits(rows > 0, axis=1)
    pad = -packed.shape[1] % 8
    if pad:
        packed = np.pad(packed, ((0, 0), (0, pad)))
    return np.ascontiguousarray(packed).view(np.uint64)


def cache_root(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".vectors")


def load_or_build(db: sqlite3.Connection, db_path: Path, token: str) -> VectorCache | None:
    """The cache of the database state `token` (None if no row has a vector)."""
    root = cache_root(db_path)
    final = root / _dirname(token)
    if (final / "meta.json").is_file():
        return None if _is_empty(final) else _load(final)
    return _load(final) if _build(db, root, token) else None


def _dirname(token: str) -> str:
    # The layout version is part of the name: a cache written by another release is not read.
    return f"{token}.v{CACHE_FORMAT}"


def _load(directory: Path) -> VectorCache:
    try:
        meta = json.loads((directory / "meta.json").read_text(encoding="utf-8"))
        return VectorCache(
            token=meta["token"], dim=int(meta["dim"]),
            rowids=np.load(directory / "rowids.npy"),
            matrix=np.load(directory / "matrix.npy", mmap_mode="r"),
            bits=np.load(directory / "bits.npy", mmap_mode="r"),
            mean=np.load(directory / "mean.npy"),
            fields=np.load(directory / "fields.npy", mmap_mode="r"),
            vocab=meta["vocab"],
        )
    except (OSError, ValueError, KeyError) as exc:
        raise SearchError(f"cannot read the vector cache {directory}: {exc}; delete the "
                          "directory and search again (it is rebuilt)") from exc


def _is_empty(directory: Path) -> bool:
    meta = directory / "meta.json"
    try:
        return bool(json.loads(meta.read_text(encoding="utf-8")).get("empty"))
    except (OSError, ValueError):
        return False


def _build(db: sqlite3.Connection, root: Path, token: str) -> bool:
    """Write the cache of the current database state. Returns False if there are no vectors."""
    root.mkdir(parents=True, exist_ok=True)
    tmp = root / f".tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    tmp.mkdir()
    try:
        has_vectors = _write(db, tmp, token)
        try:
            tmp.rename(root / _dirname(token))
        except OSError:
            # Another process published the same state first: theirs is as good as ours.
            shutil.rmtree(tmp, ignore_errors=True)
        for old in root.iterdir():  # earlier states: no reader opens them again
            if old.name != _dirname(token) and not old.name.startswith(".tmp-"):
                shutil.rmtree(old, ignore_errors=True)
        return has_vectors
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _write(db: sqlite3.Connection, out: Path, token: str) -> bool:
    cols = ", ".join(f"d.{f}" if f != "model" else "v.model" for f in FIELDS)
    # One read transaction: the token and the rows are of the same database state.
    db.execute("BEGIN")
    try:
        current = db.execute("SELECT value FROM meta WHERE key='token'").fetchone()
        if current is None or current[0] != token:
            raise SearchError("the search index changed while its vector cache was being built; "
                              "search again")
        n, dim = db.execute("SELECT count(*), max(v.dim) FROM vectors v").fetchone()
        if not n:
            (out / "meta.json").write_text(json.dumps({"token": token, "empty": True}))
            return False
        matrix = np.lib.format.open_memmap(out / "matrix.npy", mode="w+", dtype=np.float32,
                                           shape=(n, dim))
        rowids = np.empty(n, dtype=np.int64)
        fields = np.empty((len(FIELDS), n), dtype=np.int32)  # a contiguous row per field
        vocab: list[dict[str, int]] = [{} for _ in FIELDS]
        i = 0
        rows = db.execute(f"SELECT v.rowid, v.vec, {cols} FROM vectors v JOIN docs d"
                          " ON d.rowid = v.rowid ORDER BY v.rowid")
        while batch := rows.fetchmany(4096):
            m = len(batch)
            rowids[i:i + m] = [r[0] for r in batch]
            matrix[i:i + m] = np.frombuffer(b"".join(r[1] for r in batch),
                                            dtype=np.float32).reshape(m, dim)
            for j, vocab_j in enumerate(vocab):
                fields[j, i:i + m] = [vocab_j.setdefault(r[2 + j], len(vocab_j)) for r in batch]
            i += m
    finally:
        db.execute("COMMIT")
    mean = np.asarray(matrix.mean(axis=0, dtype=np.float64), dtype=np.float32)
    words = (dim + 63) // 64
    bits = np.lib.format.open_memmap(out / "bits.npy", mode="w+", dtype=np.uint64,
                                     shape=(words, n))
    for start in range(0, n, 65536):
        chunk = sign_words(matrix[start:start + 65536] - mean)
        bits[:, start:start + chunk.shape[0]] = chunk.T
    matrix.flush()
    bits.flush()
    np.save(out / "rowids.npy", rowids)
    np.save(out / "fields.npy", fields)
    np.save(out / "mean.npy", mean)
    meta: dict[str, Any] = {"token": token, "dim": int(dim),
                            "vocab": {f: list(v) for f, v in zip(FIELDS, vocab, strict=True)}}
    (out / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    return True
