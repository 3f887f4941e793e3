using ActorJobs.Actors;

namespace ActorJobs.Jobs.Actors;

/// <summary>Releasing the jobs this node runs when it stops.</summary>
internal sealed partial class JobRegion
{
    private void ReleaseRunning()
    {
        foreach (var id in _leases.Keys)
        {
            if (_live.TryGetValue(id, out var actor))
            {
                actor.Tell(ReleaseAttempt.Instance);
            }
        }

        Sender.Tell(new RunningJobsReleased(_leases.Count));
    }

    /// <summary>
    /// Answers once every live job actor has handled what was sent to it before: an attempt's end that reached it, its
    /// transition persisted and published (a persistent actor takes no command while a write is in flight). A job
    /// actor being passivated is left out: it stops only when it has nothing in flight.
    /// </summary>
    private void Settle()
    {
        var replyTo = Sender;
        var timeout = _runtime.Settings.AskTimeout;
        var settles = new List<Task<JobSettled>>(_live.Count);
        foreach (var (id, actor) in _live)
        {
            if (!_stopping.Contains(id))
            {
                settles.Add(SettleAsync(actor, timeout));
            }
        }

        Task.WhenAll(settles).PipeTo(replyTo, Self, () => new JobsSettled(settles.Count), cause => new Status.Failure(cause));
    }

    private static async Task<JobSettled> SettleAsync(IActorRef actor, TimeSpan timeout)
    {
        try
        {
            return await actor.Ask<JobSettled>(SettleJob.Instance, timeout).ConfigureAwait(false);
        }
        catch (AskTimeoutException)
        {
            // It stopped meanwhile (its lease was lost), or its write hangs (the store is down): waiting longer would
            // hold up the stop and write nothing more. Its lease expires and the rescue decides, as after a crash.
            return JobSettled.Instance;
        }
    }
}

/// <summary>To the region: answer with <see cref="JobsSettled"/> once every live job actor has handled what it was sent so far.</summary>
internal sealed record SettleJobs
{
    public static readonly SettleJobs Instance = new();
}

/// <summary>The region's answer to <see cref="SettleJobs"/>: how many job actors were asked.</summary>
internal sealed record JobsSettled(int Count);

/// <summary>To a job actor: answer <see cref="JobSettled"/> (after any write in flight has been persisted and published).</summary>
internal sealed record SettleJob : JobDrainRequest
{
    public static readonly SettleJob Instance = new();
}

/// <summary>A job actor's answer to <see cref="SettleJob"/>.</summary>
internal sealed record JobSettled
{
    public static readonly JobSettled Instance = new();
}

/// <summary>To the region: release every running job of this node (graceful shutdown); answered with <see cref="RunningJobsReleased"/>.</summary>
internal sealed record ReleaseRunningJobs
{
    public static readonly ReleaseRunningJobs Instance = new();
}

/// <summary>How many running jobs were asked to release.</summary>
internal sealed record RunningJobsReleased(int Count);
