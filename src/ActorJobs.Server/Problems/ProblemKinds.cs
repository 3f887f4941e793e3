namespace ActorJobs.Server.Problems;

/// <summary>The problem types the API answers with; each is the last segment of the problem's <c>type</c> URI.</summary>
internal static class ProblemKinds
{
    /// <summary>The URI every problem type starts with.</summary>
    public const string TypePrefix = "https://actorjobs.dev/problems/";

    /// <summary>400: a field is wrong; the document names it.</summary>
    public const string InvalidField = "invalid-field";

    /// <summary>400: the body is not well-formed JSON or is nested too deep.</summary>
    public const string MalformedJson = "malformed-json";

    /// <summary>400: the request is malformed at the HTTP level.</summary>
    public const string BadRequest = "bad-request";

    /// <summary>401: no key, or a key that matches none configured.</summary>
    public const string Unauthorized = "unauthorized";

    /// <summary>403: a tenant key asked for an admin operation.</summary>
    public const string Forbidden = "forbidden";

    /// <summary>404.</summary>
    public const string NotFound = "not-found";

    /// <summary>409: the job's or schedule's state refuses the command.</summary>
    public const string Conflict = "conflict";

    /// <summary>413: the body is larger than the limit.</summary>
    public const string BodyTooLarge = "body-too-large";

    /// <summary>415: the body is not JSON.</summary>
    public const string UnsupportedMediaType = "unsupported-media-type";

    /// <summary>503: this node cannot take the request (not the scheduler, or it did not answer in time).</summary>
    public const string Unavailable = "unavailable";

    /// <summary>500: a fault of the node; its log has the details.</summary>
    public const string Internal = "internal";
}
