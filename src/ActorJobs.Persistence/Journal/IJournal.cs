namespace ActorJobs.Persistence.Journal;

/// <summary>
/// The event journal: each entity's history as events numbered 1, 2, 3, ... with no gaps. The journal rejects
/// a write whose first sequence number is not the stored highest plus one; that is the fence that stops two
/// writers of one entity. Every backend (in-memory, SQLite, PostgreSQL) passes the same conformance suite.
/// </summary>
public interface IJournal
{
    /// <summary>
    /// Writes a batch of atomic writes in one transaction. Each write is written whole or rejected whole; a
    /// rejected write does not affect the others. Writes of one entity in the same batch are checked in order,
    /// so a batch may carry several consecutive writes of one entity.
    /// </summary>
    /// <param name="writes">The writes, in order.</param>
    /// <param name="cancellationToken">Cancels the batch before it commits.</param>
    /// <returns>One result per write, in the same order, once the batch committed.</returns>
    /// <exception cref="JournalWriteException">The store failed; no event of the batch is acknowledged.</exception>
    Task<IReadOnlyList<AtomicWriteResult>> WriteAsync(IReadOnlyList<AtomicWrite> writes, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes as <see cref="WriteAsync"/> does, for writes that others wait on (a claim: its workers are idle until it
    /// commits). A journal that queues writes for group commit may write these in a transaction of their own ahead of
    /// writes queued before them; a caller that needs two writes in order awaits the first, as every caller does. A
    /// journal that syncs to disk after its commits may complete these at the commit, before the sync: a caller acts
    /// on them at once, and a power cut may then lose them with everything written after them. The default is
    /// <see cref="WriteAsync"/>, and a journal that wraps another passes the call on.
    /// </summary>
    /// <param name="writes">The writes, in order.</param>
    /// <param name="cancellationToken">Cancels the batch before it commits.</param>
    /// <returns>One result per write, in the same order, once the batch committed.</returns>
    /// <exception cref="JournalWriteException">The store failed; no event of the batch is acknowledged.</exception>
    Task<IReadOnlyList<AtomicWriteResult>> WriteAheadAsync(IReadOnlyList<AtomicWrite> writes, CancellationToken cancellationToken = default) =>
        WriteAsync(writes, cancellationToken);

    /// <summary>
    /// Streams an entity's events in sequence order, from <paramref name="fromSequenceNr"/> to
    /// <paramref name="toSequenceNr"/> inclusive, at most <paramref name="max"/> of them. Deleted events are skipped.
    /// </summary>
    /// <param name="persistenceId">The entity.</param>
    /// <param name="fromSequenceNr">The first sequence number wanted.</param>
    /// <param name="toSequenceNr">The last sequence number wanted (<see cref="long.MaxValue"/> for all).</param>
    /// <param name="max">The most events to return (<see cref="long.MaxValue"/> for all).</param>
    /// <param name="cancellationToken">Stops the replay.</param>
    IAsyncEnumerable<StoredEvent> ReplayAsync(
        string persistenceId,
        long fromSequenceNr,
        long toSequenceNr,
        long max,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads the highest sequence number ever written for an entity, 0 when it has none. Deleting events
    /// does not lower it, so a new incarnation never reuses a number.
    /// </summary>
    /// <param name="persistenceId">The entity.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    Task<long> ReadHighestSequenceNrAsync(string persistenceId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes an entity's events up to and including <paramref name="toSequenceNr"/> (after a snapshot, or when
    /// a finished job is purged). Replay no longer returns them; the highest sequence number stays as it was.
    /// </summary>
    /// <param name="persistenceId">The entity.</param>
    /// <param name="toSequenceNr">The last sequence number to delete; numbers past the highest delete everything.</param>
    /// <param name="cancellationToken">Cancels the delete before it commits.</param>
    Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken = default);

    /// <summary>
    /// The journal's group replay, when it reads many entities' histories in one query faster than one at a time;
    /// null otherwise (the default), and recovering actors then replay one entity each. A journal that wraps another
    /// passes the inner one's on.
    /// </summary>
    IGroupReplay? GroupReplay => null;
}
