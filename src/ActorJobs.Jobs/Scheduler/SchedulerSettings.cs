using ActorJobs.Jobs.Store;

namespace ActorJobs.Jobs.Scheduler;

/// <summary>How a node runs the cron scheduler. The defaults suit a single embedded node.</summary>
public sealed record SchedulerSettings
{
    /// <summary>The default of <see cref="FireAhead"/>.</summary>
    public static readonly TimeSpan DefaultFireAhead = TimeSpan.FromSeconds(5);

    /// <summary>The scheduler's name: its actor's name and, as <c>scheduler.{name}</c>, its persistence id (default <c>scheduler</c>).</summary>
    public string Name { get; init; } = "scheduler";

    /// <summary>How long the lease lasts without renewal (default 30 s). Another node takes over only after it runs out.</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the holder renews the lease (default a third of it).</summary>
    public TimeSpan? LeaseRenewInterval { get; init; }

    /// <summary>How long to wait before starting the scheduler's actor again after it stopped (default 1 s).</summary>
    public TimeSpan RestartDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long to wait before firing again after the store failed a submission (default 5 s).</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long before its tick a schedule with overlap policy <c>allow</c> is fired (default 5 s): its job is submitted
    /// then, with the tick as its not-before time, so it is in the store, claimable exactly at its tick, however many
    /// schedules share the tick. Five seconds covers 10,000 submits of one tick on a loaded 2-core machine with room
    /// to spare (see the Scheduling README); zero fires at the tick. Schedules with another overlap policy always fire
    /// at the tick, since they look at the previous job's status. Disabling or deleting a schedule cancels a job it
    /// fired ahead for a tick still to come; an update applies from the next tick not yet fired.
    /// </summary>
    public TimeSpan FireAhead { get; init; } = DefaultFireAhead;

    /// <summary>The most jobs submitted in one transaction (default 1000).</summary>
    public int SubmitBatchSize { get; init; } = 1000;

    /// <summary>A snapshot is taken after this many events, or twice the number of schedules if that is more (default 1000).</summary>
    public int SnapshotEvery { get; init; } = 1000;

    /// <summary>Test hook: runs after a batch of jobs was submitted and before their fires are persisted (a throw here is a crash at that point).</summary>
    internal Action<IReadOnlyList<SubmitOutcome>>? AfterSubmit { get; init; }

    internal TimeSpan RenewInterval => LeaseRenewInterval ?? LeaseDuration / 3;

    /// <summary>Checks the settings.</summary>
    /// <exception cref="JobValidationException">A value is out of range.</exception>
    public SchedulerSettings Validate()
    {
        Names.Require(Name, "scheduler.name");
        Positive(LeaseDuration, "scheduler.leaseDuration");
        Positive(RenewInterval, "scheduler.leaseRenewInterval");
        if (RenewInterval >= LeaseDuration)
        {
            throw new JobValidationException("scheduler.leaseRenewInterval", $"{RenewInterval} must be shorter than the lease ({LeaseDuration})");
        }

        if (FireAhead < TimeSpan.Zero || FireAhead > TimeSpan.FromMinutes(5))
        {
            throw new JobValidationException("scheduler.fireAhead", $"{FireAhead} is out of range; use 0 to 5 minutes");
        }

        Positive(RestartDelay, "scheduler.restartDelay");
        Positive(RetryDelay, "scheduler.retryDelay");
        if (SubmitBatchSize is < 1 or > 10_000)
        {
            throw new JobValidationException("scheduler.submitBatchSize", $"{SubmitBatchSize} is out of range; use 1 to 10000");
        }

        if (SnapshotEvery < 1)
        {
            throw new JobValidationException("scheduler.snapshotEvery", $"{SnapshotEvery} must be positive");
        }

        return this;
    }

    private static void Positive(TimeSpan value, string field)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new JobValidationException(field, $"{value} must be positive");
        }
    }
}
