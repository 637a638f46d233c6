-- Embedding cache: one float32 vector per (model, sha256 of the exact text embedded). Entries are
-- append-only and texts rarely change between versions, so most vectors are computed once.
-- Derived data, not history: it may be deleted and is rebuilt on demand.
CREATE TABLE IF NOT EXISTS embeddings (
    model       TEXT NOT NULL,
    text_sha256 TEXT NOT NULL,
    dim         INTEGER NOT NULL,
    vector      BLOB NOT NULL,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (model, text_sha256)
);
