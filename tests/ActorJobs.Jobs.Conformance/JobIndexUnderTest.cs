using ActorJobs.Jobs.Store;
using ActorJobs.Persistence.Journal;

namespace ActorJobs.Jobs.Conformance;

/// <summary>One backend as the job index suite sees it: a fresh journal with the index's projection, and the index.</summary>
public abstract class JobIndexUnderTest : IAsyncDisposable
{
    /// <summary>The journal, with the index's projection registered.</summary>
    public abstract IJournal Journal { get; }

    /// <summary>The index over that journal.</summary>
    public abstract IJobIndex Index { get; }

    public abstract ValueTask DisposeAsync();
}
