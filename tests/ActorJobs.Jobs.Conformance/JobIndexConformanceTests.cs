using System.Text.Json;
using ActorJobs.Jobs.Store;
using ActorJobs.Persistence.Journal;
using ActorJobs.Persistence.Serialization;

namespace ActorJobs.Jobs.Conformance;

/// <summary>
/// The job index conformance suite: every <see cref="IJobIndex"/> backend must pass all of it, so the in-memory index
/// (the reference) and the database indexes provably answer alike. A backend's test class derives from this one and
/// says how to create a fresh journal with the index's projection, and the index over it. Jobs are written the way
/// the engine writes them: through a <see cref="JobStore"/> over the journal, events decided by the state machine.
/// </summary>
public abstract partial class JobIndexConformanceTests : IAsyncLifetime
{
    /// <summary>The suite's "now": whole seconds, so microsecond storage loses nothing.</summary>
    protected static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private JobIndexUnderTest? _backend;
    private JobStore? _store;
    private int _nextJob;

    protected EventSerializer Serializer { get; } = new EventSerializer().RegisterJobEvents();

    protected JobIndexUnderTest Backend => _backend ?? throw new InvalidOperationException("The backend is created in InitializeAsync.");

    protected IJobIndex Index => Backend.Index;

    protected IJournal Journal => Backend.Journal;

    protected JobStore Store => _store ?? throw new InvalidOperationException("The store is created in InitializeAsync.");

    /// <summary>Creates an empty journal with the index's projection registered, and the index.</summary>
    protected abstract Task<JobIndexUnderTest> CreateBackendAsync();

    public async Task InitializeAsync()
    {
        _backend = await CreateBackendAsync();
        _store = new JobStore(_backend.Journal, _backend.Index, Serializer);
    }

    public async Task DisposeAsync()
    {
        _store?.Dispose();
        if (_backend is not null)
        {
            await _backend.DisposeAsync();
        }
    }

    /// <summary>A job's first event, with a fresh id (job-0001, job-0002, ... in the order they are made).</summary>
    protected JobSubmitted NewJob(
        string queue = "default",
        int priority = JobPriority.Normal,
        DateTimeOffset? at = null,
        DateTimeOffset? notBefore = null,
        string tenant = "acme",
        string? key = null,
        string type = "report",
        IReadOnlyList<string>? resources = null) => new()
        {
            JobId = $"job-{++_nextJob:D4}",
            Tenant = tenant,
            IdempotencyKey = key,
            Type = type,
            Queue = queue,
            Priority = priority,
            Params = """{"n":1}""",
            Resources = resources ?? [],
            At = at ?? T0,
            NotBefore = notBefore ?? at ?? T0,
            Timeout = TimeSpan.FromMinutes(5),
            Retry = RetryPolicy.Default,
        };

    /// <summary>Submits one job and returns its row as written.</summary>
    protected async Task<JobState> SubmitAsync(JobSubmitted job)
    {
        var outcome = Assert.Single(await Store.SubmitAsync([job]));
        Assert.True(outcome.Created, $"{job.JobId} was not created");
        return outcome.State;
    }

    /// <summary>Submits jobs one by one (so submission order is the given order).</summary>
    protected async Task<List<JobState>> SubmitAllAsync(params JobSubmitted[] jobs)
    {
        var states = new List<JobState>();
        foreach (var job in jobs)
        {
            states.Add(await SubmitAsync(job));
        }

        return states;
    }

    /// <summary>Decides a command on a job's state and writes its events (with the lease, if given); returns the new state.</summary>
    protected async Task<JobState> DecideAsync(JobState state, JobCommand command, DateTimeOffset? leaseUntil = null)
    {
        var decision = JobStateMachine.Decide(state, command);
        Assert.True(decision.IsAccepted, decision.Rejection?.Message);
        Assert.NotEmpty(decision.Events);
        var written = await Store.AppendAsync([(state, [.. decision.Events])], leaseUntil);
        return Assert.Single(written);
    }

    /// <summary>Claims a job for a node with a lease until <paramref name="leaseUntil"/> (default: 30 s after the claim).</summary>
    protected Task<JobState> ClaimAsync(JobState state, string owner = "node-a", DateTimeOffset? at = null, DateTimeOffset? leaseUntil = null)
    {
        var when = at ?? T0;
        return DecideAsync(state, new ClaimJob { At = when, Owner = owner }, leaseUntil ?? when.AddSeconds(30));
    }

    protected Task<JobState> CompleteAsync(JobState state, DateTimeOffset at) =>
        DecideAsync(state, new CompleteAttempt { At = at, Result = """{"ok":true}""" });

    protected async Task<JobState> SubmitAndFinishAsync(JobSubmitted job, DateTimeOffset finishedAt) =>
        await CompleteAsync(await ClaimAsync(await SubmitAsync(job), at: job.NotBefore), finishedAt);

    /// <summary>Writes a row as given (any status), bypassing the state machine: for checks over every status.</summary>
    protected async Task WriteRowAsync(JobSubmitted submitted, JobState row, DateTimeOffset? leaseUntil = null)
    {
        var write = new AtomicWrite(row.Id, [Serializer.ToSerializedEvent(1, submitted)], [new JobRowUpdate(row, leaseUntil)]);
        var result = Assert.Single(await Journal.WriteAsync([write]));
        Assert.True(result.IsWritten, result.RejectionReason);
    }

    protected static string[] Ids(IEnumerable<JobState> jobs) => [.. jobs.Select(j => j.Id)];

    /// <summary>Two job states are the same job at the same version with the same content (lists compared by value).</summary>
    protected static void AssertSameJob(JobState expected, JobState? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(JsonSerializer.Serialize(expected, JobJson.Options), JsonSerializer.Serialize(actual, JobJson.Options));
    }

    protected async Task<List<StoredEvent>> ReplayAllAsync(string persistenceId)
    {
        var events = new List<StoredEvent>();
        await foreach (var e in Journal.ReplayAsync(persistenceId, 1, long.MaxValue, long.MaxValue))
        {
            events.Add(e);
        }

        return events;
    }
}
