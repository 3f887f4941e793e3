using System.Text.Json;

namespace ActorJobs.Client.Contracts;

/// <summary>A job type (GET /job-types, /job-types/{id}).</summary>
public sealed record JobTypeDto
{
    /// <summary>Its stable id.</summary>
    public required string Id { get; init; }

    /// <summary>Its group.</summary>
    public required string Group { get; init; }

    /// <summary>The group's queue.</summary>
    public required string Queue { get; init; }

    /// <summary>A display name.</summary>
    public string? DisplayName { get; init; }

    /// <summary>What it does.</summary>
    public string? Description { get; init; }

    /// <summary>Default per-attempt timeout in seconds.</summary>
    public double TimeoutSeconds { get; init; }

    /// <summary>The retry policy: kind (none, fixed, exponential), maxRetries, delaySeconds, maxDelaySeconds, jitter.</summary>
    public JsonElement Retry { get; init; }

    /// <summary>Whether a running job of this type may be suspended.</summary>
    public bool Suspendable { get; init; }

    /// <summary>The params' JSON Schema, if it has one.</summary>
    public JsonElement? ParamsSchema { get; init; }

    /// <summary>Resources every job of this type holds while it runs.</summary>
    public IReadOnlyList<string> Resources { get; init; } = [];
}

/// <summary>A job group (GET /job-groups, /job-groups/{id}).</summary>
public sealed record JobGroupDto(string Name, string Queue, string? Description, IReadOnlyList<string> JobTypes);

/// <summary>A worker of a queue on this node.</summary>
public sealed record WorkerDto(string Name, string State, string? CurrentJob, DateTimeOffset Since, DateTimeOffset StartedAt, long Completed, long Failed, double BusyFraction);

/// <summary>A queue (GET /queues, /queues/{name}; POST /queues/{name}/pause and /resume answer with it too).</summary>
/// <param name="Name">Its name.</param>
/// <param name="Capacity">Worker slots on this node.</param>
/// <param name="Paused">Whether it claims nothing new.</param>
/// <param name="Running">Jobs running on this node.</param>
/// <param name="Waiting">Jobs waiting in it (all nodes; the caller's tenant only for a tenant key).</param>
/// <param name="Workers">This node's workers (GET /queues/{name} only; empty in the list).</param>
/// <param name="Positions">GET /queues/{name}: the first waiting jobs in order with what each waits for.</param>
public sealed record QueueDto(string Name, int Capacity, bool Paused, int Running, long Waiting, IReadOnlyList<WorkerDto> Workers, IReadOnlyList<QueuePositionDto> Positions);

/// <summary>A waiting job's place in its queue.</summary>
public sealed record QueuePositionDto(long Position, string JobId, string Type, int Priority, string? Reason, string? Details);

/// <summary>PATCH-free capacity change: POST /queues/{name}/capacity.</summary>
public sealed record SetCapacityRequest(int? Capacity);

/// <summary>GET /stats.</summary>
/// <param name="Counts">Jobs per queue per status.</param>
/// <param name="PerMinute">Completed and failed per minute, recent minutes first.</param>
/// <param name="Queues">Wait and run time percentiles per queue.</param>
public sealed record StatsDto(IReadOnlyList<StatusCountDto> Counts, IReadOnlyList<MinuteCountDto> PerMinute, IReadOnlyList<QueueLatencyDto> Queues);

/// <summary>Jobs in one status of one queue.</summary>
public sealed record StatusCountDto(string Queue, string Status, long Count);

/// <summary>One minute's completions and failures.</summary>
public sealed record MinuteCountDto(DateTimeOffset Minute, long Completed, long Failed);

/// <summary>Wait and run time percentiles of a queue, in milliseconds.</summary>
public sealed record QueueLatencyDto(string Queue, PercentilesDto Wait, PercentilesDto Run);

/// <summary>Percentiles in milliseconds over <see cref="Count"/> samples.</summary>
public sealed record PercentilesDto(int Count, double P50Ms, double P90Ms, double P99Ms);

/// <summary>GET /health.</summary>
/// <param name="Status">healthy or unhealthy.</param>
/// <param name="Node">This node's id.</param>
/// <param name="Storage">sqlite or postgresql.</param>
/// <param name="Scheduler">active (this node fires schedules), standby, or off.</param>
public sealed record HealthDto(string Status, string Node, string Storage, string Scheduler);
