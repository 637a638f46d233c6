-- Store of record. Snapshots, versions and entries are append-only: triggers refuse to rewrite them.
PRAGMA foreign_keys = ON;

CREATE TABLE IF NOT EXISTS snapshots (
    sha256      TEXT PRIMARY KEY,
    size        INTEGER NOT NULL,
    content     BLOB NOT NULL,
    first_seen  TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS crawls (
    id          INTEGER PRIMARY KEY,
    source_id   TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    status      TEXT NOT NULL CHECK (status IN ('running', 'new-version', 'unchanged', 'failed')),
    version_id  INTEGER REFERENCES versions(id),
    message     TEXT,
    warnings    TEXT NOT NULL DEFAULT '[]',
    stats       TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS crawls_source ON crawls(source_id, id);

CREATE TABLE IF NOT EXISTS fetches (
    id          INTEGER PRIMARY KEY,
    crawl_id    INTEGER NOT NULL REFERENCES crawls(id),
    url         TEXT NOT NULL,
    status      INTEGER NOT NULL,
    fetched_at  TEXT NOT NULL,
    headers     TEXT NOT NULL,
    sha256      TEXT NOT NULL REFERENCES snapshots(sha256),
    size        INTEGER NOT NULL,
    language    TEXT NOT NULL,
    role        TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS versions (
    id            INTEGER PRIMARY KEY,
    source_id     TEXT NOT NULL,
    bundle_sha256 TEXT NOT NULL,
    version_date  TEXT NOT NULL,
    title         TEXT NOT NULL,
    crawl_id      INTEGER NOT NULL REFERENCES crawls(id),
    created_at    TEXT NOT NULL,
    entry_count   INTEGER NOT NULL,
    warnings      TEXT NOT NULL,
    stats         TEXT NOT NULL,
    UNIQUE (source_id, bundle_sha256)
);
CREATE INDEX IF NOT EXISTS versions_source_date ON versions(source_id, version_date, id);

CREATE TABLE IF NOT EXISTS version_files (
    version_id  INTEGER NOT NULL REFERENCES versions(id),
    url         TEXT NOT NULL,
    sha256      TEXT NOT NULL REFERENCES snapshots(sha256),
    language    TEXT NOT NULL,
    role        TEXT NOT NULL,
    PRIMARY KEY (version_id, url)
);

CREATE TABLE IF NOT EXISTS entries (
    version_id  INTEGER NOT NULL REFERENCES versions(id),
    entry_id    TEXT NOT NULL,
    code        TEXT NOT NULL,
    parent_id   TEXT,
    path        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    heading     TEXT NOT NULL,
    text        TEXT NOT NULL,
    notes       TEXT NOT NULL,
    language    TEXT NOT NULL,
    status      TEXT NOT NULL,
    position    INTEGER NOT NULL,
    PRIMARY KEY (version_id, entry_id)
);
CREATE INDEX IF NOT EXISTS entries_entry ON entries(entry_id, version_id);

CREATE TRIGGER IF NOT EXISTS snapshots_append_only BEFORE UPDATE ON snapshots
BEGIN SELECT RAISE(ABORT, 'snapshots are append-only'); END;
CREATE TRIGGER IF NOT EXISTS snapshots_no_delete BEFORE DELETE ON snapshots
BEGIN SELECT RAISE(ABORT, 'snapshots are append-only'); END;
CREATE TRIGGER IF NOT EXISTS versions_append_only BEFORE UPDATE ON versions
BEGIN SELECT RAISE(ABORT, 'versions are append-only'); END;
CREATE TRIGGER IF NOT EXISTS versions_no_delete BEFORE DELETE ON versions
BEGIN SELECT RAISE(ABORT, 'versions are append-only'); END;
CREATE TRIGGER IF NOT EXISTS entries_append_only BEFORE UPDATE ON entries
BEGIN SELECT RAISE(ABORT, 'entries are append-only'); END;
CREATE TRIGGER IF NOT EXISTS entries_no_delete BEFORE DELETE ON entries
BEGIN SELECT RAISE(ABORT, 'entries are append-only'); END;

-- Which version of each source a search backend holds: lets a crawl that was killed between
-- storing a version and indexing it be healed by the next crawl. Mutable bookkeeping, not history.
CREATE TABLE IF NOT EXISTS projections (
    backend     TEXT NOT NULL,
    source_id   TEXT NOT NULL,
    version_id  INTEGER NOT NULL REFERENCES versions(id),
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (backend, source_id)
);
