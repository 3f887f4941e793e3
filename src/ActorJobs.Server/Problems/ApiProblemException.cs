namespace ActorJobs.Server.Problems;

/// <summary>A request the API refuses, with the RFC 7807 problem document it answers with.</summary>
internal sealed class ApiProblemException(int status, string kind, string title, string detail, string? field = null)
    : Exception(detail)
{
    /// <summary>The HTTP status.</summary>
    public int Status { get; } = status;

    /// <summary>The problem kind, the last part of the problem type URI.</summary>
    public string Kind { get; } = kind;

    /// <summary>A short summary that does not change between occurrences.</summary>
    public string Title { get; } = title;

    /// <summary>The bad field, when one is to blame.</summary>
    public string? Field { get; } = field;

    /// <summary>400: a field is wrong.</summary>
    public static ApiProblemException Invalid(string field, string problem) =>
        new(StatusCodes.Status400BadRequest, ProblemKinds.InvalidField, "A field of the request is invalid.", $"{field}: {problem}.", field);

    /// <summary>404: the thing named does not exist (or belongs to another tenant).</summary>
    public static ApiProblemException NotFound(string detail) =>
        new(StatusCodes.Status404NotFound, ProblemKinds.NotFound, "Not found.", detail);

    /// <summary>403: the key may not do this.</summary>
    public static ApiProblemException Forbidden(string detail) =>
        new(StatusCodes.Status403Forbidden, ProblemKinds.Forbidden, "Forbidden.", detail);

    /// <summary>409: the request conflicts with the current state.</summary>
    public static ApiProblemException Conflict(string detail) =>
        new(StatusCodes.Status409Conflict, ProblemKinds.Conflict, "The request conflicts with the current state.", detail);
}
