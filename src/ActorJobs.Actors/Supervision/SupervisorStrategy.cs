using ActorJobs.Actors.Dispatch;

namespace ActorJobs.Actors;

/// <summary>
/// How a parent decides what happens to a child that threw. A decider maps the exception to a
/// <see cref="Directive"/>; a retry limit within a time window turns too many restarts into a stop.
/// </summary>
public abstract class SupervisorStrategy
{
    /// <summary>Creates a strategy.</summary>
    /// <param name="maxNrOfRetries">Restarts allowed within <paramref name="withinTimeRange"/>; negative means no limit; 0 means a failure stops the child.</param>
    /// <param name="withinTimeRange">The window in which restarts are counted; null or <see cref="Timeout.InfiniteTimeSpan"/> counts them forever.</param>
    /// <param name="decider">Maps an exception to a directive.</param>
    protected SupervisorStrategy(int maxNrOfRetries, TimeSpan? withinTimeRange, Func<Exception, Directive> decider)
    {
        ArgumentNullException.ThrowIfNull(decider);
        if (withinTimeRange is { } window && window <= TimeSpan.Zero && window != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(withinTimeRange), window, "The restart window must be positive (or infinite).");
        }
        MaxNrOfRetries = maxNrOfRetries;
        WithinTimeRange = withinTimeRange == Timeout.InfiniteTimeSpan ? null : withinTimeRange;
        Decider = decider;
    }

    /// <summary>
    /// The default: restart on any exception, except <see cref="ActorInitializationException"/>,
    /// <see cref="ActorKilledException"/> and <see cref="DeathPactException"/>, which stop the child. No retry limit.
    /// </summary>
    public static SupervisorStrategy DefaultStrategy { get; } = new OneForOneStrategy(DefaultDecider);

    /// <summary>Stops a child on any failure.</summary>
    public static SupervisorStrategy StoppingStrategy { get; } = new OneForOneStrategy(_ => Directive.Stop);

    /// <summary>Restarts allowed within the window; negative means unlimited.</summary>
    public int MaxNrOfRetries { get; }

    /// <summary>The window in which restarts are counted; null means forever.</summary>
    public TimeSpan? WithinTimeRange { get; }

    /// <summary>Maps an exception to a directive.</summary>
    public Func<Exception, Directive> Decider { get; }

    /// <summary>The default decider: stop on initialization failures, kill and death pacts; restart on anything else.</summary>
    public static Directive DefaultDecider(Exception exception) => exception switch
    {
        ActorInitializationException or ActorKilledException or DeathPactException => Directive.Stop,
        _ => Directive.Restart,
    };

    /// <summary>Applies the directive for a failed child; returns false when the failure is to be escalated.</summary>
    internal bool HandleFailure(ActorCell parent, ChildEntry failed, Exception cause, IReadOnlyList<ChildEntry> children)
    {
        var directive = Decider(cause);
        switch (directive)
        {
            case Directive.Resume:
                parent.LogChildFailure(failed.Ref, cause, directive);
                failed.Ref.SendSystemMessage(new Resume(cause));
                return true;
            case Directive.Restart:
                if (!failed.Stats.RequestRestartPermission(MaxNrOfRetries, WithinTimeRange, parent.System.TimeProvider))
                {
                    parent.LogChildFailure(failed.Ref, cause, Directive.Stop);
                    ApplyStop(parent, failed, children);
                    return true;
                }
                parent.LogChildFailure(failed.Ref, cause, directive);
                ApplyRestart(failed, cause, children);
                return true;
            case Directive.Stop:
                parent.LogChildFailure(failed.Ref, cause, directive);
                ApplyStop(parent, failed, children);
                return true;
            default:
                return false;
        }
    }

    /// <summary>Restarts the failed child (one-for-one) or every child (all-for-one).</summary>
    private protected abstract void ApplyRestart(ChildEntry failed, Exception cause, IReadOnlyList<ChildEntry> children);

    /// <summary>Stops the failed child (one-for-one) or every child (all-for-one).</summary>
    private protected abstract void ApplyStop(ActorCell parent, ChildEntry failed, IReadOnlyList<ChildEntry> children);
}

