namespace ActorJobs.Jobs.Scheduling;

/// <summary>Stable wire names of <see cref="MisfirePolicy"/> and <see cref="OverlapPolicy"/>, and their parsing.</summary>
public static class SchedulePolicies
{
    /// <summary>The stable name used on the wire and in the database: <c>fire-once-now</c>, <c>skip</c>, <c>catch-up</c>.</summary>
    public static string WireName(this MisfirePolicy policy) => policy switch
    {
        MisfirePolicy.FireOnceNow => "fire-once-now",
        MisfirePolicy.Skip => "skip",
        MisfirePolicy.CatchUp => "catch-up",
        _ => throw new ArgumentOutOfRangeException(nameof(policy), policy, "Not a misfire policy."),
    };

    /// <summary>The stable name used on the wire and in the database: <c>allow</c>, <c>skip-if-running</c>, <c>cancel-previous</c>.</summary>
    public static string WireName(this OverlapPolicy policy) => policy switch
    {
        OverlapPolicy.Allow => "allow",
        OverlapPolicy.SkipIfRunning => "skip-if-running",
        OverlapPolicy.CancelPrevious => "cancel-previous",
        _ => throw new ArgumentOutOfRangeException(nameof(policy), policy, "Not an overlap policy."),
    };

    /// <summary>Parses a misfire policy's wire name (case-insensitive).</summary>
    /// <exception cref="JobValidationException">Not one of the names; the message lists them.</exception>
    public static MisfirePolicy ParseMisfire(string? text, string field = "misfire.policy") =>
        Parse(text, field, Enum.GetValues<MisfirePolicy>(), WireName);

    /// <summary>Parses an overlap policy's wire name (case-insensitive).</summary>
    /// <exception cref="JobValidationException">Not one of the names; the message lists them.</exception>
    public static OverlapPolicy ParseOverlap(string? text, string field = "overlap") =>
        Parse(text, field, Enum.GetValues<OverlapPolicy>(), WireName);

    private static T Parse<T>(string? text, string field, T[] values, Func<T, string> name)
    {
        foreach (var value in values)
        {
            if (string.Equals(text, name(value), StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        throw new JobValidationException(field, $"'{text}' is not a policy; use {string.Join(", ", values.Select(name))}");
    }
}
