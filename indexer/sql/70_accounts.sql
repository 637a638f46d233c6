-- Teams and their API keys (issue 7). A key belongs to one team and carries one role; it is
-- stored only as the sha256 of the token (the token is shown once, when created). Keys are
-- revoked, never deleted, so the audit trail of who could do what stays readable.
CREATE TABLE IF NOT EXISTS teams (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE COLLATE NOCASE,
    created_at  TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS api_keys (
    id            INTEGER PRIMARY KEY,
    team_id       INTEGER NOT NULL REFERENCES teams(id),
    -- Public part of the token ("ewk_<prefix>_<secret>"): finds the row without using the secret,
    -- and names the key in listings and logs.
    prefix        TEXT NOT NULL UNIQUE,
    token_sha256  TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'member', 'read-only')),
    label         TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL,
    revoked_at    TEXT,
    last_used_at  TEXT
);
CREATE INDEX IF NOT EXISTS api_keys_team ON api_keys(team_id, id);
