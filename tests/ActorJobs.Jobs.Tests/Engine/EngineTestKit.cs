using System.Collections.Concurrent;
using ActorJobs.Actors;
using ActorJobs.Jobs.Store;
using ActorJobs.Persistence.Tests.Support;

namespace ActorJobs.Jobs.Tests.Engine;

using ActorJobs.TestKit;

/// <summary>Where an engine test keeps its jobs.</summary>
public enum EngineBackend
{
    /// <summary>The TestKit's in-memory journal and index.</summary>
    InMemory,

    /// <summary>A SQLite file in a temporary directory (synchronous=FULL, the embedded default).</summary>
    Sqlite,

    /// <summary>A fresh schema on the test PostgreSQL server (scripts/with-postgres.sh); fails, never skips, without one.</summary>
    PostgreSql,
}

/// <summary>
/// A TestKit with a job engine on in-memory, SQLite or PostgreSQL stores and virtual time, and handlers the test drives: each attempt of a
/// "controlled" job announces itself and waits until the test releases it (or its token fires).
/// </summary>
public abstract class EngineTestKit(ITestOutputHelper output, EngineBackend backend) : TestKit(output, new TestKitSettings { UseVirtualTime = true }), IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"actorjobs-engine-{Guid.NewGuid():N}");
    private Sqlite.SqliteJobStorage? _sqlite;
    private PostgreSql.PostgreSqlJobStorage? _postgres;
    private string? _postgresSchema;

    private readonly ConcurrentDictionary<string, TaskCompletionSource<object?>> _releases = new();

    protected JobEngine Engine { get; private set; } = null!;

    protected EngineBackend Backend => backend;

    /// <summary>The in-memory stores (with fault injection) on <see cref="EngineBackend.InMemory"/>; null otherwise.</summary>
    protected InMemoryJobs? InMemory { get; private set; }

    protected TestProbe Events { get; private set; } = null!;

    protected TestProbe Attempts { get; private set; } = null!;

    /// <summary>The engine's settings; override to change.</summary>
    protected virtual JobEngineSettings EngineSettings => new()
    {
        NodeId = "test-node",

        // Longer than any virtual-time jump in these tests: a jump past a lease looks exactly like a stalled node.
        LeaseDuration = TimeSpan.FromHours(1),
        CancelGracePeriod = TimeSpan.FromSeconds(10),
        TimeoutGracePeriod = TimeSpan.FromSeconds(10),
        Random = () => 0.0,
    };

    /// <summary>Adds the test's job types; override to add more.</summary>
    protected virtual JobCatalogBuilder Configure(JobCatalogBuilder builder) => builder
        .AddQueue("work", 4)
        .AddJobType(JobType.Define("noop", "work", retry: RetryPolicy.None), _ => Task.FromResult<object?>(new { ok = true }))
        .AddJobType(JobType.Define("controlled", "work", timeout: TimeSpan.FromMinutes(1), retry: new RetryPolicy(2, BackoffKind.Fixed, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5), 0)), RunControlled)
        .AddJobType(JobType.Define("suspendable", "work", suspendable: true, retry: RetryPolicy.None), RunControlled)
        .AddJobType(JobType.Define("gpu-a", "compute", retry: RetryPolicy.None, resources: ["gpu"]), RunControlled)
        .AddJobType(JobType.Define("gpu-b", "work", retry: RetryPolicy.None, resources: ["gpu"]), RunControlled)
        .AddJobType(JobType.Define("chatty", "work", retry: RetryPolicy.None), context =>
        {
            context.Log.Info("starting");
            context.ReportProgress(0.5, "half way");
            context.Log.Info("half way");
            return Task.FromResult<object?>(null);
        });

    public new async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Events = CreateTestProbe("events");
        Attempts = CreateTestProbe("attempts");
        Sys.EventStream.Subscribe<JobLifecycleEvent>(Events.Ref);
        var catalog = Configure(JobCatalog.CreateBuilder()).Build();
        if (backend == EngineBackend.InMemory)
        {
            InMemory = await this.StartInMemoryJobsAsync(catalog, EngineSettings);
            Engine = InMemory.Engine;
            return;
        }

        if (backend == EngineBackend.PostgreSql)
        {
            _postgresSchema = await TestPostgres.CreateSchemaAsync();
            _postgres = await PostgreSql.PostgreSqlJobStorage.OpenAsync(_postgresSchema, Sys.TimeProvider);
            _postgres.UseOn(Sys);
            Engine = await JobEngine.StartAsync(Sys, _postgres.Store, catalog, EngineSettings);
            await WaitForStartupClaimsAsync(catalog);
            return;
        }

        _sqlite = Sqlite.SqliteJobStorage.Open(Path.Combine(_directory, "jobs.db"), Sys.TimeProvider);
        _sqlite.UseOn(Sys);
        Engine = await JobEngine.StartAsync(Sys, _sqlite.Store, catalog, EngineSettings);
    }

    public new async Task DisposeAsync()
    {
        foreach (var release in _releases.Values)
        {
            release.TrySetResult(null);
        }

        await base.DisposeAsync();
        if (_sqlite is not null)
        {
            await _sqlite.DisposeAsync();
            Directory.Delete(_directory, recursive: true);
        }

        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
            await TestPostgres.DropSchemaAsync(_postgresSchema!);
        }
    }

    /// <summary>
    /// Opens the test's SQLite file or PostgreSQL schema again, with its own connections, for a second node on
    /// <paramref name="system"/> (as another process would); the caller disposes it after the node's system.
    /// </summary>
    protected async Task<(JobStore Store, IAsyncDisposable Storage)> OpenStoreForAnotherNodeAsync(ActorSystem system)
    {
        switch (backend)
        {
            case EngineBackend.Sqlite:
                var sqlite = Sqlite.SqliteJobStorage.Open(Path.Combine(_directory, "jobs.db"), Sys.TimeProvider);
                sqlite.UseOn(system);
                return (sqlite.Store, sqlite);
            case EngineBackend.PostgreSql:
                var postgres = await PostgreSql.PostgreSqlJobStorage.OpenAsync(_postgresSchema!, Sys.TimeProvider);
                postgres.UseOn(system);
                return (postgres.Store, postgres);
            default:
                throw new InvalidOperationException($"The {backend} store lives in this test's actor system; another node cannot open it.");
        }
    }

    /// <summary>
    /// Waits until each queue's first claim (started once it has read its paused state) has finished. A claim in flight
    /// is not stopped by a pause, and on PostgreSQL it is slow enough to take a job the test submits right after pausing.
    /// </summary>
    private async Task WaitForStartupClaimsAsync(JobCatalog catalog)
    {
        foreach (var queue in catalog.Queues.Keys)
        {
            // The first answer comes after the queue's PreStart, which enqueued its paused state; the second after that.
            await Engine.QueueStatusAsync(queue);
            await Engine.QueueStatusAsync(queue);
        }

        // Claims of one store take turns, so this one ends after every claim already started.
        await Engine.Store.ClaimAsync("no-such-queue", 1, "test-kit", Sys.TimeProvider.GetUtcNow(), Sys.TimeProvider.GetUtcNow());
    }

    /// <summary>Lets the running attempt of <paramref name="jobId"/> return <paramref name="result"/>.</summary>
    protected void Release(string jobId, object? result = null) => ReleaseSource(jobId).TrySetResult(result);

    /// <summary>Makes the running attempt of <paramref name="jobId"/> throw.</summary>
    protected void Fail(string jobId, Exception error) => ReleaseSource(jobId).TrySetException(error);

    /// <summary>Waits for the lifecycle event <paramref name="kind"/> of <paramref name="jobId"/>, skipping others.</summary>
    protected JobState ExpectEvent(string jobId, string kind)
    {
        var e = Events.FishForMessage<JobLifecycleEvent>(e => e.Job.Id == jobId && e.Kind == kind);
        return e.Job;
    }

    /// <summary>Waits for <paramref name="kind"/> of every one of <paramref name="jobIds"/>, in any order.</summary>
    protected void ExpectEvents(string kind, params string[] jobIds)
    {
        var missing = new HashSet<string>(jobIds);
        while (missing.Count > 0)
        {
            var e = Events.FishForMessage<JobLifecycleEvent>(e => e.Kind == kind && missing.Contains(e.Job.Id));
            missing.Remove(e.Job.Id);
        }
    }

    /// <summary>Waits for an attempt of <paramref name="jobId"/> to start running its handler.</summary>
    protected AttemptStarted ExpectAttempt(string jobId) =>
        Attempts.FishForMessage<AttemptStarted>(a => a.JobId == jobId);

    protected async Task<string> SubmitAsync(string type, int priority = JobPriority.Normal, string? key = null, string? tenant = null)
    {
        var outcome = await Engine.SubmitAsync(new JobSubmission { Type = type, Priority = priority, IdempotencyKey = key, Tenant = tenant ?? JobCatalog.DefaultTenant });
        return outcome.State.Id;
    }

    private TaskCompletionSource<object?> ReleaseSource(string jobId) =>
        _releases.GetOrAdd(jobId, _ => new TaskCompletionSource<object?>(TaskCreationOptions.RunContinuationsAsynchronously));

    protected async Task<object?> RunControlled(JobContext context)
    {
        var release = ReleaseSource(context.JobId);
        Attempts.Ref.Tell(new AttemptStarted(context.JobId, context.Attempt, context.CheckpointJson));
        try
        {
            return await release.Task.WaitAsync(context.CancellationToken);
        }
        catch (OperationCanceledException) when (context.StopReason == StopReason.Suspend)
        {
            context.SaveCheckpoint(new { step = context.Attempt });
            throw;
        }
        finally
        {
            // The next attempt waits for a new release.
            _releases.TryRemove(new KeyValuePair<string, TaskCompletionSource<object?>>(context.JobId, release));
        }
    }

    protected sealed record AttemptStarted(string JobId, int Attempt, string? Checkpoint);
}
