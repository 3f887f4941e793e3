using ActorJobs.Jobs.Conformance;
using ActorJobs.Jobs.Store;
using ActorJobs.Persistence.InMemory;
using ActorJobs.Persistence.Journal;

namespace ActorJobs.Jobs.Sqlite.Tests;

/// <summary>The reference: the in-memory index passes the same suite, so the SQLite index is held to its behaviour.</summary>
public sealed class InMemoryJobIndexConformanceTests : JobIndexConformanceTests
{
    protected override Task<JobIndexUnderTest> CreateBackendAsync() => Task.FromResult<JobIndexUnderTest>(new InMemoryBackend());

    private sealed class InMemoryBackend : JobIndexUnderTest
    {
        private readonly InMemoryJournal _journal = new();

        public InMemoryBackend() => Index = new InMemoryJobIndex(_journal);

        public override IJournal Journal => _journal;

        public override IJobIndex Index { get; }

        public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
