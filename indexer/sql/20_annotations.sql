-- What extraction (nlp/extract, the `extract` processor) found in each entry of each stored
-- version: technical parameters, cross-references, code mentions and defined terms used.
-- One row per (version, entry, extractor version). Append-only like the entries they describe:
-- an improved extractor (a new `extractor` number) adds rows next to the old ones, and readers
-- take the highest. Each JSON list holds objects with a "field": "text" or "notes[i]" (the i-th
-- note of the entry), so offsets ("start", "end") point into that field's text.
--   parameters: [{field, quantity, comparator, value, unit, si_value, si_unit, text, start, end,
--                 upper, upper_si}]
--   refs:       [{field, kind, target, text, start, end}]     ("references" is an SQL keyword)
--   codes:      [{field, code}]   terms: [{field, term}]     (each once per field, in text order)
-- content_sha256 hashes what was extracted from (language, number convention, text, notes), so
-- an unchanged entry of the next version reuses the row instead of running extraction again.
CREATE TABLE IF NOT EXISTS annotations (
    version_id     INTEGER NOT NULL REFERENCES versions(id),
    entry_id       TEXT NOT NULL,
    extractor      INTEGER NOT NULL,
    content_sha256 TEXT NOT NULL,
    decimal_comma  INTEGER NOT NULL,
    parameters     TEXT NOT NULL,
    refs           TEXT NOT NULL,
    codes          TEXT NOT NULL,
    terms          TEXT NOT NULL,
    PRIMARY KEY (version_id, entry_id, extractor)
);
CREATE INDEX IF NOT EXISTS annotations_entry ON annotations(entry_id, version_id);

CREATE TRIGGER IF NOT EXISTS annotations_append_only BEFORE UPDATE ON annotations
BEGIN SELECT RAISE(ABORT, 'annotations are append-only'); END;
CREATE TRIGGER IF NOT EXISTS annotations_no_delete BEFORE DELETE ON annotations
BEGIN SELECT RAISE(ABORT, 'annotations are append-only'); END;
