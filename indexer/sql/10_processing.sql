-- Which post-version processors (extraction, definitions, change detection, embeddings, alerts)
-- have run on which version. Lets a crawl killed mid-way, or a processor added later, be caught
-- up by the next crawl or by `exportwatch reprocess`.
CREATE TABLE IF NOT EXISTS processing (
    version_id  INTEGER NOT NULL REFERENCES versions(id),
    processor   TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('done', 'failed')),
    finished_at TEXT NOT NULL,
    message     TEXT,
    PRIMARY KEY (version_id, processor)
);
