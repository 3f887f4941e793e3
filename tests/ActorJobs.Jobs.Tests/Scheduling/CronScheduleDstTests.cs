using ActorJobs.Jobs.Scheduling;
using static ActorJobs.Jobs.Tests.Scheduling.Times;

namespace ActorJobs.Jobs.Tests.Scheduling;

/// <summary>
/// The daylight-saving policy: a time the clock springs over fires once at the first instant after the gap; a time the
/// clock repeats fires once for a fixed-time expression and in both passes for an interval expression.
/// Transitions used (2026): Berlin 29 Mar 01:00Z (02:00 CET to 03:00 CEST) and 25 Oct 01:00Z (03:00 CEST to 02:00 CET);
/// New York 8 Mar 07:00Z (02:00 EST to 03:00 EDT) and 1 Nov 06:00Z (02:00 EDT to 01:00 EST); Sydney 4 Apr 16:00Z
/// (03:00 AEDT to 02:00 AEST) and 3 Oct 16:00Z (02:00 AEST to 03:00 AEDT); Lord Howe 4 Apr 15:00Z (02:00 to 01:30)
/// and 3 Oct 15:30Z (02:00 to 02:30).
/// </summary>
public sealed class CronScheduleDstTests
{
    private const string Berlin = "Europe/Berlin";
    private const string NewYork = "America/New_York";
    private const string Sydney = "Australia/Sydney";
    private const string LordHowe = "Australia/Lord_Howe";

    [Theory]
    // Spring forward: 02:30 does not exist; it fires at 03:00 local, the first instant after the gap, that day only.
    [InlineData(Berlin, "2026-03-27T12:00:00Z", "2026-03-28T01:30:00Z", "2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z")]
    [InlineData(NewYork, "2026-03-06T12:00:00Z", "2026-03-07T07:30:00Z", "2026-03-08T07:00:00Z", "2026-03-09T06:30:00Z")]
    [InlineData(Sydney, "2026-10-02T00:00:00Z", "2026-10-02T16:30:00Z", "2026-10-03T16:00:00Z", "2026-10-04T15:30:00Z")]
    // Fall back: 02:30 occurs twice in Berlin and Sydney; it fires once, at the first (daylight-time) occurrence.
    [InlineData(Berlin, "2026-10-23T12:00:00Z", "2026-10-24T00:30:00Z", "2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z")]
    [InlineData(Sydney, "2026-04-03T00:00:00Z", "2026-04-03T15:30:00Z", "2026-04-04T15:30:00Z", "2026-04-05T16:30:00Z")]
    // New York repeats 01:00-02:00, so 02:30 is an ordinary time there on the fall-back day.
    [InlineData(NewYork, "2026-10-30T12:00:00Z", "2026-10-31T06:30:00Z", "2026-11-01T07:30:00Z", "2026-11-02T07:30:00Z")]
    public void A_daily_fixed_time_fires_exactly_once_a_day_across_both_changes(string zone, string after, string day1, string day2, string day3)
    {
        Assert.Equal([day1, day2, day3], Fires("30 2 * * *", zone, after, 3));
    }

    [Fact]
    public void A_fixed_time_in_the_repeated_hour_fires_at_its_first_occurrence_only()
    {
        var fires = Fires("30 1 * * *", NewYork, "2026-10-30T12:00:00Z", 3);

        Assert.Equal(["2026-10-31T05:30:00Z", "2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z"], fires);
        Assert.Equal("2026-11-01 01:30:00-04:00", Local(Utc(fires[1]), NewYork)); // EDT: the first of the two 01:30s
    }

    [Theory]
    [InlineData(Berlin, "2026-10-24T22:00:00Z", "2026-10-25T03:00:00Z")]
    [InlineData(NewYork, "2026-11-01T03:00:00Z", "2026-11-01T08:00:00Z")]
    [InlineData(Sydney, "2026-04-04T13:00:00Z", "2026-04-04T18:00:00Z")]
    [InlineData(LordHowe, "2026-04-04T13:00:00Z", "2026-04-04T17:00:00Z")]
    public void Every_15_minutes_keeps_firing_every_15_real_minutes_through_the_repeated_hour(string zone, string from, string to)
    {
        var fires = FiresBetween("*/15 * * * *", zone, from, to).Select(Utc).ToList();

        AssertEvery(TimeSpan.FromMinutes(15), Utc(from), Utc(to), fires);
    }

    [Theory]
    [InlineData(Berlin, "2026-03-28T22:00:00Z", "2026-03-29T03:00:00Z")]
    [InlineData(NewYork, "2026-03-08T04:00:00Z", "2026-03-08T09:00:00Z")]
    [InlineData(Sydney, "2026-10-03T13:00:00Z", "2026-10-03T18:00:00Z")]
    [InlineData(LordHowe, "2026-10-03T13:00:00Z", "2026-10-03T18:00:00Z")]
    public void Every_15_minutes_fires_every_15_real_minutes_across_the_gap(string zone, string from, string to)
    {
        // The gap has no real duration: the ticks inside it share the first instant after it with that instant's own
        // tick (03:00 local), so the real-time cadence does not break and nothing fires twice.
        var fires = FiresBetween("*/15 * * * *", zone, from, to).Select(Utc).ToList();

        AssertEvery(TimeSpan.FromMinutes(15), Utc(from), Utc(to), fires);
    }

