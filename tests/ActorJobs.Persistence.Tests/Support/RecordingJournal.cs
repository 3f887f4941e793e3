using ActorJobs.Persistence.Journal;

namespace ActorJobs.Persistence.Tests.Support;

/// <summary>Passes everything to an inner journal and records the size of each batch it was asked to write.</summary>
public sealed class RecordingJournal(IJournal inner) : IJournal
{
    private readonly List<(int Writes, int Events)> _batches = [];

    public IReadOnlyList<(int Writes, int Events)> Batches
    {
        get
        {
            lock (_batches)
            {
                return [.. _batches];
            }
        }
    }

    public Task<IReadOnlyList<AtomicWriteResult>> WriteAsync(IReadOnlyList<AtomicWrite> writes, CancellationToken cancellationToken = default)
    {
        lock (_batches)
        {
            _batches.Add((writes.Count, writes.Sum(write => write.Events.Count)));
        }

        return inner.WriteAsync(writes, cancellationToken);
    }

    public IAsyncEnumerable<StoredEvent> ReplayAsync(string persistenceId, long fromSequenceNr, long toSequenceNr, long max, CancellationToken cancellationToken = default) =>
        inner.ReplayAsync(persistenceId, fromSequenceNr, toSequenceNr, max, cancellationToken);

    public Task<long> ReadHighestSequenceNrAsync(string persistenceId, CancellationToken cancellationToken = default) =>
        inner.ReadHighestSequenceNrAsync(persistenceId, cancellationToken);

    public Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken = default) =>
        inner.DeleteMessagesToAsync(persistenceId, toSequenceNr, cancellationToken);
}
