using System.Collections.Concurrent;

namespace ActorJobs.Actors;

/// <summary>The kernel's <see cref="IScheduler"/>: each scheduled item is one timer of the system's <see cref="TimeProvider"/>.</summary>
/// <remarks>
/// Pending items are held in a set until they fire for the last time or are cancelled: a system timer that nothing
/// references is finalized and never fires, and callers routinely drop the <see cref="ICancelable"/>.
/// </remarks>
internal sealed class TimeProviderScheduler(TimeProvider timeProvider) : IScheduler
{
    private readonly ConcurrentDictionary<ScheduledItem, byte> _pending = new();

    public TimeProvider TimeProvider { get; } = timeProvider;

    /// <summary>Items scheduled and neither fired for the last time nor cancelled.</summary>
    public int PendingCount => _pending.Count;

    public DateTimeOffset Now => TimeProvider.GetUtcNow();

    /// <summary>Cancels everything still pending (the system has terminated).</summary>
    public void CancelAll()
    {
        foreach (var item in _pending.Keys)
        {
            item.Cancel();
        }
    }

    public ICancelable ScheduleTellOnce(TimeSpan delay, IActorRef receiver, object message, IActorRef? sender)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        ArgumentNullException.ThrowIfNull(message);
        RequireNotNegative(delay, nameof(delay));
        return Schedule(delay, Timeout.InfiniteTimeSpan, () => receiver.Tell(message, sender));
    }

    public ICancelable ScheduleTellRepeatedly(TimeSpan initialDelay, TimeSpan interval, IActorRef receiver, object message, IActorRef? sender)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        ArgumentNullException.ThrowIfNull(message);
        RequireNotNegative(initialDelay, nameof(initialDelay));
        if (interval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(interval), interval, "A repeating schedule needs a positive interval.");
        }
        return Schedule(initialDelay, interval, () => receiver.Tell(message, sender));
    }

    public ICancelable ScheduleOnce(TimeSpan delay, Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        RequireNotNegative(delay, nameof(delay));
        return Schedule(delay, Timeout.InfiniteTimeSpan, action);
    }

    private ScheduledItem Schedule(TimeSpan delay, TimeSpan period, Action action)
    {
        var item = new ScheduledItem(this, action, repeating: period != Timeout.InfiniteTimeSpan);
        _pending.TryAdd(item, 0);
        item.Timer = TimeProvider.CreateTimer(static s => ((ScheduledItem)s!).Fire(), item, delay, period);
        if (item.IsCancellationRequested)
        {
            item.Timer.Dispose(); // cancelled (or fired once) before the timer was assigned
        }
        return item;
    }

    private static void RequireNotNegative(TimeSpan value, string name)
    {
        if (value < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(name, value, "A delay must not be negative.");
        }
    }

    private sealed class ScheduledItem(TimeProviderScheduler owner, Action action, bool repeating) : ICancelable
    {
        private int _cancelled;

        public ITimer? Timer { get; set; }

        public bool IsCancellationRequested => Volatile.Read(ref _cancelled) != 0;

        public void Fire()
        {
            if (IsCancellationRequested)
            {
                return;
            }
            if (!repeating)
            {
                // A one-shot item is done once it fires: stop holding it.
                Interlocked.Exchange(ref _cancelled, 1);
                owner._pending.TryRemove(this, out _);
            }
            action();
        }

        public void Cancel()
        {
            if (Interlocked.Exchange(ref _cancelled, 1) == 0)
            {
                owner._pending.TryRemove(this, out _);
                Timer?.Dispose();
            }
        }
    }
}
