using ActorJobs.Jobs.Scheduling;
using ActorJobs.Jobs.Tests.Engine;

namespace ActorJobs.Jobs.Tests.Scheduler;

/// <summary>10,000 schedules on one timer: each fires exactly once per tick.</summary>
public sealed class SchedulerScaleTests(ITestOutputHelper output) : SchedulerTestKit(output, EngineBackend.InMemory)
{
    private const int Count = 10_000;

    [Fact]
    public async Task Ten_thousand_schedules_firing_every_minute_each_fire_exactly_once_per_tick()
    {
        await StartSchedulerAsync();
        var ids = new HashSet<string>();
        for (var start = 0; start < Count; start += 500)
        {
            var batch = await Task.WhenAll(Enumerable.Range(start, 500).Select(i => Schedules.CreateAsync(Spec($"s{i:D5}", "* * * * *"), preview: 0)));
            ids.UnionWith(batch.Select(s => s.Id));
        }

        Assert.Equal(Count, ids.Count);
        for (var minute = 1; minute <= 3; minute++)
        {
            var tick = Utc(2026, 1, 1, 0, minute);
            Clock.AdvanceTo(tick);
            var fired = Fires.ReceiveN(Count, TimeSpan.FromSeconds(120)).Cast<ScheduleFired>().ToList();
            Assert.All(fired, f => Assert.Equal(tick, f.Tick));
            Assert.All(fired, f => Assert.True(f.Created));
            Assert.True(ids.SetEquals(fired.Select(f => f.ScheduleId)));
            Assert.Equal(Count, fired.Select(f => f.JobId).Distinct().Count());
        }

        Fires.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        var page = await Engine.ListAsync(new Store.JobQuery { Types = ["parked"], Limit = 1 });
        Assert.Equal(3 * Count, page.Total);
    }
}
