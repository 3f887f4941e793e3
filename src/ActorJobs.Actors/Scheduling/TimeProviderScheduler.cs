namespace ActorJobs.Actors;

/// <summary>The kernel's <see cref="IScheduler"/>: each scheduled item is one timer of the system's <see cref="TimeProvider"/>.</summary>
internal sealed class TimeProviderScheduler(TimeProvider timeProvider) : IScheduler
{
    public TimeProvider TimeProvider { get; } = timeProvider;

    public DateTimeOffset Now => TimeProvider.GetUtcNow();

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
        var item = new ScheduledItem(action);
        item.Timer = TimeProvider.CreateTimer(static s => ((ScheduledItem)s!).Fire(), item, delay, period);
        return item;
    }

    private static void RequireNotNegative(TimeSpan value, string name)
    {
        if (value < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(name, value, "A delay must not be negative.");
        }
    }

    private sealed class ScheduledItem(Action action) : ICancelable
    {
        private int _cancelled;

        public ITimer? Timer { get; set; }

        public bool IsCancellationRequested => Volatile.Read(ref _cancelled) != 0;

        public void Fire()
        {
            if (!IsCancellationRequested)
            {
                action();
            }
        }

        public void Cancel()
        {
            if (Interlocked.Exchange(ref _cancelled, 1) == 0)
            {
                Timer?.Dispose();
            }
        }
    }
}
