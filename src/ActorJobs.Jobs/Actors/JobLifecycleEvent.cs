namespace ActorJobs.Jobs;

/// <summary>
/// A job's lifecycle change, published on the actor system's event stream after it was persisted. <see cref="Kind"/>
/// is one of job.submitted, job.started, job.progress, job.completed, job.failed, job.retrying, job.timeout,
/// job.dead-lettered, job.canceling, job.canceled, job.suspending, job.suspended, job.resuming, job.resumed,
/// job.requeued, job.skipped, job.released (a running job given back by a node that stopped), job.deleted.
/// </summary>
/// <param name="Kind">What happened.</param>
/// <param name="Job">The job afterwards.</param>
public sealed record JobLifecycleEvent(string Kind, JobState Job)
{
    /// <summary>The lifecycle kind an event stands for.</summary>
    public static string KindOf(JobEvent @event) => @event switch
    {
        JobSubmitted => "job.submitted",
        JobClaimed => "job.started",
        JobProgressed => "job.progress",
        JobCompleted => "job.completed",
        JobAttemptFailed { Outcome: JobStatus.Retrying } => "job.retrying",
        JobAttemptFailed { Outcome: JobStatus.TimedOut } => "job.timeout",
        JobAttemptFailed { Outcome: JobStatus.DeadLettered } => "job.dead-lettered",
        JobAttemptFailed => "job.failed",
        JobCancelRequested => "job.canceling",
        JobCanceled => "job.canceled",
        JobSuspendRequested => "job.suspending",
        JobSuspended => "job.suspended",
        JobResumeRequested => "job.resuming",
        JobResumed => "job.resumed",
        JobRequeued => "job.requeued",
        JobSkipped => "job.skipped",
        JobReleased => "job.released",
        _ => "job.changed",
    };
}
