namespace ActorJobs.Jobs.Scheduling;

/// <summary>What a Quartz-style day token (L, W or #) asks for.</summary>
internal enum DaySpecialKind
{
    /// <summary><c>L</c> or <c>L-n</c>: the last day of the month, less <c>Value</c> days.</summary>
    LastDayOfMonth,

    /// <summary><c>nW</c>: the weekday (Monday to Friday) nearest day <c>Value</c>, within the month.</summary>
    NearestWeekday,

    /// <summary><c>LW</c>: the last weekday (Monday to Friday) of the month.</summary>
    LastWeekdayOfMonth,

    /// <summary><c>d#n</c>: the <c>Nth</c> weekday <c>Value</c> (0 = Sunday) of the month.</summary>
    NthWeekday,

    /// <summary><c>dL</c>: the last weekday <c>Value</c> of the month.</summary>
    LastWeekday,
}

/// <summary>One L, W or # token.</summary>
internal readonly record struct DaySpecial(DaySpecialKind Kind, int Value, int Nth = 0);

/// <summary>The L, W and # tokens of an expression's two day fields, resolved month by month.</summary>
internal sealed class CronDaySpecials(IReadOnlyList<DaySpecial> dayOfMonth, IReadOnlyList<DaySpecial> dayOfWeek)
{
    /// <summary>Bits 1..31 of the days the day-of-month tokens select.</summary>
    public uint DaysOfMonth(int daysInMonth, int firstDayOfWeek)
    {
        uint days = 0;
        foreach (var special in dayOfMonth)
        {
            var day = special.Kind switch
            {
                DaySpecialKind.LastDayOfMonth => daysInMonth - special.Value,
                DaySpecialKind.NearestWeekday => NearestWeekday(special.Value, daysInMonth, firstDayOfWeek),
                DaySpecialKind.LastWeekdayOfMonth => NearestWeekday(daysInMonth, daysInMonth, firstDayOfWeek),
                _ => 0,
            };
            if (day >= 1 && day <= daysInMonth)
            {
                days |= 1u << day;
            }
        }

        return days;
    }

    /// <summary>Bits 1..31 of the days the day-of-week tokens select.</summary>
    public uint DaysOfWeek(int daysInMonth, int firstDayOfWeek)
    {
        uint days = 0;
        foreach (var special in dayOfWeek)
        {
            var first = 1 + ((special.Value - firstDayOfWeek + 7) % 7);
            var day = special.Kind switch
            {
                DaySpecialKind.NthWeekday => first + (7 * (special.Nth - 1)),
                DaySpecialKind.LastWeekday => first + (7 * ((daysInMonth - first) / 7)),
                _ => 0,
            };
            if (day >= 1 && day <= daysInMonth)
            {
                days |= 1u << day;
            }
        }

        return days;
    }

    /// <summary>
    /// The Monday-to-Friday day nearest <paramref name="day"/> without leaving the month (Quartz's rule): a Saturday
    /// moves to the Friday before unless that is in the previous month, then to the Monday after; a Sunday moves to
    /// the Monday after unless that is in the next month, then to the Friday before. No day if the month is too short.
    /// </summary>
    private static int NearestWeekday(int day, int daysInMonth, int firstDayOfWeek)
    {
        if (day > daysInMonth)
        {
            return 0;
        }

        var weekday = (firstDayOfWeek + day - 1) % 7;
        return weekday switch
        {
            6 => day == 1 ? 3 : day - 1,
            0 => day == daysInMonth ? day - 2 : day + 1,
            _ => day,
        };
    }
}
