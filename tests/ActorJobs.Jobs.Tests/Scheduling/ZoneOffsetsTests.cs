using ActorJobs.Jobs.Scheduling;
using static ActorJobs.Jobs.Tests.Scheduling.Times;

namespace ActorJobs.Jobs.Tests.Scheduling;

/// <summary>Finding a zone's offset changes by sampling and bisection.</summary>
public sealed class ZoneOffsetsTests
{
    [Theory]
    [InlineData("Europe/Berlin", "2026-01-01T00:00:00Z", "2026-03-29T01:00:00Z", 1, 2)]
    [InlineData("Europe/Berlin", "2026-06-01T00:00:00Z", "2026-10-25T01:00:00Z", 2, 1)]
    [InlineData("America/New_York", "2026-01-01T00:00:00Z", "2026-03-08T07:00:00Z", -5, -4)]
    [InlineData("America/New_York", "2026-06-01T00:00:00Z", "2026-11-01T06:00:00Z", -4, -5)]
    [InlineData("Australia/Sydney", "2026-01-01T00:00:00Z", "2026-04-04T16:00:00Z", 11, 10)]
    [InlineData("Australia/Sydney", "2026-06-01T00:00:00Z", "2026-10-03T16:00:00Z", 10, 11)]
    public void Changes_are_found_to_the_second(string zone, string from, string change, int hoursBefore, int hoursAfter)
    {
        var offsets = new ZoneOffsets(TimeZoneInfo.FindSystemTimeZoneById(zone));
        var start = Utc(from).UtcDateTime;

        var found = offsets.FirstChange(start, offsets.At(start), start.AddYears(1));

        Assert.Equal(Utc(change).UtcDateTime, found);
        Assert.Equal(TimeSpan.FromHours(hoursBefore), offsets.At(found!.Value.AddSeconds(-1)));
        Assert.Equal(TimeSpan.FromHours(hoursAfter), offsets.At(found.Value));
    }

    [Fact]
    public void A_zone_without_rules_never_changes()
    {
        var offsets = new ZoneOffsets(TimeZoneInfo.Utc);

        Assert.Null(offsets.FirstChange(DateTime.MinValue, TimeSpan.Zero, DateTime.MaxValue));
        Assert.Null(offsets.Repeat(Utc("2026-01-01T00:00:00Z").UtcDateTime, TimeSpan.Zero));
    }

    [Fact]
    public void A_repeated_wall_clock_time_is_recognised_in_its_second_pass_only()
    {
        var offsets = new ZoneOffsets(TimeZoneInfo.FindSystemTimeZoneById("America/New_York"));
        var firstPass = Utc("2026-11-01T05:30:00Z").UtcDateTime;   // 01:30 EDT
        var secondPass = Utc("2026-11-01T06:30:00Z").UtcDateTime;  // 01:30 EST

        Assert.Null(offsets.Repeat(firstPass, TimeSpan.FromHours(-4)));
        Assert.Equal((Utc("2026-11-01T07:00:00Z").UtcDateTime, TimeSpan.FromHours(1)), offsets.Repeat(secondPass, TimeSpan.FromHours(-5)));
        Assert.Null(offsets.Repeat(Utc("2026-11-01T07:00:00Z").UtcDateTime, TimeSpan.FromHours(-5)));
    }

    [Theory]
    [InlineData("Europe/Berlin")]
    [InlineData("America/New_York")]
    [InlineData("Australia/Sydney")]
    [InlineData("Australia/Lord_Howe")]
    [InlineData("America/Sao_Paulo")]
    [InlineData("Asia/Tehran")]
    public void Sampling_a_day_apart_finds_every_change_that_hourly_sampling_finds(string zone)
    {
        var offsets = new ZoneOffsets(TimeZoneInfo.FindSystemTimeZoneById(zone));
        var start = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var end = new DateTime(2040, 1, 1, 0, 0, 0, DateTimeKind.Utc);

        var hourly = new List<DateTime>();
        for (var t = start; t < end; t = t.AddHours(1))
        {
            if (offsets.At(t.AddHours(1)) != offsets.At(t))
            {
                hourly.Add(t.AddHours(1));
            }
        }

        var found = new List<DateTime>();
        for (var cursor = start; offsets.FirstChange(cursor, offsets.At(cursor), end) is { } change; cursor = change)
        {
            found.Add(change);
        }

        // Hourly sampling sees a change at the first whole hour after it; all known changes are on whole hours or
        // half hours, so compare them rounded up to the hour.
        Assert.NotEmpty(found);
        Assert.Equal(hourly, found.Select(f => f.Ticks % TimeSpan.TicksPerHour == 0 ? f : f.AddTicks(TimeSpan.TicksPerHour - (f.Ticks % TimeSpan.TicksPerHour))));
    }
}
