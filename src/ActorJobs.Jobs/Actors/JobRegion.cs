using ActorJobs.Actors;
using ActorJobs.Jobs.Store;
using Microsoft.Extensions.Logging;

namespace ActorJobs.Jobs.Actors;

/// <summary>
/// Routes messages to jobs' actors by job id, starting an actor when none is live (so at most one JobActor per job
/// runs on this node), and keeps the leases of the jobs this node runs: it renews them, tells a JobActor whose lease
/// was lost, and hands it the requests other nodes left for it.
/// </summary>
internal sealed partial class JobRegion : ReceiveActor, IWithTimers
{
    private const string RenewTimer = "renew";

    private readonly JobRuntime _runtime;
    private readonly Dictionary<string, IActorRef> _live = new(StringComparer.Ordinal);
    private readonly Dictionary<IActorRef, string> _idsByActor = [];
    private readonly Dictionary<string, JobLease> _leases = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Queue<object>> _waitingForStop = new(StringComparer.Ordinal);
    private readonly HashSet<string> _stopping = new(StringComparer.Ordinal);
    private bool _renewing;

    public JobRegion(JobRuntime runtime)
    {
        _runtime = runtime;
        Receive<RunClaimedJob>(Run);
        Receive<RunClaimedJobs>(claim =>
        {
            foreach (var run in claim.Jobs)
            {
                Run(run);
            }
        });
        Receive<JobCommandEnvelope>(Route);
        Receive<Terminated>(OnTerminated);
        Receive<Passivate>(passivate =>
        {
            if (_idsByActor.TryGetValue(passivate.Actor, out var id) && _stopping.Add(id))
            {
                _waitingForStop.TryAdd(id, new Queue<object>());
                passivate.Actor.Tell(StopJobActor.Instance);
            }
        });
        Receive<RenewLeases>(_ => Renew());
        Receive<ReleaseRunningJobs>(_ => ReleaseRunning());
        Receive<SettleJobs>(_ => Settle());
        Receive<LeaseRenewal>(OnRenewed);
        Receive<RenewFailed>(failed =>
        {
            _renewing = false;
            LogRenewFailed(_runtime.Logger, failed.Cause, _leases.Count);
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>
    /// A failed JobActor is stopped, never restarted: it was made with the state its claim wrote, so a restart would
    /// replay the journal onto that state (and fail), and the worker it drives is still busy with the attempt. Stopped,
    /// it abandons its attempt (the handler's token fires) and its lease, no longer renewed, expires: the rescue counts
    /// the attempt as failed and the retry policy decides, as after a crash of the node.
    /// </summary>
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Stop);

    protected override void PreStart() =>
        Timers.StartPeriodicTimer(RenewTimer, RenewLeases.Instance, _runtime.Settings.RenewInterval);

    private void Run(RunClaimedJob run)
    {
        var id = run.Job.Id;
        if (_live.ContainsKey(id))
        {
            // A recovering actor for this job is finishing (its write lost to the claim): start once it has stopped.
            Enqueue(id, run);
            return;
        }

        _leases[id] = new JobLease(id, run.Job.Fence);
        Start(id, run.Job, run.Worker);
    }

    private void Route(JobCommandEnvelope envelope)
    {
        if (_waitingForStop.ContainsKey(envelope.JobId))
        {
            Enqueue(envelope.JobId, new Routed(envelope, Sender));
            return;
        }

        if (!_live.TryGetValue(envelope.JobId, out var actor))
        {
            actor = Start(envelope.JobId, claimed: null, worker: null);
        }

        actor.Forward(envelope);
    }

    private IActorRef Start(string id, JobState? claimed, IActorRef? worker)
    {
        var actor = Context.ActorOf(Props.Create(() => new JobActor(id, _runtime, claimed, worker)), id);
        Context.Watch(actor);
        _live[id] = actor;
        _idsByActor[actor] = id;
        return actor;
    }

    private void Enqueue(string id, object message)
    {
        if (!_waitingForStop.TryGetValue(id, out var queue))
        {
            _waitingForStop[id] = queue = new Queue<object>();
        }

        queue.Enqueue(message);
    }

    private void OnTerminated(Terminated terminated)
    {
        if (!_idsByActor.Remove(terminated.ActorRef, out var id))
        {
            return;
        }

        _live.Remove(id);
        _leases.Remove(id);
        _stopping.Remove(id);
        if (!_waitingForStop.Remove(id, out var waiting))
        {
            return;
        }

        foreach (var message in waiting)
        {
            switch (message)
            {
                case RunClaimedJob run:
                    Run(run);
                    break;
                case Routed routed:
                    Self.Tell(routed.Envelope, routed.Sender);
                    break;
            }
        }
    }

    private void Renew()
    {
        if (_renewing || _leases.Count == 0)
        {
            return;
        }

        _renewing = true;
        var until = _runtime.Clock.GetUtcNow() + _runtime.Settings.LeaseDuration;
        _runtime.Store.Index.RenewLeasesAsync(_runtime.Settings.NodeId, [.. _leases.Values], until)
            .PipeTo(Self, Self, renewal => renewal, cause => new RenewFailed(cause));
    }

    private void OnRenewed(LeaseRenewal renewal)
    {
        _renewing = false;
        foreach (var id in renewal.Lost)
        {
            if (_leases.Remove(id) && _live.TryGetValue(id, out var actor))
            {
                actor.Tell(new LeaseLost(id));
            }
        }

        foreach (var (id, request) in renewal.Requests)
        {
            if (_live.TryGetValue(id, out var actor))
            {
                var now = _runtime.Clock.GetUtcNow();
                JobCommand command = request switch
                {
                    OwnerRequest.Cancel => new CancelJob { At = now, Reason = "requested on another node" },
                    OwnerRequest.Suspend => new SuspendJob { At = now },
                    _ => new ResumeJob { At = now },
                };
                actor.Tell(new JobCommandEnvelope(id, null, command), ActorRefs.Nobody);
            }
        }
    }

    [LoggerMessage(EventId = 3301, Level = LogLevel.Error, Message = "Renewing {Count} job lease(s) failed; retrying at the next interval")]
    private static partial void LogRenewFailed(ILogger logger, Exception exception, int count);

    private sealed record Routed(JobCommandEnvelope Envelope, IActorRef Sender);

    private sealed record RenewLeases
    {
        public static readonly RenewLeases Instance = new();
    }

    private sealed record RenewFailed(Exception Cause);
}
