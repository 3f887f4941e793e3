namespace ActorJobs.Actors;

/// <summary>
/// The timers of one cell. Each timer carries a generation; a queued tick whose generation no longer matches
/// (the timer was cancelled or replaced since) is dropped when it reaches the actor.
/// </summary>
internal sealed class TimerScheduler(ActorCell cell) : ITimerScheduler
{
    // The longest a System.Threading.Timer waits (about 49.7 days); an instant further off is reached in legs of this.
    internal static readonly TimeSpan LongestLeg = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    private readonly Dictionary<object, TimerEntry> _timers = [];
    private int _generation;

    public IReadOnlyCollection<object> ActiveTimers => _timers.Keys.ToArray();

    public void StartSingleTimer(object key, object message, TimeSpan timeout) => Start(key, message, timeout, null);

    public void StartSingleTimerAt(object key, object message, DateTimeOffset dueAt)
    {
        if (cell.System.TimeProvider is IDeadlineTimeProvider)
        {
            Start(key, message, TimeSpan.Zero, null, dueAt);
            return;
        }

        var delay = dueAt - cell.System.TimeProvider.GetUtcNow();
        if (delay > LongestLeg)
        {
            // Too far for one timer: wait the longest leg, then look at the clock again (see OnTick).
            Start(key, message, LongestLeg, null, dueAt);
            return;
        }

        Start(key, message, delay > TimeSpan.Zero ? delay : TimeSpan.Zero, null);
    }

    public void StartPeriodicTimer(object key, object message, TimeSpan interval) => StartPeriodicTimer(key, message, interval, interval);

    public void StartPeriodicTimer(object key, object message, TimeSpan initialDelay, TimeSpan interval)
    {
        if (interval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(interval), interval, "A periodic timer needs a positive interval.");
        }
        Start(key, message, initialDelay, interval);
    }

    public bool IsTimerActive(object key) => _timers.ContainsKey(key);

    public void Cancel(object key)
    {
        if (_timers.Remove(key, out var entry))
        {
            entry.Timer.Dispose();
        }
    }

    public void CancelAll()
    {
        foreach (var entry in _timers.Values)
        {
            entry.Timer.Dispose();
        }
        _timers.Clear();
    }

    /// <summary>Unwraps a tick: the user message if the tick is current, else null (stale: cancelled or replaced).</summary>
    public object? OnTick(TimerTick tick)
    {
        if (!_timers.TryGetValue(tick.Key, out var entry) || entry.Generation != tick.Generation)
        {
            return null;
        }
        if (!entry.Periodic)
        {
            _timers.Remove(tick.Key);
            entry.Timer.Dispose();
            if (entry.DueAt is { } dueAt && cell.System.TimeProvider.GetUtcNow() < dueAt)
            {
                StartSingleTimerAt(tick.Key, entry.Message, dueAt); // a leg of a long wait has ended: the next leg
                return null;
            }
        }
        return entry.Message;
    }

    private void Start(object key, object message, TimeSpan delay, TimeSpan? interval, DateTimeOffset? dueAt = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(message);
        if (delay < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(delay), delay, "A timer delay must not be negative.");
        }
        Cancel(key);
        var generation = ++_generation;
        var tick = new TimerTick(key, generation, this);
        InternalActorRef self = cell.Self; // the callback unboxes (InternalActorRef, TimerTick): the boxed tuple must have exactly that type
        TimerCallback send = static state =>
        {
            var (target, message) = ((InternalActorRef, TimerTick))state!;
            target.Tell(message, ActorRefs.NoSender);
        };
        var clock = cell.System.TimeProvider;
        var timer = dueAt is { } at && clock is IDeadlineTimeProvider deadlines
            ? deadlines.CreateTimerAt(send, (self, tick), at)
            : clock.CreateTimer(send, (self, tick), delay, interval ?? Timeout.InfiniteTimeSpan);
        _timers[key] = new TimerEntry(message, generation, interval is not null, timer, dueAt);
    }

    private sealed record TimerEntry(object Message, int Generation, bool Periodic, ITimer Timer, DateTimeOffset? DueAt);
}

/// <summary>The message a timer puts in the actor's queue; the cell unwraps it into the user's message if still current.</summary>
internal sealed class TimerTick : AutoReceivedMessage, INotInfluenceReceiveTimeout
{
    public TimerTick(object key, int generation, TimerScheduler owner)
    {
        Key = key;
        Generation = generation;
        Owner = owner;
    }

    public object Key { get; }

    public int Generation { get; }

    public TimerScheduler Owner { get; }
}
