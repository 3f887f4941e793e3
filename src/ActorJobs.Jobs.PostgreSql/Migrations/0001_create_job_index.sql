-- The job rows: each job's state as of its last event, written in the same transaction as that event.
-- id is the key jobs are found by; ordinal is the submission order every index ends in, so ties in every order
-- (claims, lists) break on it without a sort.
CREATE TABLE jobs (
    ordinal          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id               text        NOT NULL UNIQUE,
    tenant           text        NOT NULL,
    idempotency_key  text        NULL,
    type             text        NOT NULL,
    queue            text        NOT NULL,
    status           text        NOT NULL,                                   -- JobStatuses.WireName, never the number
    priority         integer     NOT NULL CHECK (priority BETWEEN 1 AND 10), -- the claim query seeks each of 1..10
    scheduled_at     timestamptz NOT NULL,
    created_at       timestamptz NOT NULL,
    finished_at      timestamptz NULL,
    updated_at       timestamptz NOT NULL,
    lease_owner      text        NULL,
    lease_expires_at timestamptz NULL,                                       -- set only while the job is owned
    fence            bigint      NOT NULL,
    resources        text[]      NOT NULL,
    version          bigint      NOT NULL,
    owner_requests   text[]      NULL,                                       -- requests left for the owning node, in order
    state            json        NOT NULL                                    -- the whole JobState
);

-- A second submit with a tenant's key fails the journal batch, which is how JobStore settles races on a key.
CREATE UNIQUE INDEX jobs_idempotency ON jobs (tenant, idempotency_key) WHERE idempotency_key IS NOT NULL;

-- Claims and positions: per queue and priority, due order. Only claimable rows are in it, so it stays as small as
-- the backlog; the queries seek one priority at a time, so jobs due later are never read.
CREATE INDEX jobs_claim ON jobs (queue, priority, scheduled_at, ordinal) WHERE status IN ('waiting', 'retrying');

-- The next time a queue has work: the first claimable row after now, whatever its priority.
CREATE INDEX jobs_next_due ON jobs (queue, scheduled_at) WHERE status IN ('waiting', 'retrying');

-- Owned rows: expired leases (by expiry) and the resources held by running jobs.
CREATE INDEX jobs_owned ON jobs (lease_expires_at, ordinal) WHERE status IN ('running', 'suspending', 'resuming', 'canceling');

-- Purges of final jobs, oldest first.
CREATE INDEX jobs_finished ON jobs (finished_at) WHERE status IN ('completed', 'failed', 'canceled', 'timeout', 'skipped', 'dead-lettered');

-- Lists: a tenant's jobs, and jobs in one status (dead letters, running), newest or oldest first.
CREATE INDEX jobs_tenant_created ON jobs (tenant, created_at, ordinal);
CREATE INDEX jobs_status_created ON jobs (status, created_at, ordinal);

-- Each job's log, numbered from 1.
CREATE TABLE job_logs (
    job_id  text        NOT NULL,
    number  bigint      NOT NULL,
    attempt integer     NOT NULL,
    at      timestamptz NOT NULL,
    level   text        NOT NULL,
    message text        NOT NULL,
    PRIMARY KEY (job_id, number)
);

-- Queue settings every node reads (paused or not).
CREATE TABLE queue_settings (
    name   text    NOT NULL PRIMARY KEY,
    paused boolean NOT NULL
);

-- Fails the projection's statement with a message that names the job holding a tenant's idempotency key (the unique
-- index alone can only name itself). Plain SQL cannot raise, hence the function.
CREATE FUNCTION job_index_fail_taken_key(tenant text, idempotency_key text, holder text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION USING
        ERRCODE = 'unique_violation',
        MESSAGE = format('idempotency key ''%s'' of tenant ''%s'' is already used by job %s', idempotency_key, tenant, holder);
END
$$;
