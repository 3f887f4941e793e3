using ActorJobs.Persistence.Journal;

namespace ActorJobs.Persistence.Tests.Support;

/// <summary>Passes everything to an inner journal and records the size of each batch it was asked to write.</summary>
public sealed class RecordingJournal(IJournal inner) : ForwardingJournal(inner)
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

    public override Task<IReadOnlyList<AtomicWriteResult>> WriteAsync(IReadOnlyList<AtomicWrite> writes, CancellationToken cancellationToken = default)
    {
        lock (_batches)
        {
            _batches.Add((writes.Count, writes.Sum(write => write.Events.Count)));
        }

        return Inner.WriteAsync(writes, cancellationToken);
    }
}
