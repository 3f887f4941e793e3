using System.Globalization;
using ActorJobs.Jobs.Scheduling;

namespace ActorJobs.Jobs.Tests.Scheduling;

/// <summary>Terse instants for schedule tests: "2026-03-29T01:00:00Z" in, ISO strings out.</summary>
internal static class Times
{
    public static DateTimeOffset Utc(string iso) =>
        DateTimeOffset.Parse(iso, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    public static string Iso(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>The next <paramref name="count"/> fires after <paramref name="after"/>, as ISO strings.</summary>
    public static string[] Fires(string cron, string zone, string after, int count) =>
        [.. CronSchedule.Create(cron, zone).NextOccurrences(Utc(after), count).Select(Iso)];

    /// <summary>Every fire in (<paramref name="from"/>, <paramref name="to"/>], as ISO strings.</summary>
    public static string[] FiresBetween(string cron, string zone, string from, string to)
    {
        var schedule = CronSchedule.Create(cron, zone);
        var end = Utc(to);
        var fires = new List<string>();
        for (var next = schedule.Next(Utc(from)); next is { } n && n <= end; next = schedule.Next(n))
        {
            fires.Add(Iso(n));
        }

        return [.. fires];
    }

    /// <summary>The wall-clock time of <paramref name="instant"/> in <paramref name="zone"/>, with its offset.</summary>
    public static string Local(DateTimeOffset instant, string zone) =>
        TimeZoneInfo.ConvertTime(instant, TimeZoneInfo.FindSystemTimeZoneById(zone)).ToString("yyyy-MM-dd HH:mm:sszzz", CultureInfo.InvariantCulture);
}
