using System.Globalization;
using System.Text.Json;

namespace ActorJobs.Cli;

/// <summary>Reads the job values typed on the command line into their wire form; a bad one is a usage error.</summary>
internal static class JobInput
{
    private static readonly string[] PriorityNames = ["low", "normal", "high", "critical"];

    /// <summary>A JSON object given inline or as <c>@path</c> to a file holding it.</summary>
    public static JsonElement? Params(string? text, string option = "--params")
    {
        if (text is null)
        {
            return null;
        }

        if (text.StartsWith('@'))
        {
            var path = text[1..];
            try
            {
                text = File.ReadAllText(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
            {
                throw new CliUsageException($"{option}: cannot read '{path}': {e.Message}");
            }
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new CliUsageException($"{option}: expected a JSON object such as {{\"seconds\": 5}}, got {Kind(document.RootElement.ValueKind)}");
            }

            return document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new CliUsageException($"{option}: not valid JSON: {e.Message}");
        }
    }

    private static string Kind(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    /// <summary>1..10 as a number, or one of low, normal, high, critical.</summary>
    public static JsonElement? Priority(string? text)
    {
        if (text is null)
        {
            return null;
        }

        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number))
        {
            if (number is < 1 or > 10)
            {
                throw new CliUsageException($"--priority: {number} is outside 1..10");
            }

            return JsonSerializer.SerializeToElement(number);
        }

        var name = text.ToLowerInvariant();
        if (!PriorityNames.Contains(name))
        {
            throw new CliUsageException($"--priority: '{text}' is neither 1..10 nor one of {string.Join(", ", PriorityNames)}");
        }

        return JsonSerializer.SerializeToElement(name);
    }

    /// <summary>An ISO 8601 instant (<c>2026-12-01T18:00:00Z</c>) or a delay from now (<c>+30s</c>, <c>+5m</c>, <c>+2h</c>, <c>+1d</c>).</summary>
    public static DateTimeOffset? NotBefore(string? text, TimeProvider clock)
    {
        if (text is null)
        {
            return null;
        }

        if (text.StartsWith('+') && text.Length > 2
            && double.TryParse(text[1..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) && amount >= 0)
        {
            TimeSpan? delay = text[^1] switch
            {
                's' => TimeSpan.FromSeconds(amount),
                'm' => TimeSpan.FromMinutes(amount),
                'h' => TimeSpan.FromHours(amount),
                'd' => TimeSpan.FromDays(amount),
                _ => null,
            };
            if (delay is { } d)
            {
                return clock.GetUtcNow() + d;
            }
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            return at;
        }

        throw new CliUsageException($"--not-before: '{text}' is neither an ISO 8601 time (2026-12-01T18:00:00Z) nor a delay (+30s, +5m, +2h, +1d)");
    }
}
