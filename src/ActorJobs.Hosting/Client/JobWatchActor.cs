using System.Threading.Channels;
using ActorJobs.Actors;
using ActorJobs.Jobs;

namespace ActorJobs.Hosting;

/// <summary>One watcher's subscriber on the event stream: keeps the events its filter matches and hands them to its channel.</summary>
internal sealed class JobWatchActor : ReceiveActor
{
    private readonly ChannelWriter<JobLifecycleEvent> _events;

    public JobWatchActor(JobEventFilter filter, ChannelWriter<JobLifecycleEvent> events)
    {
        _events = events;
        Receive<JobLifecycleEvent>(e =>
        {
            var job = e.Job;
            if ((filter.Tenant is null || filter.Tenant == job.Tenant)
                && (filter.JobId is null || filter.JobId == job.Id)
                && (filter.Type is null || filter.Type == job.Type)
                && (filter.Queue is null || filter.Queue == job.Queue))
            {
                // A bounded channel in drop-oldest mode always accepts; the dropped event is counted by the client.
                events.TryWrite(e);
            }
        });
    }

    /// <summary>The node stopped (or the watch ended): the watcher's enumeration ends instead of waiting forever.</summary>
    protected override void PostStop() => _events.TryComplete();
}
