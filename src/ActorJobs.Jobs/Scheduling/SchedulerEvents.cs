using ActorJobs.Persistence.Serialization;

namespace ActorJobs.Jobs.Scheduling;

/// <summary>
/// Something that happened to the scheduler, as stored in its journal (one persistence id for all schedules of a
/// scheduler). Each type has a stable manifest (<see cref="SchedulerEventManifests"/>); <see cref="SchedulerState"/>
/// folds them.
/// </summary>
public abstract record SchedulerEvent
{
    /// <summary>When it happened, on the scheduler's clock.</summary>
    public required DateTimeOffset At { get; init; }
}

/// <summary>An event about one schedule.</summary>
public abstract record ScheduleEvent : SchedulerEvent
{
    /// <summary>The schedule's id.</summary>
    public required string ScheduleId { get; init; }
}

/// <summary>A schedule was created. Ticks after <see cref="SchedulerEvent.At"/> fire.</summary>
public sealed record ScheduleCreated : ScheduleEvent
{
    /// <summary>What it is.</summary>
    public required ScheduleDefinition Definition { get; init; }

    /// <summary>Whether it fires.</summary>
    public bool Enabled { get; init; } = true;
}

/// <summary>A schedule was changed. Ticks of the new expression fire from <see cref="SchedulerEvent.At"/> on.</summary>
public sealed record ScheduleUpdated : ScheduleEvent
{
    /// <summary>What it is now.</summary>
    public required ScheduleDefinition Definition { get; init; }
}

/// <summary>A schedule was enabled; ticks from <see cref="SchedulerEvent.At"/> on fire (none of the disabled time).</summary>
public sealed record ScheduleEnabled : ScheduleEvent;

/// <summary>A schedule was disabled, by a client or by the scheduler (its job type is gone, its template no longer valid).</summary>
public sealed record ScheduleDisabled : ScheduleEvent
{
    /// <summary>Why, when the scheduler did it.</summary>
    public string? Reason { get; init; }
}

/// <summary>A schedule was deleted.</summary>
public sealed record ScheduleDeleted : ScheduleEvent;

/// <summary>A tick fired: its job was submitted with the tick's idempotency key.</summary>
public sealed record ScheduleFired : ScheduleEvent
{
    /// <summary>The nominal tick (UTC).</summary>
    public required DateTimeOffset Tick { get; init; }

    /// <summary>The job it made (or found: a submit after a crash returns the job of the first).</summary>
    public required string JobId { get; init; }

    /// <summary>False when the idempotency key returned an existing job.</summary>
    public bool Created { get; init; } = true;

    /// <summary>Ticks up to here are decided (the misfire decision's now).</summary>
    public required DateTimeOffset DecidedThrough { get; init; }
}

/// <summary>A tick came but no job was submitted (the overlap policy said so).</summary>
public sealed record ScheduleTickSkipped : ScheduleEvent
{
    /// <summary>The nominal tick (UTC).</summary>
    public required DateTimeOffset Tick { get; init; }

    /// <summary>Why.</summary>
    public required string Reason { get; init; }

    /// <summary>Ticks up to here are decided.</summary>
    public required DateTimeOffset DecidedThrough { get; init; }
}

/// <summary>A node took or renewed the scheduler's lease: it alone fires until <see cref="Until"/>.</summary>
public sealed record SchedulerLeaseTaken : SchedulerEvent
{
    /// <summary>The node.</summary>
    public required string Node { get; init; }

    /// <summary>When the lease runs out unless renewed.</summary>
    public required DateTimeOffset Until { get; init; }
}

/// <summary>Registers the scheduler's events and snapshot under their stable manifests.</summary>
public static class SchedulerEventManifests
{
    /// <summary>Registers the scheduler's events on <paramref name="serializer"/> (registering twice is harmless).</summary>
    public static EventSerializer RegisterSchedulerEvents(this EventSerializer serializer)
    {
        ArgumentNullException.ThrowIfNull(serializer);
        return serializer
            .Register<ScheduleCreated>("schedule.created.v1")
            .Register<ScheduleUpdated>("schedule.updated.v1")
            .Register<ScheduleEnabled>("schedule.enabled.v1")
            .Register<ScheduleDisabled>("schedule.disabled.v1")
            .Register<ScheduleDeleted>("schedule.deleted.v1")
            .Register<ScheduleFired>("schedule.fired.v1")
            .Register<ScheduleTickSkipped>("schedule.tick-skipped.v1")
            .Register<SchedulerLeaseTaken>("scheduler.lease-taken.v1")
            .Register<SchedulerSnapshot>("scheduler.snapshot.v1");
    }
}
