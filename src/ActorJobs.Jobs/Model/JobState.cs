namespace ActorJobs.Jobs;

/// <summary>
/// Everything known about one job: the fold of its events (<see cref="JobStateMachine.Apply"/>). The store keeps it
/// as the job's row, written in the same transaction as the event that produced it, so the row and the journal
/// never disagree; <see cref="Version"/> is the sequence number of that event.
/// </summary>
public sealed record JobState
{
    /// <summary>The job's id, also its persistence id.</summary>
    public required string Id { get; init; }

    /// <summary>The tenant it belongs to; other tenants never see it.</summary>
    public required string Tenant { get; init; }

    /// <summary>Who submitted it (a user or service id), if known.</summary>
    public string? Owner { get; init; }

    /// <summary>The submitter's key: a second submit with the same key in the same tenant returns this job.</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>The job type's id.</summary>
    public required string Type { get; init; }

    /// <summary>The queue it runs on.</summary>
    public required string Queue { get; init; }

    /// <summary>1..10, higher first.</summary>
    public int Priority { get; init; } = JobPriority.Normal;

    /// <summary>The params as JSON text (an object).</summary>
    public string Params { get; init; } = "{}";

    /// <summary>Resources it holds while it runs (its type's and its own), sorted, without duplicates.</summary>
    public IReadOnlyList<string> Resources { get; init; } = [];

    /// <summary>Where the job is in its life.</summary>
    public JobStatus Status { get; init; }

    /// <summary>0..1, as last reported by its handler.</summary>
    public double Progress { get; init; }

    /// <summary>The handler's words with its last progress report.</summary>
    public string? ProgressDetails { get; init; }

    /// <summary>The result as JSON text, once completed.</summary>
    public string? Result { get; init; }

    /// <summary>The last attempt's error, if it failed.</summary>
    public string? Error { get; init; }

    /// <summary>Attempts started so far (counted when claimed, so a crash counts).</summary>
    public int Attempt { get; init; }

    /// <summary>The attempt number after which no retry follows (moves up when a job is requeued, and by one when a running attempt is suspended).</summary>
    public int MaxAttempts { get; init; } = 1;

    /// <summary>Per-attempt timeout.</summary>
    public TimeSpan Timeout { get; init; }

    /// <summary>The retry policy captured at submit, so changing a type later does not change jobs already queued.</summary>
    public required RetryPolicy Retry { get; init; }

    /// <summary>Whether it may be suspended while running.</summary>
    public bool Suspendable { get; init; }

    /// <summary>The handler's checkpoint (JSON text) from its last suspension, handed to it when it resumes.</summary>
    public string? Checkpoint { get; init; }

    /// <summary>The node that holds its lease while it is owned.</summary>
    public string? LeaseOwner { get; init; }

    /// <summary>The fencing token of the current lease: the sequence number of the claim that took it.</summary>
    public long Fence { get; init; }

    /// <summary>When it was submitted.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it may start next (its not-before time, or its retry time).</summary>
    public DateTimeOffset ScheduledAt { get; init; }

    /// <summary>When its current or last attempt started.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When it reached a final status.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>When its last event happened.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The sequence number of its last event (the row's version).</summary>
    public long Version { get; init; }
}
