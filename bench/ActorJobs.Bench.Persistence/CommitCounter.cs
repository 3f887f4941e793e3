using ActorJobs.Persistence.Journal;

namespace ActorJobs.Bench.Persistence;

/// <summary>
/// Sits between the batching writer and the store and counts the store's write calls, one per transaction, so a
/// phase can report how many events a commit carried: group commit shares a commit's fsync among them.
/// </summary>
internal sealed class CommitCounter(IJournal store) : IJournal
{
    private long _commits;

    public long Commits => Interlocked.Read(ref _commits);

    public Task<IReadOnlyList<AtomicWriteResult>> WriteAsync(IReadOnlyList<AtomicWrite> writes, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _commits);
        return store.WriteAsync(writes, cancellationToken);
    }

    public IAsyncEnumerable<StoredEvent> ReplayAsync(string persistenceId, long fromSequenceNr, long toSequenceNr, long max, CancellationToken cancellationToken = default) =>
        store.ReplayAsync(persistenceId, fromSequenceNr, toSequenceNr, max, cancellationToken);

    public Task<long> ReadHighestSequenceNrAsync(string persistenceId, CancellationToken cancellationToken = default) =>
        store.ReadHighestSequenceNrAsync(persistenceId, cancellationToken);

    public Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken = default) =>
        store.DeleteMessagesToAsync(persistenceId, toSequenceNr, cancellationToken);
}
