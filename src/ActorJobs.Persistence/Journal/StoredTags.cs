using System.Text.Json;

namespace ActorJobs.Persistence.Journal;

/// <summary>
/// How database backends keep an event's tags in one text column: a JSON array of strings, or NULL when the event
/// has none (the common case, which then costs nothing).
/// </summary>
public static class StoredTags
{
    /// <summary>The column value for <paramref name="tags"/>: null when there are none.</summary>
    /// <param name="tags">The event's tags.</param>
    public static string? Encode(IReadOnlyList<string> tags)
    {
        ArgumentNullException.ThrowIfNull(tags);
        return tags.Count == 0 ? null : JsonSerializer.Serialize(tags, StoredTagsJsonContext.Default.IReadOnlyListString);
    }

    /// <summary>The tags for a column value; empty for null.</summary>
    /// <param name="column">What the column holds.</param>
    public static IReadOnlyList<string> Decode(string? column) =>
        column is null ? [] : JsonSerializer.Deserialize(column, StoredTagsJsonContext.Default.StringArray) ?? [];
}
