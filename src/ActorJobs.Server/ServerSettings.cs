using ActorJobs.Server.Auth;

namespace ActorJobs.Server;

/// <summary>The REST API's settings, bound from the configuration section <c>ActorJobs:Server</c>.</summary>
public sealed class ServerSettings
{
    /// <summary>The configuration section.</summary>
    public const string Section = "ActorJobs:Server";

    /// <summary>The port used when no <c>--urls</c> is given (default 5080).</summary>
    public int Port { get; set; } = 5080;

    /// <summary>
    /// The API keys, each stored as the SHA-256 of the key (never the key itself). With none, the node listens on
    /// 127.0.0.1 only and every local caller is an admin of the default tenant.
    /// </summary>
    public List<ApiKeySettings> ApiKeys { get; } = [];

    /// <summary>The largest request body accepted, in bytes (default 1 MiB).</summary>
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>The deepest JSON nesting accepted in a request body (default 32).</summary>
    public int MaxJsonDepth { get; set; } = 32;

    /// <summary>The most jobs one POST /jobs/bulk may carry (default 10,000).</summary>
    public int MaxBulkJobs { get; set; } = 10_000;

    /// <summary>Seconds between heartbeat comments on GET /events (default 15).</summary>
    public double HeartbeatSeconds { get; set; } = 15;

    /// <summary>Checks the values.</summary>
    /// <exception cref="InvalidOperationException">A value is out of range; the message names its key.</exception>
    public ServerSettings Validate()
    {
        Check(Port is >= 0 and <= 65535, nameof(Port), $"{Port} is not a port; use 0 to 65535");
        Check(MaxRequestBodyBytes is >= 1024 and <= 1024L * 1024 * 1024, nameof(MaxRequestBodyBytes), $"{MaxRequestBodyBytes} is out of range; use 1024 to 1073741824");
        Check(MaxJsonDepth is >= 2 and <= 256, nameof(MaxJsonDepth), $"{MaxJsonDepth} is out of range; use 2 to 256");
        Check(MaxBulkJobs is >= 1 and <= 1_000_000, nameof(MaxBulkJobs), $"{MaxBulkJobs} is out of range; use 1 to 1000000");
        Check(HeartbeatSeconds is > 0 and <= 3600, nameof(HeartbeatSeconds), $"{HeartbeatSeconds} is out of range; use more than 0 and at most 3600");
        return this;
    }

    private static void Check(bool ok, string key, string problem)
    {
        if (!ok)
        {
            throw new InvalidOperationException($"{Section}:{key}: {problem}.");
        }
    }
}
