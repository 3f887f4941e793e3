using ActorJobs.Jobs.Scheduler;
using ActorJobs.Jobs.Scheduling;
using ActorJobs.Jobs.Tests.Engine;

namespace ActorJobs.Jobs.Tests.Scheduler;

/// <summary>The scheduler fires each tick once, through the engine, across restarts, downtime and DST.</summary>
public abstract class SchedulerFiringTests(ITestOutputHelper output, EngineBackend backend) : SchedulerTestKit(output, backend)
{
    [Fact]
    public async Task Each_tick_fires_once_with_its_idempotency_key_and_show_gives_the_last_fire_and_the_next_ones()
    {
        await StartSchedulerAsync();
        var created = await Schedules.CreateAsync(Spec("every-minute", "* * * * *"), preview: 3);
        Assert.Equal([Utc(2026, 1, 1, 0, 1), Utc(2026, 1, 1, 0, 2), Utc(2026, 1, 1, 0, 3)], created.NextFires);
        Assert.Null(created.LastFire);

        var jobs = new HashSet<string>();
        for (var minute = 1; minute <= 5; minute++)
        {
            var tick = Utc(2026, 1, 1, 0, minute);
            var fired = ExpectFire(created.Id, tick);
            Assert.True(fired.Created);
            var job = await JobOfTickAsync(created.Id, tick);
            Assert.Equal(fired.JobId, job!.Id);
            Assert.Equal("parked", job.Type);
            Assert.True(jobs.Add(job.Id));
        }

        Fires.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        var shown = await Schedules.GetAsync("every-minute", preview: 2);
        Assert.Equal(Utc(2026, 1, 1, 0, 5), shown!.LastFire!.Tick);
        Assert.Contains(shown.LastFire.JobId!, jobs);
        Assert.Equal([Utc(2026, 1, 1, 0, 6), Utc(2026, 1, 1, 0, 7)], shown.NextFires);
        var page = await Engine.ListAsync(new Store.JobQuery { Limit = 100 });
        Assert.Equal(5, page.Jobs.Count(j => j.Type == "parked"));
    }

    [Fact]
    public async Task The_job_gets_the_template_the_tenant_and_a_start_delayed_by_the_offset()
    {
        await StartSchedulerAsync();
        var schedule = await Schedules.CreateAsync(Spec("delayed", "0 * * * *") with
        {
            Tenant = "acme",
            Template = new ScheduleTemplate { Type = "counted", Params = """{ "count" : 3 }""", Priority = JobPriority.High, NotBeforeOffset = TimeSpan.FromMinutes(5) },
        });
        Assert.Equal("""{"count":3}""", schedule.Definition.Params);
        Assert.Null(await Schedules.GetAsync("delayed")); // by name in the default tenant: not there
        Assert.Equal(schedule.Id, (await Schedules.GetAsync("delayed", tenant: "acme"))!.Id);

        var fired = ExpectFire(schedule.Id, Utc(2026, 1, 1, 1, 0));
        var job = await Engine.GetAsync(fired.JobId);
        Assert.Equal(("acme", "counted", """{"count":3}""", JobPriority.High, "schedule:delayed"), (job!.Tenant, job.Type, job.Params, job.Priority, job.Owner));
        Assert.Equal(Utc(2026, 1, 1, 1, 5), job.ScheduledAt);
        Assert.Equal(ScheduleTick.IdempotencyKey(schedule.Id, Utc(2026, 1, 1, 1, 0)), job.IdempotencyKey);
    }

    [Fact]
    public async Task Fire_ahead_submits_before_the_tick_with_the_tick_as_not_before_except_for_overlap_policies()
    {
        await StartSchedulerAsync(SchedulerSettings with { FireAhead = TimeSpan.FromSeconds(30) });
        var ahead = await Schedules.CreateAsync(Spec("ahead", "* * * * *"));
        var exact = await Schedules.CreateAsync(Spec("exact", "* * * * *", overlap: OverlapPolicy.SkipIfRunning));
        Assert.Equal(Utc(2026, 1, 1, 0, 1), ahead.NextFires[0]);

        var early = ExpectFire(ahead.Id, Utc(2026, 1, 1, 0, 0, 30), tick: Utc(2026, 1, 1, 0, 1));
        var job = await Engine.GetAsync(early.JobId);
        Assert.Equal((Utc(2026, 1, 1, 0, 0, 30), Utc(2026, 1, 1, 0, 1)), (job!.CreatedAt, job.ScheduledAt));
        Assert.Equal(Utc(2026, 1, 1, 0, 2), (await Schedules.GetAsync(ahead.Id))!.NextFires[0]);
        Fires.ExpectNoMsg(TimeSpan.FromMilliseconds(200)); // "exact" waits for its tick

        ExpectFire(exact.Id, Utc(2026, 1, 1, 0, 1));
        ExpectFire(ahead.Id, Utc(2026, 1, 1, 0, 1, 30), tick: Utc(2026, 1, 1, 0, 2));
    }

