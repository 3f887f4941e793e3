using System.Numerics;

namespace ActorJobs.Jobs.Scheduling;

/// <summary>
/// A parsed cron expression: which wall-clock times it matches, with no time zone attached (see
/// <see cref="CronSchedule"/> for that). Five fields (minute hour day-of-month month day-of-week) or six (second first),
/// with <c>*</c>, ranges <c>a-b</c>, steps <c>*/n</c>, <c>a-b/n</c> and <c>a/n</c>, lists, month names (JAN-DEC),
/// day names (SUN-SAT, 0 and 7 both Sunday), <c>?</c> in a day field, the macros <c>@yearly</c> <c>@annually</c>
/// <c>@monthly</c> <c>@weekly</c> <c>@daily</c> <c>@midnight</c> <c>@hourly</c>, and Quartz's <c>L</c>, <c>W</c> and
/// <c>#</c> (<c>L</c>, <c>L-3</c>, <c>15W</c>, <c>LW</c> in day-of-month; <c>5L</c>, <c>FRI#2</c> in day-of-week).
/// </summary>
/// <remarks>
/// When both day fields are restricted the expression matches a day that satisfies either of them, as Vixie cron and
/// POSIX say (<c>0 0 13 * FRI</c> is every 13th and every Friday). A day field counts as restricted when it excludes
/// some day, so <c>*</c>, <c>?</c>, <c>*/1</c> and <c>1-31</c> all leave it unrestricted. Unlike Vixie cron, a field
/// such as <c>*/2</c> is restricted because it excludes days; Vixie looks only at whether the text starts with <c>*</c>.
/// </remarks>
public sealed partial class CronExpression
{
    private const uint AllHours = (1u << 24) - 1;
    private const uint AllDaysOfMonth = 0xFFFF_FFFEu; // bits 1..31
    private const byte AllDaysOfWeek = 0x7F;

    private readonly ulong _seconds;
    private readonly ulong _minutes;
    private readonly uint _hours;
    private readonly uint _daysOfMonth;
    private readonly ushort _months;
    private readonly byte _daysOfWeek;
    private readonly CronDaySpecials _daySpecials;
    private readonly bool _dayOfMonthRestricted;
    private readonly bool _dayOfWeekRestricted;

    private CronExpression(string text, bool hasSeconds, ulong seconds, ulong minutes, uint hours, FieldValues daysOfMonth, ushort months, FieldValues daysOfWeek)
    {
        Text = text;
        HasSeconds = hasSeconds;
        _seconds = seconds;
        _minutes = minutes;
        _hours = hours;
        _daysOfMonth = (uint)daysOfMonth.Bits;
        _months = (ushort)months;
        _daysOfWeek = (byte)((daysOfWeek.Bits | (daysOfWeek.Bits >> 7)) & AllDaysOfWeek); // 7 is Sunday
        _daySpecials = new CronDaySpecials(daysOfMonth.Specials, daysOfWeek.Specials);
        _dayOfMonthRestricted = _daysOfMonth != AllDaysOfMonth;
        _dayOfWeekRestricted = _daysOfWeek != AllDaysOfWeek;
    }

    /// <summary>The expression as written (trimmed).</summary>
    public string Text { get; }

    /// <summary>Whether it was written with six fields, seconds first.</summary>
    public bool HasSeconds { get; }

    /// <summary>
    /// Whether this is an interval expression rather than a fixed-time one, which decides what happens in the hour that
    /// a clock change repeats: an interval expression fires in both passes, a fixed-time one only in the first. It is
    /// an interval expression when it can fire more than once within an hour (its second and minute fields allow more
    /// than one combination, as in <c>*/15 * * * *</c> or <c>* 1 * * *</c>) or when it fires in every hour (its hour
    /// field allows all 24, as in <c>0 * * * *</c>). <c>30 2 * * *</c>, <c>0 1-3 * * *</c> and <c>0 */2 * * *</c> are
    /// fixed-time.
    /// </summary>
    public bool IsInterval => FiresMoreThanOncePerHour || _hours == AllHours;

    private bool FiresMoreThanOncePerHour => BitOperations.PopCount(_seconds) * BitOperations.PopCount(_minutes) > 1;

    /// <inheritdoc />
    public override string ToString() => Text;

    /// <summary>
    /// Whether a tick in a stretch of wall-clock time that the clock repeats (after falling back by
    /// <paramref name="repeated"/>) fires again in the second pass. An hourly expression replays only when the clock
    /// goes back by an hour or more: Lord Howe Island's half-hour change would otherwise fire it twice in 30 minutes.
    /// </summary>
    internal bool ReplaysRepeatedTime(TimeSpan repeated) =>
        FiresMoreThanOncePerHour || (_hours == AllHours && repeated >= TimeSpan.FromHours(1));

