namespace ActorJobs.Jobs;

/// <summary>A queue: a name and how many of its jobs one node runs at once (its worker pool size).</summary>
/// <param name="Name">For example <c>compute</c>.</param>
/// <param name="Capacity">Workers per node, at least 1.</param>
public sealed record QueueDefinition(string Name, int Capacity)
{
    /// <summary>The most workers one queue may have on a node.</summary>
    public const int MaxCapacity = 10_000;

    /// <summary>The defaults every node has unless configured otherwise: compute=1, maintenance=5, download=10.</summary>
    public static IReadOnlyList<QueueDefinition> Defaults { get; } =
        [new("compute", 1), new("maintenance", 5), new("download", 10)];

    /// <summary>Checks the name and capacity.</summary>
    /// <exception cref="JobValidationException">Bad name or capacity out of 1..10,000.</exception>
    public QueueDefinition Validate()
    {
        Names.Require(Name, "queue.name");
        ValidateCapacity(Capacity);
        return this;
    }

    /// <summary>Checks a capacity.</summary>
    /// <exception cref="JobValidationException">Out of 1..10,000.</exception>
    public static int ValidateCapacity(int capacity, string field = "queue.capacity") =>
        capacity is >= 1 and <= MaxCapacity
            ? capacity
            : throw new JobValidationException(field, $"{capacity} is out of range; a queue has 1 to {MaxCapacity} workers per node");
}

/// <summary>A job group: related job types that run on one queue.</summary>
/// <param name="Name">The group's id.</param>
/// <param name="Queue">The queue its types run on.</param>
/// <param name="Description">For people.</param>
public sealed record JobGroupDefinition(string Name, string Queue, string Description = "");

/// <summary>
/// A job type: what a job of this kind is, how long it may run, how it is retried, whether it can be suspended,
/// what its params must look like, and which resources it holds while it runs.
/// </summary>
/// <param name="Id">Stable string id (stored with every job; never a CLR name).</param>
/// <param name="Group">Its group (which decides its queue).</param>
/// <param name="DisplayName">For people.</param>
/// <param name="Description">For people.</param>
/// <param name="Timeout">The default per-attempt timeout.</param>
/// <param name="Retry">The default retry policy.</param>
/// <param name="Suspendable">Whether a running job of this type may be suspended (its handler checkpoints).</param>
/// <param name="ParamsSchema">A JSON Schema the params must satisfy, or null for any JSON object.</param>
/// <param name="Resources">Resources every job of this type holds while it runs (a job may add its own).</param>
public sealed record JobTypeDefinition(
    string Id,
    string Group,
    string DisplayName,
    string Description,
    TimeSpan Timeout,
    RetryPolicy Retry,
    bool Suspendable,
    string? ParamsSchema,
    IReadOnlyList<string> Resources)
{
    /// <summary>The longest timeout accepted: 30 days.</summary>
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromDays(30);

    /// <summary>Checks a timeout.</summary>
    /// <exception cref="JobValidationException">Zero, negative or above 30 days.</exception>
    public static TimeSpan ValidateTimeout(TimeSpan timeout, string field = "timeout") =>
        timeout <= TimeSpan.Zero
            ? throw new JobValidationException(field, $"{timeout} is not a timeout; it must be positive")
            : timeout > MaxTimeout
                ? throw new JobValidationException(field, $"{timeout} is longer than the limit of {MaxTimeout.TotalDays} days")
                : timeout;
}
