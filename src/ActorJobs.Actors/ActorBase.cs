namespace ActorJobs.Actors;

/// <summary>
/// The base of every actor. An actor handles one message at a time; its fields are touched by nothing else,
/// so it needs no locks. Create actors only through <c>ActorOf</c>, never with <c>new</c> directly.
/// </summary>
public abstract class ActorBase
{
    private readonly ActorCell _cell;

    /// <summary>Binds the new instance to the cell that is creating it.</summary>
    /// <exception cref="ActorInitializationException">The actor was constructed with <c>new</c> outside <c>ActorOf</c>.</exception>
    protected ActorBase()
    {
        _cell = ActorCell.Constructing ?? throw new ActorInitializationException(
            null,
            $"{GetType().Name} was created with 'new'. Create actors with ActorOf(Props.Create(...)).",
            null);
        ActorCell.Constructing = null;
        if (this is IWithTimers withTimers)
        {
            withTimers.Timers = _cell.Timers;
        }
        if (this is IWithStash withStash)
        {
            withStash.Stash = _cell.Stash;
        }
    }

    /// <summary>This actor's context: its self, sender, parent, children and system.</summary>
    protected IActorContext Context => _cell;

    /// <summary>This actor's own ref.</summary>
    protected IActorRef Self => _cell.Self;

    /// <summary>The sender of the message being handled (dead letters when none).</summary>
    protected IActorRef Sender => _cell.Sender;

    internal ActorCell Cell => _cell;

    /// <summary>Handles one message; returns false when the message is not handled (it then goes to <see cref="Unhandled"/>).</summary>
    protected internal abstract bool Receive(object message);

    /// <summary>
    /// Called with a message the actor did not handle. The default publishes <see cref="UnhandledMessage"/> on the
    /// event stream, except for an unhandled <see cref="Terminated"/>, which fails the actor with <see cref="DeathPactException"/>.
    /// </summary>
    protected virtual void Unhandled(object message)
    {
        if (message is Terminated terminated)
        {
            throw new DeathPactException(terminated.ActorRef);
        }
        _cell.System.EventStream.Publish(new UnhandledMessage(message, _cell.CurrentSender, _cell.Self));
    }

    /// <summary>How this actor supervises its children. The default comes from its Props, else <see cref="SupervisorStrategy.DefaultStrategy"/>.</summary>
    protected internal virtual SupervisorStrategy SupervisorStrategy() => _cell.Props.SupervisorStrategy ?? Actors.SupervisorStrategy.DefaultStrategy;

    /// <summary>Runs before the first message. An exception here fails the actor with <see cref="ActorInitializationException"/>.</summary>
    protected internal virtual void PreStart()
    {
    }

    /// <summary>Runs after the actor and all its children have stopped.</summary>
    protected internal virtual void PostStop()
    {
    }

    /// <summary>
    /// Runs on the failed instance before a restart, with the exception and the message being handled.
    /// The default stops all children and calls <see cref="PostStop"/>.
    /// </summary>
    protected internal virtual void PreRestart(Exception reason, object? message)
    {
        foreach (var child in _cell.GetChildren())
        {
            _cell.Stop(child);
        }
        PostStop();
    }

    /// <summary>Runs on the new instance after a restart. The default calls <see cref="PreStart"/>.</summary>
    protected internal virtual void PostRestart(Exception reason) => PreStart();

    /// <summary>Shorthand for <c>Context.SetReceiveTimeout</c>.</summary>
    protected void SetReceiveTimeout(TimeSpan? timeout) => _cell.SetReceiveTimeout(timeout);

    internal virtual void OnBecome(Action configure, bool stacked) =>
        throw new NotSupportedException($"{GetType().Name} does not support Become; derive from ReceiveActor or UntypedActor.");

    internal virtual void OnUnbecome() =>
        throw new NotSupportedException($"{GetType().Name} does not support Unbecome; derive from ReceiveActor or UntypedActor.");

    internal void InvokeUnhandled(object message) => Unhandled(message);

    /// <summary>Wraps <see cref="Receive"/>: the hook through which layers such as persistence act around each message.</summary>
    internal virtual bool AroundReceive(object message) => Receive(message);

    /// <summary>Wraps <see cref="PreStart"/> (persistence starts recovery here).</summary>
    internal virtual void AroundPreStart() => PreStart();

    /// <summary>Wraps <see cref="PostRestart"/> (persistence starts recovery here).</summary>
    internal virtual void AroundPostRestart(Exception reason) => PostRestart(reason);

    /// <summary>
    /// Called when a restart or stop abandons this instance's running async handler. The handler's later
    /// continuations, and so its finally blocks, never run: what it holds outside the actor is given back here.
    /// </summary>
    internal virtual void AfterAsyncHandlerAbandoned()
    {
    }

    /// <summary>Called by the cell once construction has finished.</summary>
    internal virtual void AfterConstruction()
    {
    }
}