/// <summary>Applies a directive to the failing child only. Akka.NET's default kind of strategy.</summary>
public sealed class OneForOneStrategy : SupervisorStrategy
{
    /// <summary>A strategy with a retry limit: more than <paramref name="maxNrOfRetries"/> restarts within <paramref name="withinTimeRange"/> stops the child.</summary>
    public OneForOneStrategy(int maxNrOfRetries, TimeSpan? withinTimeRange, Func<Exception, Directive> decider)
        : base(maxNrOfRetries, withinTimeRange, decider)
    {
    }

    /// <summary>A strategy with no retry limit.</summary>
    public OneForOneStrategy(Func<Exception, Directive> decider)
        : base(-1, null, decider)
    {
    }

    private protected override void ApplyRestart(ChildEntry failed, Exception cause, IReadOnlyList<ChildEntry> children) =>
        failed.Ref.SendSystemMessage(new Recreate(cause));

    private protected override void ApplyStop(ActorCell parent, ChildEntry failed, IReadOnlyList<ChildEntry> children) =>
        failed.Ref.Stop();
}

/// <summary>
/// Applies a directive to all children when one fails: for children that only make sense together.
/// Resume still resumes only the failed child.
/// </summary>
public sealed class AllForOneStrategy : SupervisorStrategy
{
    /// <summary>A strategy with a retry limit: more than <paramref name="maxNrOfRetries"/> restarts within <paramref name="withinTimeRange"/> stops the children.</summary>
    public AllForOneStrategy(int maxNrOfRetries, TimeSpan? withinTimeRange, Func<Exception, Directive> decider)
        : base(maxNrOfRetries, withinTimeRange, decider)
    {
    }

    /// <summary>A strategy with no retry limit.</summary>
    public AllForOneStrategy(Func<Exception, Directive> decider)
        : base(-1, null, decider)
    {
    }

    private protected override void ApplyRestart(ChildEntry failed, Exception cause, IReadOnlyList<ChildEntry> children)
    {
        foreach (var child in children)
        {
            child.Ref.SendSystemMessage(new Recreate(cause));
        }
    }

    private protected override void ApplyStop(ActorCell parent, ChildEntry failed, IReadOnlyList<ChildEntry> children)
    {
        foreach (var child in children)
        {
            child.Ref.Stop();
        }
    }
}

/// <summary>A child as its parent knows it: its ref and its restart count within the current window.</summary>
internal sealed class ChildEntry(LocalActorRef actorRef)
{
    public LocalActorRef Ref { get; } = actorRef;

    public ChildRestartStats Stats { get; } = new();

    /// <summary>Set once the parent asked the child to stop; the name stays taken until the child has terminated.</summary>
    public bool Stopping { get; set; }

    /// <summary>
    /// Set by the child as it terminates, before it tells its watchers: from then on its name may be reused, even
    /// before the parent has handled the ChildTerminated (so a GracefulStop or Terminated can be followed by ActorOf).
    /// </summary>
    public bool HasTerminated { get; set; }
}

/// <summary>Counts a child's restarts within the strategy's time window.</summary>
internal sealed class ChildRestartStats
{
    private int _restarts;
    private long _windowStart = -1;

    public bool RequestRestartPermission(int maxNrOfRetries, TimeSpan? window, TimeProvider clock)
    {
        if (maxNrOfRetries < 0)
        {
            return true;
        }
        if (window is null)
        {
            _restarts++;
            return _restarts <= maxNrOfRetries;
        }
        var now = clock.GetTimestamp();
        if (_windowStart < 0 || clock.GetElapsedTime(_windowStart, now) > window.Value)
        {
            _windowStart = now;
            _restarts = 1;
            return maxNrOfRetries >= 1;
        }
        _restarts++;
        return _restarts <= maxNrOfRetries;
    }
}
