using System.Text;
using ActorJobs.Jobs.Scheduling;
using NCrontab;

namespace ActorJobs.Jobs.Tests.Scheduling;

/// <summary>
/// Our parser against NCrontab, an independent implementation, on random expressions where the two are meant to
/// agree: no L/W/#, no 7 for Sunday, and at most one restricted day field (NCrontab ANDs the day fields; we OR them as
/// Vixie cron does). In UTC, where no daylight-saving rule applies.
/// </summary>
public sealed class NCrontabAgreementTests
{
    [Theory]
    [InlineData(1, false)]
    [InlineData(2, true)]
    public void Random_expressions_fire_when_ncrontab_says(int seed, bool withSeconds)
    {
        var random = new Random(seed);
        for (var i = 0; i < 1000; i++)
        {
            var text = RandomExpression(random, withSeconds);
            var ours = CronSchedule.Create(text, "UTC");
            var theirs = CrontabSchedule.Parse(text, new CrontabSchedule.ParseOptions { IncludingSeconds = withSeconds });
            var cursor = new DateTime(2020 + random.Next(0, 10), random.Next(1, 13), random.Next(1, 29), random.Next(0, 24), random.Next(0, 60), withSeconds ? 59 : random.Next(0, 60), DateTimeKind.Utc);
            for (var n = 0; n < 20; n++)
            {
                var expected = theirs.GetNextOccurrence(cursor, cursor.AddYears(30));
                var actual = ours.Next(new DateTimeOffset(cursor, TimeSpan.Zero))?.UtcDateTime;
                Assert.True(expected == actual, $"'{text}' after {cursor:O}: NCrontab {expected:O}, ours {actual:O}");

                // NCrontab 3.3.2 does not reset the seconds when it moves to a later minute ("* 19 11 * * *" after
                // 09:35:42 gives 11:19:43), so with seconds every comparison starts at second 59 of a minute,
                // where that slip cannot show.
                cursor = withSeconds ? expected.AddTicks(-(expected.Ticks % TimeSpan.TicksPerMinute)).AddSeconds(59) : expected;
            }
        }
    }

    private static string RandomExpression(Random random, bool withSeconds)
    {
        var fields = new List<string>();
        if (withSeconds)
        {
            fields.Add(RandomField(random, 0, 59));
        }

        fields.Add(RandomField(random, 0, 59));
        fields.Add(RandomField(random, 0, 23));
        var restrictDayOfMonth = random.Next(0, 2) == 0;
        fields.Add(restrictDayOfMonth ? RandomField(random, 1, 28) : "*");
        fields.Add(RandomField(random, 1, 12));
        fields.Add(restrictDayOfMonth ? "*" : RandomField(random, 0, 6));
        return string.Join(' ', fields);
    }

    private static string RandomField(Random random, int min, int max)
    {
        // NCrontab 3.3.2 mishandles * inside a list ("24,6,*" as seconds skips second 0), so * only stands alone.
        if (random.Next(0, 5) == 0)
        {
            return "*";
        }

        var items = new StringBuilder();
        var count = random.Next(1, 4);
        for (var i = 0; i < count; i++)
        {
            if (i > 0)
            {
                items.Append(',');
            }

            var low = random.Next(min, max + 1);
            var high = random.Next(low, max + 1);
            items.Append(random.Next(0, 6) switch
            {
                0 or 1 => $"*/{random.Next(1, Math.Min(max, 15) + 1)}",
                2 => $"{low}-{high}",
                3 => $"{low}-{high}/{random.Next(1, 5)}",
                _ => $"{low}",
            });
        }

        return items.ToString();
    }
}
