namespace ActorJobs.Jobs.Scheduling;

/// <summary>What to fire now, and what to wait for next.</summary>
/// <param name="Fire">The ticks to fire now, oldest first; each is the nominal tick of its job's idempotency key.</param>
/// <param name="NextTick">The first tick after now: when to wake next. Null only past the end of the calendar.</param>
/// <param name="Misfired">Whether some tick was missed (earlier than the most recent, or later than the tolerance).</param>
public sealed record MisfireDecision(IReadOnlyList<DateTimeOffset> Fire, DateTimeOffset? NextTick, bool Misfired);

/// <summary>Applies a misfire policy: the pure decision the scheduler makes when it wakes, on time or after downtime.</summary>
public static class Misfire
{
    private static readonly TimeSpan FirstLookBack = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Decides which of the ticks in (<paramref name="decidedThrough"/>, <paramref name="now"/>] to fire now. Pass as
    /// <paramref name="decidedThrough"/> the instant through which ticks are already decided: the last tick fired,
    /// or the last <paramref name="now"/> this was called with (when a policy dropped ticks), or when the schedule was
    /// created or enabled. After firing, record <paramref name="now"/> as the new value, so no tick is decided twice.
    /// </summary>
    /// <remarks>
    /// The most recent due tick is on time if it is at most <see cref="MisfireSettings.Tolerance"/> late; every earlier
    /// due tick is missed. <see cref="MisfirePolicy.FireOnceNow"/> fires the most recent due tick, whether on time or
    /// not; <see cref="MisfirePolicy.Skip"/> fires it only if on time; <see cref="MisfirePolicy.CatchUp"/> fires every
    /// due tick within <see cref="MisfireSettings.CatchUpWindow"/> of now, at most
    /// <see cref="MisfireSettings.MaxCatchUp"/> of the most recent. Runs in time proportional to the ticks it returns,
    /// not to the length of the downtime.
    /// </remarks>
    /// <exception cref="JobValidationException">The settings are out of range (see <see cref="MisfireSettings.Validate"/>).</exception>
    public static MisfireDecision Decide(CronSchedule schedule, DateTimeOffset decidedThrough, DateTimeOffset now, MisfireSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        settings = (settings ?? MisfireSettings.Default).Validate(); // a few comparisons; an unchecked MaxCatchUp of 0 would break the look-back
        if (now <= decidedThrough)
        {
            return new MisfireDecision([], schedule.Next(decidedThrough), false);
        }

        var next = schedule.Next(now);
        var recent = MostRecent(schedule, decidedThrough, now, 1);
        if (recent.Count == 0)
        {
            return new MisfireDecision([], next, false);
        }

        var latest = recent[^1];
        var onTime = now - latest <= settings.Tolerance;
        var misfired = !onTime || schedule.Next(decidedThrough) < latest;
        IReadOnlyList<DateTimeOffset> fire = settings.Policy switch
        {
            MisfirePolicy.Skip => onTime ? [latest] : [],
            MisfirePolicy.CatchUp => MostRecent(schedule, Max(decidedThrough, now - settings.CatchUpWindow), now, settings.MaxCatchUp),
            _ => [latest],
        };
        return new MisfireDecision(fire, next, misfired);
    }

    /// <summary>
    /// The last <paramref name="count"/> ticks in (<paramref name="after"/>, <paramref name="now"/>], oldest first.
    /// Looks back over a window that doubles until it holds enough ticks, so a year of downtime of an every-second
    /// schedule costs a few hundred steps, not thirty million.
    /// </summary>
    private static List<DateTimeOffset> MostRecent(CronSchedule schedule, DateTimeOffset after, DateTimeOffset now, int count)
    {
        var lookBack = FirstLookBack;
        while (true)
        {
            var start = now - after > lookBack ? now - lookBack : after;
            var ticks = new Queue<DateTimeOffset>(count);
            for (var tick = schedule.Next(start); tick is { } t && t <= now; tick = schedule.Next(t))
            {
                if (ticks.Count == count)
                {
                    ticks.Dequeue();
                }

                ticks.Enqueue(t);
            }

            if (ticks.Count == count || start == after)
            {
                return [.. ticks];
            }

            lookBack *= 2;
        }
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
