using System.Globalization;
using System.Text.Json;
using ActorJobs.Server.Problems;

namespace ActorJobs.Server.Json;

/// <summary>
/// Turns a <see cref="JsonException"/> from reading a body into a 400 that names the field in the API's terms
/// (<c>jobs[3].priority</c>, not <c>$.jobs[3].priority</c>) and says what is wrong without CLR type names.
/// </summary>
internal static class JsonProblems
{
    public static ApiProblemException From(JsonException e, int maxDepth)
    {
        var field = FieldOf(e.Path);
        var message = e.Message;
        var (kind, problem) = message switch
        {
            _ when message.Contains("maximum configured depth", StringComparison.Ordinal) =>
                (ProblemKinds.MalformedJson, string.Create(CultureInfo.InvariantCulture, $"is nested deeper than the limit of {maxDepth} levels (ActorJobs:Server:MaxJsonDepth)")),
            _ when message.Contains("could not be mapped to any .NET member", StringComparison.Ordinal) => (ProblemKinds.InvalidField, "is not a known field"),
            _ when message.Contains("Duplicate", StringComparison.OrdinalIgnoreCase) => (ProblemKinds.InvalidField, "appears more than once"),
            _ when message.Contains("could not be converted to", StringComparison.Ordinal) => (ProblemKinds.InvalidField, $"has the wrong type; expected {Expected(message)}"),
            _ when message.Contains("does not contain any JSON tokens", StringComparison.Ordinal) => (ProblemKinds.MalformedJson, "is empty; send a JSON object"),
            _ => (ProblemKinds.MalformedJson, $"is not valid JSON ({Plain(message)})"),
        };
        return new ApiProblemException(StatusCodes.Status400BadRequest, kind, "The request body is not acceptable.", $"{field}: {problem}.", field);
    }

    /// <summary>The API's name of the field a JSON path points at (<c>body</c> for the whole document).</summary>
    public static string FieldOf(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return "body";
        }

        var field = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
        field = field.Replace("['", ".", StringComparison.Ordinal).Replace("']", "", StringComparison.Ordinal).TrimStart('.');
        return field.Length == 0 ? "body" : field;
    }

    private static string Expected(string message)
    {
        var target = message[(message.IndexOf("could not be converted to", StringComparison.Ordinal) + "could not be converted to".Length)..];
        return target switch
        {
            _ when target.Contains("DateTimeOffset", StringComparison.Ordinal) => "an ISO 8601 date and time such as 2030-01-01T00:00:00Z",
            _ when target.Contains("Double", StringComparison.Ordinal) || target.Contains("Int32", StringComparison.Ordinal) || target.Contains("Int64", StringComparison.Ordinal) => "a number",
            _ when target.Contains("Boolean", StringComparison.Ordinal) => "true or false",
            _ when target.Contains("IReadOnlyList", StringComparison.Ordinal) || target.Contains("List`", StringComparison.Ordinal) || target.Contains("[]", StringComparison.Ordinal) => "an array",
            _ when target.Contains("String", StringComparison.Ordinal) => "a string",
            _ => "an object",
        };
    }

    private static string Plain(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).TrimEnd('.');
    }
}
