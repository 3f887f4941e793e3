namespace ActorJobs.Persistence.Journal;

/// <summary>
/// A journal backend that can hand back a batch once it is committed, before it is on disk, with a task that completes
/// once it is. <see cref="BatchingJournalWriter"/> uses it to write the next batch while the disk syncs the last one, and
/// still tells a batch's callers only once their writes are durable.
/// </summary>
public interface IDeferredSyncJournal
{
    /// <summary>
    /// Writes the batch in one transaction and returns once it is committed. Its writes are acknowledged (and may be
    /// told to their callers) only once <see cref="CommittedWrites.Durable"/> completes; should that fault, none is.
    /// </summary>
    /// <param name="writes">The atomic writes of one transaction.</param>
    /// <param name="cancellationToken">Cancels waiting for the writer; once the transaction has started, it is not interrupted.</param>
    /// <returns>One result per write, in order, and the task of their sync to disk.</returns>
    /// <exception cref="JournalWriteException">The transaction failed; nothing of it was written.</exception>
    Task<CommittedWrites> WriteCommittedAsync(IReadOnlyList<AtomicWrite> writes, CancellationToken cancellationToken = default);
}

/// <summary>A committed batch: its results, and the task that completes once it is on disk (faulting if the sync failed).</summary>
/// <param name="Results">One result per atomic write, in order.</param>
/// <param name="Durable">Completes once the batch is on disk; faults with a <see cref="JournalWriteException"/> when the sync failed.</param>
public readonly record struct CommittedWrites(IReadOnlyList<AtomicWriteResult> Results, Task Durable);
