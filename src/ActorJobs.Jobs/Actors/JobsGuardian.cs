using ActorJobs.Actors;

namespace ActorJobs.Jobs.Actors;

/// <summary>
/// The top of the engine's actors: it starts the region, the log writer, one QueueActor per queue, the stats and the
/// maintenance actor, and supervises them. A child that throws is restarted (up to 10 times a minute; after that it
/// stops and the failure is logged by the kernel); a job's lease outlives a restart, and a job whose actor died is
/// rescued when its lease expires.
/// </summary>
internal sealed class JobsGuardian : ReceiveActor
{
    private readonly JobRuntime _runtime;

    public JobsGuardian(JobRuntime runtime)
    {
        _runtime = runtime;
        Receive<GetEngineRefs>(_ => Sender.Tell(new EngineRefs(_runtime.Region, Context.Child("stats"), Context.Child("maintenance"), new Dictionary<string, IActorRef>(_runtime.Queues, StringComparer.Ordinal))));
    }

    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(10, TimeSpan.FromMinutes(1), _ => Directive.Restart);

    protected override void PreStart()
    {
        _runtime.LogWriter = Context.ActorOf(Props.Create(() => new JobLogWriter(_runtime)), "logs");
        _runtime.Region = Context.ActorOf(Props.Create(() => new JobRegion(_runtime)), "jobs");
        foreach (var queue in _runtime.Catalog.Queues.Values.OrderBy(q => q.Name, StringComparer.Ordinal))
        {
            _runtime.Queues[queue.Name] = Context.ActorOf(Props.Create(() => new QueueActor(_runtime, queue)), $"queue-{Uri.EscapeDataString(queue.Name)}");
        }

        // Subscribed here, not in its PreStart, so it cannot miss events published before it first runs.
        var stats = Context.ActorOf(Props.Create(() => new StatsActor(_runtime.Clock)), "stats");
        Context.System.EventStream.Subscribe<JobLifecycleEvent>(stats);
        Context.ActorOf(Props.Create(() => new MaintenanceActor(_runtime)), "maintenance");
    }
}

/// <summary>Asks the guardian for its children.</summary>
internal sealed record GetEngineRefs
{
    public static readonly GetEngineRefs Instance = new();
}

/// <summary>The guardian's children.</summary>
internal sealed record EngineRefs(IActorRef Region, IActorRef Stats, IActorRef Maintenance, IReadOnlyDictionary<string, IActorRef> Queues);
