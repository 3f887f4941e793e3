using ActorJobs.Jobs.Scheduler;
using ActorJobs.Jobs.Scheduling;

namespace ActorJobs.Jobs.Tests.Scheduler;

using ActorJobs.TestKit;

/// <summary>
/// The scheduler on the system clock, whose timers wait at most about 49.7 days: a schedule whose next tick is further
/// off is armed in legs and leaves the scheduler working (virtual time has no such limit, so the other tests cannot see it).
/// </summary>
public sealed class SchedulerRealClockTests(ITestOutputHelper output) : TestKit(output), IAsyncLifetime
{
    private JobEngine _engine = null!;

    public new async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var catalog = JobCatalog.CreateBuilder()
            .AddQueue("parked", 1)
            .AddJobType(JobType.Define("parked", "parked", retry: RetryPolicy.None), _ => Task.FromResult<object?>(null))
            .Build();
        _engine = (await this.StartInMemoryJobsAsync(catalog, new JobEngineSettings { NodeId = "real-clock" })).Engine;
    }

    [Fact]
    public async Task A_schedule_whose_next_tick_is_months_away_is_armed_and_the_scheduler_goes_on_taking_commands()
    {
        await using var schedules = await JobSchedules.StartAsync(_engine);

        // The first of the month three months on: between about 60 and 92 days away, past the longest timer.
        var now = Sys.TimeProvider.GetUtcNow();
        var month = now.AddMonths(3).Month;
        var far = await schedules.CreateAsync(Spec("far", $"0 0 1 {month} *"), preview: 1);
        Assert.True(far.NextFires[0] - now > TimeSpan.FromMilliseconds(uint.MaxValue - 1), $"the tick {far.NextFires[0]:O} is not past the longest timer");

        var near = await schedules.CreateAsync(Spec("near", "0 * * * *"), preview: 1).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True((await schedules.StatusAsync().WaitAsync(TimeSpan.FromSeconds(10))).Active);
        Assert.Equal(far.Id, (await schedules.GetAsync("far").WaitAsync(TimeSpan.FromSeconds(10)))!.Id);
        Assert.Equal(near.Id, (await schedules.GetAsync("near").WaitAsync(TimeSpan.FromSeconds(10)))!.Id);
    }

    private static ScheduleSpec Spec(string name, string cron) => new()
    {
        Name = name,
        Cron = cron,
        TimeZone = "UTC",
        Template = new ScheduleTemplate { Type = "parked" },
        Misfire = MisfireSettings.Default,
        Overlap = OverlapPolicy.Allow,
    };
}