    /// <summary>Whether a repeated stretch can ever change the answer (false: every repeated tick fires).</summary>
    internal bool AlwaysReplays => FiresMoreThanOncePerHour;

    /// <summary>
    /// The first wall-clock time at or after <paramref name="from"/> (rounded up to a whole second) that the
    /// expression matches, or null if there is none in a year up to <paramref name="lastYear"/>.
    /// </summary>
    internal DateTime? NextLocalAtOrAfter(DateTime from, int lastYear)
    {
        var rounded = from.Ticks % TimeSpan.TicksPerSecond == 0 ? from : from.AddTicks(TimeSpan.TicksPerSecond - (from.Ticks % TimeSpan.TicksPerSecond));
        int year = rounded.Year, month = rounded.Month, day = rounded.Day, hour = rounded.Hour, minute = rounded.Minute, second = rounded.Second;
        lastYear = Math.Min(lastYear, DateTime.MaxValue.Year);

        // Each step either accepts the current unit or moves to the start of the next candidate and starts over,
        // so the loop visits at most one month per iteration when nothing matches.
        while (year <= lastYear)
        {
            var nextMonth = NextBit(_months, month);
            if (nextMonth < 0)
            {
                (year, month, day, hour, minute, second) = (year + 1, 1, 1, 0, 0, 0);
                continue;
            }

            if (nextMonth != month)
            {
                (month, day, hour, minute, second) = (nextMonth, 1, 0, 0, 0);
            }

            var nextDay = NextBit(DaysOfMonthMatched(year, month), day);
            if (nextDay < 0)
            {
                (month, day, hour, minute, second) = (month + 1, 1, 0, 0, 0);
                if (month > 12)
                {
                    (year, month) = (year + 1, 1);
                }

                continue;
            }

            if (nextDay != day)
            {
                (day, hour, minute, second) = (nextDay, 0, 0, 0);
            }

            var nextHour = NextBit(_hours, hour);
            if (nextHour < 0)
            {
                (day, hour, minute, second) = (day + 1, 0, 0, 0);
                continue;
            }

            if (nextHour != hour)
            {
                (hour, minute, second) = (nextHour, 0, 0);
            }

            var nextMinute = NextBit(_minutes, minute);
            if (nextMinute < 0)
            {
                (hour, minute, second) = (hour + 1, 0, 0);
                continue;
            }

            if (nextMinute != minute)
            {
                (minute, second) = (nextMinute, 0);
            }

            var nextSecond = NextBit(_seconds, second);
            if (nextSecond < 0)
            {
                (minute, second) = (minute + 1, 0);
                continue;
            }

            return new DateTime(year, month, day, hour, minute, nextSecond, DateTimeKind.Unspecified);
        }

        return null;
    }

    /// <summary>The days of <paramref name="month"/> the day fields match, as bits 1..31.</summary>
    internal uint DaysOfMonthMatched(int year, int month)
    {
        var daysInMonth = DateTime.DaysInMonth(year, month);
        var inMonth = (uint)((1UL << (daysInMonth + 1)) - 2);
        if (!_dayOfMonthRestricted && !_dayOfWeekRestricted)
        {
            return inMonth;
        }

        var firstDayOfWeek = (int)new DateTime(year, month, 1).DayOfWeek;
        var byDayOfMonth = _dayOfMonthRestricted ? (_daysOfMonth | _daySpecials.DaysOfMonth(daysInMonth, firstDayOfWeek)) & inMonth : 0;
        var byDayOfWeek = _dayOfWeekRestricted ? (DaysWithWeekday(_daysOfWeek, firstDayOfWeek) | _daySpecials.DaysOfWeek(daysInMonth, firstDayOfWeek)) & inMonth : 0;

        // Restricted fields are ORed (Vixie/POSIX); an unrestricted one matches every day and so adds nothing.
        return byDayOfMonth | byDayOfWeek;
    }

    /// <summary>Bits 1..31 of the days whose weekday is in <paramref name="weekdays"/>, given the weekday of day 1.</summary>
    private static uint DaysWithWeekday(byte weekdays, int firstDayOfWeek)
    {
        uint days = 0;
        for (var weekday = 0; weekday < 7; weekday++)
        {
            if ((weekdays & (1 << weekday)) == 0)
            {
                continue;
            }

            for (var day = 1 + ((weekday - firstDayOfWeek + 7) % 7); day <= 31; day += 7)
            {
                days |= 1u << day;
            }
        }

        return days;
    }

    private static int NextBit(ulong bits, int from)
    {
        if (from >= 64)
        {
            return -1;
        }

        var rest = bits & (ulong.MaxValue << from);
        return rest == 0 ? -1 : BitOperations.TrailingZeroCount(rest);
    }
}