    [Fact]
    public async Task By_default_an_allow_schedule_fires_five_seconds_ahead_and_an_overlap_schedule_at_its_tick()
    {
        Assert.Equal(TimeSpan.FromSeconds(5), new SchedulerSettings().FireAhead);
        await StartSchedulerAsync(SchedulerSettings with { FireAhead = new SchedulerSettings().FireAhead });
        var ahead = await Schedules.CreateAsync(Spec("ahead", "* * * * *"));
        var exact = await Schedules.CreateAsync(Spec("exact", "* * * * *", overlap: OverlapPolicy.CancelPrevious));

        Clock.AdvanceTo(Utc(2026, 1, 1, 0, 0, 54));
        Fires.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        var early = ExpectFire(ahead.Id, Utc(2026, 1, 1, 0, 0, 55), tick: Utc(2026, 1, 1, 0, 1));
        var job = await Engine.GetAsync(early.JobId);
        Assert.Equal((Utc(2026, 1, 1, 0, 0, 55), Utc(2026, 1, 1, 0, 1), JobStatus.Waiting), (job!.CreatedAt, job.ScheduledAt, job.Status));
        Fires.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        ExpectFire(exact.Id, Utc(2026, 1, 1, 0, 1));
        ExpectFire(ahead.Id, Utc(2026, 1, 1, 0, 1, 55), tick: Utc(2026, 1, 1, 0, 2));
    }

    [Fact]
    public async Task A_job_fired_ahead_starts_at_its_tick_on_an_idle_queue_without_waiting_for_a_poll()
    {
        // The engine polls every 6 hours here: only the queue's wake-up at the earliest not-before time can start it.
        await StartSchedulerAsync(SchedulerSettings with { FireAhead = TimeSpan.FromSeconds(5) });
        var schedule = await Schedules.CreateAsync(Spec("runs", "* * * * *", type: "long"));
        var tick = Utc(2026, 1, 1, 0, 1);
        var fired = ExpectFire(schedule.Id, tick - TimeSpan.FromSeconds(5), tick);

        Clock.AdvanceTo(tick - TimeSpan.FromMilliseconds(1));
        Attempts.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Clock.AdvanceTo(tick);
        ExpectAttempt(fired.JobId);
        var started = ExpectEvent(fired.JobId, "job.started");
        Assert.Equal(tick, started.StartedAt);
        Release(fired.JobId);
    }

    [Fact]
    public async Task An_idle_queue_wakes_at_the_earliest_not_before_time_even_when_a_later_one_came_first()
    {
        await StartSchedulerAsync();
        var now = Clock.GetUtcNow();
        var late = await Engine.SubmitAsync(new JobSubmission { Type = "long", NotBefore = now.AddMinutes(10) });
        await Engine.QueueStatusAsync("work"); // its claim and look-ahead are done: the queue sleeps until +10 min
        var soon = await Engine.SubmitAsync(new JobSubmission { Type = "long", NotBefore = now.AddMinutes(2) });

        Clock.AdvanceTo(now.AddMinutes(2) - TimeSpan.FromMilliseconds(1));
        Attempts.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Clock.AdvanceTo(now.AddMinutes(2));
        ExpectAttempt(soon.State.Id);
        Assert.Equal(now.AddMinutes(2), ExpectEvent(soon.State.Id, "job.started").StartedAt);
        Clock.AdvanceTo(now.AddMinutes(10));
        ExpectAttempt(late.State.Id);
        Release(soon.State.Id);
        Release(late.State.Id);
    }

