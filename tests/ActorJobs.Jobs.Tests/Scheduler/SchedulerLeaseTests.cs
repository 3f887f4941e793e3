using ActorJobs.Jobs.Scheduler;
using ActorJobs.Jobs.Scheduling;
using ActorJobs.Jobs.Tests.Engine;
using ActorJobs.Persistence;
using ActorJobs.Persistence.Journal;

namespace ActorJobs.Jobs.Tests.Scheduler;

/// <summary>One scheduler per cluster: a second node waits for the lease, and a holder that lost it stops before firing.</summary>
public abstract class SchedulerLeaseTests(ITestOutputHelper output, EngineBackend backend) : SchedulerTestKit(output, backend)
{
    private const string PersistenceId = "scheduler.scheduler";

    [Fact]
    public async Task A_second_node_stands_by_and_takes_over_only_when_the_lease_runs_out()
    {
        await StartSchedulerAsync();
        var schedule = await Schedules.CreateAsync(Spec("ten", "*/10 * * * *"));
        var nodeA = Schedules;
        await using var engineB = await JobEngine.StartAsync(Sys, Engine.Store, Engine.Catalog, EngineSettings with { NodeId = "node-b" }, name: "jobs-b");
        await using var nodeB = await JobSchedules.StartAsync(engineB, SchedulerSettings);
        var standby = await nodeB.StatusAsync();
        Assert.Equal(new SchedulerStatus(false, "test-node", Utc(2026, 1, 1, 1, 0)), standby);
        var refused = await Assert.ThrowsAsync<SchedulerNotActiveException>(() => nodeB.CreateAsync(Spec("elsewhere", "@daily")));
        Assert.Equal("test-node", refused.Holder);

        var first = ExpectFire(schedule.Id, Utc(2026, 1, 1, 0, 10)); // node A alone fires
        Fires.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        await nodeA.DisposeAsync(); // node A dies; its lease (renewed at 00:10) runs until 01:10

        Clock.AdvanceTo(Utc(2026, 1, 1, 1, 9, 59));
        Assert.False((await nodeB.StatusAsync()).Active);
        Fires.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        Clock.AdvanceTo(Utc(2026, 1, 1, 1, 10, 0));
        await AwaitAssertAsync(async () => Assert.True((await nodeB.StatusAsync()).Active));

        // Node B fires the tick that came due at takeover (on time), then the next ones.
        var takeover = Fires.ExpectMsg<ScheduleFired>();
        Assert.Equal(Utc(2026, 1, 1, 1, 10), takeover.Tick);
        Schedules = nodeB;
        ExpectFire(schedule.Id, Utc(2026, 1, 1, 1, 20));
        Assert.NotEqual(first.JobId, takeover.JobId);
    }

    [Fact]
    public async Task A_holder_whose_lease_was_taken_is_fenced_off_by_the_journal_and_does_not_fire()
    {
        await StartSchedulerAsync();
        var schedule = await Schedules.CreateAsync(Spec("ten", "*/10 * * * *"));
        ExpectFire(schedule.Id, Utc(2026, 1, 1, 0, 10));

        // Another node writes the next event of the scheduler's persistence id: it took the lease.
        var persistence = Sys.GetExtension<PersistenceExtension>();
        var highest = await persistence.Journal.ReadHighestSequenceNrAsync(PersistenceId);
        var taken = new SchedulerLeaseTaken { At = Clock.GetUtcNow(), Node = "node-b", Until = Utc(2026, 1, 1, 2, 0) };
        var results = await persistence.Journal.WriteAsync([new AtomicWrite(PersistenceId, [persistence.Serializer.ToSerializedEvent(highest + 1, taken)], null)]);
        Assert.True(results[0].IsWritten);

        // At the next tick node A's lease renewal is rejected: it stops before submitting anything, and is started
        // again after the restart delay. While it restarts a status query waits, and the restart waits for the clock:
        // each try waits a little (real time) and the next one moves the clock again.
        Clock.AdvanceTo(Utc(2026, 1, 1, 0, 20));
        await AwaitAssertAsync(async () =>
        {
            Clock.Advance(SchedulerSettings.RestartDelay);
            var status = await Schedules.StatusAsync().WaitAsync(TimeSpan.FromMilliseconds(250));
            Assert.Equal(new SchedulerStatus(false, "node-b", Utc(2026, 1, 1, 2, 0)), status);
        }, TimeSpan.FromSeconds(10));
        Fires.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        Assert.Null(await JobOfTickAsync(schedule.Id, Utc(2026, 1, 1, 0, 20)));
        await Assert.ThrowsAsync<SchedulerNotActiveException>(() => Schedules.GetAsync(schedule.Id));
    }

    [Fact]
    public async Task The_holder_renews_its_lease_at_every_renewal_interval()
    {
        await StartSchedulerAsync();
        var leases = CreateTestProbe("leases");
        Sys.EventStream.Subscribe<SchedulerLeaseTaken>(leases.Ref);

        // A lease of an hour, renewed every 20 minutes: each tick of the timer writes it again.
        foreach (var at in new[] { Utc(2026, 1, 1, 0, 20), Utc(2026, 1, 1, 0, 40), Utc(2026, 1, 1, 1, 0) })
        {
            Clock.AdvanceTo(at);
            var renewed = leases.ExpectMsg<SchedulerLeaseTaken>();
            Assert.Equal(("test-node", at + SchedulerSettings.LeaseDuration), (renewed.Node, renewed.Until));
        }

        Assert.True((await Schedules.StatusAsync()).Active);
    }
}

public sealed class SchedulerLeaseTestsOnInMemory(ITestOutputHelper output) : SchedulerLeaseTests(output, EngineBackend.InMemory)
{
    [Fact]
    public async Task Renewal_ticks_that_arrive_together_write_the_lease_once()
    {
        await StartSchedulerAsync();
        var leases = CreateTestProbe("leases");
        Sys.EventStream.Subscribe<SchedulerLeaseTaken>(leases.Ref);

        // The renewal at 00:20 is held in its write while the clock moves to 10:00 in one step, so the 29 ticks of the
        // renewal timer in between wait in the scheduler's mailbox together.
        var release = new TaskCompletionSource();
        var held = InMemory!.Persistence.Journal.DelayNextWrites(release.Task);
        Clock.AdvanceTo(Utc(2026, 1, 1, 0, 20));
        await held;
        Clock.AdvanceTo(Utc(2026, 1, 1, 10, 0));
        release.SetResult();
        await Schedules.ListAsync(); // answered after every tick that queued before it

        Assert.Equal(Utc(2026, 1, 1, 1, 20), leases.ExpectMsg<SchedulerLeaseTaken>().Until);
        Assert.Equal(Utc(2026, 1, 1, 11, 0), leases.ExpectMsg<SchedulerLeaseTaken>().Until); // the first of the 29
        leases.ExpectNoMsg(TimeSpan.Zero);
        Assert.True((await Schedules.StatusAsync()).Active);
    }
}

public sealed class SchedulerLeaseTestsOnSqlite(ITestOutputHelper output) : SchedulerLeaseTests(output, EngineBackend.Sqlite);

public sealed class SchedulerLeaseTestsOnPostgreSql(ITestOutputHelper output) : SchedulerLeaseTests(output, EngineBackend.PostgreSql);
