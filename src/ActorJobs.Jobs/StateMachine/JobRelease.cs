namespace ActorJobs.Jobs;

/// <summary>
/// The node running the job stops (a graceful shutdown past its drain time): give the job back. A running attempt is
/// released to waiting without counting as a failure, so another node (or this one, restarted) runs it promptly
/// instead of waiting for the lease to expire and counting a crash.
/// </summary>
public sealed record ReleaseJob : JobCommand;

/// <summary>
/// A running attempt was given back by its node before it ended (graceful shutdown): the job waits again at once and
/// the attempt does not count against its retries.
/// </summary>
public sealed record JobReleased : JobEvent
{
    /// <summary>The attempt that was given back.</summary>
    public required int Attempt { get; init; }
}

/// <summary>What <see cref="ReleaseJob"/> decides.</summary>
internal static class JobRelease
{
    /// <summary>
    /// Running or resuming: released to waiting. Suspending: suspended (the suspend was asked for; the checkpoint is the
    /// last stored one). Canceling: canceled (the cancel was asked for). Anything else: not owned, nothing to release.
    /// </summary>
    internal static JobDecision Decide(JobState state, ReleaseJob release) => state.Status switch
    {
        JobStatus.Running or JobStatus.Resuming => JobDecision.Accept(new JobReleased { At = release.At, Attempt = state.Attempt }),
        JobStatus.Suspending => JobDecision.Accept(new JobSuspended { At = release.At, Checkpoint = null }),
        JobStatus.Canceling => JobDecision.Accept(new JobCanceled { At = release.At, Forced = true, Reason = $"node '{state.LeaseOwner}' stopped while the job was canceling" }),
        _ => JobDecision.Reject(JobRejectionCode.InvalidState, $"Cannot release job {state.Id}: it is {state.Status.WireName()}; only running jobs are released."),
    };
}
