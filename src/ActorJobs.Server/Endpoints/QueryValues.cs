using System.Globalization;
using ActorJobs.Jobs;

namespace ActorJobs.Server.Endpoints;

/// <summary>
/// Query string values, parsed here rather than by parameter binding so a bad one is a 400 that names it
/// (<c>limit: 'ten' is not a whole number</c>) instead of a bare 400.
/// </summary>
internal static class QueryValues
{
    /// <summary>A whole number in <paramref name="min"/>..<paramref name="max"/>, or <paramref name="fallback"/> when absent.</summary>
    /// <exception cref="JobValidationException">Not a whole number, or out of range.</exception>
    public static int Int(string? text, string field, int fallback, int min, int max)
    {
        if (string.IsNullOrEmpty(text))
        {
            return fallback;
        }

        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            throw new JobValidationException(field, $"'{Shorten(text)}' is not a whole number");
        }

        return value >= min && value <= max
            ? value
            : throw new JobValidationException(field, $"{value} is out of range; use {min} to {max}");
    }

    /// <summary>A whole number of at least 0, or <paramref name="fallback"/> when absent.</summary>
    /// <exception cref="JobValidationException">Not a whole number, or negative.</exception>
    public static long Long(string? text, string field, long fallback)
    {
        if (string.IsNullOrEmpty(text))
        {
            return fallback;
        }

        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new JobValidationException(field, $"'{Shorten(text)}' is not a whole number of at least 0");
    }

    /// <summary>Values given as repeated parameters, comma-separated, or both; each checked as a name.</summary>
    /// <exception cref="JobValidationException">A value is empty or has control characters.</exception>
    public static IReadOnlyList<string> List(string[]? values, string field)
    {
        if (values is null || values.Length == 0)
        {
            return [];
        }

        var list = new List<string>();
        foreach (var value in values)
        {
            foreach (var part in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                list.Add(Names.Require(part, field));
            }
        }

        return list;
    }

    /// <summary>An optional name, checked.</summary>
    public static string? Name(string? text, string field) => string.IsNullOrEmpty(text) ? null : Names.Require(text, field);

    /// <summary>A value as it may appear in a message: at most 60 characters, control characters shown as '?'.</summary>
    public static string Shorten(string text)
    {
        var shown = text.Length > 60 ? text[..60] + "..." : text;
        return string.Create(shown.Length, shown, (span, s) =>
        {
            for (var i = 0; i < s.Length; i++)
            {
                span[i] = char.IsControl(s[i]) ? '?' : s[i];
            }
        });
    }
}
