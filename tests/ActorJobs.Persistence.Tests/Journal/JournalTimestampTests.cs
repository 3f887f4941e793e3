using ActorJobs.Persistence.Journal;

namespace ActorJobs.Persistence.Tests.Journal;

public sealed class JournalTimestampTests
{
    [Fact]
    public void Timestamps_keep_whole_microseconds_in_utc()
    {
        var local = new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.FromHours(1)).AddTicks(1_234_567);

        var truncated = JournalTimestamp.Truncate(local);

        Assert.Equal(TimeSpan.Zero, truncated.Offset);
        Assert.Equal(local.UtcTicks - 7, truncated.UtcTicks);
        Assert.Equal(truncated, JournalTimestamp.FromUnixMicroseconds(JournalTimestamp.ToUnixMicroseconds(truncated)));
    }
}
