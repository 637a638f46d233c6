-- Defined terms of each stored version (nlp/definitions, written by the `definitions` processor).
-- Per version and append-only, like entries: a definition's history is read across versions.
-- def_id: '{jurisdiction}:def:{term_key}', plus '@lang' for a secondary language (a secondary
-- language definition paired with a primary one carries the primary's key: ca:def:guide@fr).
-- term_key: casefolded, quotes and trailing punctuation stripped, whitespace collapsed.
CREATE TABLE IF NOT EXISTS definitions (
    version_id  INTEGER NOT NULL REFERENCES versions(id),
    def_id      TEXT NOT NULL,
    term        TEXT NOT NULL,
    term_key    TEXT NOT NULL,
    language    TEXT NOT NULL,
    scope       TEXT NOT NULL,
    text        TEXT NOT NULL,
    notes       TEXT NOT NULL,  -- JSON list of {label, text}
    position    INTEGER NOT NULL,
    PRIMARY KEY (version_id, def_id)
);
CREATE INDEX IF NOT EXISTS definitions_def ON definitions(def_id, version_id);
CREATE INDEX IF NOT EXISTS definitions_term ON definitions(term_key);

-- Which fetched document(s) of a version the definitions were read from (a citation: the
-- Wassenaar edition's `16 DEF.doc`, not its 17 other files).
CREATE TABLE IF NOT EXISTS definition_documents (
    version_id  INTEGER NOT NULL REFERENCES versions(id),
    url         TEXT NOT NULL,
    PRIMARY KEY (version_id, url)
);

CREATE TRIGGER IF NOT EXISTS definitions_append_only BEFORE UPDATE ON definitions
BEGIN SELECT RAISE(ABORT, 'definitions are append-only'); END;
CREATE TRIGGER IF NOT EXISTS definitions_no_delete BEFORE DELETE ON definitions
BEGIN SELECT RAISE(ABORT, 'definitions are append-only'); END;
