using ActorJobs.Actors;
using ActorJobs.Jobs.Store;
using Microsoft.Extensions.Logging;

namespace ActorJobs.Jobs.Actors;

/// <summary>What the engine's actors share: the store, the catalog, the settings, the clock, and where to send things.</summary>
internal sealed class JobRuntime(JobStore store, JobCatalog catalog, JobEngineSettings settings, ActorSystem system)
{
    public JobStore Store { get; } = store;

    public JobCatalog Catalog { get; } = catalog;

    public JobEngineSettings Settings { get; } = settings;

    public ActorSystem System { get; } = system;

    public TimeProvider Clock => System.TimeProvider;

    public ILogger Logger { get; } = system.Settings.LoggerFactory.CreateLogger("ActorJobs.Jobs");

    /// <summary>The region (set once the guardian has started it).</summary>
    public IActorRef Region { get; set; } = ActorRefs.Nobody;

    /// <summary>Where job log lines go (set once the guardian has started the log writer).</summary>
    public IActorRef LogWriter { get; set; } = ActorRefs.Nobody;

    /// <summary>The submits of this node whose <c>job.submitted</c> nobody has published yet.</summary>
    public SubmitAnnouncements SubmitAnnouncements { get; } = new();

    /// <summary>The queues on this node, by name.</summary>
    public Dictionary<string, IActorRef> Queues { get; } = new(StringComparer.Ordinal);

    /// <summary>Publishes the lifecycle events for a job's persisted events, and wakes its queue when it may be claimable.</summary>
    public void Published(JobState after, IReadOnlyList<JobEvent> events)
    {
        foreach (var e in events)
        {
            System.EventStream.Publish(new JobLifecycleEvent(JobLifecycleEvent.KindOf(e), after));
        }

        if (after.Resources.Count > 0 && !after.Status.IsOwned())
        {
            // Its resources are free again, and jobs of any queue may wait for them.
            foreach (var (name, any) in Queues)
            {
                any.Tell(new JobsAvailable(name));
            }
        }
        else if (after.Status.IsClaimable() && Queues.TryGetValue(after.Queue, out var queue))
        {
            queue.Tell(new JobsAvailable(after.Queue));
        }
    }
}
