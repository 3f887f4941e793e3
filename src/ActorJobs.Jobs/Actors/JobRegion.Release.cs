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
}

/// <summary>To the region: release every running job of this node (graceful shutdown); answered with <see cref="RunningJobsReleased"/>.</summary>
internal sealed record ReleaseRunningJobs
{
    public static readonly ReleaseRunningJobs Instance = new();
}

/// <summary>How many running jobs were asked to release.</summary>
internal sealed record RunningJobsReleased(int Count);
