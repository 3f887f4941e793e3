using ActorJobs.Actors;
using ActorJobs.Jobs.Scheduler;
using ActorJobs.Jobs.Scheduling;
using ActorJobs.Jobs.Tests.Engine;

namespace ActorJobs.Jobs.Tests.Scheduler;

/// <summary>
/// Two nodes, each with its own actor system and its own connections to one database (as two processes would), on
/// one virtual clock: only the lease holder fires, and the other takes over once the lease has run out.
/// </summary>
public abstract class SchedulerTwoNodeTests(ITestOutputHelper output, EngineBackend backend) : SchedulerTestKit(output, backend)
{
    [Fact]
    public async Task Only_the_holder_fires_and_the_other_node_takes_over_when_the_lease_runs_out()
    {
        await StartSchedulerAsync();
        var schedule = await Schedules.CreateAsync(Spec("five", "*/5 * * * *"));
        await using var nodeB = await StartNodeAsync("node-b");
        Assert.Equal(new SchedulerStatus(false, "test-node", Utc(2026, 1, 1, 1, 0)), await nodeB.Schedules.StatusAsync());
        var refused = await Assert.ThrowsAsync<SchedulerNotActiveException>(() => nodeB.Schedules.ListAsync());
        Assert.Equal("test-node", refused.Holder);

        ExpectFire(schedule.Id, Utc(2026, 1, 1, 0, 5));
        ExpectFire(schedule.Id, Utc(2026, 1, 1, 0, 10)); // renews the lease to 01:10
        Assert.False((await nodeB.Schedules.StatusAsync()).Active);
        await StopSchedulerAsync();

        Clock.AdvanceTo(Utc(2026, 1, 1, 1, 9, 59));
        Assert.False((await nodeB.Schedules.StatusAsync()).Active);
        Assert.Null(await JobOfTickAsync(schedule.Id, Utc(2026, 1, 1, 1, 5)));

        Clock.AdvanceTo(Utc(2026, 1, 1, 1, 10));
        await AwaitAssertAsync(async () => Assert.True((await nodeB.Schedules.StatusAsync()).Active));
        await AwaitAssertAsync(async () => Assert.Equal(Utc(2026, 1, 1, 1, 10), (await nodeB.Schedules.GetAsync(schedule.Id))!.LastFire?.Tick));
        Clock.AdvanceTo(Utc(2026, 1, 1, 1, 15));
        await AwaitAssertAsync(async () => Assert.Equal(Utc(2026, 1, 1, 1, 15), (await nodeB.Schedules.GetAsync(schedule.Id))!.LastFire?.Tick));

        // One job per fired tick, whichever node fired it; none for the ticks while no node held the lease.
        var jobs = (await Engine.ListAsync(new Store.JobQuery { Types = ["parked"], Limit = 100 })).Jobs;
        Assert.Equal(
            [ScheduleTick.IdempotencyKey(schedule.Id, Utc(2026, 1, 1, 0, 5)), ScheduleTick.IdempotencyKey(schedule.Id, Utc(2026, 1, 1, 0, 10)),
             ScheduleTick.IdempotencyKey(schedule.Id, Utc(2026, 1, 1, 1, 10)), ScheduleTick.IdempotencyKey(schedule.Id, Utc(2026, 1, 1, 1, 15))],
            jobs.Select(j => j.IdempotencyKey!).Order(StringComparer.Ordinal));
        Assert.Equal(["schedule:five"], jobs.Select(j => j.Owner).Distinct());
    }

    private async Task<Node> StartNodeAsync(string nodeId)
    {
        var system = ActorSystem.Create(nodeId, new ActorSystemSettings { TimeProvider = Clock });
        var (store, storage) = await OpenStoreForAnotherNodeAsync(system);
        var engine = await JobEngine.StartAsync(system, store, Engine.Catalog, EngineSettings with { NodeId = nodeId });
        var schedules = await JobSchedules.StartAsync(engine, SchedulerSettings);
        return new Node(system, storage, engine, schedules);
    }

    private sealed record Node(ActorSystem System, IAsyncDisposable Storage, JobEngine Engine, JobSchedules Schedules) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Schedules.DisposeAsync();
            await Engine.DisposeAsync();
            await System.DisposeAsync();
            await Storage.DisposeAsync();
        }
    }
}

public sealed class SchedulerTwoNodeTestsOnSqlite(ITestOutputHelper output) : SchedulerTwoNodeTests(output, EngineBackend.Sqlite);

public sealed class SchedulerTwoNodeTestsOnPostgreSql(ITestOutputHelper output) : SchedulerTwoNodeTests(output, EngineBackend.PostgreSql);
