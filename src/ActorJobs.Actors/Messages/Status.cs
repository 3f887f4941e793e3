namespace ActorJobs.Actors;

/// <summary>Replies that carry an outcome rather than a value, as used by <c>PipeTo</c> and <c>Ask</c>.</summary>
public static class Status
{
    /// <summary>The operation succeeded; <see cref="Result"/> may carry its value.</summary>
    public sealed record Success(object? Result);

    /// <summary>The operation failed with <see cref="Cause"/>. <c>Ask</c> rethrows the cause to its caller.</summary>
    public sealed record Failure(Exception Cause);
}
