using ActorJobs.Actors;

namespace ActorJobs.TestKit;

/// <summary>
/// A virtual clock for the system under test. Pass it as <c>ActorSystemSettings.TimeProvider</c> (the TestKit does this
/// when asked for virtual time): every actor timer, scheduled message, receive timeout and ask timeout of that system
/// then waits for <see cref="Advance"/> instead of real time. Time never moves by itself.
/// </summary>
/// <remarks>
/// <see cref="Advance"/> fires due timers in order of due time (ties in creation order), moving the clock to each
/// timer's due time before firing it, so a callback that reads the clock sees its own due time, and a timer created
/// or changed by a callback fires within the same advance if it falls due inside it. A timer due at once (zero delay)
/// fires on the next advance, even <c>Advance(TimeSpan.Zero)</c>, never inside <c>CreateTimer</c> or <c>Change</c>.
/// Callbacks run on the thread that calls <see cref="Advance"/>; the kernel's timer callbacks only enqueue a message,
/// so the actors handle them on their own threads afterwards.
/// </remarks>
public sealed class TestScheduler : TimeProvider, IDeadlineTimeProvider
{
    private readonly Lock _lock = new();
    private readonly PriorityQueue<VirtualTimer, (long Due, long Sequence)> _queue = new();
    private DateTimeOffset _now;
    private long _ticks;
    private long _sequence;

    /// <summary>Creates a clock that starts at <paramref name="start"/> (default 2026-01-01T00:00:00Z).</summary>
    public TestScheduler(DateTimeOffset? start = null)
    {
        _now = start ?? new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    }

    /// <inheritdoc />
    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    /// <inheritdoc />
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <summary>Number of timers waiting to fire.</summary>
    public int PendingTimers
    {
        get
        {
            lock (_lock)
            {
                return _queue.UnorderedItems.Count(i => i.Element.IsArmed(i.Priority.Sequence));
            }
        }
    }

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock)
        {
            return _now;
        }
    }

    /// <inheritdoc />
    public override long GetTimestamp()
    {
        lock (_lock)
        {
            return _ticks;
        }
    }

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new VirtualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>
    /// A one-shot timer due at <paramref name="dueAt"/>, armed against the clock under its lock: an advance on another
    /// thread cannot fall between reading the time and arming, as it can for a delay worked out from
    /// <see cref="GetUtcNow"/>. An instant already passed arms it as a zero delay does (it fires on the next advance).
    /// </summary>
    public ITimer CreateTimerAt(TimerCallback callback, object? state, DateTimeOffset dueAt)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new VirtualTimer(this, callback, state);
        timer.ArmAt(dueAt);
        return timer;
    }

    /// <summary>Moves the clock forward by <paramref name="delta"/>, firing every timer that falls due on the way, in order.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The delta is negative.</exception>
    public void Advance(TimeSpan delta)
    {
        if (delta < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(delta), delta, "Virtual time cannot go backwards.");
        }
        long target;
        lock (_lock)
        {
            target = _ticks + delta.Ticks;
        }
        while (true)
        {
            VirtualTimer? due = null;
            lock (_lock)
            {
                while (_queue.TryPeek(out var candidate, out var priority))
                {
                    if (!candidate.IsArmed(priority.Sequence))
                    {
                        _queue.Dequeue(); // cancelled or re-armed since: a stale entry
                        continue;
                    }
                    if (priority.Due > target)
                    {
                        break;
                    }
                    _queue.Dequeue();
                    MoveTo(priority.Due);
                    due = candidate;
                    due.OnFiring(); // re-arms a periodic timer before the callback runs
                    break;
                }
                if (due is null)
                {
                    MoveTo(target);
                    return;
                }
            }
            due.Invoke();
        }
    }

    /// <summary>Moves the clock to <paramref name="instant"/> (which must not be in the past), firing due timers on the way.</summary>
    public void AdvanceTo(DateTimeOffset instant)
    {
        var delta = instant - GetUtcNow();
        if (delta < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(instant), instant, $"{instant:O} is before the current virtual time {GetUtcNow():O}.");
        }
        Advance(delta);
    }

    private void MoveTo(long ticks)
    {
        if (ticks > _ticks)
        {
            _now = _now.AddTicks(ticks - _ticks);
            _ticks = ticks;
        }
    }

    /// <summary>Arms <paramref name="timer"/> to fire at <paramref name="dueTicks"/>; returns the sequence that identifies this arming.</summary>
    private long Arm(VirtualTimer timer, long dueTicks)
    {
        var sequence = ++_sequence;
        _queue.Enqueue(timer, (dueTicks, sequence));
        return sequence;
    }

    private sealed class VirtualTimer(TestScheduler owner, TimerCallback callback, object? state) : ITimer
    {
        private long _armedSequence; // 0 = not armed
        private long _period = -1;
        private long _due;

        public bool IsArmed(long sequence) => _armedSequence == sequence;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            // As System.Threading.Timer does: a negative time other than "infinite" is a caller's bug, not "now".
            RequireValid(dueTime, nameof(dueTime));
            RequireValid(period, nameof(period));
            lock (owner._lock)
            {
                if (_armedSequence < 0)
                {
                    return false; // disposed
                }
                _period = period == Timeout.InfiniteTimeSpan || period <= TimeSpan.Zero ? -1 : period.Ticks;
                if (dueTime == Timeout.InfiniteTimeSpan)
                {
                    _armedSequence = 0;
                    return true;
                }
                _due = owner._ticks + Math.Max(0, dueTime.Ticks);
                _armedSequence = owner.Arm(this, _due);
                return true;
            }
        }

        public void ArmAt(DateTimeOffset dueAt)
        {
            lock (owner._lock)
            {
                _period = -1;
                _due = owner._ticks + Math.Max(0, (dueAt - owner._now).Ticks);
                _armedSequence = owner.Arm(this, _due);
            }
        }

        /// <summary>Called under the owner's lock as the timer fires.</summary>
        public void OnFiring()
        {
            if (_period > 0)
            {
                _due += _period;
                _armedSequence = owner.Arm(this, _due);
            }
            else
            {
                _armedSequence = 0;
            }
        }

        public void Invoke() => callback(state);

        private static void RequireValid(TimeSpan value, string name)
        {
            if (value < TimeSpan.Zero && value != Timeout.InfiniteTimeSpan)
            {
                throw new ArgumentOutOfRangeException(name, value, $"A timer's {name} must be zero or positive, or Timeout.InfiniteTimeSpan.");
            }
        }

        public void Dispose()
        {
            lock (owner._lock)
            {
                _armedSequence = -1;
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
