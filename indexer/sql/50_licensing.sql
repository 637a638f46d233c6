-- Structured licensing data read from stored versions (exportwatch/processors/licensing.py):
-- the EAR Country Chart as cells, each ECCN's Control(s) rows and licence exceptions, EAR
-- Country Groups, the EU general export authorisations. Rows are per version and append-only,
-- so a changed cell is a new row in a new version; licensing_changes records the differences.

-- One row per version the processor has read (its presence makes the processor idempotent).
CREATE TABLE IF NOT EXISTS licensing_versions (
    version_id  INTEGER PRIMARY KEY REFERENCES versions(id),
    source_id   TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('chart', 'ccl', 'groups', 'eu-gea', 'none')),
    created_at  TEXT NOT NULL,
    stats       TEXT NOT NULL DEFAULT '{}',
    warnings    TEXT NOT NULL DEFAULT '[]'
);

CREATE TABLE IF NOT EXISTS chart_columns (
    version_id  INTEGER NOT NULL REFERENCES versions(id),
    column_id   TEXT NOT NULL,            -- "CB1" … "AT2"
    position    INTEGER NOT NULL,
    reason      TEXT NOT NULL,            -- "Chemical and biological weapons"
    PRIMARY KEY (version_id, column_id)
);

CREATE TABLE IF NOT EXISTS chart_rows (
    version_id  INTEGER NOT NULL REFERENCES versions(id),
    country     TEXT NOT NULL,            -- as printed, footnote markers removed
    iso2        TEXT,                     -- NULL when the name is not a country we know
    position    INTEGER NOT NULL,
    footnotes   TEXT NOT NULL,            -- JSON list of footnote numbers
    see_text    TEXT,                     -- the "See part 746 …" text of a spanning row
    PRIMARY KEY (version_id, country)
);

CREATE TABLE IF NOT EXISTS chart_cells (
    version_id  INTEGER NOT NULL REFERENCES versions(id),
    country     TEXT NOT NULL,
    column_id   TEXT NOT NULL,
    value       TEXT NOT NULL,            -- "X" (licence required) or ""
    PRIMARY KEY (version_id, country, column_id)
);

CREATE TABLE IF NOT EXISTS chart_footnotes (
    version_id  INTEGER NOT NULL REFERENCES versions(id),
    number      INTEGER NOT NULL,
    text        TEXT NOT NULL,
    PRIMARY KEY (version_id, number)
);

CREATE TABLE IF NOT EXISTS eccn_licensing (
    version_id     INTEGER NOT NULL REFERENCES versions(id),
    eccn           TEXT NOT NULL,
    heading        TEXT NOT NULL,
    reasons        TEXT NOT NULL,         -- JSON list: "Reason for Control" as printed
    sta_conditions TEXT NOT NULL,
    license_notes  TEXT NOT NULL,         -- JSON list of other licence-requirement lines
    PRIMARY KEY (version_id, eccn)
);

CREATE TABLE IF NOT EXISTS eccn_controls (
    version_id       INTEGER NOT NULL REFERENCES versions(id),
    eccn             TEXT NOT NULL,
    position         INTEGER NOT NULL,
    reason           TEXT NOT NULL,
    scope            TEXT NOT NULL,
    scope_kind       TEXT NOT NULL,       -- entire | entire-except | paragraphs | described
    paragraphs       TEXT NOT NULL,       -- JSON list of the ECCN's paragraphs named
    columns          TEXT NOT NULL,       -- JSON list of Country Chart columns
    destination_text TEXT NOT NULL,
    raw              TEXT NOT NULL,
    PRIMARY KEY (version_id, eccn, position)
);

CREATE TABLE IF NOT EXISTS eccn_exceptions (
    version_id  INTEGER NOT NULL REFERENCES versions(id),
    eccn        TEXT NOT NULL,
    position    INTEGER NOT NULL,
    symbol      TEXT NOT NULL,
    text        TEXT NOT NULL,
    available   TEXT NOT NULL,            -- yes | no | value-limit | conditional
    PRIMARY KEY (version_id, eccn, position)
);

