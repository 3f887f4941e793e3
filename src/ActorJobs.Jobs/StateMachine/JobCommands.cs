namespace ActorJobs.Jobs;

/// <summary>
/// Something asked of a job. The state machine turns a command into events, or a <see cref="JobRejection"/>.
/// Commands carry the time and any randomness they need, so deciding stays a pure function.
/// </summary>
public abstract record JobCommand
{
    /// <summary>When it is decided, on the engine's clock.</summary>
    public required DateTimeOffset At { get; init; }
}

/// <summary>Create the job (only for a job that does not exist yet). Built from a validated submission.</summary>
public sealed record SubmitJob : JobCommand
{
    /// <summary>The job's first event.</summary>
    public required JobSubmitted Submitted { get; init; }
}

/// <summary>Start an attempt: a node takes the lease.</summary>
public sealed record ClaimJob : JobCommand
{
    /// <summary>The node.</summary>
    public required string Owner { get; init; }
}

/// <summary>Record the handler's progress.</summary>
public sealed record ReportProgress : JobCommand
{
    /// <summary>0..1.</summary>
    public required double Progress { get; init; }

    /// <summary>The handler's words.</summary>
    public string? Details { get; init; }
}

/// <summary>The handler returned successfully.</summary>
public sealed record CompleteAttempt : JobCommand
{
    /// <summary>Its result as JSON text.</summary>
    public string? Result { get; init; }
}

/// <summary>The attempt ended without success (an exception, a timeout, or a lost lease).</summary>
public sealed record FailAttempt : JobCommand
{
    /// <summary>Why.</summary>
    public required AttemptFailure Failure { get; init; }

    /// <summary>The error text.</summary>
    public required string Error { get; init; }

    /// <summary>A sample in [0, 1) that picks the retry delay's jitter.</summary>
    public double JitterSample { get; init; }
}

/// <summary>Cancel the job: at once if it is not running, cooperatively if it is.</summary>
public sealed record CancelJob : JobCommand
{
    /// <summary>Why, if given.</summary>
    public string? Reason { get; init; }
}

/// <summary>The handler stopped after a cancel (or the grace period ended: <see cref="Forced"/>).</summary>
public sealed record ConfirmCanceled : JobCommand
{
    /// <summary>True when the handler did not stop in time.</summary>
    public bool Forced { get; init; }
}

/// <summary>Suspend the job: a running suspendable job checkpoints and stops; a waiting one is held.</summary>
public sealed record SuspendJob : JobCommand;

/// <summary>The handler stopped after a suspend, with its checkpoint.</summary>
public sealed record ConfirmSuspended : JobCommand
{
    /// <summary>The checkpoint as JSON text.</summary>
    public string? Checkpoint { get; init; }
}

/// <summary>Resume a suspended job.</summary>
public sealed record ResumeJob : JobCommand;

/// <summary>Put a final (failed, canceled, timed-out or dead-lettered) job back to waiting with a fresh budget of attempts.</summary>
public sealed record RequeueJob : JobCommand;

/// <summary>Skip a waiting job without running it.</summary>
public sealed record SkipJob : JobCommand
{
    /// <summary>Why.</summary>
    public string? Reason { get; init; }
}

/// <summary>The owner's lease ran out: the node that ran the job is presumed dead.</summary>
public sealed record ExpireLease : JobCommand
{
    /// <summary>A sample in [0, 1) that picks the retry delay's jitter.</summary>
    public double JitterSample { get; init; }
}

/// <summary>Why a command was refused.</summary>
public enum JobRejectionCode
{
    /// <summary>No such job (or it belongs to another tenant).</summary>
    NotFound = 1,

    /// <summary>The job's status does not allow the command.</summary>
    InvalidState = 2,

    /// <summary>The job's type cannot be suspended.</summary>
    NotSuspendable = 3,

    /// <summary>Another writer changed the job at the same moment; asking again sees the new state.</summary>
    Conflict = 4,

    /// <summary>The command's values are unusable.</summary>
    Invalid = 5,
}

/// <summary>A command the job refused, with a reason a person can act on.</summary>
/// <param name="Code">The kind of refusal.</param>
/// <param name="Message">What was refused and why, naming the job and its status.</param>
public sealed record JobRejection(JobRejectionCode Code, string Message);

/// <summary>What a command decided: events to persist (possibly none: nothing to do), or a rejection.</summary>
public readonly record struct JobDecision
{
    private JobDecision(IReadOnlyList<JobEvent> events, JobRejection? rejection)
    {
        Events = events;
        Rejection = rejection;
    }

    /// <summary>The events to persist, in order; empty when the command changes nothing or was rejected.</summary>
    public IReadOnlyList<JobEvent> Events { get; }

    /// <summary>The refusal, or null when accepted.</summary>
    public JobRejection? Rejection { get; }

    /// <summary>True when the command was accepted.</summary>
    public bool IsAccepted => Rejection is null;

    /// <summary>Accepted, producing <paramref name="events"/>.</summary>
    public static JobDecision Accept(params JobEvent[] events) => new(events, null);

    /// <summary>Refused.</summary>
    public static JobDecision Reject(JobRejectionCode code, string message) => new([], new JobRejection(code, message));
}
