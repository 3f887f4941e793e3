namespace ActorJobs.Jobs.Sqlite.Queries;

/// <summary>
/// The job index's SQL, named per store method; values are always bound as parameters. The status lists are
/// literal so SQLite can match them to the partial indexes, whose WHERE clauses they repeat word for word.
/// </summary>
internal static class JobIndexQueries
{
    // Kept in step with JobStatuses.IsClaimable / IsOwned / IsFinal; the conformance tests project every status.
    private const string Claimable = "('waiting', 'retrying')";

    // jobs_owned's condition, word for word (migration 3). Spelled as comparisons, not "IN (...)": SQLite tests an IN
    // list of more than two constants against a temporary B-tree built per statement, and every row write tests it.
    private const string OwnedCondition = "(status = 'running' OR status = 'suspending' OR status = 'resuming' OR status = 'canceling')";
    private const string Final = "('completed', 'failed', 'canceled', 'timeout', 'skipped', 'dead-lettered')";

    /// <summary>
    /// The projection: inserts a job's row at its first event, then updates what events can change. The lease is
    /// the claim's, else kept while the job stays owned; requests left for the owner go once it no longer owns it.
    /// </summary>
    public const string UpsertJob =
        """
        INSERT INTO jobs (id, tenant, idempotency_key, type, queue, status, priority, scheduled_at, created_at, finished_at,
                          updated_at, lease_owner, lease_expires_at, fence, resources, version, owner_requests, state)
        VALUES ($id, $tenant, $idempotency_key, $type, $queue, $status, $priority, $scheduled_at, $created_at, $finished_at,
                $updated_at, $lease_owner, $lease_expires_at, $fence, $resources, $version, NULL, $state)
        ON CONFLICT (id) DO UPDATE SET
            queue = excluded.queue,
            status = excluded.status,
            priority = excluded.priority,
            scheduled_at = excluded.scheduled_at,
            finished_at = excluded.finished_at,
            updated_at = excluded.updated_at,
            lease_owner = excluded.lease_owner,
            lease_expires_at = COALESCE(excluded.lease_expires_at, CASE WHEN $owned THEN jobs.lease_expires_at END),
            fence = excluded.fence,
            resources = excluded.resources,
            version = excluded.version,
            owner_requests = CASE WHEN $owned THEN jobs.owner_requests END,
            state = excluded.state
        """;

    /// <summary>
    /// The projection for a job whose row exists (every write after its first): <see cref="UpsertJob"/>'s update alone,
    /// without the insert it tries first. No row changed means none exists, and the writer runs <see cref="UpsertJob"/>.
    /// </summary>
    public const string UpdateJob =
        """
        UPDATE jobs SET
            queue = $queue,
            status = $status,
            priority = $priority,
            scheduled_at = $scheduled_at,
            finished_at = $finished_at,
            updated_at = $updated_at,
            lease_owner = $lease_owner,
            lease_expires_at = COALESCE($lease_expires_at, CASE WHEN $owned THEN lease_expires_at END),
            fence = $fence,
            resources = $resources,
            version = $version,
            owner_requests = CASE WHEN $owned THEN owner_requests END,
            state = $state
        WHERE id = $id
        """;

    /// <summary>The job that holds a tenant's idempotency key (to name it when a second submit fails).</summary>
    public const string SelectIdByIdempotencyKey =
        "SELECT id FROM jobs WHERE tenant = $tenant AND idempotency_key = $idempotency_key";

    /// <summary>One job's row.</summary>
    public const string SelectJob = "SELECT state FROM jobs WHERE id = $id";

    /// <summary>The job a tenant submitted under a key.</summary>
    public const string SelectJobByIdempotencyKey =
        "SELECT state FROM jobs WHERE tenant = $tenant AND idempotency_key = $idempotency_key";

    /// <summary>
    /// The jobs a tenant submitted under any of the keys (a JSON array). The IS NOT NULL lets SQLite use the partial
    /// unique index for each key of the list.
    /// </summary>
    public const string SelectJobsByIdempotencyKeys =
        """
        SELECT state FROM jobs INDEXED BY jobs_idempotency
        WHERE tenant = $tenant AND idempotency_key IS NOT NULL AND idempotency_key IN (SELECT value FROM json_each($keys))
        """;

