using ActorJobs.Jobs.Scheduling;
using static ActorJobs.Jobs.Tests.Scheduling.Times;

namespace ActorJobs.Jobs.Tests.Scheduling;

/// <summary>What each piece of syntax matches, read off the fires of a schedule in UTC.</summary>
public sealed class CronExpressionTests
{
    // A Thursday.
    private const string Start = "2026-01-01T00:00:00Z";

    [Theory]
    [InlineData("*/20 * * * *", "2026-01-01T00:20:00Z", "2026-01-01T00:40:00Z", "2026-01-01T01:00:00Z")]
    [InlineData("5-15/5 9 * * *", "2026-01-01T09:05:00Z", "2026-01-01T09:10:00Z", "2026-01-01T09:15:00Z")]
    [InlineData("50/5 9 * * *", "2026-01-01T09:50:00Z", "2026-01-01T09:55:00Z", "2026-01-02T09:50:00Z")]
    [InlineData("0 9,17 * * *", "2026-01-01T09:00:00Z", "2026-01-01T17:00:00Z", "2026-01-02T09:00:00Z")]
    [InlineData("0 9 * * MON-FRI", "2026-01-01T09:00:00Z", "2026-01-02T09:00:00Z", "2026-01-05T09:00:00Z")]
    [InlineData("0 9 * * mon,wed", "2026-01-05T09:00:00Z", "2026-01-07T09:00:00Z", "2026-01-12T09:00:00Z")]
    [InlineData("0 0 * * 7", "2026-01-04T00:00:00Z", "2026-01-11T00:00:00Z", "2026-01-18T00:00:00Z")]
    [InlineData("0 0 * * 5-7", "2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z", "2026-01-04T00:00:00Z")]
    [InlineData("0 0 1 jan-mar/2 *", "2026-03-01T00:00:00Z", "2027-01-01T00:00:00Z", "2027-03-01T00:00:00Z")]
    [InlineData("0 0 1 JUL,Dec *", "2026-07-01T00:00:00Z", "2026-12-01T00:00:00Z", "2027-07-01T00:00:00Z")]
    [InlineData("0 0 ? * SAT", "2026-01-03T00:00:00Z", "2026-01-10T00:00:00Z", "2026-01-17T00:00:00Z")]
    [InlineData("  0\t12  * * *  ", "2026-01-01T12:00:00Z", "2026-01-02T12:00:00Z", "2026-01-03T12:00:00Z")]
    public void Ranges_steps_lists_and_names_match_what_they_say(string cron, string first, string second, string third)
    {
        Assert.Equal([first, second, third], Fires(cron, "UTC", Start, 3));
    }

    [Theory]
    [InlineData("@yearly", "2027-01-01T00:00:00Z", "2028-01-01T00:00:00Z")]
    [InlineData("@annually", "2027-01-01T00:00:00Z", "2028-01-01T00:00:00Z")]
    [InlineData("@monthly", "2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z")]
    [InlineData("@weekly", "2026-01-04T00:00:00Z", "2026-01-11T00:00:00Z")]
    [InlineData("@daily", "2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z")]
    [InlineData("@midnight", "2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z")]
    [InlineData("@hourly", "2026-01-01T01:00:00Z", "2026-01-01T02:00:00Z")]
    [InlineData("@DAILY", "2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z")]
    public void Macros_expand_to_their_standard_expressions(string cron, string first, string second)
    {
        Assert.Equal([first, second], Fires(cron, "UTC", Start, 2));
        Assert.Equal(cron, CronExpression.Parse(cron).Text);
    }

    [Theory]
    [InlineData("*/20 * * * * *", "2026-01-01T00:00:20Z", "2026-01-01T00:00:40Z", "2026-01-01T00:01:00Z")]
    [InlineData("30 0 12 * * *", "2026-01-01T12:00:30Z", "2026-01-02T12:00:30Z", "2026-01-03T12:00:30Z")]
    [InlineData("0,15 30 * * * *", "2026-01-01T00:30:00Z", "2026-01-01T00:30:15Z", "2026-01-01T01:30:00Z")]
    [InlineData("59 59 23 31 12 *", "2026-12-31T23:59:59Z", "2027-12-31T23:59:59Z", "2028-12-31T23:59:59Z")]
    public void Six_fields_put_seconds_first(string cron, string first, string second, string third)
    {
        Assert.Equal([first, second, third], Fires(cron, "UTC", Start, 3));
        Assert.True(CronExpression.Parse(cron).HasSeconds);
    }

    [Fact]
    public void Next_is_strictly_after_the_instant_given_even_within_a_second()
    {
        var schedule = CronSchedule.Create("* * * * * *", "UTC");

        Assert.Equal(Utc("2026-01-01T00:00:01Z"), schedule.Next(Utc("2026-01-01T00:00:00Z")));
        Assert.Equal(Utc("2026-01-01T00:00:01Z"), schedule.Next(Utc("2026-01-01T00:00:00.9999999Z")));
        Assert.Equal(Utc("2026-01-01T00:00:01Z"), schedule.Next(new DateTimeOffset(2026, 1, 1, 1, 0, 0, TimeSpan.FromHours(1))));
    }

