using ActorJobs.Jobs.Conformance;
using ActorJobs.Jobs.Store;
using ActorJobs.Persistence.Journal;

namespace ActorJobs.Jobs.PostgreSql.Tests.Support;

/// <summary>
/// A node's index whose atomic claims stop inside their transaction, their candidates locked, until the test lets each
/// go on: a <see cref="JobStore"/> over it claims as it always does, and the test sees what the claim holds meanwhile.
/// </summary>
public sealed class HeldClaimsIndex(PostgreSqlJobIndex inner) : ForwardingJobIndex(inner), IAtomicJobClaims, IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly PostgreSqlJobIndex _claims = inner;
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
        _claims.ClaimDueAsync(queue, now, limit, limitWhenResourcesNeeded, (candidates, held) =>
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
}
