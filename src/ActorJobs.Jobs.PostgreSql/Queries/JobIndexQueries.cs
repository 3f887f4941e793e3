namespace ActorJobs.Jobs.PostgreSql.Queries;

/// <summary>
/// The job index's SQL, named per store method; values are always bound as parameters. The status lists are literal
/// so the planner can match them to the partial indexes, whose WHERE clauses they repeat word for word.
/// </summary>
internal static class JobIndexQueries
{
    // Kept in step with JobStatuses.IsClaimable / IsOwned / IsFinal; the conformance tests project every status.
    private const string Claimable = "('waiting', 'retrying')";
    private const string Owned = "('running', 'suspending', 'resuming', 'canceling')";
    private const string Final = "('completed', 'failed', 'canceled', 'timeout', 'skipped', 'dead-lettered')";

    // Priorities best first: the claim queries seek each one's due range on jobs_claim in turn, in index order, so jobs
    // due later are never read and nothing is sorted. A nested loop over the array keeps this order.
    private const string PrioritiesBestFirst = "unnest('{10,9,8,7,6,5,4,3,2,1}'::integer[]) AS p(priority)";

    /// <summary>
    /// Before the upsert, when a batch carries idempotency keys: fails the statement (and so the batch) with a message
    /// naming the job that already holds one. A key taken by a transaction that has not committed yet is caught by the
    /// unique index instead.
    /// </summary>
    public const string FailOnTakenKeys =
        """
        SELECT job_index_fail_taken_key(u.tenant, u.idempotency_key, j.id)
        FROM unnest(@ids, @tenants, @idempotency_keys) AS u(id, tenant, idempotency_key)
        JOIN jobs AS j ON j.tenant = u.tenant AND j.idempotency_key = u.idempotency_key AND j.id <> u.id
        WHERE u.idempotency_key IS NOT NULL
        """;

    /// <summary>
    /// The projection: every row of a batch in one statement, inserted at a job's first event, then updated with what
    /// events can change. The lease is the claim's, else kept while the job stays owned; requests left for the owner
    /// go once it no longer owns it. Resources come as one text per row, joined by U+001F (names hold no control
    /// characters).
    /// </summary>
    public const string UpsertJobs =
        $"""
        INSERT INTO jobs (id, tenant, idempotency_key, type, queue, status, priority, scheduled_at, created_at, finished_at,
                          updated_at, lease_owner, lease_expires_at, fence, resources, version, state)
        SELECT u.id, u.tenant, u.idempotency_key, u.type, u.queue, u.status, u.priority, u.scheduled_at, u.created_at, u.finished_at,
               u.updated_at, u.lease_owner, u.lease_expires_at, u.fence, string_to_array(u.resources, chr(31)), u.version, u.state
        FROM unnest(@ids, @tenants, @idempotency_keys, @types, @queues, @statuses, @priorities, @scheduled_ats, @created_ats,
                    @finished_ats, @updated_ats, @lease_owners, @lease_expires_ats, @fences, @resources, @versions, @states)
             AS u(id, tenant, idempotency_key, type, queue, status, priority, scheduled_at, created_at, finished_at,
                  updated_at, lease_owner, lease_expires_at, fence, resources, version, state)
        ON CONFLICT (id) DO UPDATE SET
            queue = excluded.queue,
            status = excluded.status,
            priority = excluded.priority,
            scheduled_at = excluded.scheduled_at,
            finished_at = excluded.finished_at,
            updated_at = excluded.updated_at,
            lease_owner = excluded.lease_owner,
            lease_expires_at = COALESCE(excluded.lease_expires_at, CASE WHEN excluded.status IN {Owned} THEN jobs.lease_expires_at END),
            fence = excluded.fence,
            resources = excluded.resources,
            version = excluded.version,
            owner_requests = CASE WHEN excluded.status IN {Owned} THEN jobs.owner_requests END,
            state = excluded.state
        """;

    /// <summary>One job's row.</summary>
    public const string SelectJob = "SELECT state FROM jobs WHERE id = @id";

    /// <summary>The job a tenant submitted under a key.</summary>
    public const string SelectJobByIdempotencyKey =
        "SELECT state FROM jobs WHERE tenant = @tenant AND idempotency_key = @idempotency_key";

