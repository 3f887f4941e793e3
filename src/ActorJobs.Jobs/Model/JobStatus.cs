namespace ActorJobs.Jobs;

/// <summary>
/// Where a job is in its life. Each value says who moves a job out of it. On the wire and in the database a
/// status is its <see cref="JobStatuses.WireName"/> (<c>waiting</c>, <c>dead-lettered</c>, ...), never the number.
/// </summary>
public enum JobStatus
{
    /// <summary>Queued until its not-before time: a QueueActor claims it (to running); a cancel, suspend or skip moves it too.</summary>
    Waiting = 1,

    /// <summary>Claimed by a node that holds its lease and runs its handler: the handler's outcome, a cancel, a suspend, or lease expiry moves it.</summary>
    Running = 2,

    /// <summary>An attempt failed and another is due at its retry time: a QueueActor claims it like a waiting job.</summary>
    Retrying = 3,

    /// <summary>A suspend was asked of a running job: the handler stores a checkpoint and stops (to suspended), or finishes first.</summary>
    Suspending = 4,

    /// <summary>Stopped with a checkpoint and holding no worker: only a resume (to waiting) or a cancel moves it.</summary>
    Suspended = 5,

    /// <summary>A resume was asked while the job was still suspending: once the handler stops it goes straight back to waiting.</summary>
    Resuming = 6,

    /// <summary>A cancel was asked of a running job: the handler stops (to canceled), or the grace period ends and the owner forces it.</summary>
    Canceling = 7,

    /// <summary>Final: the handler succeeded; the result is kept until the result TTL ends.</summary>
    Completed = 8,

    /// <summary>Final: the handler failed and the policy does not retry nor dead-letter it (a permanent failure). A retry requeues it.</summary>
    Failed = 9,

    /// <summary>Final: canceled before or while it ran. A retry requeues it.</summary>
    Canceled = 10,

    /// <summary>Final: the last attempt ran past its timeout (and the policy does not retry timeouts, or no attempt is left).</summary>
    TimedOut = 11,

    /// <summary>Final: skipped while waiting (for example by a schedule's overlap policy) without running.</summary>
    Skipped = 12,

    /// <summary>Final: every attempt failed; it sits in the dead-letter list until someone requeues it (to waiting).</summary>
    DeadLettered = 13,
}

/// <summary>Facts about <see cref="JobStatus"/> values.</summary>
public static class JobStatuses
{
    /// <summary>Every status, in declaration order.</summary>
    public static IReadOnlyList<JobStatus> All { get; } = Enum.GetValues<JobStatus>();

    /// <summary>The stable name used on the wire and in the database.</summary>
    public static string WireName(this JobStatus status) => status switch
    {
        JobStatus.Waiting => "waiting",
        JobStatus.Running => "running",
        JobStatus.Retrying => "retrying",
        JobStatus.Suspending => "suspending",
        JobStatus.Suspended => "suspended",
        JobStatus.Resuming => "resuming",
        JobStatus.Canceling => "canceling",
        JobStatus.Completed => "completed",
        JobStatus.Failed => "failed",
        JobStatus.Canceled => "canceled",
        JobStatus.TimedOut => "timeout",
        JobStatus.Skipped => "skipped",
        JobStatus.DeadLettered => "dead-lettered",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Not a job status."),
    };

    /// <summary>Parses a wire name (case-insensitive).</summary>
    /// <exception cref="ArgumentException">Not a status; the message lists the valid names.</exception>
    public static JobStatus Parse(string name)
    {
        if (TryParse(name, out var status))
        {
            return status;
        }

        throw new ArgumentException(
            $"'{name}' is not a job status; use one of: {string.Join(", ", All.Select(s => s.WireName()))}.", nameof(name));
    }

    /// <summary>Parses a wire name (case-insensitive).</summary>
    public static bool TryParse(string? name, out JobStatus status)
    {
        foreach (var candidate in All)
        {
            if (string.Equals(candidate.WireName(), name, StringComparison.OrdinalIgnoreCase))
            {
                status = candidate;
                return true;
            }
        }

        status = default;
        return false;
    }

    /// <summary>True for the final statuses: nothing runs the job again unless it is requeued.</summary>
    public static bool IsFinal(this JobStatus status) => status >= JobStatus.Completed;

    /// <summary>True while a node owns the job under a lease and a handler may be running.</summary>
    public static bool IsOwned(this JobStatus status) =>
        status is JobStatus.Running or JobStatus.Suspending or JobStatus.Resuming or JobStatus.Canceling;

    /// <summary>True when a queue may claim the job once it is due.</summary>
    public static bool IsClaimable(this JobStatus status) => status is JobStatus.Waiting or JobStatus.Retrying;

    /// <summary>True for the final statuses a retry (requeue) accepts.</summary>
    public static bool IsRequeueable(this JobStatus status) =>
        status is JobStatus.Failed or JobStatus.Canceled or JobStatus.TimedOut or JobStatus.DeadLettered;
}