    [Theory]
    [InlineData(Berlin, "2026-10-24T21:00:00Z", "2026-10-25T04:00:00Z")]
    [InlineData(NewYork, "2026-11-01T02:00:00Z", "2026-11-01T09:00:00Z")]
    [InlineData(Sydney, "2026-04-04T12:00:00Z", "2026-04-04T19:00:00Z")]
    [InlineData(Berlin, "2026-03-28T21:00:00Z", "2026-03-29T04:00:00Z")]
    [InlineData(NewYork, "2026-03-08T03:00:00Z", "2026-03-08T10:00:00Z")]
    [InlineData(Sydney, "2026-10-03T12:00:00Z", "2026-10-03T19:00:00Z")]
    public void Hourly_fires_every_real_hour_in_both_directions(string zone, string from, string to)
    {
        var fires = FiresBetween("0 * * * *", zone, from, to).Select(Utc).ToList();

        AssertEvery(TimeSpan.FromHours(1), Utc(from), Utc(to), fires);
    }

    [Fact]
    public void Hourly_in_a_hour_repeated_by_a_half_hour_change_fires_once()
    {
        // Lord Howe goes back from 02:00 (+11) to 01:30 (+10:30): 01:30 shows twice, 30 real minutes apart. An hourly
        // schedule firing at both would fire twice in half an hour, so it fires at the first only.
        var fires = FiresBetween("30 * * * *", LordHowe, "2026-04-04T13:00:00Z", "2026-04-04T17:00:00Z");

        Assert.Equal(["2026-04-04T13:30:00Z", "2026-04-04T14:30:00Z", "2026-04-04T16:00:00Z", "2026-04-04T17:00:00Z"], fires);
    }

    [Fact]
    public void A_gap_of_half_an_hour_moves_a_tick_in_it_to_the_end_of_the_gap()
    {
        // Lord Howe springs from 02:00 (+10:30) to 02:30 (+11) at 15:30Z: 02:15 fires at 02:30 local.
        Assert.Equal(["2026-10-03T15:30:00Z", "2026-10-04T15:15:00Z"], Fires("15 2 * * *", LordHowe, "2026-10-03T00:00:00Z", 2));
    }

    [Fact]
    public void Every_two_hours_is_fixed_time_so_the_repeated_hour_does_not_fire_it_again()
    {
        // Berlin repeats 02:00-03:00: 02:00 CEST (00:00Z) fires, 02:00 CET (01:00Z) does not, 04:00 CET (03:00Z) does.
        Assert.Equal(
            ["2026-10-24T22:00:00Z", "2026-10-25T00:00:00Z", "2026-10-25T03:00:00Z"],
            FiresBetween("0 */2 * * *", Berlin, "2026-10-24T21:00:00Z", "2026-10-25T04:00:00Z"));
    }

    [Fact]
    public void Every_minute_within_the_repeated_hour_fires_in_both_passes()
    {
        // "* 1 * * *" fires more than once an hour, so it is an interval expression: New York's 01:00-02:00 happens
        // twice on 1 November and the schedule fires 120 times, one real minute apart.
        var fires = FiresBetween("* 1 * * *", NewYork, "2026-11-01T04:00:00Z", "2026-11-01T12:00:00Z").Select(Utc).ToList();

        Assert.Equal(120, fires.Count);
        AssertEvery(TimeSpan.FromMinutes(1), Utc("2026-11-01T04:59:00Z"), Utc("2026-11-01T06:59:00Z"), fires);
    }

    [Fact]
    public void Every_15_seconds_with_six_fields_fires_every_15_real_seconds_through_the_change()
    {
        var fires = FiresBetween("*/15 * * * * *", Berlin, "2026-10-25T00:55:00Z", "2026-10-25T01:05:00Z").Select(Utc).ToList();

        AssertEvery(TimeSpan.FromSeconds(15), Utc("2026-10-25T00:55:00Z"), Utc("2026-10-25T01:05:00Z"), fires);
    }

    [Fact]
    public void Several_ticks_in_one_gap_fire_once_together()
    {
        // 02:10, 02:20, ..., 02:50 do not exist on 29 March in Berlin; they fire once, at 03:00 CEST (01:00Z).
        Assert.Equal(
            ["2026-03-28T01:40:00Z", "2026-03-28T01:50:00Z", "2026-03-29T01:00:00Z", "2026-03-30T00:10:00Z"],
            FiresBetween("10-50/10 2 * * *", Berlin, "2026-03-28T01:30:00Z", "2026-03-30T00:15:00Z"));
    }