    /// <summary>The jobs a tenant submitted under any of the keys (one index probe per key).</summary>
    public const string SelectJobsByIdempotencyKeys =
        "SELECT state FROM jobs WHERE tenant = @tenant AND idempotency_key = ANY(@keys)";

    /// <summary>Due claimable jobs of a queue, best first: priority by priority, each in due then submission order.</summary>
    public const string SelectDue =
        $"""
        SELECT due.state
        FROM {PrioritiesBestFirst}
        CROSS JOIN LATERAL (
            SELECT state FROM jobs
            WHERE queue = @queue AND status IN {Claimable} AND priority = p.priority AND scheduled_at <= @now
            ORDER BY scheduled_at, ordinal
            LIMIT @limit) AS due
        LIMIT @limit
        """;

    /// <summary>
    /// A claim's candidates: as <see cref="SelectDue"/>, each row locked as it is read and rows another transaction
    /// holds skipped, so concurrent claimers take disjoint jobs. The outer limit stops the scan, so no more rows are
    /// locked than are returned.
    /// </summary>
    public const string LockDueForClaim =
        $"""
        SELECT due.state
        FROM {PrioritiesBestFirst}
        CROSS JOIN LATERAL (
            SELECT state FROM jobs
            WHERE queue = @queue AND status IN {Claimable} AND priority = p.priority AND scheduled_at <= @now
            ORDER BY scheduled_at, ordinal
            LIMIT @limit
            FOR UPDATE SKIP LOCKED) AS due
        WHERE NOT EXISTS (SELECT 1 FROM queue_settings WHERE name = @queue AND paused)
        LIMIT @limit
        """;

    /// <summary>
    /// Taken by a claim before it reads its candidates, in a statement of its own so that the candidates' read sees
    /// any pause committed while it waited. A pause of the queue on any node takes the same lock exclusively
    /// (<see cref="LockQueueForPause"/>), so it waits for claims already reading and is committed before the next one
    /// reads: once a pause is acknowledged, no node claims from that queue. The first key is the ASCII of "AJqu"; the
    /// second names the schema too, since advisory locks are the database's: deployments in other schemas of the same
    /// database have queues of the same names, and must not wait for each other's claims and pauses.
    /// </summary>
    public const string LockQueueForClaim = "SELECT pg_advisory_xact_lock_shared(1095397749, hashtext(current_schema() || '.' || @queue))";

    /// <summary>A pause's side of <see cref="LockQueueForClaim"/>.</summary>
    public const string LockQueueForPause = "SELECT pg_advisory_xact_lock(1095397749, hashtext(current_schema() || '.' || @name))";

    /// <summary>
    /// Claims of jobs that need resources take turns across this schema's nodes: held until the claim commits, so the
    /// held resources read next include every earlier claim's. The first key is the ASCII of "AJre"; the second names
    /// the schema, so deployments in other schemas of the database (with resources of their own) take their own turns.
    /// </summary>
    public const string LockResourceClaims = "SELECT pg_advisory_xact_lock(1095397989, hashtext(current_schema()))";

    /// <summary>
    /// A claim that appends events may find a job's next event being inserted by a writer that then waits for the row
    /// this claim holds; failing fast (well before the deadlock detector, which would pick that writer) lets the claim
    /// roll back and try again.
    /// </summary>
    public const string LimitClaimLockWaits = "SET LOCAL lock_timeout = '200ms'";

    /// <summary>Lifts <see cref="LimitClaimLockWaits"/> for the statements after it (a lock timeout of 0 waits as long as it takes).</summary>
    public const string LiftClaimLockWaitLimit = "SET LOCAL lock_timeout = 0";

    /// <summary>The first claimable job's due time after now: the first after now of each priority, sought on jobs_claim.</summary>
    public const string SelectNextDueAfter =
        $"""
        SELECT min(next.scheduled_at)
        FROM {PrioritiesBestFirst}
        CROSS JOIN LATERAL (
            SELECT scheduled_at FROM jobs
            WHERE queue = @queue AND status IN {Claimable} AND priority = p.priority AND scheduled_at > @now
            ORDER BY scheduled_at
            LIMIT 1) AS next
        """;

    /// <summary>Resources held by owned jobs, one row per resource, in no particular order (a claim reads them as a set).</summary>
    public const string SelectHeldResources =
        $"""
        SELECT held.resource, jobs.id
        FROM jobs CROSS JOIN LATERAL unnest(jobs.resources) AS held(resource)
        WHERE jobs.status IN {Owned}
        """;

