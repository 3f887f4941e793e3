using ActorJobs.Jobs.Scheduling;
using static ActorJobs.Jobs.Tests.Scheduling.Times;

namespace ActorJobs.Jobs.Tests.Scheduling;

public sealed class ScheduleTickTests
{
    [Fact]
    public void The_key_is_the_schedule_and_its_tick_in_utc()
    {
        Assert.Equal("schedule:nightly:2026-03-29T01:00:00Z", ScheduleTick.IdempotencyKey("nightly", Utc("2026-03-29T01:00:00Z")));
    }

    [Fact]
    public void The_same_tick_written_with_another_offset_gives_the_same_key()
    {
        var berlin = new DateTimeOffset(2026, 3, 29, 3, 0, 0, TimeSpan.FromHours(2));

        Assert.Equal(ScheduleTick.IdempotencyKey("s1", Utc("2026-03-29T01:00:00Z")), ScheduleTick.IdempotencyKey("s1", berlin));
    }

    [Fact]
    public void The_key_does_not_depend_on_the_current_culture()
    {
        var previous = System.Globalization.CultureInfo.CurrentCulture;
        try
        {
            System.Globalization.CultureInfo.CurrentCulture = new System.Globalization.CultureInfo("ar-SA");
            Assert.Equal("schedule:s:2026-11-01T06:30:00Z", ScheduleTick.IdempotencyKey("s", Utc("2026-11-01T06:30:00Z")));
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void The_longest_schedule_id_gives_a_key_the_job_catalog_accepts()
    {
        var key = ScheduleTick.IdempotencyKey(new string('a', ScheduleTick.MaxScheduleIdLength), Utc("2026-01-01T00:00:00Z"));

        Assert.Equal(Names.MaxLength, key.Length);
        Assert.Equal(key, Names.Require(key, "idempotencyKey"));
        Assert.Throws<ArgumentException>(() => ScheduleTick.IdempotencyKey(new string('a', ScheduleTick.MaxScheduleIdLength + 1), Utc("2026-01-01T00:00:00Z")));
    }

    [Fact]
    public void A_tick_with_a_fraction_of_a_second_or_an_empty_id_is_a_bug()
    {
        Assert.Throws<ArgumentException>(() => ScheduleTick.IdempotencyKey("s", Utc("2026-01-01T00:00:00.5Z")));
        Assert.Throws<ArgumentException>(() => ScheduleTick.IdempotencyKey(" ", Utc("2026-01-01T00:00:00Z")));
    }
}
