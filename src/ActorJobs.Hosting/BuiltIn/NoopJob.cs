using ActorJobs.Jobs;

namespace ActorJobs.Hosting.BuiltIn;

/// <summary>The <c>noop</c> job type: succeeds at once with an empty object.</summary>
internal static class NoopJob
{
    public const string ParamsSchema = """{"type":"object","additionalProperties":false}""";

    private static readonly Task<object?> Empty = Task.FromResult<object?>(new Dictionary<string, object>());

    public static Task<object?> RunAsync(JobContext context) => Empty;
}
