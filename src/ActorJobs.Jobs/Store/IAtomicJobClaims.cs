using ActorJobs.Persistence.Journal;

namespace ActorJobs.Jobs.Store;

/// <summary>
/// An <see cref="IJobIndex"/> that can claim in one transaction of its own: lock a queue's due jobs that no other
/// claimer holds, let the caller decide which to take, and append the claims' events and rows before the locks are
/// released. Nodes claiming the same queue at once then take disjoint jobs instead of racing for the same ones (on
/// PostgreSQL, <c>FOR UPDATE SKIP LOCKED</c>). <see cref="JobStore.ClaimAsync"/> uses it when the index has it.
/// </summary>
public interface IAtomicJobClaims
{
    /// <summary>
    /// Locks up to <paramref name="limit"/> claimable jobs of <paramref name="queue"/> due at <paramref name="now"/>, best
    /// first (the order of <see cref="IJobIndex.SelectDueAsync"/>), skipping jobs another transaction holds; when it locked
    /// that many and one of them needs a resource, locks up to <paramref name="limitWhenResourcesNeeded"/> instead, in the
    /// same transaction (the jobs it locked already among them). Hands the candidates to <paramref name="decide"/> with the
    /// resources held by owned jobs (read after every other claim of jobs with resources has committed, and only when a
    /// candidate needs one); appends the writes it returns, fenced on their sequence numbers and projected, and commits.
    /// </summary>
    /// <param name="queue">The queue.</param>
    /// <param name="now">The claim time.</param>
    /// <param name="limit">The most candidates to lock: as many as the claim may take (none when 0).</param>
    /// <param name="limitWhenResourcesNeeded">The most candidates to lock when <paramref name="limit"/> were found and one
    /// needs a resource: room for jobs further down, which a claim may take when it passes over jobs whose resources are
    /// held or reserved. At least <paramref name="limit"/>.</param>
    /// <param name="decide">Chooses among the candidates and returns the claims' writes; it may run more than once when
    /// the backend retries, and only its last answer counts.</param>
    /// <param name="cancellationToken">Cancels the claim (nothing of it is kept).</param>
    /// <returns>One result per write of <paramref name="decide"/>'s last answer, in its order.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is negative, or
    /// <paramref name="limitWhenResourcesNeeded"/> is below it.</exception>
    /// <exception cref="JournalWriteException">The store failed; nothing was claimed.</exception>
    Task<IReadOnlyList<AtomicWriteResult>> ClaimDueAsync(
        string queue, DateTimeOffset now, int limit, int limitWhenResourcesNeeded, JobClaimDecision decide, CancellationToken cancellationToken = default);
}

/// <summary>Decides which of the locked candidates a claim takes, and returns the claims' atomic writes.</summary>
/// <param name="candidates">The locked due jobs, best first.</param>
/// <param name="held">Resources held by owned jobs on every node (empty when no candidate needs a resource).</param>
public delegate IReadOnlyList<AtomicWrite> JobClaimDecision(IReadOnlyList<JobState> candidates, IReadOnlyList<HeldResource> held);
