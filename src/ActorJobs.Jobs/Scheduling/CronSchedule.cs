namespace ActorJobs.Jobs.Scheduling;

/// <summary>
/// A cron expression in a time zone: the instants (in UTC) at which a schedule fires. Pure: it reads no clock.
/// </summary>
/// <remarks>
/// <para>The expression matches wall-clock times in <see cref="TimeZone"/>; each matched wall-clock time (a tick)
/// becomes fire instants by these rules, and <see cref="Next"/> returns the earliest fire instant after the one given:</para>
/// <list type="bullet">
/// <item>A tick that exists once fires once, at that instant.</item>
/// <item>A tick that does not exist because the clock sprang forward over it fires at the first instant after the
/// gap (02:30 on the day Berlin goes from 02:00 to 03:00 fires at 03:00 CEST). Several ticks in one gap, and a tick at
/// the gap's end, share that one instant, so they fire once.</item>
/// <item>A tick that exists twice because the clock fell back fires at its first occurrence; it fires at the second
/// occurrence as well only for an interval expression (<see cref="CronExpression.IsInterval"/>), which so keeps
/// firing every N real minutes through the repeated hour. An hourly expression counts as an interval only when the
/// clock goes back by at least an hour.</item>
/// </list>
/// <para>The result is a set of distinct instants: no instant fires twice, and no day or week is skipped.</para>
/// </remarks>
public sealed class CronSchedule
{
    /// <summary>The most fire times <see cref="NextOccurrences"/> returns at once.</summary>
    public const int MaxPreview = 1000;

    // Past any gap between two fires of a valid expression (28 years for 29 February on a Monday, longer across a
    // century that skips a leap year), and within the 400-year cycle that validation checked.
    private const int HorizonYears = 401;

    private static readonly TimeSpan OneSecond = TimeSpan.FromSeconds(1);

    // Keeps wall-clock arithmetic (offsets up to ±14 hours) clear of DateTime.MaxValue.
    private static readonly DateTime EndOfCalendar = DateTime.MaxValue.AddDays(-2);

    private readonly ZoneOffsets _offsets;

    private CronSchedule(CronExpression expression, TimeZoneInfo timeZone)
    {
        Expression = expression;
        TimeZone = timeZone;
        _offsets = new ZoneOffsets(timeZone);
    }

    /// <summary>The cron expression.</summary>
    public CronExpression Expression { get; }

    /// <summary>The time zone whose wall clock the expression reads.</summary>
    public TimeZoneInfo TimeZone { get; }

    /// <summary>Parses and checks <paramref name="cron"/> and <paramref name="timeZone"/> (an IANA id).</summary>
    /// <exception cref="JobValidationException">
    /// The expression is invalid or can never fire (field <c>cron</c>), or the time zone is unknown (field
    /// <c>timeZone</c>).
    /// </exception>
    public static CronSchedule Create(string? cron, string? timeZone) =>
        new(CronExpression.Parse(cron), ScheduleTimeZone.Resolve(timeZone));

    /// <summary>A schedule from an expression and a zone that are already resolved.</summary>
    public static CronSchedule Create(CronExpression expression, TimeZoneInfo timeZone)
    {
        ArgumentNullException.ThrowIfNull(expression);
        ArgumentNullException.ThrowIfNull(timeZone);
        return new CronSchedule(expression, timeZone);
    }

    /// <summary>
    /// The first fire instant strictly after <paramref name="after"/>, in UTC (offset zero, a whole second); null only
    /// when none falls before the end of the calendar (year 9999).
    /// </summary>
    public DateTimeOffset? Next(DateTimeOffset after)
    {
        var afterUtc = after.UtcDateTime;
        var wholeSecond = afterUtc.AddTicks(-(afterUtc.Ticks % TimeSpan.TicksPerSecond));
        if (wholeSecond >= EndOfCalendar)
        {
            return null;
        }

        var from = wholeSecond + OneSecond; // fire instants are whole seconds; this is the first candidate
        var lastYear = Math.Min(from.Year + HorizonYears, DateTime.MaxValue.Year);
        var mayFollowGap = true; // `from` may be the instant a gap ends: its ticks fire at `from`
        while (from < EndOfCalendar && from.Year <= lastYear)
        {
            var offset = _offsets.At(from);
            if (mayFollowGap && FiresForGapEndingAt(from, offset, lastYear))
            {
                return Utc(from);
            }

            mayFollowGap = false;
            if (Expression.NextLocalAtOrAfter(from + offset, lastYear) is not { } tick || tick >= EndOfCalendar)
            {
                return null;
            }

            var instant = tick - offset;
            if (_offsets.FirstChange(from, offset, instant) is not { } change)
            {
                // The offset holds from `from` to the tick, so the tick's wall-clock time maps to `instant`. It may
                // still be the second showing of a time the clock went back over.
                if (!Expression.AlwaysReplays && _offsets.Repeat(instant, offset) is { } repeat && !Expression.ReplaysRepeatedTime(repeat.StepBack))
                {
                    from = repeat.End; // fired at its first showing; skip the rest of the repeated stretch
                    mayFollowGap = true;
                    continue;
                }

                return Utc(instant);
            }

            // The offset changes at `change`, before or at the tick; no tick lies between `from` and the change.
            if (FiresForGap(change, offset, _offsets.At(change), lastYear))
            {
                return Utc(change);
            }

            from = change;
        }

        return null;
    }

    /// <summary>Whether the clock sprang forward at <paramref name="instant"/> over a tick, which then fires there.</summary>
    private bool FiresForGapEndingAt(DateTime instant, TimeSpan offset, int lastYear) =>
        _offsets.At(instant - OneSecond) is var before && FiresForGap(instant, before, offset, lastYear);

    /// <summary>
    /// Whether a tick lies in the wall-clock times skipped when the offset goes from <paramref name="before"/> to
    /// <paramref name="after"/> at <paramref name="change"/>; such a tick fires at the first instant after the gap.
    /// </summary>
    private bool FiresForGap(DateTime change, TimeSpan before, TimeSpan after, int lastYear) =>
        after > before
        && Expression.NextLocalAtOrAfter(change + before, lastYear) is { } skipped
        && skipped < change + after;

    /// <summary>The next <paramref name="count"/> fire instants after <paramref name="after"/>, in increasing order.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is not 0 to <see cref="MaxPreview"/>.</exception>
    public IReadOnlyList<DateTimeOffset> NextOccurrences(DateTimeOffset after, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, MaxPreview);
        var fires = new List<DateTimeOffset>(count);
        var cursor = after;
        while (fires.Count < count && Next(cursor) is { } next)
        {
            fires.Add(next);
            cursor = next;
        }

        return fires;
    }

    /// <inheritdoc />
    public override string ToString() => $"{Expression.Text} ({TimeZone.Id})";

    private static DateTimeOffset Utc(DateTime instant) => new(DateTime.SpecifyKind(instant, DateTimeKind.Utc), TimeSpan.Zero);
}
