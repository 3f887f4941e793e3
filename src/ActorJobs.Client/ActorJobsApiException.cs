using System.Net;

namespace ActorJobs.Client;

/// <summary>
/// A node answered with an error status. Carries the status code and, when the body was an RFC 7807 problem document,
/// its title, detail and per-field errors.
/// </summary>
public sealed class ActorJobsApiException : Exception
{
    /// <summary>Creates the exception for an error answer.</summary>
    /// <param name="statusCode">The HTTP status code.</param>
    /// <param name="problem">The parsed problem document, or null when the body was not one.</param>
    /// <param name="body">The raw body (truncated), for messages when there is no problem document.</param>
    public ActorJobsApiException(HttpStatusCode statusCode, ProblemDocument? problem, string? body = null)
        : base(Describe(statusCode, problem, body))
    {
        StatusCode = statusCode;
        Problem = problem;
    }

    /// <summary>Creates the exception with a plain message (status 0: no answer).</summary>
    public ActorJobsApiException()
    {
    }

    /// <summary>Creates the exception with a plain message (status 0: no answer).</summary>
    public ActorJobsApiException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a plain message and its cause (status 0: no answer).</summary>
    public ActorJobsApiException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The HTTP status code of the answer.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>The problem document, if the body was one.</summary>
    public ProblemDocument? Problem { get; }

    /// <summary>The problem's title, if any.</summary>
    public string? Title => Problem?.Title;

    /// <summary>The problem's detail, if any.</summary>
    public string? Detail => Problem?.Detail;

    /// <summary>Errors by field name (empty when the problem named no field).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> FieldErrors =>
        Problem?.Errors ?? new Dictionary<string, IReadOnlyList<string>>();

    private static string Describe(HttpStatusCode statusCode, ProblemDocument? problem, string? body)
    {
        var code = (int)statusCode;
        if (problem is null)
        {
            return string.IsNullOrWhiteSpace(body) ? $"HTTP {code} {statusCode}" : $"HTTP {code} {statusCode}: {body}";
        }

        var text = $"HTTP {code}: {problem.Title ?? statusCode.ToString()}";
        if (!string.IsNullOrEmpty(problem.Detail))
        {
            text += $" - {problem.Detail}";
        }

        foreach (var (field, messages) in problem.Errors)
        {
            text += $"{Environment.NewLine}  {field}: {string.Join("; ", messages)}";
        }

        return text;
    }
}
