using Microsoft.AspNetCore.Mvc;

namespace ActorJobs.Server.Problems;

/// <summary>Writes RFC 7807 problem documents (<c>application/problem+json</c>).</summary>
internal static class ProblemWriter
{
    /// <summary>The problem document for <paramref name="problem"/>.</summary>
    public static ProblemDetails Document(HttpContext context, ApiProblemException problem, IReadOnlyDictionary<string, object?>? extensions = null)
    {
        var document = new ProblemDetails
        {
            Type = ProblemKinds.TypePrefix + problem.Kind,
            Title = problem.Title,
            Status = problem.Status,
            Detail = problem.Message,
            Instance = context.Request.Path,
        };
        if (problem.Field is not null)
        {
            document.Extensions["field"] = problem.Field;
        }

        if (extensions is not null)
        {
            foreach (var (key, value) in extensions)
            {
                document.Extensions[key] = value;
            }
        }

        return document;
    }

    /// <summary>Answers the request with <paramref name="problem"/>.</summary>
    public static Task WriteAsync(HttpContext context, ApiProblemException problem, IReadOnlyDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(Document(context, problem, extensions)).ExecuteAsync(context);
}
