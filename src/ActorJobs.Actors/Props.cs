using System.Reflection;

namespace ActorJobs.Actors;

/// <summary>
/// The recipe for an actor: how to construct it, which mailbox it gets, and how it supervises its children.
/// Immutable; the <c>With*</c> methods return changed copies. A restart calls the recipe again.
/// </summary>
public sealed class Props
{
    private readonly Func<ActorBase> _factory;

    private Props(Type type, Func<ActorBase> factory)
    {
        Type = type;
        _factory = factory;
    }

    private Props(Props other)
    {
        Type = other.Type;
        _factory = other._factory;
        SupervisorStrategy = other.SupervisorStrategy;
        Mailbox = other.Mailbox;
        Throughput = other.Throughput;
        RunsOnCallingThread = other.RunsOnCallingThread;
    }

    /// <summary>The actor's class.</summary>
    public Type Type { get; }

    /// <summary>How this actor supervises its children, unless the actor overrides <see cref="ActorBase.SupervisorStrategy"/>.</summary>
    public SupervisorStrategy? SupervisorStrategy { get; private init; }

    /// <summary>The actor's mailbox (unbounded unless set).</summary>
    public MailboxSettings Mailbox { get; private init; } = MailboxSettings.Unbounded;

    /// <summary>Messages processed per turn on a thread before the actor yields; null uses the system's setting.</summary>
    public int? Throughput { get; private init; }

    /// <summary>Props that construct the actor with <paramref name="factory"/>, e.g. <c>Props.Create(() =&gt; new Worker(queue))</c>.</summary>
    public static Props Create<TActor>(Func<TActor> factory)
        where TActor : ActorBase
    {
        ArgumentNullException.ThrowIfNull(factory);
        return new Props(typeof(TActor), factory);
    }

    /// <summary>
    /// Props that construct <typeparamref name="TActor"/> with a constructor taking <paramref name="args"/>.
    /// The constructor is looked up now, so a mismatch fails here rather than when the actor starts.
    /// </summary>
    /// <exception cref="ArgumentException">No constructor of <typeparamref name="TActor"/> accepts the arguments.</exception>
    public static Props Create<TActor>(params object?[] args)
        where TActor : ActorBase => Create(typeof(TActor), args);

    /// <summary>Props that construct <paramref name="actorType"/> with a constructor taking <paramref name="args"/>.</summary>
    /// <exception cref="ArgumentException">The type is not an actor, is abstract, or has no constructor accepting the arguments.</exception>
    public static Props Create(Type actorType, params object?[] args)
    {
        ArgumentNullException.ThrowIfNull(actorType);
        args ??= [];
        if (!typeof(ActorBase).IsAssignableFrom(actorType) || actorType.IsAbstract)
        {
            throw new ArgumentException($"{actorType.FullName} is not a concrete actor type (it must derive from ActorBase).", nameof(actorType));
        }
        var constructor = FindConstructor(actorType, args)
            ?? throw new ArgumentException(
                $"{actorType.Name} has no constructor taking ({string.Join(", ", args.Select(a => a?.GetType().Name ?? "null"))}).",
                nameof(args));
        var captured = (object?[])args.Clone();
        // DoNotWrapExceptions: a throwing constructor surfaces as itself, not as a TargetInvocationException.
        return new Props(actorType, () => (ActorBase)constructor.Invoke(BindingFlags.DoNotWrapExceptions, null, captured, null));
    }

    /// <summary>A copy that supervises its children with <paramref name="strategy"/>.</summary>
    public Props WithSupervisorStrategy(SupervisorStrategy strategy)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        return new Props(this) { SupervisorStrategy = strategy };
    }

    /// <summary>A copy with the given mailbox, e.g. <c>WithMailbox(MailboxSettings.Bounded(1000))</c>.</summary>
    public Props WithMailbox(MailboxSettings mailbox)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        return new Props(this) { Mailbox = mailbox };
    }

    /// <summary>A copy that processes up to <paramref name="throughput"/> messages per turn.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The throughput is less than 1.</exception>
    public Props WithThroughput(int throughput)
    {
        if (throughput < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(throughput), throughput, "Throughput must be at least 1 message per turn.");
        }
        return new Props(this) { Throughput = throughput };
    }

    /// <summary>
    /// True: the actor's messages are processed on the thread that sends them, before Tell returns, unless another
    /// thread is processing its mailbox at that moment (Akka.NET's CallingThreadDispatcher). The TestKit's probes use
    /// it, so a message told to a probe is already in its queue when Tell returns, however busy the thread pool is.
    /// </summary>
    internal bool RunsOnCallingThread { get; private init; }

    /// <summary>A copy whose actor runs on the sender's thread (see <see cref="RunsOnCallingThread"/>).</summary>
    internal Props WithCallingThreadDispatcher() => new(this) { RunsOnCallingThread = true };

    internal ActorBase NewActor()
    {
        var actor = _factory() ?? throw new InvalidOperationException($"The factory for {Type.Name} returned null.");
        return actor;
    }

    /// <inheritdoc />
    public override string ToString() => $"Props({Type.Name})";

    private static ConstructorInfo? FindConstructor(Type type, object?[] args)
    {
        foreach (var constructor in type.GetConstructors(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance))
        {
            var parameters = constructor.GetParameters();
            if (parameters.Length != args.Length)
            {
                continue;
            }
            var fits = true;
            for (var i = 0; i < parameters.Length && fits; i++)
            {
                var parameterType = parameters[i].ParameterType;
                fits = args[i] is null
                    ? !parameterType.IsValueType || Nullable.GetUnderlyingType(parameterType) is not null
                    : parameterType.IsInstanceOfType(args[i]);
            }
            if (fits)
            {
                return constructor;
            }
        }
        return null;
    }
}