    [Fact]
    public void When_both_day_fields_are_restricted_either_one_matches()
    {
        // Vixie cron and POSIX: the 13th of each month, and every Friday (2 January 2026 is a Friday).
        Assert.Equal(
            ["2026-01-02T00:00:00Z", "2026-01-09T00:00:00Z", "2026-01-13T00:00:00Z", "2026-01-16T00:00:00Z"],
            Fires("0 0 13 * FRI", "UTC", Start, 4));
    }

    [Theory]
    [InlineData("0 0 */2 * 1", new[] { "2026-01-03T00:00:00Z", "2026-01-05T00:00:00Z", "2026-01-07T00:00:00Z", "2026-01-09T00:00:00Z", "2026-01-11T00:00:00Z", "2026-01-12T00:00:00Z" })]
    [InlineData("0 0 * * 1", new[] { "2026-01-05T00:00:00Z", "2026-01-12T00:00:00Z", "2026-01-19T00:00:00Z", "2026-01-26T00:00:00Z", "2026-02-02T00:00:00Z", "2026-02-09T00:00:00Z" })]
    [InlineData("0 0 1-31 * 1", new[] { "2026-01-05T00:00:00Z", "2026-01-12T00:00:00Z", "2026-01-19T00:00:00Z", "2026-01-26T00:00:00Z", "2026-02-02T00:00:00Z", "2026-02-09T00:00:00Z" })]
    [InlineData("0 0 */1 * 1", new[] { "2026-01-05T00:00:00Z", "2026-01-12T00:00:00Z", "2026-01-19T00:00:00Z", "2026-01-26T00:00:00Z", "2026-02-02T00:00:00Z", "2026-02-09T00:00:00Z" })]
    [InlineData("0 0 1 * 0-7", new[] { "2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z", "2026-05-01T00:00:00Z", "2026-06-01T00:00:00Z", "2026-07-01T00:00:00Z" })]
    public void A_day_field_is_restricted_when_it_excludes_a_day_however_it_is_spelled(string cron, string[] expected)
    {
        // */2 excludes even days, so it is restricted and ORed with Monday (Vixie would AND it because it starts
        // with *); 1-31 and */1 exclude nothing and 0-7 is every weekday, so the other field alone decides.
        Assert.Equal(expected, Fires(cron, "UTC", Start, 6));
    }

    [Fact]
    public void Leap_day_fires_only_in_leap_years_and_not_in_2100()
    {
        Assert.Equal(["2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z", "2036-02-29T00:00:00Z"], Fires("0 0 29 2 *", "UTC", Start, 3));
        Assert.Equal(["2096-02-29T00:00:00Z", "2104-02-29T00:00:00Z"], Fires("0 0 29 2 *", "UTC", "2095-01-01T00:00:00Z", 2));
    }

    [Fact]
    public void Day_31_fires_only_in_months_that_have_one()
    {
        Assert.Equal(
            ["2026-01-31T00:00:00Z", "2026-03-31T00:00:00Z", "2026-05-31T00:00:00Z", "2026-07-31T00:00:00Z", "2026-08-31T00:00:00Z", "2026-10-31T00:00:00Z", "2026-12-31T00:00:00Z"],
            Fires("0 0 31 * *", "UTC", Start, 7));
    }

    [Fact]
    public void A_fixed_time_on_a_leap_day_in_a_zone_with_daylight_saving_is_local()
    {
        Assert.Equal(["2028-02-28T23:00:00Z", "2032-02-28T23:00:00Z"], Fires("0 0 29 2 *", "Europe/Berlin", Start, 2));
    }

    [Fact]
    public void The_last_fire_of_the_calendar_is_followed_by_none()
    {
        var schedule = CronSchedule.Create("0 0 1 1 *", "UTC");

        Assert.Equal(Utc("9999-01-01T00:00:00Z"), schedule.Next(Utc("9998-06-01T00:00:00Z")));
        Assert.Null(schedule.Next(Utc("9999-01-01T00:00:00Z")));
        Assert.Empty(schedule.NextOccurrences(DateTimeOffset.MaxValue, 3));
    }

    [Fact]
    public void A_preview_gives_the_next_fires_in_order()
    {
        var schedule = CronSchedule.Create("0 9 * * MON-FRI", "America/New_York");

        var preview = schedule.NextOccurrences(Utc(Start), 10);

        Assert.Equal(10, preview.Count);
        Assert.All(preview.Zip(preview.Skip(1)), p => Assert.True(p.First < p.Second));
        Assert.Equal("2026-01-01T14:00:00Z", Iso(preview[0]));
        Assert.Empty(schedule.NextOccurrences(Utc(Start), 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => schedule.NextOccurrences(Utc(Start), -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => schedule.NextOccurrences(Utc(Start), CronSchedule.MaxPreview + 1));
    }
}