    /// <summary>
    /// Due claimable jobs, best first. Listing every priority (1..10, the table's CHECK) makes SQLite seek each
    /// priority's due range in turn, in index order, so jobs scheduled for later are never scanned and never sorted.
    /// </summary>
    public const string SelectDue =
        $"""
        SELECT state FROM jobs INDEXED BY jobs_claim
        WHERE queue = $queue AND status IN {Claimable}
          AND priority IN (10, 9, 8, 7, 6, 5, 4, 3, 2, 1) AND scheduled_at <= $now
        ORDER BY priority DESC, scheduled_at, ordinal
        LIMIT $limit
        """;

    /// <summary>
    /// The first claimable job's due time after now: the earliest of each priority's first, one seek of
    /// <c>jobs_claim</c> per priority (a MIN over all priorities at once would read every row due later).
    /// </summary>
    public const string SelectNextDueAfter =
        $"""
        WITH priorities (priority) AS (VALUES (1), (2), (3), (4), (5), (6), (7), (8), (9), (10))
        SELECT MIN((SELECT scheduled_at FROM jobs INDEXED BY jobs_claim
                    WHERE queue = $queue AND status IN {Claimable} AND priority = priorities.priority AND scheduled_at > $now
                    ORDER BY scheduled_at LIMIT 1))
        FROM priorities
        """;

    /// <summary>Resources held by owned jobs, one row per resource, in no particular order (a claim reads them as a set).</summary>
    public const string SelectHeldResources =
        $"""
        SELECT held.value, jobs.id FROM jobs INDEXED BY jobs_owned, json_each(jobs.resources) AS held
        WHERE {OwnedCondition}
        """;

    /// <summary>Owned jobs whose lease ended, longest expired first.</summary>
    public const string SelectExpiredLeases =
        $"""
        SELECT state FROM jobs INDEXED BY jobs_owned
        WHERE {OwnedCondition} AND lease_expires_at < $now
        ORDER BY lease_expires_at, ordinal
        LIMIT $limit
        """;

    /// <summary>
    /// A lease renewal's check: a row only while the job is owned by that node under that fence, with the requests
    /// left for it (NULL when none).
    /// </summary>
    public const string SelectHeldLeaseRequests =
        $"""
        SELECT owner_requests FROM jobs
        WHERE id = $id AND {OwnedCondition} AND lease_owner = $owner AND fence = $fence
        """;

    /// <summary>Extends a held lease and takes the requests (read just before, in the same transaction).</summary>
    public const string RenewLease =
        "UPDATE jobs SET lease_expires_at = $until, owner_requests = NULL WHERE id = $id";

    /// <summary>Leaves a request for the owning node.</summary>
    public const string AppendOwnerRequest =
        "UPDATE jobs SET owner_requests = json_insert(COALESCE(owner_requests, '[]'), '$[#]', $request) WHERE id = $id";

    // A list's filter: an empty list filter is bound as NULL and matches everything.
    private const string ListFilter =
        """
        ($tenant IS NULL OR tenant = $tenant)
          AND ($statuses IS NULL OR status IN (SELECT value FROM json_each($statuses)))
          AND ($types IS NULL OR type IN (SELECT value FROM json_each($types)))
          AND ($queues IS NULL OR queue IN (SELECT value FROM json_each($queues)))
        """;

    /// <summary>
    /// A page of jobs. The order key is chosen by <c>$order</c> and multiplied by <c>$direction</c> (1 or -1), so
    /// one statement serves every order, ties going to submission order in the same direction.
    /// </summary>
    public const string ListJobs =
        $"""
        SELECT state FROM jobs
        WHERE {ListFilter}
        ORDER BY (CASE $order WHEN 'scheduled' THEN scheduled_at WHEN 'priority' THEN priority ELSE created_at END) * $direction,
                 ordinal * $direction
        LIMIT $limit OFFSET $offset
        """;

    /// <summary>How many jobs match a list's filter.</summary>
    public const string CountListedJobs =
        $"""
        SELECT COUNT(*) FROM jobs
        WHERE {ListFilter}
        """;

