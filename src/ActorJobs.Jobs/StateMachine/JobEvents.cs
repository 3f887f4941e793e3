namespace ActorJobs.Jobs;

/// <summary>
/// Something that happened to a job, as stored in its journal. Each event type has a stable manifest
/// (<see cref="JobEventManifests"/>); the state machine folds them into <see cref="JobState"/>.
/// </summary>
public abstract record JobEvent
{
    /// <summary>When it happened, on the engine's clock.</summary>
    public required DateTimeOffset At { get; init; }
}

/// <summary>The job was accepted. Carries everything the job is made of, with its type's policies resolved.</summary>
public sealed record JobSubmitted : JobEvent
{
    /// <summary>The job's id.</summary>
    public required string JobId { get; init; }

    /// <summary>Its tenant.</summary>
    public required string Tenant { get; init; }

    /// <summary>Its submitter.</summary>
    public string? Owner { get; init; }

    /// <summary>Its idempotency key.</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>Its type.</summary>
    public required string Type { get; init; }

    /// <summary>Its queue.</summary>
    public required string Queue { get; init; }

    /// <summary>1..10.</summary>
    public required int Priority { get; init; }

    /// <summary>Params as JSON text.</summary>
    public required string Params { get; init; }

    /// <summary>Resources held while running.</summary>
    public IReadOnlyList<string> Resources { get; init; } = [];

    /// <summary>The earliest start.</summary>
    public required DateTimeOffset NotBefore { get; init; }

    /// <summary>Per-attempt timeout.</summary>
    public required TimeSpan Timeout { get; init; }

    /// <summary>Retry policy.</summary>
    public required RetryPolicy Retry { get; init; }

    /// <summary>Whether it may be suspended.</summary>
    public bool Suspendable { get; init; }
}

/// <summary>A node claimed the job and took its lease: an attempt starts (and is counted, whatever happens next).</summary>
public sealed record JobClaimed : JobEvent
{
    /// <summary>The attempt's number, from 1.</summary>
    public required int Attempt { get; init; }

    /// <summary>The node that holds the lease.</summary>
    public required string Owner { get; init; }

    /// <summary>The lease's fencing token.</summary>
    public required long Fence { get; init; }
}

/// <summary>The handler reported progress.</summary>
public sealed record JobProgressed : JobEvent
{
    /// <summary>0..1.</summary>
    public required double Progress { get; init; }

    /// <summary>The handler's words.</summary>
    public string? Details { get; init; }
}

/// <summary>The handler succeeded.</summary>
public sealed record JobCompleted : JobEvent
{
    /// <summary>The result as JSON text, if any.</summary>
    public string? Result { get; init; }
}

/// <summary>Why an attempt ended without success.</summary>
public enum AttemptFailure
{
    /// <summary>The handler threw (a retryable failure).</summary>
    Error = 1,

    /// <summary>The handler said the failure is permanent: no retry.</summary>
    Permanent = 2,

    /// <summary>The attempt ran past its timeout.</summary>
    Timeout = 3,

    /// <summary>The node that ran it vanished (its lease expired).</summary>
    Crash = 4,
}

/// <summary>An attempt failed; <see cref="Outcome"/> says what the policy decided (retrying, or a final status).</summary>
public sealed record JobAttemptFailed : JobEvent
{
    /// <summary>The attempt that failed.</summary>
    public required int Attempt { get; init; }

    /// <summary>Why.</summary>
    public required AttemptFailure Failure { get; init; }

    /// <summary>The error text.</summary>
    public required string Error { get; init; }

    /// <summary>Retrying, Failed, TimedOut or DeadLettered.</summary>
    public required JobStatus Outcome { get; init; }

    /// <summary>When the retry is due, if the outcome is retrying.</summary>
    public DateTimeOffset? RetryAt { get; init; }
}

/// <summary>A cancel was asked of a running job; its handler is told to stop.</summary>
public sealed record JobCancelRequested : JobEvent
{
    /// <summary>Why, if given.</summary>
    public string? Reason { get; init; }
}

/// <summary>The job was canceled (final).</summary>
public sealed record JobCanceled : JobEvent
{
    /// <summary>Why, if given.</summary>
    public string? Reason { get; init; }

    /// <summary>True when the handler did not stop within the grace period and the owner gave up on it.</summary>
    public bool Forced { get; init; }
}

/// <summary>A suspend was asked of a running job; its handler is told to checkpoint and stop.</summary>
public sealed record JobSuspendRequested : JobEvent;

/// <summary>The job stopped with a checkpoint (or was held while waiting).</summary>
public sealed record JobSuspended : JobEvent
{
    /// <summary>The handler's checkpoint as JSON text (null when it had none, or when a waiting job was held).</summary>
    public string? Checkpoint { get; init; }
}

/// <summary>A resume was asked while the job was still suspending.</summary>
public sealed record JobResumeRequested : JobEvent;

/// <summary>The job was resumed: it waits again and restarts from its checkpoint.</summary>
public sealed record JobResumed : JobEvent;

/// <summary>A final job was put back to waiting with a fresh budget of attempts.</summary>
public sealed record JobRequeued : JobEvent
{
    /// <summary>The new last attempt.</summary>
    public required int MaxAttempts { get; init; }
}

/// <summary>A waiting job was skipped without running (final).</summary>
public sealed record JobSkipped : JobEvent
{
    /// <summary>Why.</summary>
    public string? Reason { get; init; }
}

/// <summary>Registers every job event under its stable manifest.</summary>
public static class JobEventManifests
{
    /// <summary>Registers the job events on <paramref name="serializer"/>.</summary>
    public static Persistence.Serialization.EventSerializer RegisterJobEvents(this Persistence.Serialization.EventSerializer serializer)
    {
        ArgumentNullException.ThrowIfNull(serializer);
        return serializer
            .Register<JobSubmitted>("job.submitted.v1")
            .Register<JobClaimed>("job.claimed.v1")
            .Register<JobProgressed>("job.progressed.v1")
            .Register<JobCompleted>("job.completed.v1")
            .Register<JobAttemptFailed>("job.attempt-failed.v1")
            .Register<JobCancelRequested>("job.cancel-requested.v1")
            .Register<JobCanceled>("job.canceled.v1")
            .Register<JobSuspendRequested>("job.suspend-requested.v1")
            .Register<JobSuspended>("job.suspended.v1")
            .Register<JobResumeRequested>("job.resume-requested.v1")
            .Register<JobResumed>("job.resumed.v1")
            .Register<JobRequeued>("job.requeued.v1")
            .Register<JobSkipped>("job.skipped.v1")
            .Register<JobReleased>("job.released.v1");
    }
}
