using ActorJobs.Persistence.Journal;
using ActorJobs.Persistence.Snapshots;

namespace ActorJobs.Persistence.Tests.Support;

/// <summary>One backend as the conformance suite sees it: its journal, its snapshot store, and a look behind them.</summary>
public abstract class StoreUnderTest : IAsyncDisposable
{
    /// <summary>The journal, with the test job-row projection registered.</summary>
    public abstract IJournal Journal { get; }

    public abstract ISnapshotStore Snapshots { get; }

    /// <summary>The job row's status as the projection stored it, or null when there is no row.</summary>
    public abstract Task<string?> ReadJobRowStatusAsync(string jobId);

    /// <summary>Overwrites a stored event's manifest and payload behind the journal's back, as damage would.</summary>
    public abstract Task CorruptEventAsync(string persistenceId, long sequenceNr, string manifest, byte[] payload);

    public abstract ValueTask DisposeAsync();
}
