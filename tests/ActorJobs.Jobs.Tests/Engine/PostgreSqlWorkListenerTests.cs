using System.Collections.Concurrent;
using ActorJobs.Actors;
using ActorJobs.Jobs.PostgreSql;
using ActorJobs.Persistence.Tests.Support;

namespace ActorJobs.Jobs.Tests.Engine;

/// <summary>
/// LISTEN/NOTIFY between nodes on one PostgreSQL database: a node whose poll is an hour away still starts a job that
/// another node submitted, because the submit's transaction notifies it. Real time, real server: the waits are on
/// signals, bounded by timeouts far below the poll interval, so without the notification these tests fail.
/// </summary>
public sealed class PostgreSqlWorkListenerTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly List<string> _schemas = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var schema in _schemas)
        {
            await TestPostgres.DropSchemaAsync(schema);
        }
    }

    [Fact]
    public async Task A_job_submitted_on_another_node_starts_on_an_idle_node_at_once_not_at_its_next_poll()
    {
        var schema = await NewSchemaAsync();
        var started = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var catalog = JobCatalog.CreateBuilder()
            .AddQueue("work", 2)
            .AddJobType(JobType.Define("echo", "work"), context =>
            {
                started.TrySetResult(context.JobId);
                return Task.FromResult<object?>(null);
            })
            .Build();

        // Node B runs jobs but polls once an hour.
        await using var systemB = ActorSystem.Create("node-b");
        await using var storageB = await PostgreSqlJobStorage.OpenAsync(schema);
        storageB.UseOn(systemB);
        var engineB = await JobEngine.StartAsync(systemB, storageB.Store, catalog, new JobEngineSettings { NodeId = "b", PollInterval = TimeSpan.FromHours(1) });
        await using var listener = storageB.ListenForWork(engineB);
        await listener.Listening.WaitAsync(Timeout);

        // Node A only writes to the store: it has no engine, so only B can run the job.
        await using var storageA = await PostgreSqlJobStorage.OpenAsync(schema);
        var now = TimeProvider.System.GetUtcNow();
        var submitted = catalog.Validate(new JobSubmission { Type = "echo" }, Guid.CreateVersion7(now).ToString("N"), now);
        await storageA.Store.SubmitAsync([submitted]);

        Assert.Equal(submitted.JobId, await started.Task.WaitAsync(Timeout));
        await engineB.DisposeAsync();
    }

    [Fact]
    public async Task A_deployment_is_woken_only_by_its_own_schema_and_only_for_claimable_jobs_queues()
    {
        var mine = await NewSchemaAsync();
        var other = await NewSchemaAsync();
        var catalog = JobCatalog.CreateBuilder()
            .AddQueue("mine", 1)
            .AddQueue("other", 1)
            .AddJobType(JobType.Define("in-mine", "mine"), _ => Task.FromResult<object?>(null))
            .AddJobType(JobType.Define("in-other", "other"), _ => Task.FromResult<object?>(null))
            .Build();
        var woken = new BlockingCollection<string>();
        await using var storageMine = await PostgreSqlJobStorage.OpenAsync(mine);
        await using var storageOther = await PostgreSqlJobStorage.OpenAsync(other);
        await using var listener = PostgreSqlWorkListener.Start(mine, woken.Add);
        await listener.Listening.WaitAsync(Timeout);
        Assert.Equal(JobEngine.WakeAllQueues, woken.Take()); // after (re)connecting it wakes everything once

        var now = TimeProvider.System.GetUtcNow();
        await storageOther.Store.SubmitAsync([catalog.Validate(new JobSubmission { Type = "in-other" }, "job-other", now)]);
        await storageMine.Store.SubmitAsync([catalog.Validate(new JobSubmission { Type = "in-mine" }, "job-mine", now)]);

        // Notifications reach a listener in commit order, so the other schema's would have come first.
        Assert.True(woken.TryTake(out var first, Timeout), "no notification for the listener's own schema");
        Assert.Equal("mine", first);
        Assert.False(woken.TryTake(out var extra, TimeSpan.Zero), $"unexpected wake-up '{extra}'");
    }

    private async Task<string> NewSchemaAsync()
    {
        var schema = await TestPostgres.CreateSchemaAsync();
        _schemas.Add(schema);
        return schema;
    }
}
