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

        // Handled after every event already in the mailbox: they are in the channel once this is answered.
        Receive<FlushWatch>(_ => Sender.Tell(FlushWatch.Flushed));
    }

    /// <summary>The node stopped (or the watch ended): the watcher's enumeration ends instead of waiting forever.</summary>
    protected override void PostStop() => _events.TryComplete();
}

/// <summary>Asks a watcher to hand over the events in its mailbox (the node does, before its actor system stops).</summary>
internal sealed record FlushWatch
{
    public static readonly FlushWatch Instance = new();

    public static readonly object Flushed = new();
}
