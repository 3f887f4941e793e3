using ActorJobs.Jobs.Scheduler;
using ActorJobs.Jobs.Scheduling;
using ActorJobs.Jobs.Tests.Engine;

namespace ActorJobs.Jobs.Tests.Scheduler;

/// <summary>Overlap policies, a job type that disappears, and bad input.</summary>
public abstract class SchedulerPolicyTests(ITestOutputHelper output, EngineBackend backend) : SchedulerTestKit(output, backend)
{
    [Fact]
    public async Task Skip_if_running_records_a_skipped_tick_while_the_previous_job_runs()
    {
        await StartSchedulerAsync();
        var schedule = await Schedules.CreateAsync(Spec("slow", "*/10 * * * *", type: "long", overlap: OverlapPolicy.SkipIfRunning));
        var first = ExpectFire(schedule.Id, Utc(2026, 1, 1, 0, 10));
        ExpectAttempt(first.JobId);

        Clock.AdvanceTo(Utc(2026, 1, 1, 0, 20));
        var skipped = Fires.ExpectMsg<ScheduleTickSkipped>();
        Assert.Equal(Utc(2026, 1, 1, 0, 20), skipped.Tick);
        Assert.Contains(first.JobId, skipped.Reason, StringComparison.Ordinal);
        Assert.Null(await JobOfTickAsync(schedule.Id, Utc(2026, 1, 1, 0, 20)));
        var shown = await Schedules.GetAsync(schedule.Id);
        Assert.Equal(skipped.Reason, shown!.LastFire!.SkippedReason);

        Release(first.JobId);
        ExpectEvent(first.JobId, "job.completed");
        var third = ExpectFire(schedule.Id, Utc(2026, 1, 1, 0, 30));
        Assert.NotEqual(first.JobId, third.JobId);
        Release(ExpectAttempt(third.JobId).JobId);
    }

    [Fact]
    public async Task Cancel_previous_cancels_the_running_job_before_submitting_the_next()
    {
        await StartSchedulerAsync();
        var schedule = await Schedules.CreateAsync(Spec("replace", "*/10 * * * *", type: "long", overlap: OverlapPolicy.CancelPrevious));
        var first = ExpectFire(schedule.Id, Utc(2026, 1, 1, 0, 10));
        ExpectAttempt(first.JobId);

        var second = ExpectFire(schedule.Id, Utc(2026, 1, 1, 0, 20));
        Assert.NotEqual(first.JobId, second.JobId);
        ExpectEvent(first.JobId, "job.canceled");
        Assert.Equal(JobStatus.Canceled, (await Engine.GetAsync(first.JobId))!.Status);
        Release(ExpectAttempt(second.JobId).JobId);
    }

