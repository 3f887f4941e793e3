using System.Text.Json;

namespace ActorJobs.Client;

/// <summary>An RFC 7807 problem document as a node sends it with every error answer.</summary>
/// <param name="Type">A URI reference naming the problem type.</param>
/// <param name="Title">A short summary.</param>
/// <param name="Status">The HTTP status code it repeats.</param>
/// <param name="Detail">What went wrong in this case.</param>
/// <param name="Errors">Errors by field (from an <c>errors</c> object of strings or string arrays, or a single <c>field</c> member).</param>
public sealed record ProblemDocument(string? Type, string? Title, int? Status, string? Detail, IReadOnlyDictionary<string, IReadOnlyList<string>> Errors)
{
    /// <summary>The media type of a problem document.</summary>
    public const string MediaType = "application/problem+json";

    /// <summary>Parses a problem document, or returns null when the text is not a JSON object with a title, detail or status.</summary>
    public static ProblemDocument? TryParse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var title = Text(root, "title");
            var detail = Text(root, "detail");
            int? status = root.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.Number && s.TryGetInt32(out var n) ? n : null;
            if (title is null && detail is null && status is null)
            {
                return null;
            }

            return new ProblemDocument(Text(root, "type"), title, status, detail, ReadErrors(root, detail));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static Dictionary<string, IReadOnlyList<string>> ReadErrors(JsonElement root, string? detail)
    {
        var errors = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (root.TryGetProperty("errors", out var e) && e.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in e.EnumerateObject())
            {
                errors[property.Name] = property.Value.ValueKind switch
                {
                    JsonValueKind.Array => [.. property.Value.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetRawText())],
                    JsonValueKind.String => [property.Value.GetString()!],
                    _ => [property.Value.GetRawText()],
                };
            }
        }
        else if (Text(root, "field") is { } field)
        {
            // A single named field with the detail as its message.
            errors[field] = [detail ?? string.Empty];
        }

        return errors;
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
