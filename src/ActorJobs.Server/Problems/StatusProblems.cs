using Microsoft.AspNetCore.Diagnostics;

namespace ActorJobs.Server.Problems;

/// <summary>
/// Problem documents for the answers routing gives without an endpoint: 404 (no such route), 405 (a method the route
/// does not take) and 415 (a body that is not JSON, refused by the route's accepted content types).
/// </summary>
internal static class StatusProblems
{
    public static Task WriteAsync(StatusCodeContext statusContext)
    {
        var context = statusContext.HttpContext;
        var request = context.Request;
        var problem = context.Response.StatusCode switch
        {
            StatusCodes.Status415UnsupportedMediaType => BodyLimits.NotJson(request.ContentType),
            StatusCodes.Status404NotFound => ApiProblemException.NotFound($"No resource at {request.Path}; GET /openapi/v1.json lists every route."),
            StatusCodes.Status405MethodNotAllowed => new ApiProblemException(
                StatusCodes.Status405MethodNotAllowed, "method-not-allowed", "Method not allowed.", $"{request.Method} is not allowed on {request.Path}; GET /openapi/v1.json lists every route."),
            var status => new ApiProblemException(status, "http-" + status, "The request failed.", $"The request failed with status {status}."),
        };
        return ProblemWriter.WriteAsync(context, problem);
    }
}
