-- Subscriptions and change alerts (issue 6, alerts/). A subscription belongs to a team and says
-- what to watch (`spec`, validated by alerts/model.py) and where to send it (channels). Matching
-- writes one `alerts` row per (subscription, change), keyed by a stable idempotency key, and one
-- `outbox` row per (channel, message) in the same transaction: a change matched twice, or after
-- a restart, adds nothing. Delivery records every attempt in `delivery_attempts` (append-only)
-- and marks the message delivered only after the receiver accepted it (at-least-once).
CREATE TABLE IF NOT EXISTS subscriptions (
    id            INTEGER PRIMARY KEY,
    team_id       INTEGER NOT NULL REFERENCES teams(id),
    name          TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('code', 'search', 'term', 'source')),
    spec          TEXT NOT NULL,
    frequency     TEXT NOT NULL CHECK (frequency IN ('immediate', 'daily', 'weekly')),
    significance  TEXT NOT NULL CHECK (significance IN ('substantive', 'all')),
    -- Public-by-token Atom feed of the subscription: 256 random bits, not guessable.
    feed_token    TEXT NOT NULL UNIQUE,
    created_at    TEXT NOT NULL,
    deleted_at    TEXT
);
CREATE INDEX IF NOT EXISTS subscriptions_team ON subscriptions(team_id, id);

CREATE TABLE IF NOT EXISTS alert_channels (
    id               INTEGER PRIMARY KEY,
    subscription_id  INTEGER NOT NULL REFERENCES subscriptions(id),
    kind             TEXT NOT NULL CHECK (kind IN ('email', 'webhook', 'feed')),
    target           TEXT NOT NULL,
    -- Webhook signing secret (whsec_<base64>), NULL for other channels.
    secret           TEXT,
    created_at       TEXT NOT NULL,
    -- Delivery state of the endpoint: failures in a row and when it may be tried again. Messages
    -- of one channel go out in order, so backoff is per channel (a failing head blocks the rest).
    failures         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT,
    disabled_at      TEXT,
    disabled_reason  TEXT
);
CREATE INDEX IF NOT EXISTS alert_channels_subscription ON alert_channels(subscription_id);

CREATE TABLE IF NOT EXISTS alerts (
    id               INTEGER PRIMARY KEY,
    -- sha256(subscription id, change set id, seq): stable, the receiver's dedup key.
    key              TEXT NOT NULL UNIQUE,
    subscription_id  INTEGER NOT NULL REFERENCES subscriptions(id),
    change_set_id    INTEGER NOT NULL REFERENCES change_sets(id),
    seq              INTEGER NOT NULL,
    entry_id         TEXT NOT NULL,
    reason           TEXT NOT NULL,
    matched_at       TEXT NOT NULL,
    -- The alert as sent (alerts/content.py), fixed at match time so every retry sends the same.
    payload          TEXT NOT NULL,
    UNIQUE (subscription_id, change_set_id, seq)
);
CREATE INDEX IF NOT EXISTS alerts_subscription ON alerts(subscription_id, id);

CREATE TABLE IF NOT EXISTS outbox (
    id               INTEGER PRIMARY KEY,
    -- Stable message id (webhook-id, email Message-ID): the same across every retry.
    message_id       TEXT NOT NULL UNIQUE,
    channel_id       INTEGER NOT NULL REFERENCES alert_channels(id),
    -- NULL: an immediate message of one alert; else the digest period it batches ('2026-09-01'
    -- for a daily digest, '2026-W36' for a weekly one).
    period           TEXT,
    status           TEXT NOT NULL CHECK (status IN ('pending', 'retrying', 'delivered', 'dead')),
    created_at       TEXT NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    -- A deliverer holds the message until then; after a crash it is sent again (same id).
    lease_until      TEXT,
    last_attempt_at  TEXT,
    last_error       TEXT,
    delivered_at     TEXT
);
CREATE INDEX IF NOT EXISTS outbox_channel_status ON outbox(channel_id, status, id);
CREATE INDEX IF NOT EXISTS outbox_status ON outbox(status, id);

CREATE TABLE IF NOT EXISTS outbox_alerts (
    outbox_id  INTEGER NOT NULL REFERENCES outbox(id),
    alert_id   INTEGER NOT NULL REFERENCES alerts(id),
    channel_id INTEGER NOT NULL REFERENCES alert_channels(id),
    PRIMARY KEY (outbox_id, alert_id),
    -- An alert goes into one message per channel, never two.
    UNIQUE (channel_id, alert_id)
);

CREATE TABLE IF NOT EXISTS delivery_attempts (
    id          INTEGER PRIMARY KEY,
    outbox_id   INTEGER NOT NULL REFERENCES outbox(id),
    attempted_at TEXT NOT NULL,
    outcome     TEXT NOT NULL CHECK (outcome IN ('delivered', 'failed', 'refused', 'gone')),
    http_status INTEGER,
    error       TEXT,
    seconds     REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS delivery_attempts_outbox ON delivery_attempts(outbox_id, id);
CREATE TRIGGER IF NOT EXISTS delivery_attempts_append_only BEFORE UPDATE ON delivery_attempts
BEGIN SELECT RAISE(ABORT, 'delivery attempts are append-only'); END;

CREATE TRIGGER IF NOT EXISTS alerts_append_only BEFORE UPDATE ON alerts
BEGIN SELECT RAISE(ABORT, 'alerts are append-only'); END;
CREATE TRIGGER IF NOT EXISTS alerts_no_delete BEFORE DELETE ON alerts
BEGIN SELECT RAISE(ABORT, 'alerts are append-only'); END;

-- Scheduler runs (alerts/scheduler.py): every start, finish, failure and missed window of a job,
-- for `exportwatch jobs`. The job store itself is in memory, rebuilt from config at each start.
CREATE TABLE IF NOT EXISTS job_runs (
    id            INTEGER PRIMARY KEY,
    job_id        TEXT NOT NULL,
    scheduled_at  TEXT,
    started_at    TEXT NOT NULL,
    finished_at   TEXT,
    status        TEXT NOT NULL CHECK (status IN ('running', 'ok', 'failed', 'missed')),
    message       TEXT
);
CREATE INDEX IF NOT EXISTS job_runs_job ON job_runs(job_id, id);