    [Fact]
    public async Task A_schedule_whose_job_type_is_gone_is_disabled_with_the_reason_at_the_next_start()
    {
        await StartSchedulerAsync();
        var schedule = await Schedules.CreateAsync(Spec("orphan", "* * * * *", type: "counted") with { Template = new ScheduleTemplate { Type = "counted", Params = """{"count":1}""" } });
        var kept = await Schedules.CreateAsync(Spec("kept", "*/2 * * * *"));
        await StopSchedulerAsync();

        // The same store, a node whose catalog no longer has "counted".
        var catalog = JobCatalog.CreateBuilder().AddQueue("parked", 1)
            .AddJobType(JobType.Define("parked", "parked", retry: RetryPolicy.None), _ => Task.FromResult<object?>(null)).Build();
        await using var other = await JobEngine.StartAsync(Sys, Engine.Store, catalog, EngineSettings, name: "jobs-without-counted");
        await StartSchedulerAsync(engine: other);

        await AwaitAssertAsync(async () =>
        {
            var orphan = await Schedules.GetAsync(schedule.Id);
            Assert.False(orphan!.Enabled);
            Assert.Equal("job type 'counted' no longer exists; known types: parked", orphan.DisabledReason);
        });
        Assert.True((await Schedules.GetAsync(kept.Id))!.Enabled);
        var enable = await Assert.ThrowsAsync<JobValidationException>(() => Schedules.EnableAsync(schedule.Id));
        Assert.Equal("template.type", enable.Field);
        ExpectFire(kept.Id, Utc(2026, 1, 1, 0, 2));
        Fires.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task Bad_input_is_rejected_with_a_message_naming_the_field()
    {
        await StartSchedulerAsync();
        await Schedules.CreateAsync(Spec("taken", "@daily"));

        async Task<JobValidationException> Rejected(ScheduleSpec spec) => await Assert.ThrowsAsync<JobValidationException>(() => Schedules.CreateAsync(spec));

        Assert.Equal("name: must not be empty.", (await Rejected(Spec(" ", "@daily"))).Message);
        var duplicate = await Rejected(Spec("taken", "@hourly"));
        Assert.Equal("name", duplicate.Field);
        Assert.StartsWith("name: a schedule named 'taken' already exists in tenant 'default' (id ", duplicate.Message, StringComparison.Ordinal);
        Assert.Equal("cron", (await Rejected(Spec("bad-cron", "61 * * * *"))).Field);
        var never = await Rejected(Spec("never", "0 0 30 2 *"));
        Assert.Equal("cron", never.Field);
        Assert.Contains("never", never.Message, StringComparison.OrdinalIgnoreCase);
        var zone = await Rejected(Spec("zone", "@daily", zone: "Mars/Olympus_Mons"));
        Assert.Equal("timeZone", zone.Field);
        var type = await Rejected(Spec("type", "@daily", type: "nope"));
        Assert.Equal("template.type", type.Field);
        Assert.StartsWith("template.type: 'nope' is not a job type; known types: ", type.Message, StringComparison.Ordinal);
        var schema = await Rejected(Spec("schema", "@daily") with { Template = new ScheduleTemplate { Type = "counted", Params = """{"count":"x"}""" } });
        Assert.StartsWith("template.params.count", schema.Field, StringComparison.Ordinal);
        Assert.Contains("does not match the schema of job type 'counted'", schema.Message, StringComparison.Ordinal);
        var priority = await Rejected(Spec("priority", "@daily") with { Template = new ScheduleTemplate { Type = "parked", Priority = 11 } });
        Assert.Equal("template.priority", priority.Field);
        var offset = await Rejected(Spec("offset", "@daily") with { Template = new ScheduleTemplate { Type = "parked", NotBeforeOffset = TimeSpan.FromMinutes(-1) } });
        Assert.Equal("template.notBeforeOffset: -00:01:00 is out of range; use 0 to 366 days.", offset.Message);
        Assert.Equal("misfire.maxCatchUp", (await Rejected(Spec("catch", "@daily", misfire: new MisfireSettings { MaxCatchUp = 0 }))).Field);
        Assert.Equal("overlap", (await Rejected(Spec("overlap", "@daily", overlap: (OverlapPolicy)9))).Field);
        Assert.Equal("template", (await Rejected(Spec("none", "@daily") with { Template = null! })).Field);
        var queue = await Rejected(Spec("queue", "@daily") with { Template = new ScheduleTemplate { Type = "parked", Queue = "nowhere" } });
        Assert.Equal("template.queue: 'nowhere' is not a queue; known queues: compute, download, maintenance, parked, work.", queue.Message);
        Assert.Equal("preview", (await Assert.ThrowsAsync<JobValidationException>(() => Schedules.GetAsync("taken", preview: 1001))).Field);

        var missing = await Assert.ThrowsAsync<JobCommandRejectedException>(() => Schedules.DisableAsync("no-such-id"));
        Assert.Equal("Schedule no-such-id does not exist.", missing.Message);
        Assert.Single(await Schedules.ListAsync());
    }

    [Fact]
    public async Task A_template_can_pick_a_queue_and_its_jobs_run_there()
    {
        await StartSchedulerAsync();
        var schedule = await Schedules.CreateAsync(Spec("elsewhere", "*/5 * * * *") with { Template = new ScheduleTemplate { Type = "parked", Queue = "download" } });
        var plain = await Schedules.CreateAsync(Spec("plain", "*/5 * * * *"));
        Assert.Equal(("download", null), (schedule.Definition.Queue, plain.Definition.Queue));

        Clock.AdvanceTo(Utc(2026, 1, 1, 0, 5));
        var fired = Fires.ReceiveN(2).Cast<ScheduleFired>().ToDictionary(f => f.ScheduleId, f => f.JobId);

        // "parked" jobs wait on their paused queue; the template's queue runs them.
        Assert.Equal("download", ExpectEvent(fired[schedule.Id], "job.completed").Queue);
        Assert.Equal(("parked", JobStatus.Waiting), (await Engine.GetAsync(fired[plain.Id])) is { } job ? (job.Queue, job.Status) : default);
    }

    [Fact]
    public async Task A_name_too_long_for_a_job_owner_fires_with_the_schedule_id_as_owner()
    {
        await StartSchedulerAsync();
        var schedule = await Schedules.CreateAsync(Spec(new string('n', Names.MaxLength), "*/5 * * * *"));
        var fired = ExpectFire(schedule.Id, Utc(2026, 1, 1, 0, 5));
        Assert.Equal($"schedule:{schedule.Id}", (await Engine.GetAsync(fired.JobId))!.Owner);
        Assert.True((await Schedules.GetAsync(schedule.Id))!.Enabled);
    }

    [Fact]
    public async Task Update_changes_the_expression_from_now_on_and_delete_stops_it()
    {
        await StartSchedulerAsync();
        var schedule = await Schedules.CreateAsync(Spec("changing", "*/10 * * * *"));
        ExpectFire(schedule.Id, Utc(2026, 1, 1, 0, 10));
        var updated = await Schedules.UpdateAsync(schedule.Id, Spec("changed", "*/15 * * * *", zone: "Europe/Berlin"), preview: 2);
        Assert.Equal("changed", updated.Definition.Name);
        Assert.Equal("Europe/Berlin", updated.Definition.TimeZone);
        Assert.Equal([Utc(2026, 1, 1, 0, 15), Utc(2026, 1, 1, 0, 30)], updated.NextFires);
        Assert.Equal(Utc(2026, 1, 1, 0, 10), updated.LastFire!.Tick);
        ExpectFire(schedule.Id, Utc(2026, 1, 1, 0, 15));

        await Schedules.DeleteAsync(schedule.Id);
        Assert.Null(await Schedules.GetAsync(schedule.Id));
        Clock.AdvanceTo(Utc(2026, 1, 1, 1, 0));
        Fires.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        Assert.NotNull(await JobOfTickAsync(schedule.Id, Utc(2026, 1, 1, 0, 15))); // its jobs stay
    }
}

public sealed class SchedulerPolicyTestsOnInMemory(ITestOutputHelper output) : SchedulerPolicyTests(output, EngineBackend.InMemory);

public sealed class SchedulerPolicyTestsOnSqlite(ITestOutputHelper output) : SchedulerPolicyTests(output, EngineBackend.Sqlite);

public sealed class SchedulerPolicyTestsOnPostgreSql(ITestOutputHelper output) : SchedulerPolicyTests(output, EngineBackend.PostgreSql);