    [Fact]
    public void A_weekly_schedule_on_the_change_day_is_never_skipped_nor_doubled()
    {
        // Sundays at 02:30 in New York, over a year: exactly one fire per Sunday, both change days included.
        var fires = FiresBetween("30 2 * * SUN", NewYork, "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z").Select(Utc).ToList();
        var zone = TimeZoneInfo.FindSystemTimeZoneById(NewYork);
        var days = fires.Select(f => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(f, zone).DateTime)).ToList();

        Assert.Equal(52, fires.Count);
        Assert.All(days, d => Assert.Equal(DayOfWeek.Sunday, d.DayOfWeek));
        Assert.Equal(days.Count, days.Distinct().Count());
        Assert.Contains(Utc("2026-03-08T07:00:00Z"), fires); // 02:30 sprung over: 03:00 EDT
    }

    [Theory]
    [InlineData("30 2 * * *", Berlin)]
    [InlineData("*/15 * * * *", Berlin)]
    [InlineData("0 * * * *", NewYork)]
    [InlineData("30 1 * * *", NewYork)]
    [InlineData("*/7 1-3 * * *", Sydney)]
    [InlineData("0,30 * * * *", LordHowe)]
    [InlineData("15 2 * * *", LordHowe)]
    public void Fires_are_strictly_increasing_whole_seconds_and_each_local_day_fires_a_fixed_time_once(string cron, string zone)
    {
        var schedule = CronSchedule.Create(cron, zone);
        var fires = new List<DateTimeOffset>();
        for (var next = schedule.Next(Utc("2026-01-01T00:00:00Z")); next is { } n && n.Year < 2027; next = schedule.Next(n))
        {
            fires.Add(n);
        }

        Assert.All(fires.Zip(fires.Skip(1)), pair => Assert.True(pair.First < pair.Second));
        Assert.All(fires, f => Assert.Equal(0, f.UtcTicks % TimeSpan.TicksPerSecond));
        Assert.All(fires, f => Assert.Equal(TimeSpan.Zero, f.Offset));
        if (!schedule.Expression.IsInterval)
        {
            var tz = TimeZoneInfo.FindSystemTimeZoneById(zone);
            var perDay = fires.GroupBy(f => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(f, tz).DateTime)).ToList();
            Assert.InRange(perDay.Count, 364, 366); // a local day at either end of the UTC year may fall outside it
            Assert.All(perDay, g => Assert.Single(g));
        }
    }

    [Fact]
    public void Next_from_inside_the_repeated_hour_skips_a_fixed_time_already_fired_in_the_first_pass()
    {
        // 05:45Z is 01:45 EDT; 06:10Z is 01:10 EST, in the second pass: 01:30 EST must not fire, 01:30 EDT did.
        var schedule = CronSchedule.Create("30 1 * * *", NewYork);

        Assert.Equal(Utc("2026-11-02T06:30:00Z"), schedule.Next(Utc("2026-11-01T06:10:00Z")));
        Assert.Equal(Utc("2026-11-01T05:30:00Z"), schedule.Next(Utc("2026-11-01T05:10:00Z")));
    }

    [Fact]
    public void Next_from_inside_the_repeated_hour_fires_the_second_pass_of_an_interval()
    {
        var schedule = CronSchedule.Create("*/15 * * * *", NewYork);

        Assert.Equal(Utc("2026-11-01T06:15:00Z"), schedule.Next(Utc("2026-11-01T06:10:00Z")));
        Assert.Equal(Utc("2026-11-01T06:00:00Z"), schedule.Next(Utc("2026-11-01T05:59:59.999Z")));
    }

    [Theory]
    [InlineData("30 2 * * *", false)]
    [InlineData("0 1-3 * * *", false)]
    [InlineData("0 */2 * * *", false)]
    [InlineData("15 10 1 * *", false)]
    [InlineData("@daily", false)]
    [InlineData("0 30 2 * * *", false)]
    [InlineData("0 * * * *", true)]
    [InlineData("@hourly", true)]
    [InlineData("0 0-23 * * *", true)]
    [InlineData("*/15 * * * *", true)]
    [InlineData("*/15 1 * * *", true)]
    [InlineData("0,30 9 * * *", true)]
    [InlineData("*/10 0 1 * * *", true)]
    [InlineData("* * * * *", true)]
    public void Fixed_time_and_interval_are_told_apart_by_the_time_fields(string cron, bool interval)
    {
        Assert.Equal(interval, CronExpression.Parse(cron).IsInterval);
    }

    private static void AssertEvery(TimeSpan step, DateTimeOffset from, DateTimeOffset to, List<DateTimeOffset> fires)
    {
        Assert.NotEmpty(fires);
        var expected = new List<DateTimeOffset>();
        var first = fires[0];
        Assert.True(first - from <= step, $"first fire {Iso(first)} is more than {step} after {Iso(from)}");
        for (var t = first; t <= to && expected.Count <= fires.Count; t += step)
        {
            expected.Add(t);
        }

        Assert.Equal(expected.Select(Iso), fires.Where(f => f <= to).Select(Iso));
    }
}
