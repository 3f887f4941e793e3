namespace ActorJobs.Jobs.Store;

/// <summary>
/// A backend's job rows: the projection of every job's events (written by the journal in the same transaction, from
/// <see cref="JobRowUpdate"/>), the queries over them, and the few writes that are not job events (lease renewals,
/// owner requests, logs, queue pauses, purges). <see cref="JobStore"/> adds the journal side on top.
/// </summary>
public interface IJobIndex
{
    /// <summary>One job's row.</summary>
    Task<JobState?> GetAsync(string jobId, CancellationToken cancellationToken = default);

    /// <summary>The job a tenant submitted under an idempotency key, if any.</summary>
    Task<JobState?> FindByIdempotencyKeyAsync(string tenant, string idempotencyKey, CancellationToken cancellationToken = default);

    /// <summary>
    /// The jobs a tenant submitted under any of <paramref name="idempotencyKeys"/>, in one query: those found, in no
    /// particular order (each carries its key). A batch of submits looks its keys up with one round trip, not one each.
    /// </summary>
    Task<IReadOnlyList<JobState>> FindByIdempotencyKeysAsync(string tenant, IReadOnlyList<string> idempotencyKeys, CancellationToken cancellationToken = default);

    /// <summary>
    /// Claimable jobs of a queue that are due at <paramref name="now"/>, best first: priority descending, then the time
    /// they became due, then submission order. At most <paramref name="limit"/>.
    /// </summary>
    Task<IReadOnlyList<JobState>> SelectDueAsync(string queue, DateTimeOffset now, int limit, CancellationToken cancellationToken = default);

    /// <summary>The earliest time a claimable job of the queue becomes due after <paramref name="now"/>, if any.</summary>
    Task<DateTimeOffset?> NextDueAfterAsync(string queue, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Resources held by owned jobs (on any node).</summary>
    Task<IReadOnlyList<HeldResource>> ReadHeldResourcesAsync(CancellationToken cancellationToken = default);

    /// <summary>Owned jobs whose lease ended before <paramref name="now"/>, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<JobState>> SelectExpiredLeasesAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Extends the leases <paramref name="owner"/> holds to <paramref name="until"/>, where the row still shows that owner
    /// and fence; returns the ones it no longer holds, and the requests left for the ones it does.
    /// </summary>
    Task<LeaseRenewal> RenewLeasesAsync(string owner, IReadOnlyList<JobLease> leases, DateTimeOffset until, CancellationToken cancellationToken = default);

    /// <summary>Leaves a request for the node that owns a job; the owner takes it on its next renewal.</summary>
    Task RequestOfOwnerAsync(string jobId, OwnerRequest request, CancellationToken cancellationToken = default);

    /// <summary>A filtered, ordered page of jobs.</summary>
    Task<JobPage> ListAsync(JobQuery query, CancellationToken cancellationToken = default);

    /// <summary>How many claimable, due jobs of the job's queue would be claimed before it (0 when it is next).</summary>
    Task<long> CountAheadAsync(string jobId, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Job counts per queue and status.</summary>
    Task<IReadOnlyList<StatusCount>> CountByStatusAsync(string? tenant, CancellationToken cancellationToken = default);

    /// <summary>Appends lines to jobs' logs (numbering them per job).</summary>
    Task AppendLogsAsync(IReadOnlyList<JobLogLine> lines, CancellationToken cancellationToken = default);

    /// <summary>A job's log lines after line <paramref name="afterNumber"/>, at most <paramref name="max"/>.</summary>
    Task<IReadOnlyList<JobLogLine>> ReadLogsAsync(string jobId, long afterNumber, int max, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes a final job entirely: its row, its events, its log. Returns false when it does not exist or is not final
    /// (then nothing is deleted).
    /// </summary>
    Task<bool> DeleteFinalAsync(string jobId, CancellationToken cancellationToken = default);

    /// <summary>Deletes up to <paramref name="max"/> final jobs that finished before <paramref name="cutoff"/>; returns how many.</summary>
    Task<int> PurgeFinishedBeforeAsync(DateTimeOffset cutoff, int max, CancellationToken cancellationToken = default);

    /// <summary>Records whether a queue is paused (for every node).</summary>
    Task SetQueuePausedAsync(string queue, bool paused, CancellationToken cancellationToken = default);

    /// <summary>The queues that are paused.</summary>
    Task<IReadOnlySet<string>> ReadPausedQueuesAsync(CancellationToken cancellationToken = default);
}
