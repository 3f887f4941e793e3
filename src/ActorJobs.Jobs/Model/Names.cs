namespace ActorJobs.Jobs;

/// <summary>Checks on the names users give things (queues, types, groups, resources, tenants, keys).</summary>
public static class Names
{
    /// <summary>The longest name accepted.</summary>
    public const int MaxLength = 200;

    /// <summary>Checks a required name: not empty, at most 200 characters, no control characters.</summary>
    /// <exception cref="JobValidationException">The name is unusable; the message says why.</exception>
    public static string Require(string? value, string field)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new JobValidationException(field, "must not be empty");
        }

        return Check(value, field);
    }

    /// <summary>Checks an optional name: null passes; otherwise as <see cref="Require"/>.</summary>
    public static string? Optional(string? value, string field) => value is null ? null : Require(value, field);

    private static string Check(string value, string field)
    {
        if (value.Length > MaxLength)
        {
            throw new JobValidationException(field, $"is {value.Length} characters long; at most {MaxLength} are allowed");
        }

        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsControl(value[i]))
            {
                throw new JobValidationException(field, $"contains a control character (U+{(int)value[i]:X4}) at position {i}");
            }
        }

        if (value.Trim().Length != value.Length)
        {
            throw new JobValidationException(field, "must not start or end with white space");
        }

        return value;
    }
}
