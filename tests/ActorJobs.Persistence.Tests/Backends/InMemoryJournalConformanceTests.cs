using ActorJobs.Persistence.InMemory;
using ActorJobs.Persistence.Journal;
using ActorJobs.Persistence.Snapshots;
using ActorJobs.Persistence.Tests.Conformance;
using ActorJobs.Persistence.Tests.Support;

namespace ActorJobs.Persistence.Tests.Backends;

public sealed class InMemoryJournalConformanceTests : JournalConformanceTests
{
    protected override Task<StoreUnderTest> CreateStoreAsync(TimeProvider clock) => Task.FromResult<StoreUnderTest>(new InMemoryStore(clock));

    /// <summary>The in-memory journal with a dictionary as the job-row read model.</summary>
    internal sealed class InMemoryStore : StoreUnderTest
    {
        private readonly Dictionary<string, string> _jobRows = [];

        public InMemoryStore(TimeProvider clock)
        {
            InMemory = new InMemoryJournal(clock).AddProjection<JobRowUpdate>(update =>
            {
                var status = update.Status ?? throw new InvalidOperationException("A job row's status must not be null.");
                return () => _jobRows[update.JobId] = status;
            });
        }

        public InMemoryJournal InMemory { get; }

        public override IJournal Journal => InMemory;

        public override ISnapshotStore Snapshots { get; } = new InMemorySnapshotStore();

        public override Task<string?> ReadJobRowStatusAsync(string jobId) =>
            Task.FromResult(_jobRows.TryGetValue(jobId, out var status) ? status : null);

        public override Task CorruptEventAsync(string persistenceId, long sequenceNr, string manifest, byte[] payload)
        {
            InMemory.CorruptEvent(persistenceId, sequenceNr, manifest, payload);
            return Task.CompletedTask;
        }

        public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
