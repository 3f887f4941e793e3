using ActorJobs.Jobs.Scheduling;
using ActorJobs.Persistence.Journal;
using ActorJobs.Persistence.Serialization;
using ActorJobs.Persistence.Snapshots;

namespace ActorJobs.Jobs.Tests.Scheduler;

/// <summary>The scheduler's state fold, with no actor: events in, schedules out; snapshots and manifests round-trip.</summary>
public sealed class SchedulerStateTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly ScheduleDefinition Daily = new()
    {
        Name = "daily",
        Tenant = "default",
        Cron = "@daily",
        TimeZone = "Europe/Berlin",
        JobType = "report",
        Params = "{}",
        Priority = 5,
        Misfire = "catch-up",
        MisfireTolerance = TimeSpan.FromMinutes(1),
        CatchUpWindow = TimeSpan.FromDays(1),
        MaxCatchUp = 100,
        Overlap = "skip-if-running",
    };

    [Fact]
    public void Events_fold_into_schedules_with_their_last_fire_and_what_is_decided()
    {
        var state = new SchedulerState();
        state.Apply(new ScheduleCreated { At = T0, ScheduleId = "s1", Definition = Daily });
        state.Apply(new ScheduleFired { At = T0.AddDays(1), ScheduleId = "s1", Tick = T0.AddHours(23), JobId = "j1", DecidedThrough = T0.AddDays(1) });
        state.Apply(new ScheduleTickSkipped { At = T0.AddDays(2), ScheduleId = "s1", Tick = T0.AddHours(47), Reason = "busy", DecidedThrough = T0.AddDays(2) });

        var s1 = state.Find("s1")!;
        Assert.Equal(new ScheduleFire(T0.AddHours(47), T0.AddDays(2), null, "busy"), s1.LastFire);
        Assert.Equal("j1", s1.LastJobId); // a skipped tick keeps the job the overlap policy watches
        Assert.Equal(T0.AddDays(2), s1.DecidedThrough);
        Assert.Equal(MisfirePolicy.CatchUp, s1.Definition.MisfireSettings().Policy);
        Assert.Equal(OverlapPolicy.SkipIfRunning, s1.Definition.OverlapPolicy());

        state.Apply(new ScheduleDisabled { At = T0.AddDays(3), ScheduleId = "s1", Reason = "gone" });
        Assert.Equal((false, "gone"), (state.Find("s1")!.Enabled, state.Find("s1")!.DisabledReason));
        state.Apply(new ScheduleEnabled { At = T0.AddDays(5), ScheduleId = "s1" });
        Assert.Equal((true, null, T0.AddDays(5)), (state.Find("s1")!.Enabled, state.Find("s1")!.DisabledReason, state.Find("s1")!.DecidedThrough));

        state.Apply(new ScheduleUpdated { At = T0.AddDays(6), ScheduleId = "s1", Definition = Daily with { Name = "renamed" } });
        Assert.Null(state.FindByName("default", "daily"));
        Assert.Equal("s1", state.FindByName("default", "renamed")!.Id);
        state.Apply(new ScheduleDeleted { At = T0.AddDays(7), ScheduleId = "s1" });
        Assert.Empty(state.Schedules);
        Assert.Null(state.FindByName("default", "renamed"));

        var unknown = Assert.Throws<InvalidOperationException>(() => state.Apply(new ScheduleEnabled { At = T0, ScheduleId = "s1" }));
        Assert.Equal("Scheduler event for unknown schedule s1.", unknown.Message);
    }

    [Fact]
    public void A_schedule_created_before_templates_had_a_queue_reads_with_no_queue_and_one_with_a_queue_keeps_it()
    {
        var serializer = new EventSerializer().RegisterSchedulerEvents();
        var old = new ScheduleCreated { At = T0, ScheduleId = "s1", Definition = Daily };
        var payload = serializer.ToSerializedEvent(1, old).Payload;
        var json = System.Text.Encoding.UTF8.GetString(payload.Span);
        Assert.DoesNotContain("\"queue\":\"", json, StringComparison.Ordinal);
        var withoutQueue = System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject();
        ((System.Text.Json.Nodes.JsonObject)withoutQueue["definition"]!).Remove("queue");
        var stored = new StoredEvent("scheduler.x", 1, "schedule.created.v1", System.Text.Encoding.UTF8.GetBytes(withoutQueue.ToJsonString()), T0, null, []);
        Assert.Null(((ScheduleCreated)serializer.DeserializeEvent(stored)).Definition.Queue);

        SchedulerEvent picked = new ScheduleCreated { At = T0, ScheduleId = "s2", Definition = Daily with { Queue = "reports" } };
        var serialized = serializer.ToSerializedEvent(1, picked);
        Assert.Equal(picked, serializer.DeserializeEvent(new StoredEvent("scheduler.x", 1, serialized.Manifest, serialized.Payload, T0, null, [])));
    }

    [Fact]
    public void Events_and_snapshots_round_trip_under_their_stable_manifests()
    {
        var serializer = new EventSerializer().RegisterSchedulerEvents().RegisterSchedulerEvents();
        Assert.Equal("schedule.fired.v1", serializer.ManifestOf(typeof(ScheduleFired)));
        Assert.Equal("scheduler.lease-taken.v1", serializer.ManifestOf(typeof(SchedulerLeaseTaken)));

        SchedulerEvent created = new ScheduleCreated { At = T0, ScheduleId = "s1", Definition = Daily with { NotBeforeOffset = TimeSpan.FromMinutes(5) } };
        var serialized = serializer.ToSerializedEvent(1, created);
        var stored = new StoredEvent("scheduler.x", 1, serialized.Manifest, serialized.Payload, T0, null, []);
        Assert.Equal(created, serializer.DeserializeEvent(stored));

        var state = new SchedulerState();
        state.Apply(created);
        state.Apply(new SchedulerLeaseTaken { At = T0, Node = "n1", Until = T0.AddSeconds(30) });
        state.Apply(new ScheduleFired { At = T0.AddDays(1), ScheduleId = "s1", Tick = T0.AddHours(23), JobId = "j1", DecidedThrough = T0.AddDays(1) });
        var snapshot = serializer.ToSnapshot(new SnapshotMetadata("scheduler.x", 3, T0), state.ToSnapshot());
        var back = SchedulerState.FromSnapshot((SchedulerSnapshot)serializer.DeserializeSnapshot(snapshot));
        Assert.Equal(state.Find("s1"), back.Find("s1"));
        Assert.Equal(("n1", T0.AddSeconds(30)), (back.LeaseHolder, back.LeaseUntil));
        Assert.Equal("s1", back.FindByName("default", "daily")!.Id);
    }
}
