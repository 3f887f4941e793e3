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
    public const string ExpectedString = "a string";
    public const string ExpectedNumber = "a number";
    public const string ExpectedArray = "an array";
    public const string ExpectedObject = "an object";
    public const string ExpectedInstant = "an ISO 8601 date and time such as 2030-01-01T00:00:00Z";

    public static ApiProblemException From(JsonException e, int maxDepth)
    {
        var field = FieldOf(e.Path);
        var message = e.Message;
        return message switch
        {
            _ when message.Contains("maximum configured depth", StringComparison.Ordinal) => TooDeep(field, maxDepth),
            _ when message.Contains("could not be mapped to any .NET member", StringComparison.Ordinal) => UnknownField(field),
            _ when message.Contains("Duplicate", StringComparison.OrdinalIgnoreCase) => Duplicate(field),
            _ when message.Contains("could not be converted to", StringComparison.Ordinal) => WrongType(field, Expected(message)),
            _ when message.Contains("does not contain any JSON tokens", StringComparison.Ordinal) => Empty(),
            _ => Malformed(field, message),
        };
    }

    /// <summary>The body, or a value in it, nests deeper than the limit.</summary>
    public static ApiProblemException TooDeep(string field, int maxDepth) =>
        Problem(ProblemKinds.MalformedJson, field, string.Create(CultureInfo.InvariantCulture, $"is nested deeper than the limit of {maxDepth} levels (ActorJobs:Server:MaxJsonDepth)"));

    /// <summary>A field the request type does not have.</summary>
    public static ApiProblemException UnknownField(string field) => Problem(ProblemKinds.InvalidField, field, "is not a known field");

    /// <summary>A field given twice in one object.</summary>
    public static ApiProblemException Duplicate(string field) => Problem(ProblemKinds.InvalidField, field, "appears more than once");

    /// <summary>A value of the wrong JSON type; <paramref name="expected"/> in words, such as "a number".</summary>
    public static ApiProblemException WrongType(string field, string expected) => Problem(ProblemKinds.InvalidField, field, $"has the wrong type; expected {expected}");

    /// <summary>No body at all.</summary>
    public static ApiProblemException Empty() => Problem(ProblemKinds.MalformedJson, "body", "is empty; send a JSON object");

    /// <summary>Not well-formed JSON at <paramref name="field"/>; <paramref name="message"/> is the reader's.</summary>
    public static ApiProblemException Malformed(string field, string message) => Problem(ProblemKinds.MalformedJson, field, $"is not valid JSON ({Plain(message)})");

    /// <summary>The body is the JSON literal null.</summary>
    public static ApiProblemException Null() => new(
        StatusCodes.Status400BadRequest, ProblemKinds.MalformedJson, "The request body is not valid JSON.", "body: must be a JSON object, not null.", "body");

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
            _ when target.Contains("DateTimeOffset", StringComparison.Ordinal) => ExpectedInstant,
            _ when target.Contains("Double", StringComparison.Ordinal) || target.Contains("Int32", StringComparison.Ordinal) || target.Contains("Int64", StringComparison.Ordinal) => ExpectedNumber,
            _ when target.Contains("Boolean", StringComparison.Ordinal) => "true or false",
            _ when target.Contains("IReadOnlyList", StringComparison.Ordinal) || target.Contains("List`", StringComparison.Ordinal) || target.Contains("[]", StringComparison.Ordinal) => ExpectedArray,
            _ when target.Contains("String", StringComparison.Ordinal) => ExpectedString,
            _ => ExpectedObject,
        };
    }

    private static ApiProblemException Problem(string kind, string field, string problem) =>
        new(StatusCodes.Status400BadRequest, kind, "The request body is not acceptable.", $"{field}: {problem}.", field);

    // The serializer's messages go on with " Path: ..."; the reader's own with " LineNumber: ...".
    private static string Plain(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        cut = cut > 0 ? cut : message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).TrimEnd('.');
    }
}
