using ActorJobs.Jobs.Store;

namespace ActorJobs.Jobs.Conformance;

/// <summary>
/// An index that passes every call to another: a test derives from it and overrides the one or two calls it changes
/// (a stale lookup, a claim held open), leaving the rest to the real store.
/// </summary>
public abstract class ForwardingJobIndex(IJobIndex inner) : IJobIndex
{
    /// <summary>The index the calls go to.</summary>
    protected IJobIndex Inner { get; } = inner;

    public virtual Task<JobState?> GetAsync(string jobId, CancellationToken cancellationToken = default) => Inner.GetAsync(jobId, cancellationToken);

    public virtual Task<JobState?> FindByIdempotencyKeyAsync(string tenant, string idempotencyKey, CancellationToken cancellationToken = default) =>
        Inner.FindByIdempotencyKeyAsync(tenant, idempotencyKey, cancellationToken);

    public virtual Task<IReadOnlyList<JobState>> FindByIdempotencyKeysAsync(string tenant, IReadOnlyList<string> idempotencyKeys, CancellationToken cancellationToken = default) =>
        Inner.FindByIdempotencyKeysAsync(tenant, idempotencyKeys, cancellationToken);

    public virtual Task<IReadOnlyList<JobState>> SelectDueAsync(string queue, DateTimeOffset now, int limit, CancellationToken cancellationToken = default) =>
        Inner.SelectDueAsync(queue, now, limit, cancellationToken);

    public virtual Task<DateTimeOffset?> NextDueAfterAsync(string queue, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        Inner.NextDueAfterAsync(queue, now, cancellationToken);

    public virtual Task<IReadOnlyList<HeldResource>> ReadHeldResourcesAsync(CancellationToken cancellationToken = default) => Inner.ReadHeldResourcesAsync(cancellationToken);

    public virtual Task<IReadOnlyList<JobState>> SelectExpiredLeasesAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default) =>
        Inner.SelectExpiredLeasesAsync(now, limit, cancellationToken);

    public virtual Task<LeaseRenewal> RenewLeasesAsync(string owner, IReadOnlyList<JobLease> leases, DateTimeOffset until, CancellationToken cancellationToken = default) =>
        Inner.RenewLeasesAsync(owner, leases, until, cancellationToken);

    public virtual Task RequestOfOwnerAsync(string jobId, OwnerRequest request, CancellationToken cancellationToken = default) =>
        Inner.RequestOfOwnerAsync(jobId, request, cancellationToken);

    public virtual Task<JobPage> ListAsync(JobQuery query, CancellationToken cancellationToken = default) => Inner.ListAsync(query, cancellationToken);

    public virtual Task<long> CountAheadAsync(string jobId, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        Inner.CountAheadAsync(jobId, now, cancellationToken);

    public virtual Task<IReadOnlyList<StatusCount>> CountByStatusAsync(string? tenant, CancellationToken cancellationToken = default) =>
        Inner.CountByStatusAsync(tenant, cancellationToken);

    public virtual Task AppendLogsAsync(IReadOnlyList<JobLogLine> lines, CancellationToken cancellationToken = default) => Inner.AppendLogsAsync(lines, cancellationToken);

    public virtual Task<IReadOnlyList<JobLogLine>> ReadLogsAsync(string jobId, long afterNumber, int max, CancellationToken cancellationToken = default) =>
        Inner.ReadLogsAsync(jobId, afterNumber, max, cancellationToken);

    public virtual Task<bool> DeleteFinalAsync(string jobId, CancellationToken cancellationToken = default) => Inner.DeleteFinalAsync(jobId, cancellationToken);

    public virtual Task<int> PurgeFinishedBeforeAsync(DateTimeOffset cutoff, int max, CancellationToken cancellationToken = default) =>
        Inner.PurgeFinishedBeforeAsync(cutoff, max, cancellationToken);

    public virtual Task SetQueuePausedAsync(string queue, bool paused, CancellationToken cancellationToken = default) =>
        Inner.SetQueuePausedAsync(queue, paused, cancellationToken);

    public virtual Task<IReadOnlySet<string>> ReadPausedQueuesAsync(CancellationToken cancellationToken = default) => Inner.ReadPausedQueuesAsync(cancellationToken);
}
