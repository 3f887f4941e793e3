using System.Globalization;

namespace ActorJobs.Server.Problems;

/// <summary>The problems of a request body that is too large or not JSON.</summary>
internal static class BodyLimits
{
    /// <summary>413: the body is over the limit.</summary>
    public static ApiProblemException TooLarge(long? limit) =>
        new(StatusCodes.Status413PayloadTooLarge, ProblemKinds.BodyTooLarge, "The request body is too large.",
            limit is { } bytes
                ? string.Create(CultureInfo.InvariantCulture, $"body: the request body is larger than the limit of {bytes} bytes (ActorJobs:Server:MaxRequestBodyBytes); send fewer jobs per request.")
                : "body: the request body is larger than the limit (ActorJobs:Server:MaxRequestBodyBytes); send fewer jobs per request.",
            "body");

    /// <summary>415: the body is not declared as JSON.</summary>
    public static ApiProblemException NotJson(string? contentType) =>
        new(StatusCodes.Status415UnsupportedMediaType, ProblemKinds.UnsupportedMediaType, "The request body must be JSON.",
            contentType is null
                ? "Content-Type: missing; send the body as application/json."
                : $"Content-Type: '{contentType}' is not supported; send the body as application/json.",
            "Content-Type");
}
