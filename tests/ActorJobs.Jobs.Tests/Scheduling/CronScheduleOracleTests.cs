using ActorJobs.Jobs.Scheduling;

namespace ActorJobs.Jobs.Tests.Scheduling;

/// <summary>
/// <see cref="CronSchedule.Next"/> against the policy written out by brute force with .NET's own conversion API
/// (IsInvalidTime, IsAmbiguousTime, GetAmbiguousTimeOffsets), which the schedule does not use: every wall-clock tick in
/// the days around each change of 2026 becomes its fire instants, and Next from every instant nearby, including the
/// change itself and a second either side, must return the first of them.
/// </summary>
public sealed class CronScheduleOracleTests
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        // Santiago changes at midnight: in April 00:00 goes back to 23:00 the day before, in September 00:00 jumps to
        // 01:00, so a change there moves a tick across a day boundary.
        foreach (var zone in new[] { "Europe/Berlin", "America/New_York", "Australia/Sydney", "Australia/Lord_Howe", "America/Santiago" })
        {
            foreach (var cron in new[] { "30 2 * * *", "30 1 * * *", "0 2 * * *", "0 3 * * *", "*/15 * * * *", "0 * * * *", "30 * * * *", "*/7 1-3 * * *", "0 */2 * * *", "10-50/20 2 * * *", "15,45 1,2 * * *", "@daily", "30 23 * * SAT", "0 0 1 * *" })
            {
                data.Add(zone, cron);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Next_returns_the_first_fire_of_the_written_out_policy(string zoneId, string cron)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId);
        var schedule = CronSchedule.Create(cron, zoneId);
        foreach (var change in Changes(zone, 2026))
        {
            var from = change.AddDays(-1);
            var to = change.AddDays(1);
            var fires = WrittenOut(schedule, zone, from - TimeSpan.FromDays(1), to + TimeSpan.FromDays(40)); // a monthly tick too

            var probes = new List<DateTime>();
            for (var t = from; t < to; t = t.AddMinutes(7))
            {
                probes.Add(t);
            }

            probes.AddRange([change.AddSeconds(-1), change, change.AddSeconds(1), change.AddMinutes(-30), change.AddMinutes(30)]);
            foreach (var probe in probes)
            {
                var expected = fires.First(f => f > probe);
                var actual = schedule.Next(new DateTimeOffset(probe, TimeSpan.Zero))?.UtcDateTime;
                Assert.True(expected == actual, $"{cron} in {zoneId}, after {probe:O}: expected {expected:O}, got {actual:O}");
            }
        }
    }

    /// <summary>The policy by brute force: each local tick's fire instants, as a sorted set.</summary>
    private static SortedSet<DateTime> WrittenOut(CronSchedule schedule, TimeZoneInfo zone, DateTime fromUtc, DateTime toUtc)
    {
        var fires = new SortedSet<DateTime>();
        var local = TimeZoneInfo.ConvertTimeFromUtc(fromUtc, zone);
        var end = TimeZoneInfo.ConvertTimeFromUtc(toUtc, zone);
        while (schedule.Expression.NextLocalAtOrAfter(local, 2100) is { } tick && tick < end)
        {
            local = tick.AddSeconds(1);
            if (zone.IsInvalidTime(tick))
            {
                var afterGap = tick;
                while (zone.IsInvalidTime(afterGap))
                {
                    afterGap = afterGap.AddMinutes(1);
                }

                fires.Add(TimeZoneInfo.ConvertTimeToUtc(afterGap, zone)); // gaps begin and end on whole minutes
                continue;
            }

            if (zone.IsAmbiguousTime(tick))
            {
                var offsets = zone.GetAmbiguousTimeOffsets(tick).OrderDescending().ToArray();
                fires.Add(DateTime.SpecifyKind(tick - offsets[0], DateTimeKind.Utc));
                if (schedule.Expression.ReplaysRepeatedTime(offsets[0] - offsets[^1]))
                {
                    fires.Add(DateTime.SpecifyKind(tick - offsets[^1], DateTimeKind.Utc));
                }

                continue;
            }

            fires.Add(TimeZoneInfo.ConvertTimeToUtc(tick, zone));
        }

        return fires;
    }

    /// <summary>The instants the zone's offset changes in <paramref name="year"/>, found by sampling every 15 minutes.</summary>
    private static List<DateTime> Changes(TimeZoneInfo zone, int year)
    {
        var changes = new List<DateTime>();
        var t = new DateTime(year, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var offset = zone.GetUtcOffset(t);
        for (; t.Year == year; t = t.AddMinutes(15))
        {
            if (zone.GetUtcOffset(t) != offset)
            {
                changes.Add(t);
                offset = zone.GetUtcOffset(t);
            }
        }

        Assert.Equal(2, changes.Count);
        return changes;
    }
}
