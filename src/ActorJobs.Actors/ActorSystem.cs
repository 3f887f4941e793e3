using System.Diagnostics.Metrics;
using ActorJobs.Actors.Dispatch;
using Microsoft.Extensions.Logging;

namespace ActorJobs.Actors;

/// <summary>
/// A hierarchy of actors sharing one configuration, clock, event stream and dead-letter office.
/// Top-level actors made with <see cref="ActorOf"/> are children of the user guardian (<c>/user</c>).
/// </summary>
public sealed class ActorSystem : IAsyncDisposable
{
    private static readonly Meter s_meter = new("ActorJobs.Actors");
    private static readonly Counter<long> s_deadLetters = s_meter.CreateCounter<long>("actorjobs.actors.dead_letters", description: "Messages that could not be delivered");

    private readonly ActorCell _root;
    private readonly ActorCell _userGuardian;
    private readonly ActorCell _systemGuardian;
    private readonly TaskCompletionSource _terminated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ActorPath _tempPath;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Type, object> _extensions = new();
    private long _uid;
    private long _tempCounter;
    private long _deadLetterCount;
    private int _terminateRequested;

    private ActorSystem(string name, ActorSystemSettings settings)
    {
        Name = name;
        Settings = settings;
        Log = settings.LoggerFactory.CreateLogger("ActorJobs.Actors");
        Scheduler = new TimeProviderScheduler(settings.TimeProvider);
        var rootPath = ActorPath.Root(name);
        _tempPath = rootPath.Child("temp");
        DeadLetters = new DeadLetterActorRef(this, rootPath.Child("deadLetters"));
        var bubble = new RootParent(this, rootPath);
        // The root guardian is the root path itself (not a child named ""), so paths read actorjobs://name/user/...
        _root = new ActorCell(this, Props.Create(() => new Guardian(SupervisorStrategy.StoppingStrategy)), bubble, null, rootPath.WithUid(NextUid()));
        _root.Start();
        _userGuardian = (_root.CreateChild(Props.Create(() => new Guardian(null)), "user")).Cell;
        _systemGuardian = (_root.CreateChild(Props.Create(() => new Guardian(null)), "system")).Cell;

        // When the user guardian stops, for whatever reason, the rest of the system follows.
        var watcher = new PromiseActorRef(this);
        _userGuardian.Self.SendSystemMessage(new Watch(_userGuardian.Self, watcher));
        watcher.Task.ContinueWith(_ => _root.Self.Stop(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>The system's name, the host part of every actor path in it.</summary>
    public string Name { get; }

    /// <summary>The settings the system was created with.</summary>
    public ActorSystemSettings Settings { get; }

    /// <summary>The one clock of the system (see <see cref="ActorSystemSettings.TimeProvider"/>).</summary>
    public TimeProvider TimeProvider => Settings.TimeProvider;

    /// <summary>Schedules messages on the system's clock.</summary>
    public IScheduler Scheduler { get; }

    /// <summary>The system's publish-subscribe bus.</summary>
    public EventStream EventStream { get; } = new();

    /// <summary>Where undeliverable messages go; subscribe to <see cref="DeadLetter"/> on the <see cref="EventStream"/> to see them.</summary>
    public IActorRef DeadLetters { get; }

    /// <summary>Number of dead letters so far.</summary>
    public long DeadLetterCount => Interlocked.Read(ref _deadLetterCount);

    /// <summary>Completes when every actor has stopped after <see cref="Terminate"/> (or after the user guardian stopped).</summary>
    public Task WhenTerminated => _terminated.Task;

    internal ILogger Log { get; }

    /// <summary>Creates and starts a system.</summary>
    /// <param name="name">Letters, digits, '-' and '_', starting with a letter or digit.</param>
    /// <param name="settings">Settings; null means <see cref="ActorSystemSettings.Default"/>.</param>
    /// <exception cref="ArgumentException">The name is not valid.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public static ActorSystem Create(string name, ActorSystemSettings? settings = null)
    {
        ValidateSystemName(name);
        settings ??= ActorSystemSettings.Default;
        settings.Validate();
        return new ActorSystem(name, settings);
    }

    /// <summary>Creates a top-level actor under <c>/user</c>.</summary>
    /// <exception cref="InvalidActorNameException">The name is malformed or taken.</exception>
    /// <exception cref="InvalidOperationException">The system is terminating.</exception>
    public IActorRef ActorOf(Props props, string? name = null) => _userGuardian.ActorOf(props, name);

    /// <summary>Creates a top-level actor of type <typeparamref name="TActor"/> with its parameterless constructor.</summary>
    public IActorRef ActorOf<TActor>(string? name = null)
        where TActor : ActorBase, new() => ActorOf(Props.Create(() => new TActor()), name);

    /// <summary>Creates an actor under <c>/system</c>, for infrastructure that must outlive user actors during shutdown.</summary>
    public IActorRef SystemActorOf(Props props, string? name = null) => _systemGuardian.ActorOf(props, name);

    /// <summary>
    /// Registers a system-wide service that actors find through <see cref="GetExtension{T}"/> (for example the
    /// persistence layer's journal). One instance per type; registering a type twice is an error.
    /// </summary>
    /// <exception cref="InvalidOperationException">An extension of this type is already registered.</exception>
    public T RegisterExtension<T>(T extension)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(extension);
        if (!_extensions.TryAdd(typeof(T), extension))
        {
            throw new InvalidOperationException($"An extension of type {typeof(T).Name} is already registered in actor system [{Name}].");
        }
        return extension;
    }

    /// <summary>The registered extension of type <typeparamref name="T"/>, or null.</summary>
    public T? TryGetExtension<T>()
        where T : class => _extensions.TryGetValue(typeof(T), out var extension) ? (T)extension : null;

    /// <summary>The registered extension of type <typeparamref name="T"/>.</summary>
    /// <exception cref="InvalidOperationException">None is registered.</exception>
    public T GetExtension<T>()
        where T : class => TryGetExtension<T>()
        ?? throw new InvalidOperationException($"No extension of type {typeof(T).Name} is registered in actor system [{Name}]; register it at startup.");

    /// <summary>Stops <paramref name="actor"/> after the message it is processing (its children first).</summary>
    public void Stop(IActorRef actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (actor is not InternalActorRef target)
        {
            throw new ArgumentException($"{actor} is not an actor of this kernel and cannot be stopped.", nameof(actor));
        }
        if (target is LocalActorRef local && local.Cell.System != this)
        {
            throw new ArgumentException($"{actor} belongs to the actor system [{local.Cell.System.Name}], not [{Name}].", nameof(actor));
        }
        if (target is LocalActorRef { Cell.ParentCell: { } parent })
        {
            parent.Stop(target);
        }
        else
        {
            target.Stop();
        }
    }

    /// <summary>Stops every user actor (children before parents), then the system's own actors. Returns <see cref="WhenTerminated"/>.</summary>
    public Task Terminate()
    {
        if (Interlocked.Exchange(ref _terminateRequested, 1) == 0)
        {
            _userGuardian.Self.Stop();
        }
        return WhenTerminated;
    }

    /// <summary>Terminates the system and waits for it.</summary>
    public async ValueTask DisposeAsync() => await Terminate().ConfigureAwait(false);

    /// <inheritdoc />
    public override string ToString() => $"ActorSystem({Name})";

    internal long NextUid() => Interlocked.Increment(ref _uid);

    internal ActorPath TempPath() => _tempPath.Child("$" + Interlocked.Increment(ref _tempCounter).ToString(System.Globalization.CultureInfo.InvariantCulture), NextUid());

    internal void DeadLetterFor(Envelope envelope, IActorRef recipient)
    {
        var message = envelope.Message;
        if (message is DeadLetter)
        {
            // A DeadLetter that did not reach its subscriber (it has stopped) is dropped: publishing it again would
            // hand it straight back to that subscriber's closed mailbox, recursing until the stack overflows.
            return;
        }
        PublishDeadLetter(new DeadLetter(message, envelope.Sender, recipient));
    }

    internal void PublishDeadLetter(DeadLetter deadLetter)
    {
        var count = Interlocked.Increment(ref _deadLetterCount);
        s_deadLetters.Add(1, new KeyValuePair<string, object?>("system", Name));
        var level = count <= Settings.DeadLettersLoggedAtInformation ? LogLevel.Information : LogLevel.Debug;
        if (Log.IsEnabled(level))
        {
            var type = deadLetter.Message.GetType().Name;
            var sender = deadLetter.Sender?.Path.ToString() ?? "NoSender";
            var recipient = deadLetter.Recipient.Path.ToString();
            if (level == LogLevel.Information)
            {
                Log.DeadLetterInfo(type, sender, recipient, count);
            }
            else
            {
                Log.DeadLetterDebug(type, sender, recipient, count);
            }
        }
        EventStream.Publish(deadLetter);
    }

    private void OnRootTerminated()
    {
        ((TimeProviderScheduler)Scheduler).CancelAll();
        _terminated.TrySetResult();
    }

    private static void ValidateSystemName(string name)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw new ArgumentException("An actor system needs a name.", nameof(name));
        }
        if (!char.IsAsciiLetterOrDigit(name[0]) || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_')))
        {
            throw new ArgumentException($"Actor system name [{name}] is not valid: use letters, digits, '-' and '_', starting with a letter or digit.", nameof(name));
        }
    }

    /// <summary>The guardians at <c>/</c>, <c>/user</c> and <c>/system</c>: they only supervise.</summary>
    private sealed class Guardian(SupervisorStrategy? strategy) : ActorBase
    {
        protected internal override bool Receive(object message) => false;

        protected internal override SupervisorStrategy SupervisorStrategy() => strategy ?? base.SupervisorStrategy();
    }

    /// <summary>The root guardian's parent: when the root terminates, the system has terminated.</summary>
    private sealed class RootParent(ActorSystem system, ActorPath path) : InternalActorRef
    {
        public override ActorPath Path { get; } = path;

        public override bool IsTerminated => system.WhenTerminated.IsCompleted;

        public override void Tell(object message, IActorRef? sender) => system.DeadLetterFor(new Envelope(message, sender), this);

        public override void SendSystemMessage(SystemMessage message)
        {
            switch (message)
            {
                case ChildTerminated:
                    system.OnRootTerminated();
                    break;
                case Failed failed:
                    failed.Child.Stop();
                    break;
            }
        }
    }
}
