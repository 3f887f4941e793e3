namespace ActorJobs.Hosting;

/// <summary>
/// A job type that runs one executable, declared in configuration (<c>ActorJobs:ProcessJobTypes:{id}</c>). Its jobs
/// pass arguments in <c>params.args</c>; they are handed to the executable as an argument list, never to a shell.
/// </summary>
public sealed record ProcessJobTypeSettings
{
    /// <summary>The job type's id.</summary>
    public required string Id { get; init; }

    /// <summary>The only program jobs of this type run (an absolute path, or a name looked up on PATH).</summary>
    public required string Executable { get; init; }

    /// <summary>
    /// When set, every argument must match one of these regular expressions in full; a job with another argument is
    /// rejected at submit. When null, any argument is allowed (they still never reach a shell).
    /// </summary>
    public IReadOnlyList<string>? AllowedArguments { get; init; }

    /// <summary>The working directory (default: the node's).</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Environment variables set for the process, on top of the node's.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The per-attempt timeout (default 1 hour); at it, the whole process tree is killed.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromHours(1);

    /// <summary>The job group (default <c>compute</c>).</summary>
    public string Group { get; init; } = "compute";
}