    [Fact]
    public async Task Disabling_or_deleting_cancels_a_job_fired_ahead_for_a_tick_still_to_come_but_not_one_already_due()
    {
        await StartSchedulerAsync(SchedulerSettings with { FireAhead = TimeSpan.FromSeconds(5) });
        var disabled = await Schedules.CreateAsync(Spec("disabled", "* * * * *"));
        var deleted = await Schedules.CreateAsync(Spec("deleted", "* * * * *"));
        var kept = await Schedules.CreateAsync(Spec("kept", "* * * * *"));
        Clock.AdvanceTo(Utc(2026, 1, 1, 0, 0, 55));
        var jobs = Fires.ReceiveN(3).Cast<ScheduleFired>().ToDictionary(f => f.ScheduleId, f => f.JobId);

        Clock.AdvanceTo(Utc(2026, 1, 1, 0, 0, 57));
        await Schedules.DisableAsync(disabled.Id).WaitAsync(TimeSpan.FromSeconds(10));
        await Schedules.DeleteAsync(deleted.Id).WaitAsync(TimeSpan.FromSeconds(10));

        var canceled = await Engine.GetAsync(jobs[disabled.Id]);
        Assert.Equal(JobStatus.Canceled, canceled!.Status);
        Assert.Contains("schedule 'disabled' was disabled before tick 2026-01-01T00:01:00", canceled.Error);
        Assert.Equal(JobStatus.Canceled, (await Engine.GetAsync(jobs[deleted.Id]))!.Status);
        Assert.Equal(JobStatus.Waiting, (await Engine.GetAsync(jobs[kept.Id]))!.Status);

        // Once its tick has come, the job belongs to that tick: disabling leaves it alone.
        Clock.AdvanceTo(Utc(2026, 1, 1, 0, 1));
        await Schedules.DisableAsync(kept.Id);
        Assert.Equal(JobStatus.Waiting, (await Engine.GetAsync(jobs[kept.Id]))!.Status);
        Fires.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task Ticks_of_many_schedules_go_in_pipelined_batches_and_each_makes_one_job()
    {
        await StartSchedulerAsync(SchedulerSettings with { SubmitBatchSize = 3 });
        var ids = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            ids.Add((await Schedules.CreateAsync(Spec($"s{i}", "*/5 * * * *"))).Id);
        }

        Clock.AdvanceTo(Utc(2026, 1, 1, 0, 5));
        var fired = Fires.ReceiveN(10).Cast<ScheduleFired>().ToList();

        Assert.Equal(ids.Order(), fired.Select(f => f.ScheduleId).Order());
        Assert.All(fired, f => Assert.True(f.Created));
        Assert.Equal(10, fired.Select(f => f.JobId).Distinct().Count());
        foreach (var f in fired)
        {
            Assert.Equal(f.JobId, (await JobOfTickAsync(f.ScheduleId, Utc(2026, 1, 1, 0, 5)))!.Id);
        }
    }