CREATE TABLE IF NOT EXISTS country_group_members (
    version_id  INTEGER NOT NULL REFERENCES versions(id),
    grp         TEXT NOT NULL,            -- "A:5"
    label       TEXT NOT NULL,
    country     TEXT NOT NULL,            -- as printed
    iso2        TEXT,
    PRIMARY KEY (version_id, grp, country)
);

CREATE TABLE IF NOT EXISTS eu_authorisations (
    version_id               INTEGER NOT NULL REFERENCES versions(id),
    gea                      TEXT NOT NULL,   -- "EU001"
    title                    TEXT NOT NULL,
    scope                    TEXT NOT NULL,   -- all-except | listed
    codes                    TEXT NOT NULL,   -- JSON: listed codes, or codes excluded
    excluded_groups          TEXT NOT NULL,
    only_groups              TEXT NOT NULL,
    excludes_section_i       INTEGER NOT NULL,
    destinations_scope       TEXT NOT NULL,   -- listed | all-except
    excludes_destinations_of TEXT NOT NULL,
    destination_caveats      TEXT NOT NULL,
    items_text               TEXT NOT NULL,
    destinations_text        TEXT NOT NULL,
    PRIMARY KEY (version_id, gea)
);

CREATE TABLE IF NOT EXISTS eu_authorisation_destinations (
    version_id  INTEGER NOT NULL REFERENCES versions(id),
    gea         TEXT NOT NULL,
    position    INTEGER NOT NULL,
    printed     TEXT NOT NULL,
    countries   TEXT NOT NULL,            -- JSON list of ISO alpha-2 codes
    PRIMARY KEY (version_id, gea, position)
);

-- Annex II Section I (items no general authorisation covers) and the Annex I codes the version
-- lists (to recognise EU entries newer than the stored Annex I PDFs).
CREATE TABLE IF NOT EXISTS eu_annex_codes (
    version_id  INTEGER NOT NULL REFERENCES versions(id),
    list        TEXT NOT NULL CHECK (list IN ('annex-i', 'section-i')),
    code        TEXT NOT NULL,
    PRIMARY KEY (version_id, list, code)
);

-- Cell-level change events between a version and the one before it (same source).
CREATE TABLE IF NOT EXISTS licensing_changes (
    id                  INTEGER PRIMARY KEY,
    source_id           TEXT NOT NULL,
    version_id          INTEGER NOT NULL REFERENCES versions(id),
    previous_version_id INTEGER NOT NULL REFERENCES versions(id),
    version_date        TEXT NOT NULL,
    previous_date       TEXT NOT NULL,
    table_name          TEXT NOT NULL,    -- chart-cell | chart-row | chart-footnote | eccn-controls | …
    item                TEXT NOT NULL,    -- "Canada/NS1", "3A001", "A:5/India", "EU002"
    change              TEXT NOT NULL CHECK (change IN ('added', 'removed', 'changed')),
    before              TEXT,
    after               TEXT,
    created_at          TEXT NOT NULL,
    UNIQUE (version_id, table_name, item)
);
CREATE INDEX IF NOT EXISTS licensing_changes_source ON licensing_changes(source_id, version_date);

CREATE TRIGGER IF NOT EXISTS chart_cells_append_only BEFORE UPDATE ON chart_cells
BEGIN SELECT RAISE(ABORT, 'chart cells are append-only'); END;
CREATE TRIGGER IF NOT EXISTS chart_cells_no_delete BEFORE DELETE ON chart_cells
BEGIN SELECT RAISE(ABORT, 'chart cells are append-only'); END;
CREATE TRIGGER IF NOT EXISTS licensing_changes_append_only BEFORE UPDATE ON licensing_changes
BEGIN SELECT RAISE(ABORT, 'licensing changes are append-only'); END;
CREATE TRIGGER IF NOT EXISTS licensing_changes_no_delete BEFORE DELETE ON licensing_changes
BEGIN SELECT RAISE(ABORT, 'licensing changes are append-only'); END;
