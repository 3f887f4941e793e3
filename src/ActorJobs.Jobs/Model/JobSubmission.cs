namespace ActorJobs.Jobs;

/// <summary>A request to run a job. Only <see cref="Type"/> is required; the rest default from the job type.</summary>
public sealed record JobSubmission
{
    /// <summary>The job type's id.</summary>
    public required string Type { get; init; }

    /// <summary>The tenant (default <c>default</c>).</summary>
    public string Tenant { get; init; } = JobCatalog.DefaultTenant;

    /// <summary>The queue to run it on (default: the queue of its type's group). It must be a queue of the catalog.</summary>
    public string? Queue { get; init; }

    /// <summary>Who submits it.</summary>
    public string? Owner { get; init; }

    /// <summary>A second submit with the same key in the same tenant returns the first job instead of a new one.</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>The params as JSON text: an object (default <c>{}</c>).</summary>
    public string? Params { get; init; }

    /// <summary>1..10 (default 5, normal).</summary>
    public int? Priority { get; init; }

    /// <summary>The earliest time it may start (default: now).</summary>
    public DateTimeOffset? NotBefore { get; init; }

    /// <summary>Per-attempt timeout (default: the type's).</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Retries after the first attempt (default: the type's).</summary>
    public int? MaxRetries { get; init; }

    /// <summary>The first retry's delay (default: the type's).</summary>
    public TimeSpan? RetryDelay { get; init; }

    /// <summary>Resources it holds while running, in addition to its type's.</summary>
    public IReadOnlyList<string>? Resources { get; init; }
}