    /// <summary>Owned jobs whose lease ended, longest expired first.</summary>
    public const string SelectExpiredLeases =
        $"""
        SELECT state FROM jobs
        WHERE status IN {Owned} AND lease_expires_at < @now
        ORDER BY lease_expires_at, ordinal
        LIMIT @limit
        """;

    /// <summary>
    /// Extends the leases a node still holds (owned, by that node, under that fence) and takes the requests left for
    /// them, returning each renewed job with its requests as they were. Rows are locked in id order, as the projection
    /// writes them, so a renewal and a batch never wait on each other in a cycle.
    /// </summary>
    public const string RenewLeases =
        $"""
        WITH held AS (
            SELECT jobs.id, jobs.owner_requests
            FROM jobs JOIN unnest(@ids, @fences) AS lease(id, fence) ON jobs.id = lease.id AND jobs.fence = lease.fence
            WHERE jobs.status IN {Owned} AND jobs.lease_owner = @owner
            ORDER BY jobs.id
            FOR UPDATE OF jobs),
        renewed AS (
            UPDATE jobs SET lease_expires_at = @until, owner_requests = NULL
            FROM held WHERE jobs.id = held.id)
        SELECT id, owner_requests FROM held
        """;

    /// <summary>Leaves a request for the owning node.</summary>
    public const string AppendOwnerRequest =
        "UPDATE jobs SET owner_requests = array_append(owner_requests, @request) WHERE id = @id";

    // A list's filter: an empty list filter is bound as NULL and matches everything.
    private const string ListFilter =
        """
        (@tenant::text IS NULL OR tenant = @tenant)
          AND (@statuses::text[] IS NULL OR status = ANY(@statuses))
          AND (@types::text[] IS NULL OR type = ANY(@types))
          AND (@queues::text[] IS NULL OR queue = ANY(@queues))
        """;

    /// <summary>A page of jobs by creation time, oldest first (ties in submission order).</summary>
    public const string ListJobsByCreated = $"SELECT state FROM jobs WHERE {ListFilter} ORDER BY created_at, ordinal LIMIT @limit OFFSET @offset";

    /// <summary>A page of jobs by creation time, newest first.</summary>
    public const string ListJobsByCreatedDescending = $"SELECT state FROM jobs WHERE {ListFilter} ORDER BY created_at DESC, ordinal DESC LIMIT @limit OFFSET @offset";

    /// <summary>A page of jobs by the time they may start, earliest first.</summary>
    public const string ListJobsByScheduled = $"SELECT state FROM jobs WHERE {ListFilter} ORDER BY scheduled_at, ordinal LIMIT @limit OFFSET @offset";

    /// <summary>A page of jobs by the time they may start, latest first.</summary>
    public const string ListJobsByScheduledDescending = $"SELECT state FROM jobs WHERE {ListFilter} ORDER BY scheduled_at DESC, ordinal DESC LIMIT @limit OFFSET @offset";

    /// <summary>A page of jobs by priority, lowest first.</summary>
    public const string ListJobsByPriority = $"SELECT state FROM jobs WHERE {ListFilter} ORDER BY priority, ordinal LIMIT @limit OFFSET @offset";

    /// <summary>A page of jobs by priority, highest first.</summary>
    public const string ListJobsByPriorityDescending = $"SELECT state FROM jobs WHERE {ListFilter} ORDER BY priority DESC, ordinal DESC LIMIT @limit OFFSET @offset";

    /// <summary>How many jobs match a list's filter.</summary>
    public const string CountListedJobs = $"SELECT count(*) FROM jobs WHERE {ListFilter}";

    /// <summary>
    /// How many due claimable jobs of the job's queue a claim takes before it: every due job of a higher priority (each
    /// priority's due range sought, as in <see cref="SelectDue"/>), and those of its own priority that came due earlier
    /// or, due together, were submitted earlier. No row when the job does not exist. The second range ends at
    /// least(now, the job's due time), so rows of its priority due after it are never read.
    /// </summary>
    public const string CountAhead =
        $"""
        SELECT
            (SELECT count(*) FROM generate_series(job.priority + 1, 10) AS p(priority)
             CROSS JOIN LATERAL (
                 SELECT 1 FROM jobs AS other
                 WHERE other.queue = job.queue AND other.status IN {Claimable} AND other.priority = p.priority
                   AND other.scheduled_at <= @now) AS ahead)
          + (SELECT count(*) FROM jobs AS other
             WHERE other.queue = job.queue AND other.status IN {Claimable} AND other.priority = job.priority
               AND other.scheduled_at <= least(@now, job.scheduled_at)
               AND (other.scheduled_at, other.ordinal) < (job.scheduled_at, job.ordinal))
        FROM jobs AS job
        WHERE job.id = @id
        """;

