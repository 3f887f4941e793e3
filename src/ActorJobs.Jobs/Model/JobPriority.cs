namespace ActorJobs.Jobs;

/// <summary>
/// Job priorities: 1 (lowest) to 10 (highest); higher runs first, and within one priority the job submitted first
/// runs first. The names <c>low</c> (2), <c>normal</c> (5), <c>high</c> (8) and <c>critical</c> (10) are accepted too.
/// </summary>
public static class JobPriority
{
    /// <summary>The lowest priority.</summary>
    public const int Min = 1;

    /// <summary>The highest priority.</summary>
    public const int Max = 10;

    /// <summary>The name <c>low</c>.</summary>
    public const int Low = 2;

    /// <summary>The name <c>normal</c>, and the default.</summary>
    public const int Normal = 5;

    /// <summary>The name <c>high</c>.</summary>
    public const int High = 8;

    /// <summary>The name <c>critical</c>.</summary>
    public const int Critical = 10;

    /// <summary>Checks a numeric priority.</summary>
    /// <exception cref="JobValidationException">Outside 1..10.</exception>
    public static int Validate(int priority, string field = "priority") =>
        priority is >= Min and <= Max
            ? priority
            : throw new JobValidationException(field, $"priority {priority} is out of range; use 1 (lowest) to 10 (highest), or low, normal, high, critical");

    /// <summary>Parses a number 1..10 or one of the names.</summary>
    /// <exception cref="JobValidationException">Neither a number in range nor a known name.</exception>
    public static int Parse(string text, string field = "priority")
    {
        ArgumentNullException.ThrowIfNull(text);
        if (int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var number))
        {
            return Validate(number, field);
        }

        return text.Trim().ToUpperInvariant() switch
        {
            "LOW" => Low,
            "NORMAL" => Normal,
            "HIGH" => High,
            "CRITICAL" => Critical,
            _ => throw new JobValidationException(field, $"'{text}' is not a priority; use 1 (lowest) to 10 (highest), or low, normal, high, critical"),
        };
    }
}
