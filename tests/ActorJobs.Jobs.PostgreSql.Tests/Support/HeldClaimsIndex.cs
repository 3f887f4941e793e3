using ActorJobs.Jobs.Store;
using ActorJobs.Persistence.Journal;

namespace ActorJobs.Jobs.PostgreSql.Tests.Support;

/// <summary>
/// A node's index whose atomic claims stop inside their transaction, their candidates locked, until the test lets each
/// go on: a <see cref="JobStore"/> over it claims as it always does, and the test sees what the claim holds meanwhile.
/// </summary>
public sealed class HeldClaimsIndex(PostgreSqlJobIndex inner) : IJobIndex, IAtomicJobClaims, IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly SemaphoreSlim _holding = new(0);
    private readonly SemaphoreSlim _release = new(0);

    /// <summary>The candidates of the claim held last, best first.</summary>
    public IReadOnlyList<string> Candidates { get; private set; } = [];

    /// <summary>Waits until a claim has locked its candidates and stopped.</summary>
    public async Task WaitUntilHoldingAsync() =>
        Assert.True(await _holding.WaitAsync(Deadline), "the claim never locked its candidates");

    /// <summary>Lets the claim held go on to decide and commit.</summary>
    public void Release() => _release.Release();

    public Task<IReadOnlyList<AtomicWriteResult>> ClaimDueAsync(
        string queue, DateTimeOffset now, int limit, int limitWhenResourcesNeeded, JobClaimDecision decide, CancellationToken cancellationToken = default) =>
        inner.ClaimDueAsync(queue, now, limit, limitWhenResourcesNeeded, (candidates, held) =>
        {
            Candidates = [.. candidates.Select(c => c.Id)];
            _holding.Release();
            Assert.True(_release.Wait(Deadline), "the test never released the claim");
            return decide(candidates, held);
        }, cancellationToken);

    public void Dispose()
    {
        _holding.Dispose();
        _release.Dispose();
    }

    public Task<JobState?> GetAsync(string jobId, CancellationToken cancellationToken = default) => inner.GetAsync(jobId, cancellationToken);

    public Task<JobState?> FindByIdempotencyKeyAsync(string tenant, string idempotencyKey, CancellationToken cancellationToken = default) =>
        inner.FindByIdempotencyKeyAsync(tenant, idempotencyKey, cancellationToken);

    public Task<IReadOnlyList<JobState>> FindByIdempotencyKeysAsync(string tenant, IReadOnlyList<string> idempotencyKeys, CancellationToken cancellationToken = default) =>
        inner.FindByIdempotencyKeysAsync(tenant, idempotencyKeys, cancellationToken);

    public Task<IReadOnlyList<JobState>> SelectDueAsync(string queue, DateTimeOffset now, int limit, CancellationToken cancellationToken = default) =>
        inner.SelectDueAsync(queue, now, limit, cancellationToken);

    public Task<DateTimeOffset?> NextDueAfterAsync(string queue, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        inner.NextDueAfterAsync(queue, now, cancellationToken);

    public Task<IReadOnlyList<HeldResource>> ReadHeldResourcesAsync(CancellationToken cancellationToken = default) => inner.ReadHeldResourcesAsync(cancellationToken);

    public Task<IReadOnlyList<JobState>> SelectExpiredLeasesAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default) =>
        inner.SelectExpiredLeasesAsync(now, limit, cancellationToken);

    public Task<LeaseRenewal> RenewLeasesAsync(string owner, IReadOnlyList<JobLease> leases, DateTimeOffset until, CancellationToken cancellationToken = default) =>
        inner.RenewLeasesAsync(owner, leases, until, cancellationToken);

    public Task RequestOfOwnerAsync(string jobId, OwnerRequest request, CancellationToken cancellationToken = default) =>
        inner.RequestOfOwnerAsync(jobId, request, cancellationToken);

    public Task<JobPage> ListAsync(JobQuery query, CancellationToken cancellationToken = default) => inner.ListAsync(query, cancellationToken);

    public Task<long> CountAheadAsync(string jobId, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        inner.CountAheadAsync(jobId, now, cancellationToken);

    public Task<IReadOnlyList<StatusCount>> CountByStatusAsync(string? tenant, CancellationToken cancellationToken = default) =>
        inner.CountByStatusAsync(tenant, cancellationToken);

    public Task AppendLogsAsync(IReadOnlyList<JobLogLine> lines, CancellationToken cancellationToken = default) => inner.AppendLogsAsync(lines, cancellationToken);

    public Task<IReadOnlyList<JobLogLine>> ReadLogsAsync(string jobId, long afterNumber, int max, CancellationToken cancellationToken = default) =>
        inner.ReadLogsAsync(jobId, afterNumber, max, cancellationToken);

    public Task<bool> DeleteFinalAsync(string jobId, CancellationToken cancellationToken = default) => inner.DeleteFinalAsync(jobId, cancellationToken);

    public Task<int> PurgeFinishedBeforeAsync(DateTimeOffset cutoff, int max, CancellationToken cancellationToken = default) =>
        inner.PurgeFinishedBeforeAsync(cutoff, max, cancellationToken);

    public Task SetQueuePausedAsync(string queue, bool paused, CancellationToken cancellationToken = default) =>
        inner.SetQueuePausedAsync(queue, paused, cancellationToken);

    public Task<IReadOnlySet<string>> ReadPausedQueuesAsync(CancellationToken cancellationToken = default) => inner.ReadPausedQueuesAsync(cancellationToken);
}