    /// <summary>Job counts per queue and status, for one tenant or all.</summary>
    public const string CountByStatus =
        """
        SELECT queue, status, count(*) FROM jobs
        WHERE @tenant::text IS NULL OR tenant = @tenant
        GROUP BY queue, status
        """;

    /// <summary>
    /// Appends log lines, each under the next number of its job's log, in the order given; lines of jobs that do not
    /// exist are dropped. Two appenders of one job at once collide on the key; the loser tries again.
    /// </summary>
    public const string AppendLogLines =
        """
        INSERT INTO job_logs (job_id, number, attempt, at, level, message)
        SELECT line.job_id,
               COALESCE((SELECT max(number) FROM job_logs AS log WHERE log.job_id = line.job_id), 0)
                 + row_number() OVER (PARTITION BY line.job_id ORDER BY line.position),
               line.attempt, line.at, line.level, line.message
        FROM unnest(@job_ids, @attempts, @ats, @levels, @messages) WITH ORDINALITY
             AS line(job_id, attempt, at, level, message, position)
        WHERE EXISTS (SELECT 1 FROM jobs WHERE jobs.id = line.job_id)
        """;

    /// <summary>A job's log lines after a number, in order.</summary>
    public const string SelectLogLines =
        """
        SELECT attempt, at, level, message, number FROM job_logs
        WHERE job_id = @job_id AND number > @after_number
        ORDER BY number
        LIMIT @max
        """;

    /// <summary>Deletes a job's row and log if it is final, returning its id (the caller then deletes its events).</summary>
    public const string DeleteFinalJob =
        $"""
        WITH deleted AS (DELETE FROM jobs WHERE id = @id AND status IN {Final} RETURNING id),
             log AS (DELETE FROM job_logs WHERE job_id IN (SELECT id FROM deleted))
        SELECT id FROM deleted
        """;

    /// <summary>
    /// Deletes the rows and logs of final jobs that finished before the cutoff, oldest first, returning their ids.
    /// Rows another transaction holds are left for the next purge.
    /// </summary>
    public const string PurgeFinishedJobs =
        $"""
        WITH deleted AS (
            DELETE FROM jobs
            WHERE id IN (
                SELECT id FROM jobs
                WHERE status IN {Final} AND finished_at < @cutoff
                ORDER BY finished_at
                LIMIT @max
                FOR UPDATE SKIP LOCKED)
            RETURNING id),
        log AS (DELETE FROM job_logs WHERE job_id IN (SELECT id FROM deleted))
        SELECT id FROM deleted
        """;

    /// <summary>
    /// Tells the other nodes' <see cref="PostgreSqlWorkListener"/>s which queues may have claimable jobs now. Sent in the
    /// batch's transaction, so it is delivered on commit and only then; the server folds repeats of one payload.
    /// </summary>
    public const string NotifyWork =
        $"SELECT pg_notify({WorkChannel}, q) FROM unnest(@wake_queues) AS q";

    /// <summary>
    /// The channel of one deployment: derived from the schema, so deployments kept apart by <c>Search Path</c> in one
    /// database do not wake each other, and short enough for a channel name whatever the schema's length.
    /// </summary>
    public const string WorkChannel = "'actorjobs_work_' || md5(current_schema())";

    /// <summary>The work channel's name, to LISTEN on.</summary>
    public const string SelectWorkChannel = $"SELECT {WorkChannel}";

    /// <summary>Records whether a queue is paused.</summary>
    public const string UpsertQueuePaused =
        """
        INSERT INTO queue_settings (name, paused) VALUES (@name, @paused)
        ON CONFLICT (name) DO UPDATE SET paused = excluded.paused
        """;

    /// <summary>The paused queues.</summary>
    public const string SelectPausedQueues = "SELECT name FROM queue_settings WHERE paused";
}
