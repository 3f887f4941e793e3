using ActorJobs.Actors;

namespace ActorJobs.Jobs.Scheduler;

/// <summary>
/// Runs this node's side of the leased singleton: it starts a <see cref="SchedulerActor"/>, which either takes the
/// lease and reports active, or finds another node's lease and reports standby and stops. A standby tries again
/// when that lease would have run out; a scheduler that stopped (crash, or fenced off by another writer) is started
/// again after <see cref="SchedulerSettings.RestartDelay"/>, and recovers to find out who holds the lease now.
/// Commands go to the active actor; while nobody knows yet they wait here, and on a standby they fail.
/// </summary>
internal sealed class SchedulerSingleton : ReceiveActor, IWithTimers
{
    private const string StartTimer = "start";

    private readonly JobEngine _engine;
    private readonly SchedulerSettings _settings;
    private readonly List<(object Message, IActorRef Sender)> _waiting = [];
    private IActorRef? _child;
    private SchedulerStatus? _status;
    private int _incarnation;

    public SchedulerSingleton(JobEngine engine, SchedulerSettings settings)
    {
        _engine = engine;
        _settings = settings;
        Receive<SchedulerActive>(active =>
        {
            _status = new SchedulerStatus(true, active.Node, active.Until);
            ReleaseWaiting();
        });
        Receive<SchedulerStandby>(standby =>
        {
            _status = new SchedulerStatus(false, standby.Holder, standby.Until);
            // At the instant the other node's lease ends (at least the restart delay from now): a delay worked out
            // from this reading would be armed late if the clock moved before the timer started (virtual time).
            var earliest = _engine.System.TimeProvider.GetUtcNow() + _settings.RestartDelay;
            Timers.StartSingleTimerAt(StartTimer, StartChild.Instance, standby.Until > earliest ? standby.Until : earliest);
            ReleaseWaiting();
        });
        Receive<Terminated>(terminated =>
        {
            if (!terminated.ActorRef.Equals(_child))
            {
                return;
            }

            _child = null;
            if (_status is { Active: true } or null)
            {
                // It crashed, or a write of it was rejected (fenced): find out again after a pause.
                _status = null;
                Timers.StartSingleTimer(StartTimer, StartChild.Instance, _settings.RestartDelay);
            }
        });
        Receive<StartChild>(_ => Start());
        Receive<GetSchedulerStatus>(get =>
        {
            if (_status is null)
            {
                _waiting.Add((get, Sender));
            }
            else
            {
                Sender.Tell(_status);
            }
        });
        Receive<SchedulerCommand>(command =>
        {
            if (_status is null)
            {
                _waiting.Add((command, Sender));
            }
            else if (_status.Active && _child is not null)
            {
                _child.Forward(command);
            }
            else
            {
                Sender.Tell(new Status.Failure(new SchedulerNotActiveException(_status.LeaseHolder, _status.LeaseUntil)));
            }
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    // The scheduler's failures are handled by stopping it and starting a fresh one that recovers from the journal.
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Stop);

    protected override void PreStart() => Start();

    private void Start()
    {
        _status = null;
        _child = Context.Watch(Context.ActorOf(Props.Create(() => new SchedulerActor(_engine, _settings)), $"scheduler-{++_incarnation}"));
    }

    private void ReleaseWaiting()
    {
        var waiting = _waiting.ToArray();
        _waiting.Clear();
        foreach (var (message, sender) in waiting)
        {
            Self.Tell(message, sender);
        }
    }

    private sealed record StartChild
    {
        public static readonly StartChild Instance = new();
    }
}
