using ActorJobs.TestKit;

namespace ActorJobs.Jobs.Tests.Engine;

/// <summary>
/// Virtual time (the timers of a <see cref="TestScheduler"/>, which fire only when advanced) whose reading the test
/// sets, and which can move on right after its next reading: as a real clock does between two readings on a loaded
/// machine, made to happen exactly there. It can also throw at its next reading, to fail whichever actor reads it then.
/// </summary>
public sealed class ClockMovedBetweenReads : TimeProvider
{
    private readonly TestScheduler _timers = new();
    private readonly Lock _lock = new();
    private TimeSpan _offset;
    private TimeSpan _moveAfterNextRead;
    private Exception? _throwAtNextRead;

    /// <inheritdoc />
    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    /// <inheritdoc />
    public override long TimestampFrequency => _timers.TimestampFrequency;

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock)
        {
            if (_throwAtNextRead is { } failure)
            {
                _throwAtNextRead = null;
                throw failure;
            }

            var now = _timers.GetUtcNow() + _offset;
            _offset += _moveAfterNextRead;
            _moveAfterNextRead = TimeSpan.Zero;
            return now;
        }
    }

    /// <inheritdoc />
    public override long GetTimestamp() => _timers.GetTimestamp();

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        _timers.CreateTimer(callback, state, dueTime, period);

    /// <summary>Makes the clock read <paramref name="now"/> (no timer fires), and move on by <paramref name="thenMoveBy"/> once it has been read.</summary>
    public void Set(DateTimeOffset now, TimeSpan thenMoveBy)
    {
        lock (_lock)
        {
            _offset = now - _timers.GetUtcNow();
            _moveAfterNextRead = thenMoveBy;
        }
    }

    /// <summary>Makes the next reading throw <paramref name="failure"/> (once).</summary>
    public void ThrowAtNextRead(Exception failure)
    {
        lock (_lock)
        {
            _throwAtNextRead = failure;
        }
    }

    /// <summary>Moves time on by <paramref name="delta"/>, firing the timers due meanwhile.</summary>
    public void Advance(TimeSpan delta) => _timers.Advance(delta);
}
