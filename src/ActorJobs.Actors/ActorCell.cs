using ActorJobs.Actors.Dispatch;

namespace ActorJobs.Actors;

/// <summary>
/// Everything the kernel keeps for one actor: its instance, mailbox, children, watchers, timers and stash.
/// Touched only by the thread currently running its mailbox, except where a member says otherwise.
/// Split by concern: children, death watch, fault handling, receive timeout and async handlers live in partial files.
/// </summary>
internal sealed partial class ActorCell : IActorContext
{
    /// <summary>The cell whose mailbox this thread is running, if any (gives Tell and Forward their implicit sender).</summary>
    [ThreadStatic]
    internal static ActorCell? Current;

    /// <summary>The cell that is constructing an actor on this thread; read once by the <see cref="ActorBase"/> constructor.</summary>
    [ThreadStatic]
    internal static ActorCell? Constructing;

    private ActorBase? _actor;
    private Envelope _currentEnvelope;
    private bool _hasCurrent;
    private TimerScheduler? _timers;
    private ActorStash? _stash;

    public ActorCell(ActorSystem system, Props props, InternalActorRef parent, ActorCell? parentCell, ActorPath path)
    {
        System = system;
        Props = props;
        Parent = parent;
        ParentCell = parentCell;
        Path = path;
        Self = new LocalActorRef(this);
        Mailbox = new Mailbox(this, props.Throughput ?? system.Settings.Throughput, props.Mailbox, props.RunsOnCallingThread);
    }

    public ActorSystem System { get; }

    public Props Props { get; }

    public InternalActorRef Parent { get; }

    public ActorCell? ParentCell { get; }

    public ActorPath Path { get; }

    public LocalActorRef Self { get; }

    public Mailbox Mailbox { get; }

    /// <summary>Counts handled messages, so the stash can tell whether the current message was already stashed.</summary>
    public long InvocationNumber { get; private set; }

    public bool HasCurrentMessage => _hasCurrent;

    public Envelope CurrentEnvelope => _currentEnvelope;

    public IActorRef? CurrentSender => _hasCurrent ? _currentEnvelope.Sender : null;

    public IActorRef Sender => (_hasCurrent ? _currentEnvelope.Sender : null) ?? System.DeadLetters;

    public ITimerScheduler Timers => _timers ??= new TimerScheduler(this);

    public IStash Stash => _stash ??= new ActorStash(this);

    IActorRef IActorContext.Self => Self;

    IActorRef IActorContext.Parent => Parent;

    /// <summary>Queues the Create message; the actor instance is built on the actor's own turn.</summary>
    public void Start() => Mailbox.PostSystem(new Create());

    /// <summary>Handles one user message.</summary>
    public void Invoke(Envelope envelope)
    {
        _currentEnvelope = envelope;
        _hasCurrent = true;
        InvocationNumber++;
        try
        {
            var message = envelope.Message;
            if (message is AutoReceivedMessage auto)
            {
                AutoReceive(auto);
            }
            else
            {
                Deliver(message);
                if (_receiveTimeout is not null && message is not INotInfluenceReceiveTimeout)
                {
                    TouchReceiveTimeout();
                }
            }
        }
        catch (Exception exception)
        {
            HandleInvokeFailure(exception);
        }
        finally
        {
            _hasCurrent = false;
            _currentEnvelope = default;
        }
    }

    /// <summary>Handles one system message.</summary>
    public void SystemInvoke(SystemMessage message)
    {
        try
        {
            switch (message)
            {
                case Create:
                    HandleCreate();
                    break;
                case Terminate:
                    HandleTerminate();
                    break;
                case Failed failed:
                    HandleFailed(failed);
                    break;
                case ChildTerminated childTerminated:
                    HandleChildTerminated(childTerminated.Child);
                    break;
                case Recreate recreate:
                    HandleRecreate(recreate.Cause);
                    break;
                case Resume resume:
                    HandleResume(resume.Cause);
                    break;
                case Watch watch:
                    HandleWatch(watch);
                    break;
                case Unwatch unwatch:
                    HandleUnwatch(unwatch);
                    break;
                case DeathWatchNotification notification:
                    HandleWatchedActorTerminated(notification.Actor);
                    break;
                case RunContinuation continuation:
                    HandleContinuation(continuation);
                    break;
                case AsyncHandlerCompleted completed:
                    HandleAsyncCompleted(completed);
                    break;
            }
        }
        catch (Exception exception)
        {
            System.Log.SystemMessageFailed(exception, Path.ToString(), message.GetType().Name);
        }
    }

    /// <summary>Handles a system message that reached this cell after it terminated.</summary>
    public void SystemInvokeAfterDeath(SystemMessage message)
    {
        // Someone started watching after we died: they still get their one notification.
        if (message is Watch watch && watch.Watchee.Equals(Self) && !watch.Watcher.Equals(Self))
        {
            watch.Watcher.SendSystemMessage(new DeathWatchNotification(Self));
        }
    }

    private void Deliver(object message)
    {
        var actor = _actor;
        if (actor is null)
        {
            System.DeadLetterFor(_currentEnvelope, Self);
            return;
        }
        if (!actor.AroundReceive(message))
        {
            actor.InvokeUnhandled(message);
        }
    }

    private void AutoReceive(AutoReceivedMessage message)
    {
        switch (message)
        {
            case TimerTick tick:
                if (tick.Owner == _timers && _timers.OnTick(tick) is { } timerMessage)
                {
                    _currentEnvelope = new Envelope(timerMessage, Self);
                    Deliver(timerMessage);
                }
                break;
            case ReceiveTimeoutTick tick:
                HandleReceiveTimeoutTick(tick);
                break;
            case Terminated terminated:
                // Delivered only if still watched: an Unwatch after the notification was queued suppresses it.
                if (terminated.ActorRef is InternalActorRef dead && _terminatedQueued is not null && _terminatedQueued.Remove(dead))
                {
                    Deliver(terminated);
                }
                break;
            case PoisonPill:
                Self.Stop();
                break;
            case Kill:
                throw new ActorKilledException($"{Path} received Kill.");
        }
    }

    private ActorBase NewActorInstance()
    {
        Constructing = this;
        ActorBase actor;
        try
        {
            actor = Props.NewActor();
        }
        finally
        {
            Constructing = null;
        }
        if (actor.Cell != this)
        {
            throw new InvalidOperationException($"The Props factory for {Props.Type.Name} must create a new actor instance each time it is called.");
        }
        actor.AfterConstruction();
        return actor;
    }

    private void HandleCreate()
    {
        try
        {
            _actor = NewActorInstance();
            _actor.AroundPreStart();
        }
        catch (Exception exception)
        {
            HandleInvokeFailure(new ActorInitializationException(Path, $"{Props.Type.Name} failed to start: {exception.Message}", exception));
        }
    }

    public void Become(Action configure) => RequireActor().OnBecome(configure, stacked: false);

    public void BecomeStacked(Action configure) => RequireActor().OnBecome(configure, stacked: true);

    public void UnbecomeStacked() => RequireActor().OnUnbecome();

    private ActorBase RequireActor() =>
        _actor ?? throw new InvalidOperationException($"{Path}: Become is only available once the actor is constructed; in the constructor, register handlers directly.");

    public override string ToString() => $"ActorCell({Path})";
}