    /// <summary>
    /// How many due claimable jobs of the job's queue a claim takes before it: every due job of a higher priority
    /// (each priority's due range sought, as in <see cref="SelectDue"/>), and those of its own priority that came due
    /// earlier or, due together, were submitted earlier. No row when the job does not exist. The second range ends at
    /// min(now, the job's due time): SQLite seeks on one upper bound, and with now alone it would read every row of the
    /// job's priority due after the job only to drop it.
    /// </summary>
    public const string CountAhead =
        $"""
        WITH priorities (priority) AS (VALUES (1), (2), (3), (4), (5), (6), (7), (8), (9), (10))
        SELECT
            (SELECT COUNT(*) FROM jobs AS other INDEXED BY jobs_claim
             WHERE other.queue = job.queue AND other.status IN {Claimable} AND other.scheduled_at <= $now
               AND other.priority IN (SELECT priority FROM priorities WHERE priority > job.priority))
          + (SELECT COUNT(*) FROM jobs AS other INDEXED BY jobs_claim
             WHERE other.queue = job.queue AND other.status IN {Claimable} AND other.priority = job.priority
               AND other.scheduled_at <= min($now, job.scheduled_at)
               AND (other.scheduled_at, other.ordinal) < (job.scheduled_at, job.ordinal))
        FROM jobs AS job
        WHERE job.id = $id
        """;

    /// <summary>Job counts per queue and status, for one tenant or all.</summary>
    public const string CountByStatus =
        """
        SELECT queue, status, COUNT(*) FROM jobs
        WHERE $tenant IS NULL OR tenant = $tenant
        GROUP BY queue, status
        """;

    /// <summary>
    /// Appends one line to a job's log under the next number; nothing when the job does not exist. One row of VALUES,
    /// not INSERT ... SELECT: a SELECT that reads job_logs while inserting into it makes SQLite copy its result through
    /// a temporary B-tree, built and dropped for every line. A job that does not exist gives a NULL job_id, which the
    /// NOT NULL constraint refuses and OR IGNORE skips; no other constraint can fail, since the number is one past the
    /// job's highest, read in the same statement on the single writer.
    /// </summary>
    public const string AppendLogLine =
        """
        INSERT OR IGNORE INTO job_logs (job_id, number, attempt, at, level, message)
        VALUES ((SELECT id FROM jobs WHERE id = $job_id),
                COALESCE((SELECT MAX(number) FROM job_logs WHERE job_id = $job_id), 0) + 1,
                $attempt, $at, $level, $message)
        """;

    /// <summary>A job's log lines after a number, in order.</summary>
    public const string SelectLogLines =
        """
        SELECT attempt, at, level, message, number FROM job_logs
        WHERE job_id = $job_id AND number > $after_number
        ORDER BY number
        LIMIT $max
        """;

    /// <summary>Deletes a job's row if it is final (the caller then deletes its log and events).</summary>
    public const string DeleteFinalJob = $"DELETE FROM jobs WHERE id = $id AND status IN {Final}";

    /// <summary>Deletes the rows of final jobs that finished before the cutoff, oldest first, returning their ids.</summary>
    public const string PurgeFinishedJobs =
        $"""
        DELETE FROM jobs
        WHERE ordinal IN (
            SELECT ordinal FROM jobs INDEXED BY jobs_finished
            WHERE finished_at < $cutoff AND status IN {Final}
            ORDER BY finished_at
            LIMIT $max)
        RETURNING id
        """;

    /// <summary>Deletes a job's log.</summary>
    public const string DeleteLog = "DELETE FROM job_logs WHERE job_id = $job_id";

    /// <summary>Records whether a queue is paused.</summary>
    public const string UpsertQueuePaused =
        """
        INSERT INTO queue_settings (name, paused) VALUES ($name, $paused)
        ON CONFLICT (name) DO UPDATE SET paused = excluded.paused
        """;

    /// <summary>The paused queues.</summary>
    public const string SelectPausedQueues = "SELECT name FROM queue_settings WHERE paused = 1";
}
