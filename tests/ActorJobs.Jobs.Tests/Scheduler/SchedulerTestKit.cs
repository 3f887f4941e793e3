using ActorJobs.Jobs.Scheduler;
using ActorJobs.Jobs.Scheduling;
using ActorJobs.Jobs.Tests.Engine;

namespace ActorJobs.Jobs.Tests.Scheduler;

using ActorJobs.TestKit;

/// <summary>
/// An engine test kit with the cron scheduler on top, on virtual time. Tests move the clock to each expected fire
/// with <c>AdvanceTo</c> and wait for the scheduler's events; the engine's periodic timers are slowed so that jumps of
/// days and months stay cheap.
/// </summary>
public abstract class SchedulerTestKit(ITestOutputHelper output, EngineBackend backend) : EngineTestKit(output, backend)
{
    protected const string Schema = """{"type":"object","properties":{"count":{"type":"integer"}},"required":["count"]}""";

    protected JobSchedules Schedules { get; set; } = null!;

    /// <summary>The scheduler's fired and skipped events, as published once persisted.</summary>
    protected TestProbe Fires { get; private set; } = null!;

    protected TestScheduler Clock => (TestScheduler)Sys.TimeProvider;

    protected override JobEngineSettings EngineSettings => base.EngineSettings with
    {
        LeaseDuration = TimeSpan.FromDays(400),
        PollInterval = TimeSpan.FromHours(6),
        RescueInterval = TimeSpan.FromHours(6),
        RetentionInterval = TimeSpan.FromHours(6),
        ResultTtl = TimeSpan.FromDays(400),
    };

    /// <summary>Fires at the tick (no fire-ahead), so tests see each fire at its tick; the default is tested on its own.</summary>
    protected virtual SchedulerSettings SchedulerSettings => new() { LeaseDuration = TimeSpan.FromHours(1), RestartDelay = TimeSpan.FromSeconds(1), FireAhead = TimeSpan.Zero };

    protected override JobCatalogBuilder Configure(JobCatalogBuilder builder) => base.Configure(builder)
        .AddQueue("parked", 1)
        .AddJobType(JobType.Define("long", "work", timeout: TimeSpan.FromDays(1), retry: RetryPolicy.None), RunControlled)
        .AddJobType(JobType.Define("parked", "parked", retry: RetryPolicy.None), _ => Task.FromResult<object?>(null))
        .AddJobType(JobType.Define("counted", "parked", retry: RetryPolicy.None, paramsSchema: Schema), _ => Task.FromResult<object?>(null));

    /// <summary>Starts (or starts again) the scheduler on the engine, at the current virtual time.</summary>
    protected async Task StartSchedulerAsync(SchedulerSettings? settings = null, JobEngine? engine = null)
    {
        if (Fires is null)
        {
            Fires = CreateTestProbe("fires");
            Sys.EventStream.Subscribe<ScheduleFired>(Fires.Ref);
            Sys.EventStream.Subscribe<ScheduleTickSkipped>(Fires.Ref);
        }

        // Jobs of the "parked" queue stay waiting, so a test sees exactly what the scheduler submitted.
        await Engine.SetQueuePausedAsync("parked", paused: true);
        Schedules = await JobSchedules.StartAsync(engine ?? Engine, settings ?? SchedulerSettings);
        var status = await Schedules.StatusAsync();
        Assert.True(status.Active);
    }

    protected async Task StopSchedulerAsync() => await Schedules.DisposeAsync();

    protected static ScheduleSpec Spec(string name, string cron, string zone = "UTC", string type = "parked", MisfireSettings? misfire = null, OverlapPolicy overlap = OverlapPolicy.Allow) => new()
    {
        Name = name,
        Cron = cron,
        TimeZone = zone,
        Template = new ScheduleTemplate { Type = type },
        Misfire = misfire ?? MisfireSettings.Default,
        Overlap = overlap,
    };

    protected static DateTimeOffset Utc(int year, int month, int day, int hour, int minute, int second = 0) => new(year, month, day, hour, minute, second, TimeSpan.Zero);

    /// <summary>Moves the clock to <paramref name="at"/> and waits for the fire of <paramref name="scheduleId"/> for <paramref name="tick"/> (default: the same instant).</summary>
    protected ScheduleFired ExpectFire(string scheduleId, DateTimeOffset at, DateTimeOffset? tick = null)
    {
        Clock.AdvanceTo(at);
        var fired = Fires.ExpectMsg<ScheduleFired>();
        Assert.Equal(scheduleId, fired.ScheduleId);
        Assert.Equal(tick ?? at, fired.Tick);
        return fired;
    }

    /// <summary>The one job a tick made, found by its idempotency key.</summary>
    protected async Task<JobState?> JobOfTickAsync(string scheduleId, DateTimeOffset tick) =>
        await Engine.Store.Index.FindByIdempotencyKeyAsync(JobCatalog.DefaultTenant, ScheduleTick.IdempotencyKey(scheduleId, tick), CancellationToken.None);
}
