using System.Text.Json;

namespace ActorJobs.Client.Contracts;

/// <summary>POST /schedules (create) and PUT /schedules/{id} (update).</summary>
public sealed record ScheduleRequest
{
    /// <summary>Unique within the tenant (required).</summary>
    public string? Name { get; init; }

    /// <summary>A 5- or 6-field cron expression or a macro such as @daily (required).</summary>
    public string? Cron { get; init; }

    /// <summary>An IANA time zone id (default UTC).</summary>
    public string? TimeZone { get; init; }

    /// <summary>The job each tick submits (required).</summary>
    public ScheduleTemplateDto? Job { get; init; }

    /// <summary>fire-once-now (default), skip, or catch-up.</summary>
    public string? Misfire { get; init; }

    /// <summary>For catch-up: how far back missed ticks are fired, in seconds.</summary>
    public double? CatchUpWindowSeconds { get; init; }

    /// <summary>allow (default), skip-if-running, or cancel-previous.</summary>
    public string? Overlap { get; init; }

    /// <summary>False creates it disabled.</summary>
    public bool? Enabled { get; init; }
}

/// <summary>The job a schedule submits.</summary>
public sealed record ScheduleTemplateDto
{
    /// <summary>The job type's id.</summary>
    public string? Type { get; init; }

    /// <summary>Its params.</summary>
    public JsonElement? Params { get; init; }

    /// <summary>1..10 or low/normal/high/critical.</summary>
    public JsonElement? Priority { get; init; }

    /// <summary>When set, each job may not start before its tick plus this many seconds (a delayed start).</summary>
    public double? NotBeforeOffsetSeconds { get; init; }

    /// <summary>A queue other than the type's group's queue (it must exist); null: the type's.</summary>
    public string? Queue { get; init; }
}

/// <summary>A schedule as the API shows it.</summary>
public sealed record ScheduleDto
{
    /// <summary>Its id.</summary>
    public required string Id { get; init; }

    /// <summary>Its name.</summary>
    public required string Name { get; init; }

    /// <summary>Its tenant.</summary>
    public required string Tenant { get; init; }

    /// <summary>The cron expression.</summary>
    public required string Cron { get; init; }

    /// <summary>The IANA time zone.</summary>
    public required string TimeZone { get; init; }

    /// <summary>The job template.</summary>
    public required ScheduleTemplateDto Job { get; init; }

    /// <summary>The misfire policy's wire name.</summary>
    public required string Misfire { get; init; }

    /// <summary>For catch-up: how far back missed ticks are fired, in seconds.</summary>
    public double CatchUpWindowSeconds { get; init; }

    /// <summary>The overlap policy's wire name.</summary>
    public required string Overlap { get; init; }

    /// <summary>Whether it fires.</summary>
    public bool Enabled { get; init; }

    /// <summary>Why the scheduler disabled it, if it did.</summary>
    public string? DisabledReason { get; init; }

    /// <summary>Created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The last tick fired or skipped.</summary>
    public ScheduleFireDto? LastFire { get; init; }

    /// <summary>The next fire times (UTC).</summary>
    public IReadOnlyList<DateTimeOffset> NextFires { get; init; } = [];
}

/// <summary>A schedule's last fire: the nominal tick, when it was handled, the job it made or why it skipped.</summary>
public sealed record ScheduleFireDto(DateTimeOffset Tick, DateTimeOffset At, string? JobId, string? SkippedReason);
