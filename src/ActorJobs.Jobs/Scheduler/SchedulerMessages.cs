using ActorJobs.Jobs.Scheduling;

namespace ActorJobs.Jobs.Scheduler;

/// <summary>A schedule as a client sees it.</summary>
/// <param name="Id">Its id.</param>
/// <param name="Definition">What it is.</param>
/// <param name="Enabled">Whether it fires.</param>
/// <param name="DisabledReason">Why the scheduler disabled it, if it did.</param>
/// <param name="CreatedAt">Created.</param>
/// <param name="UpdatedAt">Last changed.</param>
/// <param name="LastFire">The last tick fired or skipped, with the job it made.</param>
/// <param name="NextFires">The next fire times (UTC), as many as asked; empty when disabled.</param>
public sealed record ScheduleInfo(
    string Id,
    ScheduleDefinition Definition,
    bool Enabled,
    string? DisabledReason,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    ScheduleFire? LastFire,
    IReadOnlyList<DateTimeOffset> NextFires);

/// <summary>Where this node's scheduler stands.</summary>
/// <param name="Active">True when this node holds the lease and fires.</param>
/// <param name="LeaseHolder">The node holding the lease (this one when active).</param>
/// <param name="LeaseUntil">When that lease runs out unless renewed.</param>
public sealed record SchedulerStatus(bool Active, string? LeaseHolder, DateTimeOffset? LeaseUntil);

/// <summary>This node does not hold the scheduler's lease: another node fires and takes schedule changes.</summary>
public sealed class SchedulerNotActiveException(string? holder, DateTimeOffset? until)
    : InvalidOperationException($"This node is not the scheduler: node '{holder}' holds the lease until {until:O}; send schedule changes there.")
{
    /// <summary>The holder.</summary>
    public string? Holder { get; } = holder;

    /// <summary>Its lease's end.</summary>
    public DateTimeOffset? Until { get; } = until;
}

/// <summary>A command for the scheduler (forwarded by its singleton host to the active actor).</summary>
internal abstract record SchedulerCommand;

internal sealed record CreateSchedule(ScheduleSpec Spec, int Preview) : SchedulerCommand;

internal sealed record UpdateSchedule(string Id, string? Tenant, ScheduleSpec Spec, int Preview) : SchedulerCommand;

internal sealed record SetScheduleEnabled(string Id, string? Tenant, bool Enabled) : SchedulerCommand;

internal sealed record DeleteSchedule(string Id, string? Tenant) : SchedulerCommand;

internal sealed record GetSchedule(string IdOrName, string? Tenant, int Preview) : SchedulerCommand;

internal sealed record ListSchedules(string? Tenant, int Preview) : SchedulerCommand;

/// <summary>Reply to a query that found nothing.</summary>
internal sealed record NoSchedule
{
    public static readonly NoSchedule Instance = new();
}

/// <summary>The active actor tells its host it holds the lease.</summary>
internal sealed record SchedulerActive(string Node, DateTimeOffset Until);

/// <summary>The actor tells its host another node holds the lease, then stops.</summary>
internal sealed record SchedulerStandby(string Holder, DateTimeOffset Until);

internal sealed record GetSchedulerStatus
{
    public static readonly GetSchedulerStatus Instance = new();
}
