namespace ActorJobs.Jobs.Scheduling;

/// <summary>One field of a cron expression: its name in error messages, its range and the names it accepts.</summary>
internal sealed class CronField
{
    private static readonly string[] MonthNames = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
    private static readonly string[] DayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

    public static readonly CronField Second = new("second", 0, 59, null, 0);
    public static readonly CronField Minute = new("minute", 0, 59, null, 0);
    public static readonly CronField Hour = new("hour", 0, 23, null, 0);
    public static readonly CronField DayOfMonth = new("day-of-month", 1, 31, null, 0);
    public static readonly CronField Month = new("month", 1, 12, MonthNames, 1);

    // 7 is Sunday as well as 0, as in Vixie cron; values are folded to 0..6 after parsing.
    public static readonly CronField DayOfWeek = new("day-of-week", 0, 7, DayNames, 0);

    private CronField(string name, int min, int max, string[]? names, int firstNameValue)
    {
        Name = name;
        Min = min;
        Max = max;
        Names = names;
        FirstNameValue = firstNameValue;
    }

    /// <summary>The field's name as error messages spell it.</summary>
    public string Name { get; }

    public int Min { get; }

    public int Max { get; }

    /// <summary>Three-letter names (months or days), or null for a numeric field.</summary>
    public string[]? Names { get; }

    /// <summary>The value of <c>Names[0]</c>.</summary>
    public int FirstNameValue { get; }

    public bool IsDayField => ReferenceEquals(this, DayOfMonth) || ReferenceEquals(this, DayOfWeek);

    /// <summary>How a value may be written, for error messages.</summary>
    public string ValueHint => Names switch
    {
        null => $"a number from {Min} to {Max}",
        _ when ReferenceEquals(this, Month) => $"a number from {Min} to {Max} or a month name (JAN to DEC)",
        _ => $"a number from {Min} to {Max} (0 and 7 are Sunday) or a day name (SUN to SAT)",
    };
}
