-- The job rows: each job's state as of its last event, written in the same transaction as that event.
-- id is the key jobs are found by; ordinal is the rowid, so it costs nothing, every index ends in it, and ties in
-- every order (claims, lists) break on submission order without a sort.
CREATE TABLE jobs (
    ordinal          INTEGER PRIMARY KEY,
    id               TEXT    NOT NULL UNIQUE,
    tenant           TEXT    NOT NULL,
    idempotency_key  TEXT    NULL,
    type             TEXT    NOT NULL,
    queue            TEXT    NOT NULL,
    status           TEXT    NOT NULL,                                -- JobStatuses.WireName, never the number
    priority         INTEGER NOT NULL CHECK (priority BETWEEN 1 AND 10), -- the claim query seeks each of 1..10
    scheduled_at     INTEGER NOT NULL,                                -- times: microseconds since the Unix epoch, UTC
    created_at       INTEGER NOT NULL,
    finished_at      INTEGER NULL,
    updated_at       INTEGER NOT NULL,
    lease_owner      TEXT    NULL,
    lease_expires_at INTEGER NULL,                                    -- set only while the job is owned
    fence            INTEGER NOT NULL,
    resources        TEXT    NOT NULL,                                -- JSON array of resource names
    version          INTEGER NOT NULL,
    owner_requests   TEXT    NULL,                                    -- JSON array of requests left for the owning node
    state            TEXT    NOT NULL                                 -- the whole JobState as JSON
);

-- A second submit with a tenant's key fails the journal batch, which is how JobStore settles races on a key.
CREATE UNIQUE INDEX jobs_idempotency ON jobs (tenant, idempotency_key) WHERE idempotency_key IS NOT NULL;

-- Claims: per queue, best first. Only claimable rows are in it, so it stays as small as the backlog.
CREATE INDEX jobs_claim ON jobs (queue, priority DESC, scheduled_at, ordinal) WHERE status IN ('waiting', 'retrying');

-- The next time a queue has work: the first claimable row after now, whatever its priority.
CREATE INDEX jobs_next_due ON jobs (queue, scheduled_at) WHERE status IN ('waiting', 'retrying');

-- Owned rows: expired leases (by expiry) and the resources held by running jobs.
CREATE INDEX jobs_owned ON jobs (lease_expires_at) WHERE status IN ('running', 'suspending', 'resuming', 'canceling');

-- Purges of final jobs, oldest first.
CREATE INDEX jobs_finished ON jobs (finished_at) WHERE finished_at IS NOT NULL;

-- Each job's log, numbered from 1. Clustered by job so reading a log is one range.
CREATE TABLE job_logs (
    job_id  TEXT    NOT NULL,
    number  INTEGER NOT NULL,
    attempt INTEGER NOT NULL,
    at      INTEGER NOT NULL,
    level   TEXT    NOT NULL,
    message TEXT    NOT NULL,
    PRIMARY KEY (job_id, number)
) WITHOUT ROWID;

-- Queue settings every node reads (paused or not).
CREATE TABLE queue_settings (
    name   TEXT    NOT NULL PRIMARY KEY,
    paused INTEGER NOT NULL
) WITHOUT ROWID;
