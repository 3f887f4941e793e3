using static ActorJobs.Jobs.Tests.Scheduling.Times;

namespace ActorJobs.Jobs.Tests.Scheduling;

/// <summary>Quartz's L, W and # (January 2026 starts on a Thursday; February 2026 has 28 days; February 2028 has 29).</summary>
public sealed class CronDaySpecialTests
{
    private const string Start = "2026-01-01T00:00:00Z";

    [Theory]
    // L: the last day of the month, whatever its length.
    [InlineData("0 0 L * *", "2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30")]
    [InlineData("0 0 L 2 *", "2026-02-28", "2027-02-28", "2028-02-29", "2029-02-28")]
    // L-n: n days before the last day.
    [InlineData("0 0 L-1 * *", "2026-01-30", "2026-02-27", "2026-03-30", "2026-04-29")]
    // nW: the weekday nearest day n, never leaving the month. 1 Feb 2026 is a Sunday (so Monday the 2nd); 1 Mar 2026
    // is a Sunday too; 1 Aug 2026 is a Saturday (so Monday the 3rd, not Friday 31 July).
    [InlineData("0 0 1W 2,3,8 *", "2026-02-02", "2026-03-02", "2026-08-03", "2027-02-01")]
    // 15 Feb 2026 is a Sunday (Monday 16th); 15 Aug 2026 is a Saturday (Friday 14th).
    [InlineData("0 0 15W 2,8 *", "2026-02-16", "2026-08-14", "2027-02-15", "2027-08-16")]
    // 31 May 2026 is a Sunday: the nearest weekday within May is Friday the 29th.
    [InlineData("0 0 31W 5 *", "2026-05-29", "2027-05-31", "2028-05-31", "2029-05-31")]
    // LW: the last weekday. 31 Jan 2026 is a Saturday, 28 Feb a Saturday, 31 May a Sunday.
    [InlineData("0 0 LW 1,2,5 *", "2026-01-30", "2026-02-27", "2026-05-29", "2027-01-29")]
    // d#n: the n-th weekday d. Second Friday; fifth Thursday only where there is one.
    [InlineData("0 0 * * FRI#2", "2026-01-09", "2026-02-13", "2026-03-13", "2026-04-10")]
    [InlineData("0 0 * * 4#5", "2026-01-29", "2026-04-30", "2026-07-30", "2026-10-29")]
    // dL: the last weekday d. Last Friday of the month.
    [InlineData("0 0 * * 5L", "2026-01-30", "2026-02-27", "2026-03-27", "2026-04-24")]
    [InlineData("0 0 * * FRIL", "2026-01-30", "2026-02-27", "2026-03-27", "2026-04-24")]
    // Lists mix them with plain days.
    [InlineData("0 0 1,L * *", "2026-01-31", "2026-02-01", "2026-02-28", "2026-03-01")]
    [InlineData("0 0 ? * MON#1,FRIL", "2026-01-05", "2026-01-30", "2026-02-02", "2026-02-27")]
    public void Day_tokens_pick_the_days_they_name(string cron, string first, string second, string third, string fourth)
    {
        Assert.Equal(
            new[] { first, second, third, fourth }.Select(d => d + "T00:00:00Z"),
            Fires(cron, "UTC", Start, 4));
    }

    [Fact]
    public void The_fifth_monday_of_february_comes_in_leap_years_that_start_february_on_a_monday()
    {
        Assert.Equal(["2044-02-29T00:00:00Z", "2072-02-29T00:00:00Z"], Fires("0 0 * 2 MON#5", "UTC", Start, 2));
    }

    [Fact]
    public void A_day_token_is_ored_with_a_restricted_day_of_week()
    {
        // The last day of the month, and every Sunday (4 January 2026 is a Sunday).
        Assert.Equal(
            ["2026-01-04T00:00:00Z", "2026-01-11T00:00:00Z", "2026-01-18T00:00:00Z", "2026-01-25T00:00:00Z", "2026-01-31T00:00:00Z"],
            Fires("0 0 L * SUN", "UTC", Start, 5));
    }
}
