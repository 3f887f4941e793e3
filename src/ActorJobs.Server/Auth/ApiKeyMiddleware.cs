using ActorJobs.Server.Problems;
using Microsoft.AspNetCore.Authorization;

namespace ActorJobs.Server.Auth;

/// <summary>
/// Finds the caller of each request from its <c>X-Api-Key</c> header or <c>Authorization: Bearer</c> token. A request
/// with no key, or one that matches none, gets a 401 problem document; endpoints marked <c>AllowAnonymous</c> (health,
/// the OpenAPI document) pass without one. A node without keys serves 127.0.0.1 only, and every caller is a local admin.
/// </summary>
internal sealed partial class ApiKeyMiddleware(RequestDelegate next, ApiKeyRing keys, ILogger<ApiKeyMiddleware> logger)
{
    /// <summary>The header that carries the key.</summary>
    public const string HeaderName = "X-Api-Key";

    public Task InvokeAsync(HttpContext context)
    {
        if (keys.IsEmpty)
        {
            Caller.Local.AttachTo(context);
            return next(context);
        }

        var presented = PresentedKey(context.Request);
        var caller = presented is null ? null : keys.Authenticate(presented);
        if (caller is not null)
        {
            caller.AttachTo(context);
            return next(context);
        }

        if (context.GetEndpoint()?.Metadata.GetMetadata<IAllowAnonymous>() is not null)
        {
            return next(context);
        }

        if (presented is not null)
        {
            // The key is never logged, not even in part.
            LogRejected(logger, context.Connection.RemoteIpAddress?.ToString() ?? "unknown", context.Request.Method, context.Request.Path);
        }

        context.Response.Headers.WWWAuthenticate = "Bearer";
        return ProblemWriter.WriteAsync(context, new ApiProblemException(
            StatusCodes.Status401Unauthorized,
            ProblemKinds.Unauthorized,
            "An API key is required.",
            presented is null
                ? $"{HeaderName}: missing; send an API key in the {HeaderName} header or as Authorization: Bearer <key>."
                : $"{HeaderName}: the key matches no configured API key.",
            HeaderName));
    }

    private static string? PresentedKey(HttpRequest request)
    {
        if (request.Headers.TryGetValue(HeaderName, out var header) && header.Count == 1 && !string.IsNullOrEmpty(header[0]))
        {
            return header[0];
        }

        var authorization = request.Headers.Authorization;
        if (authorization.Count == 1 && authorization[0] is { } value && value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var token = value["Bearer ".Length..].Trim();
            return token.Length == 0 ? null : token;
        }

        return null;
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "Rejected an API key from {Remote} for {Method} {Path}: it matches no configured key")]
    private static partial void LogRejected(ILogger logger, string remote, string method, string path);
}
