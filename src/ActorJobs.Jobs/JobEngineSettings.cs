namespace ActorJobs.Jobs;

/// <summary>How a node runs jobs. The defaults suit a single embedded node.</summary>
public sealed record JobEngineSettings
{
    /// <summary>This node's id, stored as the owner of the leases it takes. Must be unique among live nodes.</summary>
    public string NodeId { get; init; } = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}";

    /// <summary>How long a claim's lease lasts without renewal (default 30 s). A crashed node's jobs are rescued after it.</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often leases are renewed (default a third of the lease).</summary>
    public TimeSpan? LeaseRenewInterval { get; init; }

    /// <summary>How long a canceled running handler gets to stop before the cancel is forced (default 10 s).</summary>
    public TimeSpan CancelGracePeriod { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a handler past its timeout gets to stop before the attempt is ended as timed out (default 10 s).</summary>
    public TimeSpan TimeoutGracePeriod { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How often an idle queue looks for due work submitted elsewhere (default 1 s).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How often expired leases are looked for (default 5 s, and once at startup).</summary>
    public TimeSpan RescueInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a final job (its result, history and log) is kept before it is purged (default 7 days).</summary>
    public TimeSpan ResultTtl { get; init; } = TimeSpan.FromDays(7);

    /// <summary>How often the retention actor purges (default 1 min).</summary>
    public TimeSpan RetentionInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Progress reports closer together than this are published but not all persisted (default 1 s).</summary>
    public TimeSpan ProgressPersistInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a client waits for a job's actor to answer (default 30 s).</summary>
    public TimeSpan AskTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The source of jitter samples in [0, 1) (default: shared random).</summary>
    public Func<double> Random { get; init; } = System.Random.Shared.NextDouble;

    /// <summary>Checks the settings.</summary>
    /// <exception cref="JobValidationException">A value is out of range.</exception>
    public JobEngineSettings Validate()
    {
        Names.Require(NodeId, "nodeId");
        Positive(LeaseDuration, "leaseDuration");
        Positive(RenewInterval, "leaseRenewInterval");
        if (RenewInterval >= LeaseDuration)
        {
            throw new JobValidationException("leaseRenewInterval", $"{RenewInterval} must be shorter than the lease ({LeaseDuration})");
        }

        Positive(CancelGracePeriod, "cancelGracePeriod");
        Positive(TimeoutGracePeriod, "timeoutGracePeriod");
        Positive(PollInterval, "pollInterval");
        Positive(RescueInterval, "rescueInterval");
        Positive(ResultTtl, "resultTtl");
        Positive(RetentionInterval, "retentionInterval");
        Positive(AskTimeout, "askTimeout");
        return this;
    }

    internal TimeSpan RenewInterval => LeaseRenewInterval ?? LeaseDuration / 3;

    private static void Positive(TimeSpan value, string field)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new JobValidationException(field, $"{value} must be positive");
        }
    }
}
