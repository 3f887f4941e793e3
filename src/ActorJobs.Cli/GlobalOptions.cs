using System.CommandLine;

namespace ActorJobs.Cli;

/// <summary>The options every client command takes: where the node is, the key, and JSON output.</summary>
internal sealed class GlobalOptions
{
    public const string DefaultUrl = "http://127.0.0.1:5080";

    public Option<string?> Url { get; } = new("--url")
    {
        Description = $"The node's URL (default: $ACTORJOBS_URL, else {DefaultUrl})",
        Recursive = true,
    };

    public Option<string?> ApiKey { get; } = new("--api-key")
    {
        Description = "The API key (default: $ACTORJOBS_API_KEY)",
        Recursive = true,
    };

    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Print the node's answer as JSON, for scripts",
        Recursive = true,
    };
}
