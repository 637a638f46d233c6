-- Regulation-update records: Federal Register documents (us-fr-bis). A row is added when a
-- document first appears, and again whenever its content changes in a later us-fr-bis version (a
-- corrected abstract, a new effective date); rows are never rewritten. The record in force is the
-- row of the latest version. `version_id` is that us-fr-bis version (its citation: the API pages
-- stored as the version's files); `record_sha256` identifies the content. The link to the CCL version a rule took effect in
-- is NOT stored: it is computed when read (indexer/updates.py), so CCL versions stored later, and
-- change sets computed later, are found without rewriting anything.
CREATE TABLE IF NOT EXISTS updates (
    document_number  TEXT NOT NULL,
    record_sha256    TEXT NOT NULL,
    version_id       INTEGER NOT NULL REFERENCES versions(id),
    title            TEXT NOT NULL,
    abstract         TEXT,
    type             TEXT,
    action           TEXT,
    publication_date TEXT NOT NULL,
    effective_on     TEXT,
    citation         TEXT,
    cfr_parts        TEXT NOT NULL,  -- JSON [{"title": 15, "part": 774}]
    supplements      TEXT NOT NULL,  -- JSON ["1", "6"]: supplements to 15 CFR 774 touched
    docket_ids       TEXT NOT NULL,  -- JSON ["Docket No. ..."]
    agencies         TEXT NOT NULL,  -- JSON ["Industry and Security Bureau"]
    html_url         TEXT,
    json_url         TEXT,
    recorded_at      TEXT NOT NULL,
    PRIMARY KEY (document_number, version_id)
);
CREATE INDEX IF NOT EXISTS updates_published ON updates(publication_date, document_number);
CREATE INDEX IF NOT EXISTS updates_version ON updates(version_id);

CREATE TRIGGER IF NOT EXISTS updates_append_only BEFORE UPDATE ON updates
BEGIN SELECT RAISE(ABORT, 'update records are append-only'); END;
CREATE TRIGGER IF NOT EXISTS updates_no_delete BEFORE DELETE ON updates
BEGIN SELECT RAISE(ABORT, 'update records are append-only'); END;
