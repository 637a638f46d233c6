-- Change detection (nlp/changes, exportwatch/processors/changes.py): one change set per version
-- pair and engine version, holding the entry-level changes found between the two versions.
-- Append-only like the versions they describe: a better engine adds a new set beside the old one
-- (`engine` differs); readers take the newest set of each consecutive pair.
CREATE TABLE IF NOT EXISTS change_sets (
    id              INTEGER PRIMARY KEY,
    source_id       TEXT NOT NULL,
    from_version_id INTEGER NOT NULL REFERENCES versions(id),
    to_version_id   INTEGER NOT NULL REFERENCES versions(id),
    engine          TEXT NOT NULL,
    detected_at     TEXT NOT NULL,
    counts          TEXT NOT NULL,
    warnings        TEXT NOT NULL,
    UNIQUE (from_version_id, to_version_id, engine)
);
CREATE INDEX IF NOT EXISTS change_sets_source ON change_sets(source_id, to_version_id);

CREATE TABLE IF NOT EXISTS changes (
    change_set_id INTEGER NOT NULL REFERENCES change_sets(id),
    seq           INTEGER NOT NULL,
    entry_id      TEXT NOT NULL,
    old_entry_id  TEXT,
    kind          TEXT NOT NULL CHECK (kind IN ('added', 'removed', 'amended', 'moved', 'definition')),
    significance  TEXT NOT NULL CHECK (significance IN ('substantive', 'editorial')),
    language      TEXT NOT NULL,
    summary       TEXT NOT NULL,
    detail        TEXT NOT NULL,
    PRIMARY KEY (change_set_id, seq)
);
CREATE INDEX IF NOT EXISTS changes_entry ON changes(entry_id);
CREATE INDEX IF NOT EXISTS changes_old_entry ON changes(old_entry_id);

CREATE TRIGGER IF NOT EXISTS change_sets_append_only BEFORE UPDATE ON change_sets
BEGIN SELECT RAISE(ABORT, 'change sets are append-only'); END;
CREATE TRIGGER IF NOT EXISTS change_sets_no_delete BEFORE DELETE ON change_sets
BEGIN SELECT RAISE(ABORT, 'change sets are append-only'); END;
CREATE TRIGGER IF NOT EXISTS changes_append_only BEFORE UPDATE ON changes
BEGIN SELECT RAISE(ABORT, 'changes are append-only'); END;
CREATE TRIGGER IF NOT EXISTS changes_no_delete BEFORE DELETE ON changes
BEGIN SELECT RAISE(ABORT, 'changes are append-only'); END;