    [Fact]
    public async Task Spring_forward_fires_once_after_the_gap_in_berlin_and_new_york()
    {
        Clock.AdvanceTo(Utc(2026, 3, 6, 12, 0));
        await StartSchedulerAsync();
        var berlin = await Schedules.CreateAsync(Spec("berlin", "30 2 * * *", "Europe/Berlin"));
        var newYork = await Schedules.CreateAsync(Spec("new-york", "30 2 * * *", "America/New_York"));

        // New York springs forward on 8 March 2026 (02:00 EST -> 03:00 EDT), Berlin on 29 March (02:00 CET -> 03:00 CEST).
        // Each fires once a day; on the day of the gap at its end (03:00 local).
        (string Id, DateTimeOffset Tick)[] expected =
        [
            (berlin.Id, Utc(2026, 3, 7, 1, 30)), (newYork.Id, Utc(2026, 3, 7, 7, 30)),
            (berlin.Id, Utc(2026, 3, 8, 1, 30)), (newYork.Id, Utc(2026, 3, 8, 7, 0)),
            (berlin.Id, Utc(2026, 3, 9, 1, 30)), (newYork.Id, Utc(2026, 3, 9, 6, 30)),
        ];
        await ExpectSequenceAsync(expected);

        // Skip the weeks in between with both disabled: a jump over many ticks in one step would be a misfire.
        await Schedules.DisableAsync(berlin.Id);
        await Schedules.DisableAsync(newYork.Id);
        Clock.AdvanceTo(Utc(2026, 3, 27, 12, 0));
        await Schedules.EnableAsync(berlin.Id);
        await Schedules.EnableAsync(newYork.Id);
        await ExpectSequenceAsync(
        [
            (berlin.Id, Utc(2026, 3, 28, 1, 30)), (newYork.Id, Utc(2026, 3, 28, 6, 30)),
            (berlin.Id, Utc(2026, 3, 29, 1, 0)), (newYork.Id, Utc(2026, 3, 29, 6, 30)),
            (berlin.Id, Utc(2026, 3, 30, 0, 30)), (newYork.Id, Utc(2026, 3, 30, 6, 30)),
        ]);
        Fires.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task Fall_back_fires_a_fixed_time_once_and_an_interval_every_real_thirty_minutes()
    {
        // Berlin falls back on 25 October 2026 (03:00 CEST -> 02:00 CET); New York on 1 November (02:00 EDT -> 01:00 EST).
        Clock.AdvanceTo(Utc(2026, 10, 24, 12, 0));
        await StartSchedulerAsync();
        var berlin = await Schedules.CreateAsync(Spec("berlin", "30 2 * * *", "Europe/Berlin"));
        var interval = await Schedules.CreateAsync(Spec("berlin-half-hourly", "*/30 1-3 * * *", "Europe/Berlin"));
        var newYork = await Schedules.CreateAsync(Spec("new-york", "30 1 * * *", "America/New_York"));

        await ExpectSequenceAsync(
        [
            // 01:00..03:30 local on the 25th: 02:00-02:59 happens twice, the interval keeps a 30-minute cadence through both.
            (interval.Id, Utc(2026, 10, 24, 23, 0)), (interval.Id, Utc(2026, 10, 24, 23, 30)),
            (interval.Id, Utc(2026, 10, 25, 0, 0)), (interval.Id, Utc(2026, 10, 25, 0, 30)), (berlin.Id, Utc(2026, 10, 25, 0, 30)),
            (interval.Id, Utc(2026, 10, 25, 1, 0)), (interval.Id, Utc(2026, 10, 25, 1, 30)),
            (interval.Id, Utc(2026, 10, 25, 2, 0)), (interval.Id, Utc(2026, 10, 25, 2, 30)),
            (newYork.Id, Utc(2026, 10, 25, 5, 30)),
            (interval.Id, Utc(2026, 10, 26, 0, 0)), (interval.Id, Utc(2026, 10, 26, 0, 30)),
            (interval.Id, Utc(2026, 10, 26, 1, 0)), (berlin.Id, Utc(2026, 10, 26, 1, 30)),
            (interval.Id, Utc(2026, 10, 26, 1, 30)), (interval.Id, Utc(2026, 10, 26, 2, 0)), (interval.Id, Utc(2026, 10, 26, 2, 30)),
        ]);

        Assert.False((await Schedules.DisableAsync(interval.Id)).Enabled);
        await Schedules.DisableAsync(berlin.Id);
        await Schedules.DisableAsync(newYork.Id);
        Clock.AdvanceTo(Utc(2026, 10, 31, 12, 0));
        await Schedules.EnableAsync(newYork.Id);

        // New York: 01:30 happens twice on 1 November; a fixed time fires at the first (EDT) only.
        await ExpectSequenceAsync([(newYork.Id, Utc(2026, 11, 1, 5, 30)), (newYork.Id, Utc(2026, 11, 2, 6, 30))]);
        Fires.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task Disabled_schedules_do_not_fire_and_enabling_fires_from_the_next_tick_without_the_missed_ones()
    {
        await StartSchedulerAsync();
        var schedule = await Schedules.CreateAsync(Spec("five", "*/5 * * * *"));
        ExpectFire(schedule.Id, Utc(2026, 1, 1, 0, 5));

        var disabled = await Schedules.DisableAsync(schedule.Id);
        Assert.False(disabled.Enabled);
        Assert.Empty((await Schedules.GetAsync(schedule.Id))!.NextFires);
        Clock.AdvanceTo(Utc(2026, 1, 1, 0, 32));
        Fires.ExpectNoMsg(TimeSpan.FromMilliseconds(300));

        var enabled = await Schedules.EnableAsync(schedule.Id);
        Assert.True(enabled.Enabled);
        Assert.Equal(Utc(2026, 1, 1, 0, 35), (await Schedules.GetAsync(schedule.Id))!.NextFires[0]);
        ExpectFire(schedule.Id, Utc(2026, 1, 1, 0, 35));
        Fires.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Assert.Null(await JobOfTickAsync(schedule.Id, Utc(2026, 1, 1, 0, 30)));
    }

    [Fact]
    public async Task A_crash_after_submitting_and_before_recording_the_fire_does_not_duplicate_the_job()
    {
        var crashes = 0;
        await StartSchedulerAsync(SchedulerSettings with
        {
            AfterSubmit = _ =>
            {
                if (Interlocked.Increment(ref crashes) == 1)
                {
                    throw new InvalidOperationException("crash between submit and persist (test)");
                }
            },
        });
        var schedule = await Schedules.CreateAsync(Spec("crashy", "*/10 * * * *"));
        var tick = Utc(2026, 1, 1, 0, 10);
        Clock.AdvanceTo(tick);
        var submitted = Events.FishForMessage<JobLifecycleEvent>(e => e.Kind == "job.submitted");
        Assert.Equal(ScheduleTick.IdempotencyKey(schedule.Id, tick), submitted.Job.IdempotencyKey);
        Fires.ExpectNoMsg(TimeSpan.FromMilliseconds(200)); // the fire was not recorded: the actor crashed

        // The host starts a fresh actor after the restart delay; it recovers and decides the same tick again.
        // The clock is nudged until the restart timer has been set and fired (1 s steps, well within the tolerance).
        AwaitAssert(() =>
        {
            Clock.Advance(SchedulerSettings.RestartDelay);
            Assert.Equal(2, Volatile.Read(ref crashes));
        });
        var fired = Fires.ExpectMsg<ScheduleFired>();
        Assert.Equal(tick, fired.Tick);
        Assert.False(fired.Created);
        Assert.Equal(submitted.Job.Id, fired.JobId);
        var page = await Engine.ListAsync(new Store.JobQuery { Limit = 100 });
        Assert.Single(page.Jobs, j => j.Type == "parked");

        ExpectFire(schedule.Id, Utc(2026, 1, 1, 0, 20));
        Assert.True((await Schedules.GetAsync(schedule.Id))!.LastFire!.JobId is { } last && last != submitted.Job.Id);
    }

    [Fact]
    public async Task Month_ends_and_a_leap_day_fire_on_their_days()
    {
        // Renewals every 20 minutes over two years would be 50,000 writes: a long lease keeps the jump cheap.
        var settings = SchedulerSettings with { LeaseDuration = TimeSpan.FromDays(1000) };
        Clock.AdvanceTo(Utc(2027, 12, 15, 0, 0));
        await StartSchedulerAsync(settings);
        var monthEnd = await Schedules.CreateAsync(Spec("month-end", "0 9 L * *"));
        var leapDay = await Schedules.CreateAsync(Spec("leap-day", "0 12 29 2 *", "Australia/Sydney"));
        Assert.Equal([Utc(2028, 2, 29, 1, 0), Utc(2032, 2, 29, 1, 0)], (await Schedules.GetAsync(leapDay.Id, preview: 2))!.NextFires);

        await ExpectSequenceAsync(
        [
            (monthEnd.Id, Utc(2027, 12, 31, 9, 0)), (monthEnd.Id, Utc(2028, 1, 31, 9, 0)),
            (leapDay.Id, Utc(2028, 2, 29, 1, 0)), (monthEnd.Id, Utc(2028, 2, 29, 9, 0)),
            (monthEnd.Id, Utc(2028, 3, 31, 9, 0)), (monthEnd.Id, Utc(2028, 4, 30, 9, 0)),
        ]);
    }

    [Fact]
    public async Task The_scheduler_recovers_from_a_snapshot_and_goes_on_firing()
    {
        var settings = SchedulerSettings with { SnapshotEvery = 1 };
        await StartSchedulerAsync(settings);
        var a = await Schedules.CreateAsync(Spec("a", "*/5 * * * *"));
        var b = await Schedules.CreateAsync(Spec("b", "*/10 * * * *"));
        ExpectFire(a.Id, Utc(2026, 1, 1, 0, 5));
        await ExpectSequenceAsync([(a.Id, Utc(2026, 1, 1, 0, 10)), (b.Id, Utc(2026, 1, 1, 0, 10))]);
        var persistence = Sys.GetExtension<Persistence.PersistenceExtension>();
        await AwaitAssertAsync(async () => Assert.NotNull(await persistence.SnapshotStore.LoadAsync("scheduler.scheduler", Persistence.Snapshots.SnapshotSelectionCriteria.Latest)));
        await StopSchedulerAsync();

        await StartSchedulerAsync(settings);
        var shown = await Schedules.GetAsync(b.Id);
        Assert.Equal(Utc(2026, 1, 1, 0, 10), shown!.LastFire!.Tick);
        await ExpectSequenceAsync([(a.Id, Utc(2026, 1, 1, 0, 15)), (a.Id, Utc(2026, 1, 1, 0, 20)), (b.Id, Utc(2026, 1, 1, 0, 20))]);
        Fires.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task Events_covered_by_a_snapshot_are_deleted_and_recovery_from_what_is_left_gives_the_same_schedules()
    {
        const string PersistenceId = "scheduler.scheduler";
        var settings = SchedulerSettings with { SnapshotEvery = 1 }; // a snapshot every 2 x schedules = 4 events
        await StartSchedulerAsync(settings);
        var a = await Schedules.CreateAsync(Spec("a", "*/5 * * * *"));
        var b = await Schedules.CreateAsync(Spec("b", "*/10 * * * *"));
        await ExpectSequenceAsync(
        [
            (a.Id, Utc(2026, 1, 1, 0, 5)), (a.Id, Utc(2026, 1, 1, 0, 10)), (b.Id, Utc(2026, 1, 1, 0, 10)), (a.Id, Utc(2026, 1, 1, 0, 15)),
            (a.Id, Utc(2026, 1, 1, 0, 20)), (b.Id, Utc(2026, 1, 1, 0, 20)), (a.Id, Utc(2026, 1, 1, 0, 25)),
        ]);
        var persistence = Sys.GetExtension<Persistence.PersistenceExtension>();
        var highest = await persistence.Journal.ReadHighestSequenceNrAsync(PersistenceId);
        long snapshotAt = 0;
        await AwaitAssertAsync(async () =>
        {
            var latest = await persistence.SnapshotStore.LoadAsync(PersistenceId, Persistence.Snapshots.SnapshotSelectionCriteria.Latest);
            snapshotAt = latest!.Metadata.SequenceNr;
            Assert.True(snapshotAt > 4, $"the latest snapshot is at {snapshotAt}");
            Assert.Empty(await ReplayAsync(persistence, PersistenceId, 1, snapshotAt)); // the events it covers are gone
            Assert.Null(await persistence.SnapshotStore.LoadAsync(PersistenceId, Persistence.Snapshots.SnapshotSelectionCriteria.UpTo(snapshotAt - 1)));
        });
        Assert.True((await ReplayAsync(persistence, PersistenceId, 1, long.MaxValue)).Count <= 4);
        Assert.Equal(highest, await persistence.Journal.ReadHighestSequenceNrAsync(PersistenceId));
        var before = Shown(await Schedules.ListAsync(preview: 3));
        await StopSchedulerAsync();

        // The fence does not depend on the deleted events: a writer that recovered before the trim is still rejected.
        var stale = new SchedulerLeaseTaken { At = Clock.GetUtcNow(), Node = "stale-node", Until = Utc(2026, 1, 1, 2, 0) };
        var rejected = await persistence.Journal.WriteAsync([new Persistence.Journal.AtomicWrite(PersistenceId, [persistence.Serializer.ToSerializedEvent(2, stale)], null)]);
        Assert.False(rejected[0].IsWritten);

        await StartSchedulerAsync(settings);
        Assert.Equal(before, Shown(await Schedules.ListAsync(preview: 3)));
        Clock.AdvanceTo(Utc(2026, 1, 1, 0, 30));
        var next = Fires.ReceiveN(2).Cast<ScheduleFired>().ToList();
        Assert.Equal(new[] { a.Id, b.Id }.Order(), next.Select(f => f.ScheduleId).Order());
        Assert.All(next, f => Assert.True(f.Created && f.Tick == Utc(2026, 1, 1, 0, 30)));
        Fires.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        static List<string> Shown(IReadOnlyList<ScheduleInfo> schedules) =>
            [.. schedules.Select(s => $"{s.Id} {s.Definition} {s.Enabled} {s.LastFire} {string.Join(",", s.NextFires)}")];
    }

    private static async Task<List<Persistence.Journal.StoredEvent>> ReplayAsync(Persistence.PersistenceExtension persistence, string persistenceId, long from, long to)
    {
        var events = new List<Persistence.Journal.StoredEvent>();
        await foreach (var e in persistence.Journal.ReplayAsync(persistenceId, from, to, long.MaxValue))
        {
            events.Add(e);
        }

        return events;
    }

    [Theory]
    [InlineData(MisfirePolicy.FireOnceNow)]
    [InlineData(MisfirePolicy.Skip)]
    [InlineData(MisfirePolicy.CatchUp)]
    public async Task After_downtime_the_misfire_policy_decides_what_fires(MisfirePolicy policy)
    {
        await StartSchedulerAsync();
        var schedule = await Schedules.CreateAsync(Spec("ten", "*/10 * * * *", misfire: new MisfireSettings { Policy = policy, CatchUpWindow = TimeSpan.FromMinutes(45) }));
        ExpectFire(schedule.Id, Utc(2026, 1, 1, 0, 10));
        await StopSchedulerAsync();

        // Down from 00:10 to 01:15: ticks 00:20 .. 01:10 are missed (the last one 5 minutes late, past the tolerance).
        Clock.AdvanceTo(Utc(2026, 1, 1, 1, 15));
        await StartSchedulerAsync();
        var ticks = new List<DateTimeOffset>();
        if (policy != MisfirePolicy.Skip)
        {
            var expected = policy == MisfirePolicy.CatchUp ? 4 : 1; // catch-up: within 45 minutes, 00:40 .. 01:10
            for (var i = 0; i < expected; i++)
            {
                ticks.Add(Fires.ExpectMsg<ScheduleFired>().Tick);
            }
        }

        Fires.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        DateTimeOffset[] want = policy switch
        {
            MisfirePolicy.FireOnceNow => [Utc(2026, 1, 1, 1, 10)],
            MisfirePolicy.CatchUp => [Utc(2026, 1, 1, 0, 40), Utc(2026, 1, 1, 0, 50), Utc(2026, 1, 1, 1, 0), Utc(2026, 1, 1, 1, 10)],
            _ => [],
        };
        Assert.Equal(want, ticks);
        ExpectFire(schedule.Id, Utc(2026, 1, 1, 1, 20));
    }

    /// <summary>
    /// Moves the clock from fire to fire and checks each: the scheduler's own next fire must be the expected one (so
    /// nothing fires in between unseen), and the schedules due at one instant fire together, in any order.
    /// </summary>
    private async Task ExpectSequenceAsync((string Id, DateTimeOffset Tick)[] expected)
    {
        foreach (var group in expected.GroupBy(e => e.Tick).OrderBy(g => g.Key))
        {
            var next = (await Schedules.ListAsync(preview: 1)).Where(s => s.Enabled).Select(s => s.NextFires[0]).Min();
            Assert.Equal(group.Key, next);
            Clock.AdvanceTo(group.Key);
            var fired = new List<string>();
            foreach (var _ in group)
            {
                var fire = Fires.ExpectMsg<ScheduleFired>();
                Assert.Equal(group.Key, fire.Tick);
                fired.Add(fire.ScheduleId);
            }

            Assert.Equal(group.Select(g => g.Id).Order(), fired.Order());
        }
    }
}

public sealed class SchedulerFiringTestsOnInMemory(ITestOutputHelper output) : SchedulerFiringTests(output, EngineBackend.InMemory);

public sealed class SchedulerFiringTestsOnSqlite(ITestOutputHelper output) : SchedulerFiringTests(output, EngineBackend.Sqlite);

public sealed class SchedulerFiringTestsOnPostgreSql(ITestOutputHelper output) : SchedulerFiringTests(output, EngineBackend.PostgreSql);
