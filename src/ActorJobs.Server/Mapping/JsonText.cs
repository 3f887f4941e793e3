using System.Text.Json;

namespace ActorJobs.Server.Mapping;

/// <summary>Stored JSON text (params, results) as JSON values in responses.</summary>
internal static class JsonText
{
    private static readonly JsonElement EmptyObject = Parse("{}");

    /// <summary>The value of <paramref name="json"/>; an empty object for null or empty text.</summary>
    public static JsonElement Parse(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return EmptyObject;
        }

        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    /// <summary>The value of <paramref name="json"/>, or null for null text.</summary>
    public static JsonElement? ParseOptional(string? json) => json is null ? null : Parse(json);
}
