using System.Text.Json;
using System.Text.Json.Serialization;

namespace ActorJobs.Client;

/// <summary>The JSON settings of the wire: camelCase names, nulls left out, numbers strictly numbers.</summary>
public static class ActorJobsJson
{
    /// <summary>The options every request and response uses.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The same, indented, for people and scripts reading the CLI's <c>--json</c> output.</summary>
    public static JsonSerializerOptions Indented { get; } = new(Options) { WriteIndented = true };
}
