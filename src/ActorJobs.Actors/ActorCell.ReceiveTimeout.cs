namespace ActorJobs.Actors;

/// <summary>
/// Receive timeout: one timer per cell, re-armed lazily. A message only records the time it arrived; when the
/// timer fires, the cell either delivers <see cref="ReceiveTimeout"/> or re-arms for the time that is left,
/// so a busy actor costs one clock read per message, not a timer reset.
/// </summary>
internal sealed partial class ActorCell
{
    private TimeSpan? _receiveTimeout;
    private ITimer? _receiveTimeoutTimer;
    private ReceiveTimeoutTick? _receiveTimeoutTick;
    private long _lastActivity;

    public TimeSpan? ReceiveTimeout => _receiveTimeout;

    public void SetReceiveTimeout(TimeSpan? timeout)
    {
        if (timeout is { } value && value < TimeSpan.Zero && value != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), value, "A receive timeout must not be negative; pass null to turn it off.");
        }
        CancelReceiveTimeout();
        if (timeout is not { } duration || duration == TimeSpan.Zero || duration == Timeout.InfiniteTimeSpan)
        {
            return;
        }
        _receiveTimeout = duration;
        _lastActivity = System.TimeProvider.GetTimestamp();
        var tick = new ReceiveTimeoutTick(this);
        _receiveTimeoutTick = tick;
        _receiveTimeoutTimer = System.TimeProvider.CreateTimer(
            static state => ((ReceiveTimeoutTick)state!).Cell.Self.Tell(state, ActorRefs.NoSender),
            tick,
            duration,
            Timeout.InfiniteTimeSpan);
    }

    private void CancelReceiveTimeout()
    {
        _receiveTimeout = null;
        _receiveTimeoutTick = null;
        _receiveTimeoutTimer?.Dispose();
        _receiveTimeoutTimer = null;
    }

    private void TouchReceiveTimeout() => _lastActivity = System.TimeProvider.GetTimestamp();

    private void HandleReceiveTimeoutTick(ReceiveTimeoutTick tick)
    {
        if (!ReferenceEquals(tick, _receiveTimeoutTick) || _receiveTimeout is not { } timeout)
        {
            return;
        }
        var clock = System.TimeProvider;
        var idle = clock.GetElapsedTime(_lastActivity);
        if (idle >= timeout)
        {
            _lastActivity = clock.GetTimestamp();
            _receiveTimeoutTimer?.Change(timeout, Timeout.InfiniteTimeSpan);
            _currentEnvelope = new Envelope(Actors.ReceiveTimeout.Instance, Self);
            Deliver(Actors.ReceiveTimeout.Instance);
        }
        else
        {
            _receiveTimeoutTimer?.Change(timeout - idle, Timeout.InfiniteTimeSpan);
        }
    }
}

/// <summary>The receive-timeout timer's message; the cell decides whether the actor really was idle long enough.</summary>
internal sealed class ReceiveTimeoutTick(ActorCell cell) : AutoReceivedMessage, INotInfluenceReceiveTimeout
{
    public ActorCell Cell { get; } = cell;
}
