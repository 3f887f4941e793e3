using System.Globalization;
using System.Text.Json;
using ActorJobs.Client.Contracts;
using ActorJobs.Jobs;

namespace ActorJobs.Server.Mapping;

/// <summary>
/// Turns submit requests into engine submissions. Fields the engine checks under other names (a timeout in seconds, a
/// priority given as a name) are checked here under their wire names; the rest the engine's catalog checks.
/// </summary>
internal static class SubmissionMapping
{
    public static JobSubmission ToSubmission(this SubmitJobRequest request, string tenant)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new JobSubmission
        {
            Type = RequiredType(request.Type),
            Tenant = tenant,
            Owner = request.Owner,
            IdempotencyKey = request.IdempotencyKey,
            Params = ParamsText(request.Params, "params"),
            Priority = Priority(request.Priority, "priority"),
            NotBefore = request.NotBefore,
            Timeout = TimeoutOf(request.TimeoutSeconds, "timeoutSeconds"),
            MaxRetries = MaxRetriesOf(request.MaxRetries, "maxRetries"),
            Resources = request.Resources,
            Queue = request.Queue,
        };
    }

    /// <summary>The job type's id, which every submit must give.</summary>
    public static string RequiredType(string? type) =>
        type ?? throw new JobValidationException("type", "is required: the id of a job type (GET /job-types lists them)");

    /// <summary>The params as JSON text: an object, or null for none.</summary>
    public static string? ParamsText(JsonElement? value, string field) => value switch
    {
        null => null,
        { ValueKind: JsonValueKind.Object } element => element.GetRawText(),
        { ValueKind: JsonValueKind.Null } => null,
        { } element => throw new JobValidationException(field, $"must be a JSON object, not {element.ValueKind.ToString().ToLowerInvariant()}"),
    };

    /// <summary>A priority given as a number 1..10 or a name (low, normal, high, critical).</summary>
    public static int? Priority(JsonElement? value, string field) => value switch
    {
        null or { ValueKind: JsonValueKind.Null } => null,
        { ValueKind: JsonValueKind.Number } number => number.TryGetInt32(out var n)
            ? JobPriority.Validate(n, field)
            : throw new JobValidationException(field, $"{number.GetRawText()} is not a priority; use a whole number 1 (lowest) to 10 (highest), or low, normal, high, critical"),
        { ValueKind: JsonValueKind.String } text => JobPriority.Parse(text.GetString()!, field),
        { } other => throw new JobValidationException(field, $"must be a number or a name, not {other.ValueKind.ToString().ToLowerInvariant()}"),
    };

    /// <summary>Retries after the first attempt, 0 to the engine's limit.</summary>
    public static int? MaxRetriesOf(int? retries, string field) => retries is { } n && n is < 0 or > RetryPolicy.MaxRetriesLimit
        ? throw new JobValidationException(field, $"{n} is out of range; use 0 to {RetryPolicy.MaxRetriesLimit}")
        : retries;

    /// <summary>A per-attempt timeout given in seconds.</summary>
    public static TimeSpan? TimeoutOf(double? seconds, string field)
    {
        if (seconds is not { } value)
        {
            return null;
        }

        var max = JobTypeDefinition.MaxTimeout.TotalSeconds;
        return value > 0 && value <= max
            ? TimeSpan.FromSeconds(value)
            : throw new JobValidationException(field, string.Create(CultureInfo.InvariantCulture, $"{value} is out of range; use more than 0 and at most {max} seconds (30 days)"));
    }
}
