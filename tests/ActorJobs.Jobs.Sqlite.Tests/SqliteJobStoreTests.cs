using ActorJobs.Jobs.Sqlite.Tests.Support;
using ActorJobs.Jobs.Conformance;
using ActorJobs.Jobs.Store;
using ActorJobs.Persistence.Journal;
using ActorJobs.Persistence.Serialization;

namespace ActorJobs.Jobs.Sqlite.Tests;

/// <summary>The job store end to end over the SQLite journal and index: what the engine does with them.</summary>
public sealed class SqliteJobStoreTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly EventSerializer _serializer = new EventSerializer().RegisterJobEvents();
    private SqliteJobsFile _file = null!;
    private JobStore _store = null!;

    public Task InitializeAsync()
    {
        _file = new SqliteJobsFile();
        _store = new JobStore(_file.SqliteJournal, _file.SqliteIndex, _serializer);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _store.Dispose();
        await _file.DisposeAsync();
    }

    [Fact]
    public async Task Submitted_and_claimed_jobs_are_events_in_the_journal_whose_fold_is_the_row()
    {
        await _store.SubmitAsync([Job("job-1", priority: 2), Job("job-2", priority: 9), Job("job-3", priority: 5)]);

        var claimed = await _store.ClaimAsync("default", 2, "node-a", T0, T0.AddSeconds(30));

        Assert.Equal(["job-2", "job-3"], claimed.Select(j => j.Id));
        foreach (var id in new[] { "job-1", "job-2", "job-3" })
        {
            var events = new List<JobEvent>();
            await foreach (var stored in _file.Journal.ReplayAsync(id, 1, long.MaxValue, long.MaxValue))
            {
                events.Add((JobEvent)_serializer.DeserializeEvent(stored));
            }

            var row = await _file.SqliteIndex.GetAsync(id);
            var fold = JobStateMachine.ApplyAll(null, events)!;
            Assert.Equal(fold with { Resources = row!.Resources }, row);
        }

        Assert.Equal(JobStatus.Running, (await _file.SqliteIndex.GetAsync("job-2"))!.Status);
        Assert.Equal(JobStatus.Waiting, (await _file.SqliteIndex.GetAsync("job-1"))!.Status);
    }

    [Fact]
    public async Task A_job_whose_resource_is_held_is_passed_over_until_the_holder_finishes()
    {
        await _store.SubmitAsync([Job("job-a", priority: 8, resources: ["db"]), Job("job-b", priority: 5, resources: ["db"]), Job("job-c", priority: 1)]);

        var first = await _store.ClaimAsync("default", 3, "node-a", T0, T0.AddSeconds(30));
        Assert.Equal(["job-a", "job-c"], first.Select(j => j.Id));
        Assert.Empty(await _store.ClaimAsync("default", 3, "node-a", T0, T0.AddSeconds(30)));

        var holder = first[0];
        var done = JobStateMachine.Decide(holder, new CompleteAttempt { At = T0.AddSeconds(1) });
        await _store.AppendAsync([(holder, [.. done.Events])], null);

        Assert.Equal(["job-b"], (await _store.ClaimAsync("default", 3, "node-a", T0.AddSeconds(1), T0.AddSeconds(31))).Select(j => j.Id));
        Assert.Equal([new HeldResource("db", "job-b")], await _file.SqliteIndex.ReadHeldResourcesAsync());
    }

    [Fact]
    public async Task A_key_submitted_twice_in_one_call_or_later_gives_the_first_job()
    {
        var outcomes = await _store.SubmitAsync([Job("job-1", key: "order-1"), Job("job-2", key: "order-1"), Job("job-3")]);
        var later = Assert.Single(await _store.SubmitAsync([Job("job-4", key: "order-1")]));

        Assert.Equal([("job-1", true), ("job-1", false), ("job-3", true)], outcomes.Select(o => (o.State.Id, o.Created)));
        Assert.Equal(("job-1", false), (later.State.Id, later.Created));
        Assert.Null(await _file.SqliteIndex.GetAsync("job-2"));
        Assert.Null(await _file.SqliteIndex.GetAsync("job-4"));
    }

    [Fact]
    public async Task A_key_another_node_took_after_the_lookup_fails_the_write_and_the_existing_job_is_returned()
    {
        await _store.SubmitAsync([Job("job-1", key: "order-1")]);
        using var otherNode = new JobStore(_file.SqliteJournal, new StaleKeyLookups(_file.SqliteIndex), _serializer);

        var outcomes = await otherNode.SubmitAsync([Job("job-2", key: "order-1"), Job("job-3", key: "order-3")]);

        Assert.Equal([("job-1", false), ("job-3", true)], outcomes.Select(o => (o.State.Id, o.Created)));
        Assert.Null(await _file.SqliteIndex.GetAsync("job-2"));
        Assert.Equal(0, await _file.Journal.ReadHighestSequenceNrAsync("job-2"));
        Assert.Equal(1, await _file.Journal.ReadHighestSequenceNrAsync("job-3"));
    }

    [Fact]
    public async Task An_expired_lease_is_rescued_into_a_retry_without_a_lease()
    {
        await _store.SubmitAsync([Job("job-1")]);
        await _store.ClaimAsync("default", 1, "node-a", T0, T0.AddSeconds(30));

        Assert.Empty(await _store.RescueExpiredAsync(T0.AddSeconds(30), 10, () => 0));
        var rescued = Assert.Single(await _store.RescueExpiredAsync(T0.AddSeconds(31), 10, () => 0));

        Assert.Equal(JobStatus.Retrying, rescued.Status);
        Assert.Empty(await _file.SqliteIndex.SelectExpiredLeasesAsync(T0.AddHours(1), 10));
        Assert.Equal(["job-1"], (await _file.SqliteIndex.SelectDueAsync("default", T0.AddMinutes(1), 10)).Select(j => j.Id));
    }

    [Fact]
    public async Task A_retry_moves_the_row_to_its_new_due_time_in_the_claim_order()
    {
        // The claim order reads the due time from the row's column, not from its JSON: a retry must write both. (A
        // narrower update for writes that keep the due time was tried, and would have to keep this true.)
        await _store.SubmitAsync([Job("job-1"), Job("job-2")]);
        var claimed = await _store.ClaimAsync("default", 2, "node-a", T0, T0.AddSeconds(30));
        var failed = JobStateMachine.Decide(claimed[0], new FailAttempt { At = T0.AddSeconds(1), Failure = AttemptFailure.Error, Error = "boom", JitterSample = 0.5 });
        var completed = JobStateMachine.Decide(claimed[1], new CompleteAttempt { At = T0.AddSeconds(1), Result = "{}" });
        await _store.AppendAsync([(claimed[0], [.. failed.Events]), (claimed[1], [.. completed.Events])], leaseUntil: null);

        var retrying = (await _file.SqliteIndex.GetAsync("job-1"))!;
        Assert.Equal(JobStatus.Retrying, retrying.Status);
        Assert.True(retrying.ScheduledAt > T0.AddSeconds(1), $"due at {retrying.ScheduledAt:O}");
        Assert.Empty(await _file.SqliteIndex.SelectDueAsync("default", retrying.ScheduledAt.AddMilliseconds(-1), 10));
        Assert.Equal(["job-1"], (await _file.SqliteIndex.SelectDueAsync("default", retrying.ScheduledAt, 10)).Select(j => j.Id));
        Assert.Equal(retrying.ScheduledAt, await _file.SqliteIndex.NextDueAfterAsync("default", T0.AddSeconds(1)));
        Assert.Equal(JobStatus.Completed, (await _file.SqliteIndex.GetAsync("job-2"))!.Status);
        Assert.Equal([("default", "completed", 1L), ("default", "retrying", 1L)],
            _file.Query("SELECT queue, status, COUNT(*) FROM jobs GROUP BY queue, status ORDER BY status").Select(r => ((string)r[0]!, (string)r[1]!, (long)r[2]!)));
    }

    [Fact]
    public async Task A_claim_asks_the_journal_to_write_it_ahead_and_nothing_else_does()
    {
        // Workers wait on a claim's commit, so it goes ahead of queued writes (BatchingJournalWriter.WriteAheadAsync).
        var lanes = new LaneRecordingJournal(_file.SqliteJournal);
        using var store = new JobStore(lanes, _file.SqliteIndex, _serializer);
        await store.SubmitAsync([Job("job-1"), Job("job-2")]);

        var claimed = await store.ClaimAsync("default", 2, "node-a", T0, T0.AddSeconds(30));
        var completed = JobStateMachine.Decide(claimed[0], new CompleteAttempt { At = T0.AddSeconds(1), Result = "{}" });
        await store.AppendAsync([(claimed[0], [.. completed.Events])], leaseUntil: null);

        Assert.Equal(2, claimed.Count);
        Assert.Equal(["queued 2", "ahead 2", "queued 1"], lanes.Calls);
    }

    private static JobSubmitted Job(string id, int priority = JobPriority.Normal, string? key = null, IReadOnlyList<string>? resources = null) => new()
    {
        JobId = id,
        Tenant = "acme",
        IdempotencyKey = key,
        Type = "report",
        Queue = "default",
        Priority = priority,
        Params = "{}",
        Resources = resources ?? [],
        At = T0,
        NotBefore = T0,
        Timeout = TimeSpan.FromMinutes(5),
        Retry = RetryPolicy.Default,
    };

    /// <summary>
    /// An index whose first batch lookup of idempotency keys sees nothing, as on a node whose lookup ran just before
    /// another node committed the key; later lookups see the store.
    /// </summary>
    private sealed class StaleKeyLookups(IJobIndex inner) : ForwardingJobIndex(inner)
    {
        private int _batchLookups;

        public override Task<IReadOnlyList<JobState>> FindByIdempotencyKeysAsync(string tenant, IReadOnlyList<string> idempotencyKeys, CancellationToken cancellationToken = default) =>
            Interlocked.Increment(ref _batchLookups) <= 1 ? Task.FromResult<IReadOnlyList<JobState>>([]) : Inner.FindByIdempotencyKeysAsync(tenant, idempotencyKeys, cancellationToken);
    }

    /// <summary>Passes writes to the journal, recording which way each call came and how many writes it carried.</summary>
    private sealed class LaneRecordingJournal(IJournal inner) : ForwardingJournal(inner)
    {
        public List<string> Calls { get; } = [];

        public override Task<IReadOnlyList<AtomicWriteResult>> WriteAsync(IReadOnlyList<AtomicWrite> writes, CancellationToken cancellationToken = default)
        {
            Calls.Add($"queued {writes.Count}");
            return Inner.WriteAsync(writes, cancellationToken);
        }

        public override Task<IReadOnlyList<AtomicWriteResult>> WriteAheadAsync(IReadOnlyList<AtomicWrite> writes, CancellationToken cancellationToken = default)
        {
            Calls.Add($"ahead {writes.Count}");
            return Inner.WriteAsync(writes, cancellationToken);
        }
    }
}
