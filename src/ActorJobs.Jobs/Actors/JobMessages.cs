using ActorJobs.Actors;

namespace ActorJobs.Jobs.Actors;

/// <summary>A command for one job, routed by the JobRegion to the job's actor; answered with a <see cref="JobCommandReply"/>.</summary>
/// <param name="JobId">The job.</param>
/// <param name="Tenant">Only this tenant's job is touched (null: any tenant, for admins).</param>
/// <param name="Command">What to do.</param>
public sealed record JobCommandEnvelope(string JobId, string? Tenant, JobCommand Command)
{
    /// <summary>How often a JobActor handed it back to the region to reach the job's running attempt.</summary>
    internal int Hops { get; init; }
}

/// <summary>The answer to a <see cref="JobCommandEnvelope"/>: the job after the command, or why it was refused.</summary>
/// <param name="State">The job afterwards (null when not found).</param>
/// <param name="Rejection">Why it was refused, or null.</param>
/// <param name="ForwardedToOwner">True when the job runs on another node, and the request was left for that node.</param>
public sealed record JobCommandReply(JobState? State, JobRejection? Rejection, bool ForwardedToOwner = false);

/// <summary>From a QueueActor: run this claimed job on that worker.</summary>
internal sealed record RunClaimedJob(JobState Job, IActorRef Worker, IActorRef Queue);

/// <summary>From a QueueActor: the jobs of one claim, each with its worker, in one message rather than one each.</summary>
internal sealed record RunClaimedJobs(IReadOnlyList<RunClaimedJob> Jobs);

/// <summary>From a JobActor to its worker: start the attempt.</summary>
internal sealed record StartAttempt(JobState Job, IActorRef JobActor);

/// <summary>From a JobActor to its worker: stop the attempt for a reason (the handler's token fires).</summary>
internal sealed record StopAttempt(string JobId, StopReason Reason);

/// <summary>From a JobActor to its worker: forget the attempt (the job moved on without it).</summary>
internal sealed record AbandonAttempt(string JobId);

/// <summary>From a worker to the JobActor: the handler reported progress.</summary>
internal sealed record AttemptProgressed(double Progress, string? Details);

/// <summary>From a worker to the JobActor: the attempt ended.</summary>
internal sealed record AttemptEnded(AttemptOutcome Outcome, string? Result, string? Error, string? Checkpoint);

/// <summary>How an attempt ended, as the worker saw it.</summary>
internal enum AttemptOutcome
{
    Succeeded,
    Failed,
    FailedPermanently,
    TimedOut,
    Canceled,
    Suspended,
}

/// <summary>From a worker to its queue: the worker is free again.</summary>
internal sealed record WorkerFreed(IActorRef Worker, bool Succeeded);

/// <summary>To a QueueActor: jobs may be due now (a submit, a requeue, a rescue).</summary>
public sealed record JobsAvailable(string Queue);

/// <summary>From the region to a JobActor: the node lost the job's lease; stop without writing.</summary>
internal sealed record LeaseLost(string JobId);

/// <summary>To a QueueActor: pause (no new claims) or resume; answered with its <see cref="QueueStatus"/>.</summary>
public sealed record SetQueuePaused(bool Paused);

/// <summary>To a QueueActor: change the pool size on this node; answered with its <see cref="QueueStatus"/>.</summary>
public sealed record SetQueueCapacity(int Capacity);

/// <summary>To a QueueActor: answer with its <see cref="QueueStatus"/>.</summary>
public sealed record GetQueueStatus
{
    /// <summary>The one instance.</summary>
    public static readonly GetQueueStatus Instance = new();
}

/// <summary>A queue on this node: its pool and what each worker does.</summary>
/// <param name="Name">The queue.</param>
/// <param name="Capacity">Workers on this node.</param>
/// <param name="Paused">Whether claims are paused.</param>
/// <param name="Running">Jobs running on this node.</param>
/// <param name="Workers">Each worker.</param>
public sealed record QueueStatus(string Name, int Capacity, bool Paused, int Running, IReadOnlyList<WorkerStatus> Workers);

/// <summary>One worker.</summary>
/// <param name="Name">Its name in the pool.</param>
/// <param name="State">idle or busy.</param>
/// <param name="CurrentJob">The job it runs.</param>
/// <param name="Since">When it took its current job (or became idle).</param>
/// <param name="StartedAt">When the worker started.</param>
/// <param name="Completed">Attempts it finished successfully.</param>
/// <param name="Failed">Attempts that did not succeed.</param>
/// <param name="BusyFraction">The share of its life spent running jobs, 0..1.</param>
public sealed record WorkerStatus(string Name, string State, string? CurrentJob, DateTimeOffset Since, DateTimeOffset StartedAt, long Completed, long Failed, double BusyFraction);

/// <summary>From a JobActor to the region: it has nothing to do; stop it.</summary>
internal sealed record Passivate(IActorRef Actor);

/// <summary>From the region to a JobActor: stop now (queued behind everything sent to it before).</summary>
internal sealed record StopJobActor
{
    public static readonly StopJobActor Instance = new();
}
