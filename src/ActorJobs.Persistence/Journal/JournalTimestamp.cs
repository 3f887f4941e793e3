namespace ActorJobs.Persistence.Journal;

/// <summary>
/// Journal time: UTC with microsecond precision, the finest that every backend stores (PostgreSQL's
/// <c>timestamptz</c>), so an event's timestamp round-trips equally through each of them.
/// </summary>
public static class JournalTimestamp
{
    private const long TicksPerMicrosecond = TimeSpan.TicksPerMillisecond / 1000;

    /// <summary>The current time of <paramref name="timeProvider"/>, truncated to whole microseconds.</summary>
    /// <param name="timeProvider">The injected clock.</param>
    public static DateTimeOffset Now(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        return Truncate(timeProvider.GetUtcNow());
    }

    /// <summary>Converts to UTC and drops the sub-microsecond part.</summary>
    /// <param name="timestamp">Any timestamp.</param>
    public static DateTimeOffset Truncate(DateTimeOffset timestamp)
    {
        var ticks = timestamp.UtcTicks;
        return new DateTimeOffset(ticks - (ticks % TicksPerMicrosecond), TimeSpan.Zero);
    }

    /// <summary>Microseconds since the Unix epoch, the form SQLite stores.</summary>
    /// <param name="timestamp">Any timestamp.</param>
    public static long ToUnixMicroseconds(DateTimeOffset timestamp) =>
        (timestamp.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TicksPerMicrosecond;

    /// <summary>The inverse of <see cref="ToUnixMicroseconds"/>.</summary>
    /// <param name="microseconds">Microseconds since the Unix epoch.</param>
    public static DateTimeOffset FromUnixMicroseconds(long microseconds) =>
        new(DateTimeOffset.UnixEpoch.UtcTicks + (microseconds * TicksPerMicrosecond), TimeSpan.Zero);
}
